-- Sessions end after a time without use (idle) as well as at their absolute expiry.
alter table sessions add column last_seen_at timestamptz not null default now();
