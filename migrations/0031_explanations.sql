-- Explanations (giải trình) of overdue tasks: a manager (or the daily job, after N days overdue)
-- asks the task's lead units to explain by a date; a lead unit answers with a reason class, a
-- text and a proposed date; a manager accepts (granting the extension through the usual extend
-- path, so the plan's deadline stays on record) or rejects with a reason. Every step is also an
-- event in the task's history; this row keeps the dates, so that the status can be told as of
-- any date (`explanation_status` below, mirrored by `domain::explanation::status_as_of`).

create table explanations (
    id               bigserial primary key,
    task_id          bigint not null references tasks (id) on delete cascade,
    requested_on     date not null,
    requested_at     timestamptz not null default now(),
    requested_by     bigint references users (id) on delete set null,
    requester        text not null,
    automatic        boolean not null default false,
    -- The day by which the unit is asked to answer.
    due_on           date not null,
    request_note     text,
    answered_on      date,
    answered_at      timestamptz,
    answered_by      bigint references users (id) on delete set null,
    answerer         text,
    reason_class     text,
    answer           text,
    proposed_due_on  date,
    decided_on       date,
    decided_at       timestamptz,
    decided_by       bigint references users (id) on delete set null,
    decider          text,
    decision         text,
    decision_note    text,
    granted_due_on   date,
    constraint explanations_due_after_request check (due_on >= requested_on),
    constraint explanations_reason_check check (reason_class in ('legal', 'funding', 'infrastructure', 'coordination', 'staffing', 'other')),
    constraint explanations_answer_complete check ((answered_on is null) = (reason_class is null)
        and (answered_on is null) = (answer is null)),
    constraint explanations_decision_check check (decision in ('accepted', 'rejected')),
    constraint explanations_decided_after_answer check (decided_on is null or answered_on is not null),
    constraint explanations_decision_complete check ((decided_on is null) = (decision is null))
);
-- At most one open request per task.
create unique index explanations_open_idx on explanations (task_id) where decision is null;
-- The latest request of a task as of a date.
create index explanations_task_idx on explanations (task_id, requested_on desc, id desc);

-- The status of one explanation as of a date; null when it had not been requested yet.
create or replace function explanation_status(
    requested_on date, due_on date, answered_on date, decided_on date, decision text, as_of date
) returns text language sql immutable parallel safe as $$
    select case
        when requested_on > as_of then null
        when decided_on <= as_of then decision
        when answered_on <= as_of then 'answered'
        when due_on < as_of then 'late'
        else 'requested'
    end
$$;

insert into settings (key, value) values ('explanation_auto_days', '0') on conflict do nothing;

-- Task lists and the API show each task's explanation status: kept under the plans counter.
-- The task pages kept in memory (migration 0009) forget the task too.
create trigger explanations_bump_plans_version after insert or update or delete or truncate on explanations
    for each statement execute function bump_data_version('plans');
create trigger explanations_notify_insert after insert on explanations
    referencing new table as new_rows
    for each statement execute function notify_task_changes('task_id');
create trigger explanations_notify_update after update on explanations
    referencing old table as old_rows new table as new_rows
    for each statement execute function notify_task_changes('task_id');
