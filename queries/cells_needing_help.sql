-- cells_needing_help: which cells had an attendance rate below the target in at least 3 consecutive
-- months of the window?
--
-- Scope: unit (the subtree's cells)
-- Macros: in_scope, month_no, attendance_rate
-- Rules: $months_below_target_for_help (cellboard/rules.py: MONTHS_BELOW_TARGET_FOR_HELP)
-- Parameters:
--   $start                      date      first day of the window (inclusive)
--   $end                        date      last day of the window (inclusive)
--   $unit                       text      root of the subtree; null = everything
--   $target                     fraction  the attendance target (the app passes cellboard/rules.py
--                                         ATTENDANCE_TARGET); null = no cell is below it
-- Columns:
--   commune_id                  text
--   commune                     text
--   cell_id                     text
--   cell                        text
--   months_with_meetings        integer
--   months_below_target         integer
--   longest_run_below_target    integer   consecutive calendar months
--   run_ended                   date      last month of the latest longest run
--   attendance_rate             fraction  pooled over the window
--   lowest_month_rate           fraction
-- Notes:
--   A cell's month is below target when its meetings of that month, pooled, have present /
--   (expected - exempt) < $target. A month without a meeting breaks a run (it shows in regularity
--   instead). Only cells whose longest run is $months_below_target_for_help (3) months or more;
--   ordered by commune, longest run, then lowest window rate.
with cell_months as (
    -- sums as double, exact for counts: DuckDB 2.0 sums integers several times slower when it
    -- groups thousands of rows
    select s.cell_id, s.commune_id, s.month,
           sum(s.expected::double)::bigint as expected, sum(s.exempt::double)::bigint as exempt,
           sum(s.present::double)::bigint as present,
           attendance_rate(sum(s.present::double), sum(s.expected::double), sum(s.exempt::double)) as rate
    from meeting_stats s
    where s.held_on between $start and $end
      and in_scope(s.cell_id, $unit)
    group by s.cell_id, s.commune_id, s.month
),
below as (
    -- consecutive months share an island number: month index minus position among the cell's months below
    select cell_id, month,
           month_no(month) - row_number() over (partition by cell_id order by month) as island
    from cell_months
    where rate < $target::double
),
runs as (
    select cell_id, island, count(*) as months, max(month) as ended
    from below
    group by cell_id, island
),
per_cell as (
    select cell_id, sum(months::double)::bigint as months_below_target, max(months) as longest_run_below_target,
           arg_max(ended, months * 100000 + month_no(ended)) as run_ended
    from runs
    group by cell_id
),
totals as (
    select cell_id, any_value(commune_id) as commune_id, count(*) as months_with_meetings,
           attendance_rate(sum(present::double), sum(expected::double), sum(exempt::double)) as attendance_rate,
           min(rate) as lowest_month_rate
    from cell_months
    group by cell_id
)
select t.commune_id, cm.name as commune, p.cell_id, c.name as cell, t.months_with_meetings,
       p.months_below_target, p.longest_run_below_target, p.run_ended, t.attendance_rate,
       t.lowest_month_rate
from per_cell p
join totals t on t.cell_id = p.cell_id
left join unit c on c.unit_id = p.cell_id
left join unit cm on cm.unit_id = t.commune_id
where p.longest_run_below_target >= $months_below_target_for_help
order by cm.name collate vi, t.commune_id, p.longest_run_below_target desc, t.attendance_rate, c.name collate vi;
