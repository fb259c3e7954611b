-- commune_month_attendance: how well were each commune's cell meetings attended, month by month?
-- Parameters: $start, $end (inclusive dates), $unit (root of the subtree; null = everything).
-- The commune of a cell is its nearest ancestor of kind commune, else its parent (cell_commune), so a
--   commune's months stay continuous when its cells merge.
-- Columns: commune_id, commune, month (first day), meetings, expected (members on the roll, exempt
--   included), exempt, present, excused, absent, attendance_rate = present / (expected - exempt),
--   pooled over the commune's meetings of the month (null when none). One row per commune with a
--   meeting in the window and per calendar month of the window, months without meetings included.
with scope as (
    select descendant_id as unit_id from unit_closure where ancestor_id = $unit
    union all
    select unit_id from unit where $unit is null
),
months as (
    select unnest(generate_series(date_trunc('month', $start::date), date_trunc('month', $end::date),
                                  interval 1 month))::date as month
),
monthly as (
    select s.commune_id, s.month,
           count(*) as meetings,
           sum(s.expected)::bigint as expected,
           sum(s.exempt)::bigint as exempt,
           sum(s.present)::bigint as present,
           sum(s.excused)::bigint as excused,
           sum(s.absent)::bigint as absent
    from meeting_stats s
    where s.held_on between $start and $end
      and s.cell_id in (select unit_id from scope)
    group by s.commune_id, s.month
),
communes as (
    select distinct commune_id from monthly
)
select c.commune_id, u.name as commune, m.month,
       coalesce(x.meetings, 0) as meetings,
       coalesce(x.expected, 0) as expected,
       coalesce(x.exempt, 0) as exempt,
       coalesce(x.present, 0) as present,
       coalesce(x.excused, 0) as excused,
       coalesce(x.absent, 0) as absent,
       x.present / nullif(x.expected - x.exempt, 0) as attendance_rate
from communes c
cross join months m
left join monthly x on x.commune_id = c.commune_id and x.month = m.month
left join unit u on u.unit_id = c.commune_id
order by u.name collate vi, c.commune_id, m.month;
