-- cells_needing_help: which cells had an attendance rate below the target in at least 3 consecutive
-- months of the window?
-- Parameters: $start, $end (inclusive dates), $unit (root of the subtree; null = everything), $target
--   (the attendance target, a fraction; the app passes cellboard/rules.py ATTENDANCE_TARGET; null =
--   no cell is below it).
-- A cell's month is below target when its meetings of that month, pooled, have present / (expected -
--   exempt) < $target. A month without a meeting breaks a run (it shows in regularity instead).
-- Columns: commune_id, commune, cell_id, cell, months_with_meetings, months_below_target,
--   longest_run_below_target (consecutive calendar months), run_ended (last month of the latest
--   longest run), attendance_rate (pooled over the window), lowest_month_rate. Only cells whose
--   longest run is 3 months or more; ordered by commune, longest run, then lowest window rate.
with scope as (
    select descendant_id as unit_id from unit_closure where ancestor_id = $unit
    union all
    select unit_id from unit where $unit is null
),
cell_months as (
    -- sums as double, exact for counts: DuckDB 2.0 sums integers several times slower when it
    -- groups thousands of rows
    select s.cell_id, s.commune_id, s.month,
           sum(s.expected::double)::bigint as expected, sum(s.exempt::double)::bigint as exempt,
           sum(s.present::double)::bigint as present,
           sum(s.present::double) / nullif(sum(s.expected::double) - sum(s.exempt::double), 0) as rate
    from meeting_stats s
    where s.held_on between $start and $end
      and s.cell_id in (select unit_id from scope)
    group by s.cell_id, s.commune_id, s.month
),
below as (
    -- consecutive months share an island number: month index minus position among the cell's months below
    select cell_id, month,
           (year(month) * 12 + month(month))
           - row_number() over (partition by cell_id order by month) as island
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
           arg_max(ended, months * 10000 + year(ended) * 12 + month(ended)) as run_ended
    from runs
    group by cell_id
),
totals as (
    select cell_id, any_value(commune_id) as commune_id, count(*) as months_with_meetings,
           sum(present::double) / nullif(sum(expected::double) - sum(exempt::double), 0) as attendance_rate,
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
where p.longest_run_below_target >= 3
order by cm.name collate vi, t.commune_id, p.longest_run_below_target desc, t.attendance_rate, c.name collate vi;
