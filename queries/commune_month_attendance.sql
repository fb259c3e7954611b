-- commune_month_attendance: how well were each commune's cell meetings attended, month by month?
--
-- Scope: unit (meetings of the subtree's cells)
-- Macros: in_scope, window_months, attendance_rate
-- Parameters:
--   $start            date      first day of the window (inclusive)
--   $end              date      last day of the window (inclusive)
--   $unit             text      root of the subtree; null = everything
-- Columns:
--   commune_id        text      the commune (cell_commune)
--   commune           text
--   month             date      first day
--   meetings          integer
--   expected          integer   members on the roll, exempt included
--   exempt            integer
--   present           integer
--   excused           integer
--   absent            integer
--   attendance_rate   fraction  present / (expected - exempt), pooled over the commune's meetings of
--                               the month (null when none)
-- Notes:
--   The commune of a cell is its nearest ancestor of kind commune, else its parent (cell_commune), so
--   a commune's months stay continuous when its cells merge. One row per commune with a meeting in
--   the window and per calendar month of the window, months without meetings included.
with months as (
    select month from window_months($start, $end)
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
      and in_scope(s.cell_id, $unit)
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
       attendance_rate(x.present, x.expected, x.exempt) as attendance_rate
from communes c
cross join months m
left join monthly x on x.commune_id = c.commune_id and x.month = m.month
left join unit u on u.unit_id = c.commune_id
order by u.name collate vi, c.commune_id, m.month;
