-- Judging a task as of a date: a completion counts from its completion date (so a task
-- completed in August is overdue in a July report), and the deadline is the extended one when a
-- manager granted an extension, or the plan's own deadline when a report asks for it
-- (`extended` false).

create or replace function task_due_as_of(t tasks, as_of date, extended boolean default true)
returns date language sql stable parallel safe as $$
    select case
        when extended and t.extended_due_on is not null then t.extended_due_on
        else coalesce(t.settled_due_on, t.plan_due_on)
    end
$$;

create or replace function task_category(t tasks, as_of date, extended boolean default true)
returns text language sql stable parallel safe as $$
    select task_category(t.state, t.completed_on, t.deadline_kind, task_due_as_of(t, as_of, extended), as_of)
$$;

create or replace function task_days_overdue(t tasks, as_of date, extended boolean default true)
returns integer language sql stable parallel safe as $$
    select case when task_category(t, as_of, extended) = 'overdue' then as_of - task_due_as_of(t, as_of, extended) end
$$;
