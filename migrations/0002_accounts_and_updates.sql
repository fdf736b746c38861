-- Accounts, sessions and API tokens; task updates by units (proposed completion, confirmation,
-- extensions, settled deadlines, evidence).

create table users (
    id             bigserial primary key,
    email          text not null,
    name           text not null,
    role           text not null,
    password_hash  text not null,
    disabled       boolean not null default false,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    constraint users_email_key unique (email),
    constraint users_email_lower check (email = lower(email) and email like '%_@_%'),
    constraint users_role_check check (role in ('viewer', 'unit_lead', 'manager', 'admin')),
    constraint users_name_not_blank check (btrim(name) <> '')
);
create trigger users_updated_at before update on users for each row execute function set_updated_at();

create table user_units (
    user_id  bigint not null references users (id) on delete cascade,
    unit_id  bigint not null references units (id) on delete cascade,
    primary key (user_id, unit_id)
);

-- Session ids and API tokens are stored only as SHA-256 hashes.
create table sessions (
    id_hash     text primary key,
    user_id     bigint not null references users (id) on delete cascade,
    csrf_token  text not null,
    created_at  timestamptz not null default now(),
    expires_at  timestamptz not null
);
create index sessions_user_idx on sessions (user_id);
create index sessions_expires_idx on sessions (expires_at);

create table api_tokens (
    id            bigserial primary key,
    user_id       bigint not null references users (id) on delete cascade,
    token_hash    text not null,
    label         text not null default '',
    created_at    timestamptz not null default now(),
    last_used_at  timestamptz,
    constraint api_tokens_hash_key unique (token_hash)
);

-- Failed sign-ins, for throttling per account and per address across server processes.
create table login_failures (
    id       bigserial primary key,
    account  text not null,
    address  text not null,
    at       timestamptz not null default now()
);
create index login_failures_account_idx on login_failures (account, at);
create index login_failures_address_idx on login_failures (address, at);

create table settings (
    key    text primary key,
    value  text not null
);
insert into settings (key, value) values ('two_step_confirmation', 'true');

-- The deadline a task is judged by: a manager's extension, else a manager's settling of a text
-- the importer could not read, else the plan's own date. The plan's date stays as imported.
alter table tasks rename column due_on to plan_due_on;
alter index tasks_due_on_idx rename to tasks_plan_due_on_idx;
alter table tasks
    add column settled_due_on date,
    add column extended_due_on date,
    add column extended_on date,
    add column extension_basis text,
    add column pending_confirmation boolean not null default false,
    add column proposed_completed_on date,
    add column due_on date generated always as (coalesce(extended_due_on, settled_due_on, plan_due_on)) stored,
    add constraint tasks_proposal_has_date check (pending_confirmation = (proposed_completed_on is not null)),
    add constraint tasks_extension_has_basis check ((extended_due_on is null) = (extension_basis is null));
create index tasks_due_on_idx on tasks (due_on) where not retired;

create table evidence (
    id            bigserial primary key,
    task_id       bigint not null references tasks (id) on delete cascade,
    file_name     text not null,
    content_type  text not null,
    size_bytes    integer not null,
    content       bytea not null,
    uploaded_by   bigint references users (id) on delete set null,
    created_at    timestamptz not null default now(),
    constraint evidence_size_check check (size_bytes = octet_length(content) and size_bytes <= 10485760)
);
create index evidence_task_idx on evidence (task_id);

alter table task_events
    add column user_id bigint references users (id) on delete set null,
    add column evidence_id bigint references evidence (id) on delete set null,
    add column evidence_url text;
