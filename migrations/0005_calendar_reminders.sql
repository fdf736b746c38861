-- Private calendar feed keys (one per account, stored only as a SHA-256 hash, like API tokens)
-- and the log of reminder digests sent, so an account gets at most one digest a day.

create table calendar_keys (
    user_id       bigint primary key references users (id) on delete cascade,
    key_hash      text not null,
    created_at    timestamptz not null default now(),
    last_used_at  timestamptz,
    constraint calendar_keys_hash_key unique (key_hash)
);

-- A row claims the day's digest before it is sent; a failed send removes its row again.
create table reminder_digests (
    user_id      bigint not null references users (id) on delete cascade,
    sent_on      date not null,
    sent_at      timestamptz not null default now(),
    recipient    text not null,
    overdue      integer not null,
    due_soon     integer not null,
    primary key (user_id, sent_on)
);
