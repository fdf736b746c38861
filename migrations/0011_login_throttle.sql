-- Sign-in throttle, counted before the password is checked: one row per (account, address) and
-- one per address. Every attempt raises its rows' count in the same statement that reads it
-- (an upsert takes the row lock), so racing attempts cannot all see room under the limit.
-- A key over its limit is blocked for a time that doubles with each block (strikes).
create table login_throttle (
    key            text primary key,
    attempts       integer not null,
    window_start   timestamptz not null,
    strikes        integer not null default 0,
    blocked_until  timestamptz
);
create index login_throttle_window_idx on login_throttle (window_start);
