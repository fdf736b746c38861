-- The server keeps the data versions in memory instead of reading them on every request: each
-- bump also notifies channel `data_versions` with `name:n` (delivered when the writing
-- transaction commits, never if it rolls back). Same counters and triggers as 0007.
create or replace function bump_data_version() returns trigger language plpgsql as $$
declare
    bumped bigint;
begin
    update data_versions set n = n + 1 where name = tg_argv[0] returning n into bumped;
    perform pg_notify('data_versions', tg_argv[0] || ':' || bumped);
    return null;
end
$$;

create or replace function bump_plans_version_on_task_update() returns trigger language plpgsql as $$
declare
    bumped bigint;
begin
    if exists (select 1 from old_rows o join new_rows n on n.id = o.id
                where (to_jsonb(o) - 'version' - 'updated_at') is distinct from (to_jsonb(n) - 'version' - 'updated_at')) then
        update data_versions set n = n + 1 where name = 'plans' returning n into bumped;
        perform pg_notify('data_versions', 'plans:' || bumped);
    end if;
    return null;
end
$$;
