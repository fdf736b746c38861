-- A change of task rows alone (a state change, a completion, an extension, a settled deadline)
-- now says which tasks it changed in its `plans` notification: `plans:44:tasks:17,204`. The
-- server's task index (src/index/) then re-reads only those rows and stays at the current
-- version, instead of reading every task again after each such write. Bumps from any other
-- table keep the plain `plans:44` and still make the index read everything.
create or replace function bump_plans_version_on_task_update() returns trigger language plpgsql as $$
declare
    bumped bigint;
    touched bigint;
    ids text;
begin
    select count(*), string_agg(n.id::text, ',' order by n.id)
      into touched, ids
      from old_rows o join new_rows n on n.id = o.id
     where (to_jsonb(o) - 'version' - 'updated_at') is distinct from (to_jsonb(n) - 'version' - 'updated_at');
    if touched > 0 then
        update data_versions set n = n + 1 where name = 'plans' returning n into bumped;
        -- A payload must stay under 8000 bytes; 500 ids of up to 12 digits do.
        perform pg_notify('data_versions', 'plans:' || bumped
                          || case when touched <= 500 then ':tasks:' || ids else '' end);
    end if;
    return null;
end
$$;

-- Within a transaction the counter's bump is notified after the tasks it touched: triggers on
-- one table fire in the order of their names, so the bump triggers are renamed to come after
-- the `…_notify_…` ones (migration 0009). A listener that has heard a counter's value has then
-- heard every task change of the transactions up to it, which is what a request waiting for
-- the writes of other processes relies on (`VersionWatch::catch_up`).
alter trigger tasks_bump_plans_version_on_update on tasks rename to tasks_then_bump_plans_version_on_update;
alter trigger tasks_bump_plans_version on tasks rename to tasks_then_bump_plans_version;
alter trigger task_units_bump_plans_version on task_units rename to task_units_then_bump_plans_version;
alter trigger milestones_bump_plans_version on milestones rename to milestones_then_bump_plans_version;
alter trigger task_events_bump_events_version on task_events rename to task_events_then_bump_events_version;
