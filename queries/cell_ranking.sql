-- cell_ranking: how does each cell compare with the other cells of its commune in the window?
-- Parameters: $start, $end (inclusive dates), $unit (root of the subtree; null = everything);
--   optional weights $w_attendance, $w_regularity, $w_thematic, $w_visits (null = the default);
--   optional $as_of (the day the figures are judged; null = today).
-- Regularity, thematic and visit coverage count the months (quarters) of the window that are over on
--   $as_of: a review written before the period ends does not count the rest of it as missed, and a
--   month under way is judged when it ends. Attendance counts every meeting of the window.
-- Components, each a fraction 0-1 (docs/DOMAIN.md definitions):
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
with weights as (
    select coalesce($w_attendance, 0.4)::double as w_attendance,
           coalesce($w_regularity, 0.3)::double as w_regularity,
           coalesce($w_thematic, 0.2)::double as w_thematic,
           coalesce($w_visits, 0.1)::double as w_visits
),
bounds as (
    -- months numbered year * 12 + month - 1, quarters year * 4 + quarter - 1; the last ones that
    -- count are over on $as_of
    select year($start::date) * 12 + month($start::date) - 1 as first_month,
           least(year($end::date) * 12 + month($end::date) - 1,
                 year($as_of::date) * 12 + month($as_of::date) - 2) as last_month,
           year($start::date) * 4 + quarter($start::date) - 1 as first_quarter,
           least(year($end::date) * 4 + quarter($end::date) - 1,
                 year($as_of::date) * 4 + quarter($as_of::date) - 2) as last_quarter
),
cells as (
    -- each cell with the months of the window it existed in (on the 15th) and the quarters of the
    -- window its life overlaps, as ranges of month and quarter numbers
    select u.cell_id, u.cell, u.valid_from, u.valid_to, u.merged_into, u.commune_id, u.commune,
           u.cell_order, u.commune_order,
           greatest(b.first_month, coalesce(year(u.valid_from) * 12 + month(u.valid_from) - 1
                                            + (day(u.valid_from) > 15)::integer, b.first_month))
               as from_month,
           least(b.last_month, coalesce(year(u.valid_to) * 12 + month(u.valid_to) - 1
                                        - (day(u.valid_to) < 15)::integer, b.last_month)) as to_month,
           greatest(b.first_quarter, coalesce(year(u.valid_from) * 4 + quarter(u.valid_from) - 1,
                                              b.first_quarter)) as from_quarter,
           least(b.last_quarter, coalesce(year(u.valid_to) * 4 + quarter(u.valid_to) - 1, b.last_quarter))
               as to_quarter
    from cell_facts u
    cross join bounds b
    where ($unit is null or u.cell_id in (select descendant_id from unit_closure where ancestor_id = $unit))
      and (u.valid_from is null or u.valid_from <= $end)
      and (u.valid_to is null or u.valid_to >= $start)
),
marked as (
    -- the meetings of the window's quarters, each with its month and quarter numbers and whether it
    -- counts for attendance (in the window), for a met or visited month (in the window, in a month
    -- the cell existed) and for a thematic quarter (in a quarter of the cell's life)
    select s.cell_id, s.expected, s.exempt, s.present, s.month_no, s.quarter_no,
           s.in_window,
           s.in_window and s.kind in ('regular', 'thematic')
               and s.month_no between c.from_month and c.to_month as met,
           s.in_window and s.visits > 0 and s.month_no between c.from_month and c.to_month as visited,
           s.kind = 'thematic' and s.quarter_no between c.from_quarter and c.to_quarter as thematic,
    from (select *, held_on between $start and $end as in_window,
                 year(month) * 12 + month(month) - 1 as month_no,
                 year(month) * 4 + quarter(month) - 1 as quarter_no
          from meeting_stats
          where held_on between date_trunc('quarter', $start::date)
                            and (date_trunc('quarter', $end::date) + interval 3 month - interval 1 day)::date
         ) s
    join cells c on c.cell_id = s.cell_id
),
activity as (
    -- Sums as double, exact for counts: DuckDB 2.0 sums integers several times slower when it
    -- groups thousands of rows. Distinct months and quarters as bit strings over the window's
    -- month and quarter numbers: cheaper than count(distinct).
    select cell_id,
           count(*) filter (where in_window) as meetings,
           sum(expected::double) filter (where in_window) as expected,
           sum(exempt::double) filter (where in_window) as exempt,
           sum(present::double) filter (where in_window) as present,
           bit_count(bitstring_agg(month_no, year($start::date) * 12 + month($start::date) - 1,
                                   year($end::date) * 12 + month($end::date) - 1) filter (where met))
               as months_met,
           bit_count(bitstring_agg(month_no, year($start::date) * 12 + month($start::date) - 1,
                                   year($end::date) * 12 + month($end::date) - 1) filter (where visited))
               as visit_months,
           bit_count(bitstring_agg(quarter_no, year($start::date) * 4 + quarter($start::date) - 1,
                                   year($end::date) * 4 + quarter($end::date) - 1) filter (where thematic))
               as quarters_thematic
    from marked
    group by cell_id
),
components as (
    select c.commune_id, c.commune, c.cell_id, c.cell, c.commune_order, c.cell_order,
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
order by x.commune_order, rank_in_commune nulls last, x.cell_order;
