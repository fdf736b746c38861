-- Data versions: the server caches figures that take a scan of every task (the overview's
-- counts, the overdue report) and must never serve them after the data changed. Every write to
-- the plan data bumps a counter in the writing transaction; a cached figure is used only while
-- the counter still has the value read before computing it. Two counters so that a note (a new
-- history entry that leaves the task's status alone) does not throw the overview away:
--   plans:  decisions, sections, tasks, milestones, units and their links;
--   events: the history (task_events), which the overdue report quotes (last note).
create table data_versions (
    name text primary key,
    n    bigint not null default 0
);
insert into data_versions (name) values ('plans'), ('events');

create or replace function bump_data_version() returns trigger language plpgsql as $$
begin
    update data_versions set n = n + 1 where name = tg_argv[0];
    return null;
end
$$;

-- An update of tasks that only counts a new row version (a note is recorded by bumping
-- `version` so that concurrent edits are detected) changes nothing a figure shows.
create or replace function bump_plans_version_on_task_update() returns trigger language plpgsql as $$
begin
    if exists (select 1 from old_rows o join new_rows n on n.id = o.id
                where (to_jsonb(o) - 'version' - 'updated_at') is distinct from (to_jsonb(n) - 'version' - 'updated_at')) then
        update data_versions set n = n + 1 where name = 'plans';
    end if;
    return null;
end
$$;

create trigger tasks_bump_plans_version_on_update after update on tasks
    referencing old table as old_rows new table as new_rows
    for each statement execute function bump_plans_version_on_task_update();
create trigger tasks_bump_plans_version after insert or delete or truncate on tasks
    for each statement execute function bump_data_version('plans');
create trigger decisions_bump_plans_version after insert or update or delete or truncate on decisions
    for each statement execute function bump_data_version('plans');
create trigger sections_bump_plans_version after insert or update or delete or truncate on sections
    for each statement execute function bump_data_version('plans');
create trigger milestones_bump_plans_version after insert or update or delete or truncate on milestones
    for each statement execute function bump_data_version('plans');
create trigger units_bump_plans_version after insert or update or delete or truncate on units
    for each statement execute function bump_data_version('plans');
create trigger unit_aliases_bump_plans_version after insert or update or delete or truncate on unit_aliases
    for each statement execute function bump_data_version('plans');
create trigger unit_group_members_bump_plans_version after insert or update or delete or truncate on unit_group_members
    for each statement execute function bump_data_version('plans');
create trigger task_units_bump_plans_version after insert or update or delete or truncate on task_units
    for each statement execute function bump_data_version('plans');
create trigger task_events_bump_events_version after insert on task_events
    for each statement execute function bump_data_version('events');

-- "Overdue as of a date" in a form the planner can use an index for (`due_on < as_of` is a
-- range of tasks_due_on_idx once this function is inlined). It is task_category(…) = 'overdue'
-- (migration 0001) spelled as a condition: not completed by the date, a dated kind, and due
-- before the date.
create or replace function task_overdue(
    state text, completed_on date, deadline_kind text, due_on date, as_of date
) returns boolean language sql immutable parallel safe as $$
    select due_on < as_of
       and deadline_kind not in ('continuous', 'periodic')
       and not (state = 'completed' and completed_on <= as_of)
$$;

-- Tasks completed by a date (the completion series, the completed report) as a range of this
-- small index instead of a scan of every task.
create index tasks_completed_on_idx on tasks (completed_on) include (due_on, decision_id)
    where not retired and state = 'completed';
