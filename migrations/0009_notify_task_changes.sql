-- The server keeps today's task pages' data in memory (src/task_details.rs) and forgets a task as
-- soon as anything its page shows changes: these triggers notify channel `task_changes` with the
-- ids of the tasks a statement touched ("17,204"), or `*` when it touched too many to list or
-- changed something many pages show (a unit's name, a plan's code). Like every notification, it is
-- delivered when the writing transaction commits and never if it rolls back.

-- tg_argv[0]: the column holding the task id (`id` on tasks, `task_id` elsewhere).
create or replace function notify_task_changes() returns trigger language plpgsql as $$
declare
    ids text;
    touched bigint;
begin
    if tg_op = 'INSERT' then
        execute format('select count(distinct %1$I), string_agg(distinct %1$I::text, '','') from new_rows', tg_argv[0])
            into touched, ids;
    elsif tg_op = 'DELETE' then
        execute format('select count(distinct %1$I), string_agg(distinct %1$I::text, '','') from old_rows', tg_argv[0])
            into touched, ids;
    else
        execute format('select count(distinct x), string_agg(distinct x::text, '','')
                          from (select %1$I as x from new_rows union select %1$I from old_rows) changed', tg_argv[0])
            into touched, ids;
    end if;
    if touched = 0 then
        return null;
    end if;
    -- A payload must stay under 8000 bytes; 500 ids of up to 12 digits do.
    perform pg_notify('task_changes', case when touched > 500 then '*' else ids end);
    return null;
end
$$;

create or replace function notify_all_tasks_changed() returns trigger language plpgsql as $$
begin
    perform pg_notify('task_changes', '*');
    return null;
end
$$;

create trigger tasks_notify_update after update on tasks
    referencing old table as old_rows new table as new_rows
    for each statement execute function notify_task_changes('id');
create trigger tasks_notify_delete after delete on tasks
    referencing old table as old_rows
    for each statement execute function notify_task_changes('id');
create trigger tasks_notify_truncate after truncate on tasks
    for each statement execute function notify_all_tasks_changed();

create trigger task_units_notify_insert after insert on task_units
    referencing new table as new_rows
    for each statement execute function notify_task_changes('task_id');
create trigger task_units_notify_update after update on task_units
    referencing old table as old_rows new table as new_rows
    for each statement execute function notify_task_changes('task_id');
create trigger task_units_notify_delete after delete on task_units
    referencing old table as old_rows
    for each statement execute function notify_task_changes('task_id');
create trigger task_units_notify_truncate after truncate on task_units
    for each statement execute function notify_all_tasks_changed();

create trigger milestones_notify_insert after insert on milestones
    referencing new table as new_rows
    for each statement execute function notify_task_changes('task_id');
create trigger milestones_notify_update after update on milestones
    referencing old table as old_rows new table as new_rows
    for each statement execute function notify_task_changes('task_id');
create trigger milestones_notify_delete after delete on milestones
    referencing old table as old_rows
    for each statement execute function notify_task_changes('task_id');
create trigger milestones_notify_truncate after truncate on milestones
    for each statement execute function notify_all_tasks_changed();

create trigger task_events_notify_insert after insert on task_events
    referencing new table as new_rows
    for each statement execute function notify_task_changes('task_id');
create trigger task_events_notify_delete after delete on task_events
    referencing old table as old_rows
    for each statement execute function notify_task_changes('task_id');
create trigger task_events_notify_truncate after truncate on task_events
    for each statement execute function notify_all_tasks_changed();

-- Every task page shows its plan's code, its section and its units' names. Row triggers that
-- fire only on a real change (an import rewrites these rows unchanged); a transaction sends
-- one `*` however many rows fire, as PostgreSQL folds identical notifications.
create trigger decisions_notify_tasks after update of code on decisions
    for each row when (old.code is distinct from new.code)
    execute function notify_all_tasks_changed();
create trigger sections_notify_tasks after update of code, title on sections
    for each row when (old.code is distinct from new.code or old.title is distinct from new.title)
    execute function notify_all_tasks_changed();
create trigger units_notify_tasks after update of name, is_group on units
    for each row when (old.name is distinct from new.name or old.is_group is distinct from new.is_group)
    execute function notify_all_tasks_changed();
-- Deleting any of them deletes or unlinks tasks, which their own triggers name.
create trigger decisions_notify_truncate after truncate on decisions
    for each statement execute function notify_all_tasks_changed();
create trigger sections_notify_truncate after truncate on sections
    for each statement execute function notify_all_tasks_changed();
create trigger units_notify_truncate after truncate on units
    for each statement execute function notify_all_tasks_changed();
