-- month_meetings: which meetings has each cell of the subtree held in a month, and which cells have
-- none yet?
--
-- Scope: unit (the subtree's cells)
-- Macros: in_scope, existed_between, attendance_rate
-- Parameters:
--   $start             date      first day of the month (inclusive)
--   $end               date      last day of the month (inclusive)
--   $unit              text      root of the subtree; null = everything
-- Columns:
--   commune_id         text      the cell's commune (cell_commune)
--   commune            text
--   cell_id            text
--   cell               text
--   reports_counts     boolean   the cell's latest meeting up to $end was reported as counts, not
--                                names (false for a cell that never met)
--   meeting_id         text      null: the cell held no meeting in the window
--   held_on            date
--   kind               text      regular, thematic, extraordinary
--   topic              text
--   expected           integer   members on the roll, exempt included
--   exempt             integer
--   present            integer
--   excused            integer
--   absent             integer
--   attendance_rate    fraction  present / (expected - exempt)
-- Notes:
--   Listed: every cell of the subtree that existed on some day of the window (valid_from, valid_to),
--   with a row per meeting it held in the window (meeting_stats: withdrawn meetings count nowhere),
--   or one row without a meeting. Ordered by commune and cell in Vietnamese order, then by date.
--   Cost: for a whole L demo's six months (74,750 rows) most of the call is not the query: turning its
--   text columns into a DataFrame's Python strings takes ~140 ms of process CPU (topic, cell and
--   commune names most), whatever the SQL does.
with cells as (
    -- cell_facts: names, commune and both places in Vietnamese name order, written on write
    select f.cell_id, f.cell, f.commune_id, f.commune, f.commune_order, f.cell_order
    from cell_facts f
    where in_scope(f.cell_id, $unit)
      and existed_between(f.valid_from, f.valid_to, $start, $end)
),
held as (
    -- the subtree's meetings of the window; a cell's that did not exist in it match no row of cells
    select s.cell_id, s.meeting_id, s.held_on, s.kind, s.topic, s.expected, s.exempt, s.present,
           s.excused, s.absent, s.from_counts
    from meeting_stats s
    where s.held_on between $start and $end and in_scope(s.cell_id, $unit)
),
latest as (
    -- a cell that met in the window has its latest meeting up to $end there; only the others are
    -- looked for before $start
    select cell_id, arg_max(from_counts, held_on) as reports_counts
    from held
    group by cell_id
    union all
    select s.cell_id, arg_max(s.from_counts, s.held_on)
    from meeting_stats s
    where s.held_on < $start
      and s.cell_id in (select cell_id from cells where cell_id not in (select cell_id from held))
    group by s.cell_id
)
select c.commune_id, c.commune, c.cell_id, c.cell,
       coalesce(l.reports_counts, false) as reports_counts,
       h.meeting_id, h.held_on, h.kind, h.topic,
       h.expected, h.exempt, h.present, h.excused, h.absent,
       attendance_rate(h.present, h.expected, h.exempt) as attendance_rate
from cells c
left join latest l on l.cell_id = c.cell_id
left join held h on h.cell_id = c.cell_id
order by c.commune_order, c.cell_order, h.held_on, h.meeting_id;
