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
held as (
    select s.meeting_id, s.cell_id, s.month, s.kind, s.expected, s.exempt, s.present
    from meeting_stats s
    where s.held_on between $start and $end
      and s.cell_id in (select cell_id from cells)
),
attendance as (
    select cell_id, count(*) as meetings, sum(expected)::bigint as expected, sum(exempt)::bigint as exempt,
           sum(present)::bigint as present
    from held
    group by cell_id
),
met_months as (
    select distinct cell_id, month from held where kind in ('regular', 'thematic')
),
met as (
    select cm.cell_id, count(*) as months_met
    from cell_months cm
    join met_months m on m.cell_id = cm.cell_id and m.month = cm.month
    group by cm.cell_id
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
visit_months as (
    select distinct h.cell_id, h.month
    from held h
    join visit v on v.meeting_id = h.meeting_id
),
visited as (
    select cm.cell_id, count(*) as visit_months
    from cell_months cm
    join visit_months vm on vm.cell_id = cm.cell_id and vm.month = cm.month
    group by cm.cell_id
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
           coalesce(mt.months_met, 0) / nullif(e.months_existed, 0) as regularity,
           coalesce(th.quarters_thematic, 0) / nullif(e.quarters_existed, 0) as thematic_coverage,
           coalesce(vi.visit_months, 0) / nullif(e.months_existed, 0) as visit_coverage,
           coalesce(a.expected, 0) as expected, coalesce(a.exempt, 0) as exempt,
           coalesce(a.present, 0) as present,
           coalesce(mt.months_met, 0) as months_met, e.months_existed,
           coalesce(th.quarters_thematic, 0) as quarters_thematic, e.quarters_existed,
           coalesce(vi.visit_months, 0) as visit_months,
           c.valid_from, c.valid_to, c.merged_into
    from cells c
    join existed e on e.cell_id = c.cell_id
    left join unit cu on cu.unit_id = c.commune_id
    left join attendance a on a.cell_id = c.cell_id
    left join met mt on mt.cell_id = c.cell_id
    left join thematic th on th.cell_id = c.cell_id
    left join visited vi on vi.cell_id = c.cell_id
),
scored as (
    select x.*,
           (w.w_attendance * coalesce(x.attendance_rate, 0) + w.w_regularity * coalesce(x.regularity, 0)
            + w.w_thematic * coalesce(x.thematic_coverage, 0) + w.w_visits * coalesce(x.visit_coverage, 0))
           / nullif(w.w_attendance + w.w_regularity + w.w_thematic + w.w_visits, 0) as score,
           x.meetings >= 3 as is_ranked,
           w.*
    from components x, weights w
)
select commune_id, commune, cell_id, cell, meetings, attendance_rate, regularity, thematic_coverage,
       score, is_ranked,
       case when is_ranked then rank() over (partition by commune_id, is_ranked order by score desc) end
           as rank_in_commune,
       visit_coverage, expected, exempt, present, months_met, months_existed, quarters_thematic,
       quarters_existed, visit_months, valid_from, valid_to, merged_into,
       w_attendance, w_regularity, w_thematic, w_visits,
       coalesce(is_ranked and cume_dist() over (partition by is_ranked order by score) <= 0.1, false)
           as is_bottom_decile
from scored
order by commune collate vi, commune_id, rank_in_commune nulls last, cell collate vi;
