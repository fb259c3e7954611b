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
cells as (
    select u.unit_id as cell_id, u.name as cell, u.valid_from, u.valid_to, u.merged_into, cc.commune_id
    from unit u
    join cell_commune cc on cc.cell_id = u.unit_id
    where u.kind = 'cell'
      and u.unit_id in (select unit_id from scope)
      and (u.valid_from is null or u.valid_from <= $end)
      and (u.valid_to is null or u.valid_to >= $start)
),
months as (
    select unnest(generate_series(date_trunc('month', $start::date), date_trunc('month', $end::date),
                                  interval 1 month))::date as month
),
cell_months as (
    -- the months in which the cell existed on the 15th
    select c.cell_id, m.month
    from cells c, months m
    where (c.valid_from is null or c.valid_from <= m.month + 14)
      and (c.valid_to is null or c.valid_to >= m.month + 14)
),
quarters as (
    select distinct date_trunc('quarter', month)::date as quarter from months
),
cell_quarters as (
    select c.cell_id, q.quarter
    from cells c, quarters q
    where greatest(q.quarter, $start::date) <= least((q.quarter + interval 3 month - interval 1 day)::date,
                                                     $end::date)
      and (c.valid_from is null or c.valid_from <= (q.quarter + interval 3 month - interval 1 day)::date)
      and (c.valid_to is null or c.valid_to >= q.quarter)
),
by_month as (
    -- one row per cell and month with a meeting in the window
    select s.cell_id, s.month,
           count(*) as meetings, sum(s.expected) as expected, sum(s.exempt) as exempt,
           sum(s.present) as present,
           bool_or(s.kind in ('regular', 'thematic')) as met,
           bool_or(s.visits > 0) as visited
    from meeting_stats s
    where s.held_on between $start and $end
      and s.cell_id in (select cell_id from cells)
    group by s.cell_id, s.month
),
activity as (
    select b.cell_id, sum(b.meetings) as meetings, sum(b.expected)::bigint as expected,
           sum(b.exempt)::bigint as exempt, sum(b.present)::bigint as present,
           -- months count only while the cell existed (on the 15th)
           count(*) filter (where b.met and e.cell_id is not null) as months_met,
           count(*) filter (where b.visited and e.cell_id is not null) as visit_months
    from by_month b
    left join cell_months e on e.cell_id = b.cell_id and e.month = b.month
    group by b.cell_id
),
thematic_held as (
    -- the whole quarter counts, also its months outside the window: the rule is per quarter
    select distinct s.cell_id, date_trunc('quarter', s.month)::date as quarter
    from meeting_stats s
    where s.kind = 'thematic'
      and s.held_on between date_trunc('quarter', $start::date)
                        and (date_trunc('quarter', $end::date) + interval 3 month - interval 1 day)::date
      and s.cell_id in (select cell_id from cells)
),
thematic as (
    select cq.cell_id, count(*) as quarters_thematic
    from cell_quarters cq
    join thematic_held t on t.cell_id = cq.cell_id and t.quarter = cq.quarter
    group by cq.cell_id
),
existed as (
    select c.cell_id, coalesce(m.months_existed, 0) as months_existed,
           coalesce(q.quarters_existed, 0) as quarters_existed
    from cells c
    left join (select cell_id, count(*) as months_existed from cell_months group by cell_id) m
           on m.cell_id = c.cell_id
    left join (select cell_id, count(*) as quarters_existed from cell_quarters group by cell_id) q
           on q.cell_id = c.cell_id
),
components as (
    select c.commune_id, cu.name as commune, c.cell_id, c.cell,
           coalesce(a.meetings, 0) as meetings,
           a.present / nullif(a.expected - a.exempt, 0) as attendance_rate,
           coalesce(a.months_met, 0) / nullif(e.months_existed, 0) as regularity,
           coalesce(th.quarters_thematic, 0) / nullif(e.quarters_existed, 0) as thematic_coverage,
           coalesce(a.visit_months, 0) / nullif(e.months_existed, 0) as visit_coverage,
           coalesce(a.expected, 0) as expected, coalesce(a.exempt, 0) as exempt,
           coalesce(a.present, 0) as present,
           coalesce(a.months_met, 0) as months_met, e.months_existed,
           coalesce(th.quarters_thematic, 0) as quarters_thematic, e.quarters_existed,
           coalesce(a.visit_months, 0) as visit_months,
           c.valid_from, c.valid_to, c.merged_into
    from cells c
    join existed e on e.cell_id = c.cell_id
    left join unit cu on cu.unit_id = c.commune_id
    left join activity a on a.cell_id = c.cell_id
    left join thematic th on th.cell_id = c.cell_id
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
