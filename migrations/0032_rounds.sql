-- Reporting rounds (kỳ báo cáo): a manager opens a round over some plans (or all) for a period;
-- every task in scope gets one line per responsible lead unit (a task led by a group is each
-- member's); each unit fills its lines as a draft and submits its report once; a manager may
-- return it with a reason, and the unit edits and submits again. Submitted lines enter the
-- tasks' history (task_events of kind 'report').

create table rounds (
    id            bigserial primary key,
    title         text not null,
    period_from   date not null,
    period_to     date not null,
    due_on        date not null,
    -- Scope: every plan, or those in round_plans.
    all_plans     boolean not null,
    -- Tasks completed before the period are left out unless asked for.
    with_completed boolean not null default false,
    opened_by     bigint references users (id) on delete set null,
    opener        text not null,
    opened_at     timestamptz not null default now(),
    constraint rounds_title_not_blank check (btrim(title) <> ''),
    constraint rounds_period_order check (period_from <= period_to)
);

create table round_plans (
    round_id     bigint not null references rounds (id) on delete cascade,
    decision_id  bigint not null references decisions (id) on delete cascade,
    primary key (round_id, decision_id)
);

-- One unit's report in a round.
create table round_reports (
    round_id       bigint not null references rounds (id) on delete cascade,
    unit_id        bigint not null references units (id) on delete restrict,
    status         text not null default 'draft',
    lines_total    integer not null default 0,
    lines_saved    integer not null default 0,
    submitted_on   date,
    submitted_at   timestamptz,
    submitted_by   bigint references users (id) on delete set null,
    submitter      text,
    returned_at    timestamptz,
    return_reason  text,
    primary key (round_id, unit_id),
    constraint round_reports_status_check check (status in ('draft', 'submitted', 'returned')),
    constraint round_reports_submitted_has_date check (status <> 'submitted' or submitted_on is not null)
);
create index round_reports_unit_idx on round_reports (unit_id);

-- One line: what a unit says of one task in the round. `state` is null until the unit saves it.
create table round_lines (
    round_id        bigint not null,
    unit_id         bigint not null,
    task_id         bigint not null references tasks (id) on delete cascade,
    decision_id     bigint not null references decisions (id) on delete cascade,
    state           text,
    completed_on    date,
    done_text       text not null default '',
    result_text     text not null default '',
    evidence_url    text,
    evidence_id     bigint references evidence (id) on delete set null,
    difficulties    text not null default '',
    proposal        text not null default '',
    saved_at        timestamptz,
    saved_by        bigint references users (id) on delete set null,
    primary key (round_id, unit_id, task_id),
    foreign key (round_id, unit_id) references round_reports (round_id, unit_id) on delete cascade,
    constraint round_lines_state_check check (state in ('not_started', 'in_progress', 'completed')),
    constraint round_lines_completed_has_date check ((state = 'completed') = (completed_on is not null))
);
create index round_lines_task_idx on round_lines (task_id);
create index round_lines_plan_idx on round_lines (round_id, decision_id);
-- The lines not written yet (the managers' list of missing lines, a page an index range).
create index round_lines_missing_idx on round_lines (round_id, unit_id, decision_id, task_id)
    where state is null;

-- The steps of each unit's report (submitted, returned), append-only like task_events.
create table round_report_log (
    id        bigserial primary key,
    round_id  bigint not null,
    unit_id   bigint not null,
    at        timestamptz not null default now(),
    actor     text not null,
    user_id   bigint references users (id) on delete set null,
    kind      text not null,
    note      text,
    foreign key (round_id, unit_id) references round_reports (round_id, unit_id) on delete cascade,
    constraint round_report_log_kind_check check (kind in ('submitted', 'returned'))
);
create index round_report_log_report_idx on round_report_log (round_id, unit_id, at desc);
create or replace function round_report_log_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'round_report_log is append-only';
end $$;
create trigger round_report_log_no_update before update or delete on round_report_log
    for each row when (pg_trigger_depth() = 0) execute function round_report_log_append_only();

-- Round pages follow the reports as they are written: they are kept with the pages that quote
-- the history (the events counter of migration 0007), which submitted lines enter anyway. A
-- draft line saved thus refreshes the round's progress without throwing away the plan pages.
create trigger rounds_bump_events_version after insert or update or delete or truncate on rounds
    for each statement execute function bump_data_version('events');
create trigger round_plans_bump_events_version after insert or update or delete or truncate on round_plans
    for each statement execute function bump_data_version('events');
create trigger round_reports_bump_events_version after insert or update or delete or truncate on round_reports
    for each statement execute function bump_data_version('events');
create trigger round_lines_bump_events_version after insert or update or delete or truncate on round_lines
    for each statement execute function bump_data_version('events');
create trigger round_report_log_bump_events_version after insert on round_report_log
    for each statement execute function bump_data_version('events');
