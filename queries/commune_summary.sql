-- commune_summary: how did each commune do in the window: attendance, meetings, opinions answered?
-- Parameters: $start, $end (inclusive dates), $unit (root of the subtree; null = everything),
--   $as_of (the day overdue is judged).
-- The commune of a cell is its nearest ancestor of kind commune, else its parent (cell_commune).
-- Columns: commune_id, commune, cells (cells with a meeting in the window), meetings, expected, exempt,
--   present, excused, absent, attendance_rate (pooled), opinions, answered_on_time, overdue, open
--   (unanswered, not yet due), on_time_rate (answered_on_time / (opinions - open): opinions not yet
--   due cannot be late yet). Communes with neither meetings nor opinions are left out.
with scope as (
    select descendant_id as unit_id from unit_closure where ancestor_id = $unit
    union all
    select unit_id from unit where $unit is null
),
meetings as (
    select s.commune_id, count(distinct s.cell_id) as cells, count(*) as meetings,
           sum(s.expected)::bigint as expected, sum(s.exempt)::bigint as exempt, sum(s.present)::bigint as present,
           sum(s.excused)::bigint as excused, sum(s.absent)::bigint as absent
    from meeting_stats s
    where s.held_on between $start and $end
      and s.cell_id in (select unit_id from scope)
    group by s.commune_id
),
opinions as (
    select f.commune_id, count(*) as opinions,
           count(*) filter (where o.answered_on <= f.due_on) as answered_on_time,
           count(*) filter (where o.answered_on is null and f.due_on < $as_of) as overdue,
           count(*) filter (where o.answered_on is null and f.due_on >= $as_of) as open
    from opinion o
    join opinion_facts f on f.opinion_id = o.opinion_id
    where o.raised_on between $start and $end
      and o.unit_id in (select unit_id from scope)
    group by f.commune_id
)
select coalesce(m.commune_id, o.commune_id) as commune_id, u.name as commune,
       coalesce(m.cells, 0) as cells, coalesce(m.meetings, 0) as meetings,
       coalesce(m.expected, 0) as expected, coalesce(m.exempt, 0) as exempt,
       coalesce(m.present, 0) as present, coalesce(m.excused, 0) as excused,
       coalesce(m.absent, 0) as absent,
       m.present / nullif(m.expected - m.exempt, 0) as attendance_rate,
       coalesce(o.opinions, 0) as opinions, coalesce(o.answered_on_time, 0) as answered_on_time,
       coalesce(o.overdue, 0) as overdue,
       coalesce(o.open, 0) as open,
       o.answered_on_time / nullif(o.opinions - o.open, 0) as on_time_rate
from meetings m
full join opinions o on o.commune_id = m.commune_id
left join unit u on u.unit_id = coalesce(m.commune_id, o.commune_id)
order by u.name collate vi, commune_id;
