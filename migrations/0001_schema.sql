-- Decisions, their plans (sections, tasks, milestones), the unit registry and the task history.
-- Text is stored in Unicode NFC by the application; `search_text` holds the folded
-- (lower-case, diacritic-free) form that free-text search matches against.

create extension if not exists pg_trgm;

create or replace function set_updated_at() returns trigger language plpgsql as $$
begin
    new.updated_at = now();
    return new;
end $$;

create table decisions (
    id             bigserial primary key,
    code           text not null,
    number         text not null,
    doc_type       text not null,
    issuer         text not null,
    issuer_code    text not null,
    place          text,
    issued_on      date,
    signer         text,
    signer_title   text,
    title          text not null,
    plan_title     text,
    legal_bases    text[] not null default '{}',
    replaces       text[] not null default '{}',
    recipients     text[] not null default '{}',
    source_file    text not null,
    source_sha256  text not null,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    constraint decisions_code_key unique (code),
    constraint decisions_code_not_blank check (btrim(code) <> ''),
    constraint decisions_sha256_hex check (source_sha256 ~ '^[0-9a-f]{64}$')
);
create trigger decisions_updated_at before update on decisions
    for each row execute function set_updated_at();

create table sections (
    id           bigserial primary key,
    decision_id  bigint not null references decisions (id) on delete cascade,
    code         text not null,
    title        text not null,
    position     integer not null,
    constraint sections_decision_code_key unique (decision_id, code)
);

create table tasks (
    id              bigserial primary key,
    decision_id     bigint not null references decisions (id) on delete cascade,
    section_id      bigint references sections (id) on delete set null,
    number          text not null,
    ref             text not null,
    position        integer not null,
    heading         text,
    content         text not null,
    lead_text       text not null,
    partner_text    text not null default '',
    deadline_text   text not null default '',
    deadline_kind   text not null,
    due_on          date,
    recurs_from     date,
    deliverable     text not null default '',
    state           text not null default 'not_started',
    completed_on    date,
    version         integer not null default 1,
    retired         boolean not null default false,
    source_line     integer not null,
    search_text     text not null,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint tasks_decision_ref_key unique (decision_id, ref),
    constraint tasks_content_not_blank check (btrim(content) <> ''),
    constraint tasks_deadline_kind_check check (deadline_kind in ('date', 'continuous', 'periodic', 'unparsed')),
    constraint tasks_due_on_only_for_dates check (deadline_kind = 'date' or due_on is null or deadline_kind = 'unparsed'),
    constraint tasks_state_check check (state in ('not_started', 'in_progress', 'completed')),
    constraint tasks_completed_on_iff_completed check ((state = 'completed') = (completed_on is not null)),
    constraint tasks_version_positive check (version > 0)
);
create trigger tasks_updated_at before update on tasks
    for each row execute function set_updated_at();
create index tasks_decision_position_idx on tasks (decision_id, position);
create index tasks_due_on_idx on tasks (due_on) where not retired;
create index tasks_section_idx on tasks (section_id);
create index tasks_search_trgm_idx on tasks using gin (search_text gin_trgm_ops);

create table milestones (
    id        bigserial primary key,
    task_id   bigint not null references tasks (id) on delete cascade,
    position  integer not null,
    label     text not null,
    due_on    date not null,
    done_on   date,
    constraint milestones_task_position_key unique (task_id, position)
);
create index milestones_due_on_idx on milestones (due_on);

-- A unit is one organisation. `parent` is the body named by a suffix ("-Bộ Công an"); `body` is
-- the ministry whose plan names the unit without a suffix (its own unit). `key` is the folded
-- identity that spelling variants share.
create table units (
    id          bigserial primary key,
    key         text not null,
    name        text not null,
    parent      text,
    body        text,
    is_group    boolean not null default false,
    created_at  timestamptz not null default now(),
    constraint units_key_key unique (key),
    constraint units_name_not_blank check (btrim(name) <> '')
);

create table unit_aliases (
    unit_id  bigint not null references units (id) on delete cascade,
    alias    text not null,
    primary key (unit_id, alias)
);

create table unit_group_members (
    group_id   bigint not null references units (id) on delete cascade,
    member_id  bigint not null references units (id) on delete cascade,
    primary key (group_id, member_id),
    constraint unit_group_members_not_self check (group_id <> member_id)
);
create index unit_group_members_member_idx on unit_group_members (member_id);

-- Which units a task names (`via_group_id` null) and, expanded, which member units see it as
-- their own through a group (`via_group_id` = the group).
create table task_units (
    task_id       bigint not null references tasks (id) on delete cascade,
    unit_id       bigint not null references units (id) on delete restrict,
    role          text not null,
    position      integer not null,
    written       text,
    via_group_id  bigint references units (id) on delete restrict,
    primary key (task_id, role, unit_id),
    constraint task_units_role_check check (role in ('lead', 'partner'))
);
create index task_units_unit_idx on task_units (unit_id, role);

-- Append-only history of each task. Rows are never updated or deleted.
create table task_events (
    id          bigserial primary key,
    task_id     bigint not null references tasks (id) on delete cascade,
    at          timestamptz not null default now(),
    actor       text not null,
    kind        text not null,
    from_state  text,
    to_state    text,
    data        jsonb not null default '{}',
    note        text,
    constraint task_events_kind_not_blank check (btrim(kind) <> '')
);
create index task_events_task_at_idx on task_events (task_id, at desc);

create or replace function task_events_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'task_events is append-only';
end $$;
create trigger task_events_no_update before update or delete on task_events
    for each row when (pg_trigger_depth() = 0) execute function task_events_append_only();

-- The status category of a task as of a date, as ministries report it (see DOMAIN.md).
create or replace function task_category(
    state text, completed_on date, deadline_kind text, due_on date, as_of date
) returns text language sql immutable parallel safe as $$
    select case
        when state = 'completed' and completed_on <= as_of then
            case when due_on is null or completed_on <= due_on then 'completed_on_time'
                 else 'completed_late' end
        when deadline_kind in ('continuous', 'periodic') then 'continuous'
        when due_on is null then 'no_deadline'
        when as_of <= due_on then 'in_progress_on_time'
        else 'overdue'
    end
$$;
