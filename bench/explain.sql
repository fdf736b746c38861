-- EXPLAIN (ANALYZE, BUFFERS) of the heaviest queries of the benchmarked routes, with the SQL
-- the application sends (copied from src/db/*.rs; binds written as literals).
--   psql postgres://postgres@127.0.0.1:5432/actionplan_bench -v unit=38 -v as_of="'2026-11-23'" -f bench/explain.sql
\set ON_ERROR_STOP 1
\pset pager off
\timing on

\echo '### overview: category_counts (src/db/overview.rs)'
explain (analyze, buffers)
select d.id as decision_id, d.code as decision, d.issuer,
       case when t.id is not null
            then task_category(t.state, t.completed_on, t.deadline_kind, t.due_on, :as_of::date) end as category,
       count(t.id) as count
  from decisions d
  left join tasks t on t.decision_id = d.id and not t.retired
 group by d.id, d.code, d.issuer, d.issued_on, 4
 order by d.issued_on desc nulls last, d.code, 4;

\echo '### overview: top_overdue_units'
explain (analyze, buffers)
select u.id, u.name, count(distinct t.id) as overdue
  from task_units tu
  join units u on u.id = tu.unit_id
  join tasks t on t.id = tu.task_id
 where tu.role = 'lead' and not u.is_group and not t.retired
   and task_category(t.state, t.completed_on, t.deadline_kind, t.due_on, :as_of::date) = 'overdue'
 group by u.id, u.name
 order by overdue desc, u.name
 limit 10;

\echo '### overview: due_soon'
explain (analyze, buffers)
select w.task_id, w.ref, w.decision, w.content, w.milestone, w.lead_text, w.due_on
  from (select t.id as task_id, t.ref, d.code as decision, d.issued_on, t.position, t.content,
               null::text as milestone, t.lead_text, t.due_on
          from tasks t join decisions d on d.id = t.decision_id
         where not t.retired
           and not (t.state = 'completed' and t.completed_on <= :as_of::date)
           and t.due_on > :as_of::date and t.due_on <= :as_of::date + 30
        union all
        select t.id, t.ref, d.code, d.issued_on, t.position, t.content,
               m.label, t.lead_text, m.due_on
          from milestones m
          join tasks t on t.id = m.task_id
          join decisions d on d.id = t.decision_id
         where not t.retired
           and not (t.state = 'completed' and t.completed_on <= :as_of::date)
           and (m.done_on is null or m.done_on > :as_of::date)
           and m.due_on > :as_of::date and m.due_on <= :as_of::date + 30
           and m.due_on is distinct from t.due_on) w
 order by w.due_on, w.issued_on nulls last, w.decision, w.position, w.milestone nulls first;

\echo '### overview: completion_series'
explain (analyze, buffers)
with points as (
     select case when g = 0 then :as_of::date
                 else (date_trunc('month', :as_of::date) - make_interval(months => g - 1)
                       - interval '1 day')::date end as point
       from generate_series(11, 0, -1) as g)
select p.point,
       count(t.id) as due,
       count(t.id) filter (where t.state = 'completed' and t.completed_on <= p.point) as completed
  from points p
  left join tasks t on not t.retired and t.due_on <= p.point
 group by p.point
 order by p.point;

\echo '### /tasks?lead_unit: count (src/db/tasks.rs list_tasks)'
explain (analyze, buffers)
select count(*) from tasks t join decisions d on d.id = t.decision_id left join sections s on s.id = t.section_id
 where not t.retired
   and exists (select 1 from task_units tu where tu.task_id = t.id and tu.unit_id = :unit and tu.role = 'lead');

\echo '### /tasks?lead_unit: first page'
explain (analyze, buffers)
select t.id, d.code as decision, s.code as section, s.title as section_title, t.number, t.ref, t.heading,
       t.content, t.lead_text, t.partner_text, t.deadline_text, t.deadline_kind,
       coalesce(t.settled_due_on, t.plan_due_on) as due_on, t.extended_due_on, t.recurs_from,
       t.deliverable, t.state, t.completed_on, t.pending_confirmation, t.proposed_completed_on, t.version,
       task_category(t.state, t.completed_on, t.deadline_kind, t.due_on, :as_of::date) as category
  from tasks t
  join decisions d on d.id = t.decision_id
  left join sections s on s.id = t.section_id
 where not t.retired
   and exists (select 1 from task_units tu where tu.task_id = t.id and tu.unit_id = :unit and tu.role = 'lead')
 order by d.issued_on nulls last, d.code, t.position
 limit 50 offset 0;

\echo '### /tasks?q=tiem+dia: count'
explain (analyze, buffers)
select count(*) from tasks t join decisions d on d.id = t.decision_id left join sections s on s.id = t.section_id
 where not t.retired and t.search_text like '% tiem%' and t.search_text like '% dia%';

\echo '### /tasks?q=tiem+dia: first page'
explain (analyze, buffers)
select t.id, d.code as decision, t.ref, t.content,
       task_category(t.state, t.completed_on, t.deadline_kind, t.due_on, :as_of::date) as category
  from tasks t
  join decisions d on d.id = t.decision_id
  left join sections s on s.id = t.section_id
 where not t.retired and t.search_text like '% tiem%' and t.search_text like '% dia%'
 order by d.issued_on nulls last, d.code, t.position
 limit 50 offset 0;

\echo '### /api/v1/tasks?category=overdue: count'
explain (analyze, buffers)
select count(*) from tasks t join decisions d on d.id = t.decision_id left join sections s on s.id = t.section_id
 where not t.retired
   and task_category(t.state, t.completed_on, t.deadline_kind, t.due_on, :as_of::date) = 'overdue';

\echo '### /api/v1/tasks?category=overdue: first page'
explain (analyze, buffers)
select t.id, d.code as decision, t.ref, t.content,
       task_category(t.state, t.completed_on, t.deadline_kind, t.due_on, :as_of::date) as category
  from tasks t
  join decisions d on d.id = t.decision_id
  left join sections s on s.id = t.section_id
 where not t.retired
   and task_category(t.state, t.completed_on, t.deadline_kind, t.due_on, :as_of::date) = 'overdue'
 order by d.issued_on nulls last, d.code, t.position
 limit 50 offset 0;

\echo '### /tasks (every page): list_decisions with task counts (src/db/decisions.rs)'
explain (analyze, buffers)
select d.id, d.code, (select count(*) from tasks t where t.decision_id = d.id and not t.retired) as task_count
  from decisions d
 order by d.issued_on desc nulls last, d.code;

\echo '### /tasks/{id}: history of one task'
explain (analyze, buffers)
select id, at, actor, kind, from_state, to_state, data, note, evidence_id, evidence_url
  from task_events where task_id = 50000 order by at desc, id desc;

-- ---- Proposed rewrites (same results, checked row for row at 100,000 tasks) ----

\echo '### PROPOSED completion_series: one pass over the tasks, then 12 sums over a per-day histogram'
-- A task counts as completed by a point when both its due date and its completion date are on
-- or before the point, i.e. when greatest(due_on, completed_on) <= point.
explain (analyze, buffers)
with points as (
     select case when g = 0 then :as_of::date
                 else (date_trunc('month', :as_of::date) - make_interval(months => g - 1)
                       - interval '1 day')::date end as point
       from generate_series(11, 0, -1) as g),
     hist as materialized (
     select due_on as day, count(*) as due, 0::bigint as done
       from tasks where not retired and due_on <= :as_of::date group by due_on
     union all
     select greatest(due_on, completed_on), 0, count(*)
       from tasks where not retired and state = 'completed' and due_on <= :as_of::date
        and completed_on <= :as_of::date group by 1)
select p.point,
       (select coalesce(sum(due), 0) from hist where day <= p.point)::bigint as due,
       (select coalesce(sum(done), 0) from hist where day <= p.point)::bigint as completed
  from points p order by p.point;

\echo '### PROPOSED category_counts: aggregate the tasks first, then join the 300 decisions'
explain (analyze, buffers)
select d.id as decision_id, d.code as decision, d.issuer, c.category, coalesce(c.n, 0) as count
  from decisions d
  left join (select decision_id, task_category(state, completed_on, deadline_kind, due_on, :as_of::date) as category,
                    count(*) as n
               from tasks where not retired group by 1, 2) c on c.decision_id = d.id
 order by d.issued_on desc nulls last, d.code, 4;

\echo '### PROPOSED first page in plan order: walk the decisions in order, stop after 50 tasks'
explain (analyze, buffers)
select t.id, d.code as decision, s.code as section, t.ref, t.content
  from (select id, code, issued_on from decisions order by issued_on nulls last, code) d
 cross join lateral (select * from tasks t
                      where t.decision_id = d.id and not t.retired
                        and task_category(t.state, t.completed_on, t.deadline_kind, t.due_on, :as_of::date) = 'overdue'
                      order by t.position) t
  left join sections s on s.id = t.section_id
 limit 50;

\echo '### PROPOSED overdue count: the redundant, indexable "due_on < as_of" (overdue implies it)'
explain (analyze, buffers)
select count(*) from tasks t join decisions d on d.id = t.decision_id
 where not t.retired and t.due_on < :as_of::date
   and task_category(t.state, t.completed_on, t.deadline_kind, t.due_on, :as_of::date) = 'overdue';
