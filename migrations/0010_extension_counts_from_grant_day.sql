-- A deadline extension counts from the day a manager granted it (`extended_on`), not before.
-- A report as of a date judges a task by the deadline the records held on that date: a task due
-- 30/06 and extended on 15/08 to 31/12 was overdue on 31/07, and a July report printed in
-- September must still say so. Before this migration the extended deadline was applied to every
-- past date, so granting an extension rewrote reports already sent.
--
-- The judged deadline is `due_on` (extension included) unless the extension was granted after
-- the date, then the plan's or settled deadline. An extension with no grant day counts always.
create or replace function task_due_on_as_of(
    due_on date, unextended_due_on date, extended_on date, as_of date
) returns date language sql immutable parallel safe as $$
    select case when extended_on > as_of then unextended_due_on else due_on end
$$;

create or replace function task_due_as_of(t tasks, as_of date, extended boolean default true)
returns date language sql stable parallel safe as $$
    select case
        when extended then task_due_on_as_of(t.due_on, coalesce(t.settled_due_on, t.plan_due_on), t.extended_on, as_of)
        else coalesce(t.settled_due_on, t.plan_due_on)
    end
$$;

-- The indexes that answer "as of" queries without reading the task rows carry the columns of
-- the judged deadline too. A task whose extension came after the date is found through its own
-- small index (a few percent of tasks are ever extended).
drop index tasks_due_on_idx;
create index tasks_due_on_idx on tasks (due_on) include (settled_due_on, plan_due_on, extended_on)
    where not retired;

drop index tasks_live_decision_idx;
create index tasks_live_decision_idx on tasks (decision_id)
    include (id, state, completed_on, deadline_kind, due_on, settled_due_on, plan_due_on, extended_on)
    where not retired;

drop index tasks_overdue_open_idx;
create index tasks_overdue_open_idx on tasks (due_on) include (id, decision_id, extended_on)
    where not retired and deadline_kind not in ('continuous', 'periodic') and completed_on is null;

drop index tasks_overdue_late_idx;
create index tasks_overdue_late_idx on tasks (completed_on) include (due_on, id, decision_id, extended_on)
    where not retired and deadline_kind not in ('continuous', 'periodic') and completed_on > due_on;

drop index tasks_completed_on_idx;
create index tasks_completed_on_idx on tasks (completed_on)
    include (due_on, decision_id, settled_due_on, plan_due_on, extended_on)
    where not retired and state = 'completed';

create index tasks_extended_on_idx on tasks (extended_on)
    include (id, decision_id, state, deadline_kind, completed_on, due_on, settled_due_on, plan_due_on)
    where not retired and extended_on is not null;
