-- EXPLAIN (ANALYZE, BUFFERS) of the heaviest queries of the benchmarked routes, with the SQL
-- the application sends (copied from src/db/*.rs; binds written as literals).
--   psql postgres://postgres@127.0.0.1:5432/actionplan_bench -v unit=38 -v as_of="'2024-06-30'" -f bench/explain.sql
-- The overview's figures and the overdue report are computed once per date and data version
-- (src/cache.rs), so these run after a write, not on every request.
\set ON_ERROR_STOP on
\pset pager off

\echo '== 1. overview: tasks per plan and category (aggregate first, index-only scan)'
explain (analyze, buffers)
select d.id as decision_id, d.code as decision, d.issuer, c.category, coalesce(c.count, 0) as count
  from decisions d
  left join (select decision_id,
                    task_category(state, completed_on, deadline_kind,
                                  task_due_on_as_of(due_on, coalesce(settled_due_on, plan_due_on), extended_on, :as_of),
                                  :as_of) as category,
                    count(*) as count
               from tasks where not retired
              group by 1, 2) c on c.decision_id = d.id
 order by d.issued_on desc nulls last, d.code, c.category;

\echo '== 2. overview: units leading the most overdue tasks (three index-only scans, as in the overdue report)'
explain (analyze, buffers)
with overdue as (
    select t.id from tasks t
     where not t.retired and t.deadline_kind not in ('continuous', 'periodic') and t.completed_on is null
       and t.due_on <= :as_of::date - 1 and (t.extended_on is null or t.extended_on <= :as_of)
    union all
    select t.id from tasks t
     where not t.retired and t.deadline_kind not in ('continuous', 'periodic') and t.completed_on > t.due_on
       and t.completed_on > :as_of and t.due_on <= :as_of::date - 1 and (t.extended_on is null or t.extended_on <= :as_of)
    union all
    select t.id from tasks t
     where not t.retired and t.deadline_kind not in ('continuous', 'periodic') and t.extended_on > :as_of
       and coalesce(t.settled_due_on, t.plan_due_on) <= :as_of::date - 1
       and (t.completed_on is null or t.completed_on > :as_of))
select u.id, u.name, count(distinct o.id) as overdue
  from overdue o
  join task_units tu on tu.task_id = o.id and tu.role = 'lead'
  join units u on u.id = tu.unit_id
 where not u.is_group
 group by u.id, u.name
 order by overdue desc, u.name
 limit 10;

\echo '== 3. overview: completion series (per-day histograms)'
explain (analyze, buffers)
with points as (
    select case when g = 0 then :as_of::date
                else (date_trunc('month', :as_of::date) - make_interval(months => g - 1)
                      - interval '1 day')::date end as point
      from generate_series(11, 0, -1) as g),
due as materialized (
    select day, count(*) as n from (
        select due_on as day from tasks
         where not retired and due_on <= :as_of and (extended_on is null or extended_on <= :as_of)
        union all
        select coalesce(settled_due_on, plan_due_on) from tasks
         where not retired and extended_on > :as_of and coalesce(settled_due_on, plan_due_on) <= :as_of) judged
     group by 1),
done as materialized (
    select greatest(completed_on, task_due_on_as_of(due_on, coalesce(settled_due_on, plan_due_on), extended_on, :as_of)) as day,
           count(*) as n from tasks
     where not retired and state = 'completed' and completed_on <= :as_of
       and task_due_on_as_of(due_on, coalesce(settled_due_on, plan_due_on), extended_on, :as_of) <= :as_of
     group by 1)
select p.point,
       (select coalesce(sum(n), 0) from due where day <= p.point)::bigint as due,
       (select coalesce(sum(n), 0) from done where day <= p.point)::bigint as completed
  from points p
 order by p.point;

\echo '== 4. /tasks?category=overdue: the count (sargable category condition)'
explain (analyze, buffers)
select count(*) from tasks t join decisions d on d.id = t.decision_id left join sections s on s.id = t.section_id
  cross join lateral (select task_due_on_as_of(t.due_on, coalesce(t.settled_due_on, t.plan_due_on), t.extended_on, :as_of)
                             as judged_due_on) j
 where not t.retired and (t.due_on < :as_of or t.extended_on > :as_of)
   and task_overdue(t.state, t.completed_on, t.deadline_kind, j.judged_due_on, :as_of);

\echo '== 5. /tasks?lead_unit=: one page in plan order'
explain (analyze, buffers)
select t.id, d.code, task_category(t, :as_of) as category
  from tasks t join decisions d on d.id = t.decision_id left join sections s on s.id = t.section_id
 where not t.retired
   and exists (select 1 from task_units tu where tu.task_id = t.id and tu.unit_id = :unit and tu.role = 'lead')
 order by d.issued_on nulls last, d.code, t.position
 limit 50;

\echo '== 6. /tasks/{id} when not in memory (src/task_details.rs): the task with units, milestones and history in one query'
explain (analyze, buffers)
select t.id, j.judged_due_on, task_category(t.state, t.completed_on, t.deadline_kind, j.judged_due_on, :as_of) as category,
       d.id as decision_id,
       (select coalesce(json_agg(x), '[]')
          from (select tu.task_id, u.id, u.name, tu.role, tu.written, u.is_group, tu.via_group_id, tu.position
                  from task_units tu join units u on u.id = tu.unit_id where tu.task_id = t.id) x) as units,
       (select coalesce(json_agg(e), '[]')
          from (select id, at, actor, kind, note from task_events where task_id = t.id) e) as events
  from tasks t join decisions d on d.id = t.decision_id
  cross join lateral (select task_due_on_as_of(t.due_on, coalesce(t.settled_due_on, t.plan_due_on), t.extended_on, :as_of)
                             as judged_due_on) j
 where t.id = 50000;

-- What stays in the database once the task index answers (issue 15). Run against the
-- 1,000,000-task database too:
--   psql postgres://postgres@127.0.0.1:5432/actionplan_bench_1m -v unit=31 -v as_of="'2024-06-30'" -f bench/explain.sql

\echo '== 10. the index patch after a write: the changed task rows by id (src/index/snapshot.rs changed_rows)'
explain (analyze, buffers)
select t.id, t.retired, t.decision_id, t.position, t.state, t.deadline_kind, t.completed_on, t.due_on,
       coalesce(t.settled_due_on, t.plan_due_on) as unextended, t.extended_on,
       coalesce((select x.search_text from task_texts x where x.task_id = t.id), '')
  from tasks t where t.id = any(array[17, 4242, 90001]::bigint[]);

\echo '== 11. a whole read of the index, one batch of 50,000 tasks and their links (snapshot.rs load)'
explain (analyze, buffers)
select t.id, t.decision_id, t.position, t.state, t.deadline_kind, t.completed_on, t.due_on,
       coalesce(t.settled_due_on, t.plan_due_on) as unextended, t.extended_on, coalesce(x.search_text, '')
  from tasks t left join task_texts x on x.task_id = t.id
 where not t.retired and t.id > 0 order by t.id limit 50000;
explain (analyze, buffers)
select task_id, unit_id, role = 'lead', via_group_id is null
  from task_units where task_id > 0 and task_id <= 50000;

\echo '== 12. a note (src/db/updates.rs): the locked read, in a transaction rolled back'
begin;
explain (analyze, buffers)
select t.state, t.completed_on, t.pending_confirmation, t.proposed_completed_on, t.deadline_kind, t.version,
       (select count(*) from milestones m where m.task_id = t.id),
       exists (select 1 from task_units tu join user_units uu on uu.unit_id = tu.unit_id
                where tu.task_id = t.id and tu.role = 'lead' and uu.user_id = 1),
       exists (select 1 from task_units tu join user_units uu on uu.unit_id = tu.unit_id
                where tu.task_id = t.id and tu.role = 'partner' and uu.user_id = 1)
  from tasks t where t.id = 4242 and not t.retired for update of t;
rollback;

\echo '== 13. a round''s progress per plan (src/db/rounds/mod.rs): every line of the round aggregated'
explain (analyze, buffers)
with per_unit as (
     select l.decision_id, l.unit_id, count(*) as lines, count(l.state) as saved
       from round_lines l where l.round_id = (select max(id) from rounds) group by 1, 2)
select p.decision_id, d.code, d.issuer, sum(p.lines)::bigint, sum(p.saved)::bigint,
       coalesce(sum(p.lines) filter (where x.status = 'submitted'), 0)::bigint,
       count(*), count(*) filter (where x.status = 'submitted')
  from per_unit p
  join round_reports x on x.round_id = (select max(id) from rounds) and x.unit_id = p.unit_id
  join decisions d on d.id = p.decision_id
 group by p.decision_id, d.code, d.issuer, d.issued_on
 order by d.issued_on desc nulls last, d.code;
