-- participation_trend: how many meetings were held and how well were they attended, month by month?
--
-- Scope: unit (meetings of the subtree's cells)
-- Macros: in_scope, window_months, attendance_rate
-- Parameters:
--   $start            date      first day of the window (inclusive)
--   $end              date      last day of the window (inclusive)
--   $unit             text      root of the subtree; null = everything
-- Columns:
--   month             date      first day
--   meetings          integer
--   expected          integer   members on the roll, exempt included
--   exempt            integer
--   present           integer
--   excused           integer
--   absent            integer
--   attendance_rate   fraction  present / (expected - exempt), pooled over the month's meetings
--                               (docs/DOMAIN.md); null when nobody was expected
-- Notes:
--   One row per calendar month of the window, months without meetings included.
with months as (
    select month from window_months($start, $end)
),
monthly as (
    select s.month,
           count(*) as meetings,
           sum(s.expected)::bigint as expected,
           sum(s.exempt)::bigint as exempt,
           sum(s.present)::bigint as present,
           sum(s.excused)::bigint as excused,
           sum(s.absent)::bigint as absent
    from meeting_stats s
    where s.held_on between $start and $end
      and in_scope(s.cell_id, $unit)
    group by s.month
)
select m.month,
       coalesce(x.meetings, 0) as meetings,
       coalesce(x.expected, 0) as expected,
       coalesce(x.exempt, 0) as exempt,
       coalesce(x.present, 0) as present,
       coalesce(x.excused, 0) as excused,
       coalesce(x.absent, 0) as absent,
       attendance_rate(x.present, x.expected, x.exempt) as attendance_rate
from months m
left join monthly x on x.month = m.month
order by m.month;
