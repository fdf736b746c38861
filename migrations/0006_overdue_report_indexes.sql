-- The overdue report finds its tasks with plain column predicates instead of calling
-- task_category() on every row. A task is overdue as of a date when its deadline kind can be
-- overdue, its due date is before that date, and it was not completed by then: either it is not
-- completed at all, or it was completed after that date (and so after its due date). Each case
-- reads one small partial index alone (index-only scan); the second stays small because only
-- tasks completed late can ever have been overdue. There is one pair for the deadline as
-- extended (`due_on`) and one for the plan's own deadline (`deadline=original`).
create index tasks_overdue_open_idx on tasks (due_on) include (id, decision_id)
    where not retired and deadline_kind not in ('continuous', 'periodic') and completed_on is null;
create index tasks_overdue_late_idx on tasks (completed_on) include (due_on, id, decision_id)
    where not retired and deadline_kind not in ('continuous', 'periodic') and completed_on > due_on;
create index tasks_overdue_open_plan_idx on tasks ((coalesce(settled_due_on, plan_due_on))) include (id, decision_id)
    where not retired and deadline_kind not in ('continuous', 'periodic') and completed_on is null;
create index tasks_overdue_late_plan_idx on tasks (completed_on) include (settled_due_on, plan_due_on, id, decision_id)
    where not retired and deadline_kind not in ('continuous', 'periodic')
      and completed_on > coalesce(settled_due_on, plan_due_on);

-- The named lead units of a task (not those that see it through a group), read without the
-- table rows when counting overdue tasks per unit; and the tasks a unit is named to lead, for
-- the lines of the units on one page.
create index task_units_named_lead_idx on task_units (task_id) include (unit_id)
    where role = 'lead' and via_group_id is null;
create index task_units_named_lead_unit_idx on task_units (unit_id, task_id)
    where role = 'lead' and via_group_id is null;
