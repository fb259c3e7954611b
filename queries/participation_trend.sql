-- participation_trend: how many meetings were held and how well were they attended, month by month?
-- Parameters: $start, $end (inclusive dates), $unit (root of the subtree; null = everything).
-- Columns: month (first day), meetings, expected (members on the roll, exempt included), exempt,
--   present, excused, absent, attendance_rate = present / (expected - exempt), pooled over the
--   month's meetings (docs/DOMAIN.md); null when nobody was expected. One row per calendar month of
--   the window, months without meetings included.
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
    select s.month,
           count(*) as meetings,
           sum(s.expected)::bigint as expected,
           sum(s.exempt)::bigint as exempt,
           sum(s.present)::bigint as present,
           sum(s.excused)::bigint as excused,
           sum(s.absent)::bigint as absent
    from meeting_stats s
    where s.held_on between $start and $end
      and s.cell_id in (select unit_id from scope)
    group by s.month
)
select m.month,
       coalesce(x.meetings, 0) as meetings,
       coalesce(x.expected, 0) as expected,
       coalesce(x.exempt, 0) as exempt,
       coalesce(x.present, 0) as present,
       coalesce(x.excused, 0) as excused,
       coalesce(x.absent, 0) as absent,
       x.present / nullif(x.expected - x.exempt, 0) as attendance_rate
from months m
left join monthly x on x.month = m.month
order by m.month;
