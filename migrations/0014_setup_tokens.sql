-- One-time links to create the first administrator in the browser (only a hash is kept).
create table setup_tokens (
    token_hash  text primary key,
    created_at  timestamptz not null default now(),
    expires_at  timestamptz not null,
    used_at     timestamptz
);
