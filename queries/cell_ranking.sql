-- cell_ranking: how does each cell compare with the other cells of its commune in the window?
-- Parameters: $start, $end (inclusive dates), $unit (root of the subtree; null = everything);
--   optional weights $w_attendance, $w_regularity, $w_thematic, $w_visits (null = the default).
-- Components, each a fraction 0-1 (DOMAIN.md definitions):
--   attendance_rate    present / (expected - exempt) over the cell's meetings in the window
--   regularity         months with a regular or thematic meeting / months the cell existed (on the 15th)
--   thematic_coverage  quarters with a thematic meeting / quarters overlapping the window and the cell's life
--                      (a thematic meeting anywhere in such a quarter counts, also outside the window)
--   visit_coverage     months with a committee member's visit / months the cell existed
-- Default weights: attendance 0.4, regularity 0.3, thematic 0.2, visits 0.1. score = the weighted
--   mean of the components (a missing component counts 0), weights divided by their sum.
-- A cell with fewer than 3 meetings in the window is not ranked (is_ranked false, no rank).
-- is_bottom_decile: a ranked cell whose score is in the lowest tenth of the ranked cells of the subtree
--   (cume_dist over their scores <= 0.1; so never with fewer than 10 ranked cells).
-- Columns: commune_id, commune, cell_id, cell, meetings, attendance_rate, regularity,
--   thematic_coverage, score, is_ranked, rank_in_commune, visit_coverage, expected, exempt, present,
--   months_met, months_existed, quarters_thematic, quarters_existed, visit_months, valid_from,
--   valid_to, merged_into, w_attendance, w_regularity, w_thematic, w_visits (the weights used),
--   is_bottom_decile.
with scope as (
    select descendant_id as unit_id from unit_closure where ancestor_id = $unit
    union all
    select unit_id from unit where $unit is null
),
weights as (
    select coalesce($w_attendance, 0.4)::double as w_attendance,
           coalesce($w_regularity, 0.3)::double as w_regularity,
           coalesce($w_thematic, 0.2)::double as w_thematic,
           coalesce($w_visits, 0.1)::double as w_visits
),
bounds as (
    -- months numbered year * 12 + month - 1, quarters year * 4 + quarter - 1
    select year($start::date) * 12 + month($start::date) - 1 as first_month,
           year($end::date) * 12 + month($end::date) - 1 as last_month,
           year($start::date) * 4 + quarter($start::date) - 1 as first_quarter,
           year($end::date) * 4 + quarter($end::date) - 1 as last_quarter
),
cells as (
    -- each cell with the months of the window it existed in (on the 15th) and the quarters of the
    -- window its life overlaps, as ranges of month and quarter numbers
    select u.unit_id as cell_id, u.name as cell, u.valid_from, u.valid_to, u.merged_into, cc.commune_id,
           greatest(b.first_month, coalesce(year(u.valid_from) * 12 + month(u.valid_from) - 1
                                            + (day(u.valid_from) > 15)::integer, b.first_month))
               as from_month,
           least(b.last_month, coalesce(year(u.valid_to) * 12 + month(u.valid_to) - 1
                                        - (day(u.valid_to) < 15)::integer, b.last_month)) as to_month,
           greatest(b.first_quarter, coalesce(year(u.valid_from) * 4 + quarter(u.valid_from) - 1,
                                              b.first_quarter)) as from_quarter,
           least(b.last_quarter, coalesce(year(u.valid_to) * 4 + quarter(u.valid_to) - 1, b.last_quarter))
               as to_quarter
    from unit u
    join cell_commune cc on cc.cell_id = u.unit_id
    cross join bounds b
    where u.kind = 'cell'
      and u.unit_id in (select unit_id from scope)
      and (u.valid_from is null or u.valid_from <= $end)
      and (u.valid_to is null or u.valid_to >= $start)
),
activity as (
    -- one pass over the window's quarters: attendance and months from the window's meetings, thematic
    -- quarters from any meeting of those quarters (the rule is per quarter). Sums as double, exact
    -- for counts: DuckDB 2.0 sums integers several times slower when it groups thousands of rows.
    select s.cell_id,
           count(*) filter (where s.held_on between $start and $end) as meetings,
           sum(s.expected::double) filter (where s.held_on between $start and $end) as expected,
           sum(s.exempt::double) filter (where s.held_on between $start and $end) as exempt,
           sum(s.present::double) filter (where s.held_on between $start and $end) as present,
           count(distinct s.month) filter (
               where s.held_on between $start and $end and s.kind in ('regular', 'thematic')
                 and year(s.month) * 12 + month(s.month) - 1 between c.from_month and c.to_month
           ) as months_met,
           count(distinct s.month) filter (
               where s.held_on between $start and $end and s.visits > 0
                 and year(s.month) * 12 + month(s.month) - 1 between c.from_month and c.to_month
           ) as visit_months,
           count(distinct date_trunc('quarter', s.month)) filter (
               where s.kind = 'thematic'
                 and year(s.month) * 4 + quarter(s.month) - 1 between c.from_quarter and c.to_quarter
           ) as quarters_thematic
    from meeting_stats s
    join cells c on c.cell_id = s.cell_id
    where s.held_on between date_trunc('quarter', $start::date)
                        and (date_trunc('quarter', $end::date) + interval 3 month - interval 1 day)::date
    group by s.cell_id
),
components as (
    select c.commune_id, cu.name as commune, c.cell_id, c.cell,
           coalesce(a.meetings, 0) as meetings,
           a.present / nullif(a.expected - a.exempt, 0) as attendance_rate,
           coalesce(a.months_met, 0) / nullif(e.months_existed, 0) as regularity,
           coalesce(a.quarters_thematic, 0) / nullif(e.quarters_existed, 0) as thematic_coverage,
           coalesce(a.visit_months, 0) / nullif(e.months_existed, 0) as visit_coverage,
           coalesce(a.expected, 0)::bigint as expected, coalesce(a.exempt, 0)::bigint as exempt,
           coalesce(a.present, 0)::bigint as present,
           coalesce(a.months_met, 0) as months_met, e.months_existed,
           coalesce(a.quarters_thematic, 0) as quarters_thematic, e.quarters_existed,
           coalesce(a.visit_months, 0) as visit_months,
           c.valid_from, c.valid_to, c.merged_into
    from cells c
    cross join lateral (
        select greatest(0, c.to_month - c.from_month + 1) as months_existed,
               greatest(0, c.to_quarter - c.from_quarter + 1) as quarters_existed
    ) e
    left join unit cu on cu.unit_id = c.commune_id
    left join activity a on a.cell_id = c.cell_id
),
scored as (
    select x.*,
           (w.w_attendance * coalesce(x.attendance_rate, 0) + w.w_regularity * coalesce(x.regularity, 0)
            + w.w_thematic * coalesce(x.thematic_coverage, 0) + w.w_visits * coalesce(x.visit_coverage, 0))
           / nullif(w.w_attendance + w.w_regularity + w.w_thematic + w.w_visits, 0) as score,
           x.meetings >= 3 as is_ranked,
           w.*
    from components x, weights w
),
in_commune as (
    -- each commune's ranked scores, highest first: a cell's rank is where its score first appears
    -- (rank() without a window function, which costs more here than the whole list)
    select commune_id, list_sort(list(score) filter (where score is not null), 'DESC') as scores
    from scored
    where is_ranked
    group by commune_id
),
decile as (
    -- cume_dist(score) <= 0.1 among the ranked cells of the subtree, without a window: with k the
    -- most cells that are at most a tenth of them, exactly the scores below the (k+1)-th lowest
    select scores[len(list_filter(range(1, n + 1), lambda c: c / n <= 0.1)) + 1] as below
    from (select list_sort(list(score) filter (where score is not null)) as scores, count(*) as n
          from scored
          where is_ranked)
)
select x.commune_id, x.commune, x.cell_id, x.cell, x.meetings, x.attendance_rate, x.regularity,
       x.thematic_coverage, x.score, x.is_ranked,
       case when x.is_ranked then coalesce(list_position(r.scores, x.score), len(r.scores) + 1) end
           as rank_in_commune,
       x.visit_coverage, x.expected, x.exempt, x.present, x.months_met, x.months_existed,
       x.quarters_thematic, x.quarters_existed, x.visit_months, x.valid_from, x.valid_to, x.merged_into,
       x.w_attendance, x.w_regularity, x.w_thematic, x.w_visits,
       coalesce(x.is_ranked and x.score < d.below, false) as is_bottom_decile
from scored x
cross join decile d
left join in_commune r on r.commune_id is not distinct from x.commune_id
left join unit_order co on co.unit_id = x.commune_id
left join unit_order ce on ce.unit_id = x.cell_id
order by co.name_order, rank_in_commune nulls last, ce.name_order;
