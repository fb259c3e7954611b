-- cell_ranking: how does each cell compare with the other cells of its commune in the window?
--
-- Scope: unit (the subtree's cells; deciles among them)
-- Macros: in_scope, existed_between, month_no, quarter_no, attendance_rate, rate
--   (first_month_existed, last_month_existed and quarter_no of the cell's dates: derived into cell_facts)
-- Rules: $min_meetings_to_rank, $default_w_attendance, $default_w_regularity, $default_w_thematic,
--   $default_w_visits (cellboard/rules.py: MIN_MEETINGS_TO_RANK, DEFAULT_WEIGHTS)
-- Parameters:
--   $start               date      first day of the window (inclusive)
--   $end                 date      last day of the window (inclusive)
--   $unit                text      root of the subtree; null = everything
--   $w_attendance        number    optional weight of attendance_rate; null = the default (0.4)
--   $w_regularity        number    optional weight of regularity; null = the default (0.3)
--   $w_thematic          number    optional weight of thematic_coverage; null = the default (0.2)
--   $w_visits            number    optional weight of visit_coverage; null = the default (0.1)
--   $as_of               date      optional: the day the figures are judged; null = today
-- Columns:
--   commune_id           text      the commune (cell_commune)
--   commune              text
--   cell_id              text
--   cell                 text
--   meetings             integer   held in the window
--   attendance_rate      fraction  present / (expected - exempt) over the cell's meetings in the window
--   regularity           fraction  months with a regular or thematic meeting / months the cell existed
--                                  (on the 15th)
--   thematic_coverage    fraction  quarters with a thematic meeting / quarters overlapping the window
--                                  and the cell's life (a thematic meeting anywhere in such a quarter
--                                  counts, also outside the window)
--   score                fraction  the weighted mean of the components (a missing one counts 0),
--                                  weights divided by their sum
--   is_ranked            boolean   at least $min_meetings_to_rank (3) meetings in the window
--   rank_in_commune      integer   1 = the best score of its commune; null when not ranked
--   visit_coverage       fraction  months with a committee member's visit / months the cell existed
--   expected             integer   the sums attendance_rate is pooled from
--   exempt               integer
--   present              integer
--   months_met           integer   regularity = months_met / months_existed
--   months_existed       integer
--   quarters_thematic    integer   thematic_coverage = quarters_thematic / quarters_existed
--   quarters_existed     integer
--   visit_months         integer   visit_coverage = visit_months / months_existed
--   valid_from           date
--   valid_to             date
--   merged_into          text
--   w_attendance         number    the weights used
--   w_regularity         number
--   w_thematic           number
--   w_visits             number
--   is_bottom_decile     boolean   a ranked cell whose score is in the lowest tenth of the ranked
--                                  cells of the subtree (cume_dist over their scores <= 0.1; so never
--                                  with fewer than 10 ranked cells)
-- Notes:
--   Regularity, thematic and visit coverage count the months (quarters) of the window that are over
--   on $as_of: a review written before the period ends does not count the rest of it as missed, and
--   a month under way is judged when it ends. Attendance counts every meeting of the window. The
--   components are docs/DOMAIN.md's definitions, each a fraction 0-1. A cell with fewer than
--   $min_meetings_to_rank meetings in the window is not ranked (is_ranked false, no rank).
--   Reads the month and quarter numbers derived into meeting_stats (month_no, quarter_no) and
--   cell_facts (first_month, last_month, first_quarter, last_quarter) instead of working them out
--   of dates on every read (each row's date parts, and binding a dozen date functions). The months
--   and quarters met and visited come from meeting_stats' per-meeting flags (met_after, visit_after,
--   thematic_first: schema.sql), written for all of a cell's meetings when one of them or the cell's
--   dates change: they hold the month's and quarter's place in the cell's life, so the window's
--   meetings are grouped by cell without joining the cells, and counted without bit strings.
--   Cost (EXPLAIN ANALYZE, M whole tree): the group by over the window's quarters' meetings (21,476
--   rows at M, 87,191 at L) about a third of the run, planning about a quarter (binding ~3.5 ms,
--   optimizing ~2.6 ms), then the ranks' lists, the sort and the DataFrame.
with cells as (
    -- each cell with the months of the window it existed in (on the 15th) and the quarters of the
    -- window its life overlaps, as ranges of month and quarter numbers (greatest and least skip a
    -- null: no limit on that side); the months and quarters that count are over on $as_of
    select u.cell_id, u.cell, u.valid_from, u.valid_to, u.merged_into, u.commune_id, u.commune,
           u.cell_order, u.commune_order,
           greatest(month_no($start::date), u.first_month) as from_month,
           least(month_no($end::date), month_no($as_of::date) - 1, u.last_month) as to_month,
           greatest(quarter_no($start::date), u.first_quarter) as from_quarter,
           least(quarter_no($end::date), quarter_no($as_of::date) - 1, u.last_quarter) as to_quarter
    from cell_facts u
    where in_scope(u.cell_id, $unit)
      and existed_between(u.valid_from, u.valid_to, $start, $end)
),
activity as (
    -- the meetings of the window's quarters, grouped by cell (no join: meeting_stats' flags already
    -- leave out the months and quarters outside the cell's life). Attendance counts those in the
    -- window. A month is met (visited) in the window by its first regular or thematic (visited)
    -- meeting on or after $start: the one whose met_after (visit_after) falls before both $start
    -- and its month's first day (schema.sql); a quarter is thematic by its first thematic meeting,
    -- also outside the window. Sums as double, exact for counts: DuckDB 2.0 sums integers several
    -- times slower when it groups thousands of rows.
    select cell_id,
           count(*) filter (where in_window) as meetings,
           sum(expected::double) filter (where in_window) as expected,
           sum(exempt::double) filter (where in_window) as exempt,
           sum(present::double) filter (where in_window) as present,
           count(*) filter (where in_window and met_after < greatest($start::date, month)
                                   and month_no < month_no($as_of::date)) as months_met,
           count(*) filter (where in_window and visit_after < greatest($start::date, month)
                                   and month_no < month_no($as_of::date)) as visit_months,
           count(*) filter (where thematic_first and quarter_no < quarter_no($as_of::date))
               as quarters_thematic
    from (select cell_id, expected, exempt, present, month, month_no, quarter_no, met_after, visit_after,
                 thematic_first, held_on between $start and $end as in_window
          from meeting_stats
          where quarter_no between quarter_no($start::date) and quarter_no($end::date)
            and in_scope(cell_id, $unit))
    group by cell_id
),
scored as (
    select x.*,
           (x.w_attendance * coalesce(x.attendance_rate, 0) + x.w_regularity * coalesce(x.regularity, 0)
            + x.w_thematic * coalesce(x.thematic_coverage, 0) + x.w_visits * coalesce(x.visit_coverage, 0))
           / nullif(x.w_attendance + x.w_regularity + x.w_thematic + x.w_visits, 0) as score,
           x.meetings >= $min_meetings_to_rank as is_ranked
    from (
        select c.commune_id, c.commune, c.cell_id, c.cell, c.commune_order, c.cell_order,
               coalesce(a.meetings, 0) as meetings,
               attendance_rate(a.present, a.expected, a.exempt) as attendance_rate,
               rate(coalesce(a.months_met, 0), c.months_existed) as regularity,
               rate(coalesce(a.quarters_thematic, 0), c.quarters_existed) as thematic_coverage,
               rate(coalesce(a.visit_months, 0), c.months_existed) as visit_coverage,
               coalesce(a.expected, 0)::bigint as expected, coalesce(a.exempt, 0)::bigint as exempt,
               coalesce(a.present, 0)::bigint as present,
               coalesce(a.months_met, 0) as months_met, c.months_existed,
               coalesce(a.quarters_thematic, 0) as quarters_thematic, c.quarters_existed,
               coalesce(a.visit_months, 0) as visit_months,
               c.valid_from, c.valid_to, c.merged_into,
               coalesce($w_attendance, $default_w_attendance)::double as w_attendance,
               coalesce($w_regularity, $default_w_regularity)::double as w_regularity,
               coalesce($w_thematic, $default_w_thematic)::double as w_thematic,
               coalesce($w_visits, $default_w_visits)::double as w_visits
        from (select *, greatest(0, to_month - from_month + 1) as months_existed,
                     greatest(0, to_quarter - from_quarter + 1) as quarters_existed
              from cells) c
        left join activity a on a.cell_id = c.cell_id
    ) x
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
    -- most cells that are at most a tenth of them (k / n <= 0.1: k = n // 10, the same count as
    -- testing c / n <= 0.1 for c = 1..n, checked for every n up to 20,000), exactly the scores
    -- below the (k+1)-th lowest
    select scores[n // 10 + 1] as below
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
