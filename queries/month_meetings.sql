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
--   reports_counts comes from counts_run (schema.sql: each cell's meetings in runs reported the same
--   way, kept in step with meeting_stats by every write), the run covering $end: the way its latest
--   meeting up to $end was reported, without reading the cell's earlier meetings. Of two meetings of
--   a cell on one day the later in meeting_id order counts as the latest (the order listed).
--   Cost: three scans (cell_facts, counts_run, and meeting_stats, whose held_on is read whole: it is
--   clustered by commune, not date), two hash joins and the sort. For a whole M or L demo's month
--   (3,129 or 12,657 rows) about a third of the call's CPU is not the query: turning its text columns
--   into a DataFrame's Python strings (topic, cell and commune names most).
select c.commune_id, c.commune, c.cell_id, c.cell,
       coalesce(r.from_counts, false) as reports_counts,
       h.meeting_id, h.held_on, h.kind, h.topic,
       h.expected, h.exempt, h.present, h.excused, h.absent,
       attendance_rate(h.present, h.expected, h.exempt) as attendance_rate
from cell_facts c  -- names, commune and both places in Vietnamese name order, written on write
left join counts_run r  -- the run covering $end; none: the cell never met up to $end
       on r.cell_id = c.cell_id and r.first_on <= $end and (r.next_on is null or r.next_on > $end)
left join meeting_stats h on h.cell_id = c.cell_id and h.held_on between $start and $end
where in_scope(c.cell_id, $unit)
  and existed_between(c.valid_from, c.valid_to, $start, $end)
order by c.commune_order, c.cell_order, h.held_on, h.meeting_id;
