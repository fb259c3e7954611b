-- cell_history: how did a cell and the cells it came from (or merged into) meet and attend, month by
-- month, across a merge?
--
-- Scope: unit (only lineage cells inside the subtree are returned)
-- Macros: in_scope, window_months, existed_in_month, attendance_rate
-- Parameters:
--   $start              date      first day of the window (inclusive)
--   $end                date      last day of the window (inclusive)
--   $unit               text      root of the subtree; null = everything
--   $cell               text      the cell
-- Columns:
--   cell_id             text
--   cell                text      its name
--   generation          integer   0 = $cell, 1, 2, ... = predecessors going back, -1, -2, ... = successors
--   relation            text      predecessor, cell, successor
--   valid_from          date
--   valid_to            date
--   merged_into         text
--   month               date      first day
--   existed             boolean   the cell existed on the 15th
--   meetings            integer
--   thematic_meetings   integer
--   expected            integer
--   exempt              integer
--   present             integer
--   attendance_rate     fraction  present / (expected - exempt); null without meetings
-- Notes:
--   The lineage follows unit.merged_into both ways: the cells merged into $cell (and into those, at
--   any depth) are its predecessors; the cell it merged into (and so on) its successors. One row per
--   lineage cell and month of the window in which it existed or met; ordered by month, then
--   predecessors before successors.
with recursive earlier(cell_id, generation) as (
    select $cell::varchar, 0
    union all
    select u.unit_id, e.generation + 1
    from earlier e
    join unit u on u.merged_into = e.cell_id
    where e.generation < 50  -- a cycle in bad data must not recurse for ever
),
later(cell_id, generation) as (
    select u.merged_into, -1 from unit u where u.unit_id = $cell and u.merged_into is not null
    union all
    select u.merged_into, l.generation - 1
    from later l
    join unit u on u.unit_id = l.cell_id
    where u.merged_into is not null and l.generation > -50
),
lineage as (
    select cell_id, arg_min(generation, abs(generation)) as generation
    from (select * from earlier union all select * from later)
    where in_scope(cell_id, $unit)
    group by cell_id
),
months as (
    select month from window_months($start, $end)
),
monthly as (
    select s.cell_id, s.month, count(*) as meetings,
           count(*) filter (where s.kind = 'thematic') as thematic_meetings,
           sum(s.expected)::bigint as expected, sum(s.exempt)::bigint as exempt,
           sum(s.present)::bigint as present
    from meeting_stats s
    where s.held_on between $start and $end
      and s.cell_id in (select cell_id from lineage)
    group by s.cell_id, s.month
),
grid as (
    select l.cell_id, l.generation, u.name as cell, u.valid_from, u.valid_to, u.merged_into, m.month,
           existed_in_month(u.valid_from, u.valid_to, m.month) as existed
    from lineage l
    join unit u on u.unit_id = l.cell_id
    cross join months m
)
select g.cell_id, g.cell, g.generation,
       case when g.generation > 0 then 'predecessor' when g.generation = 0 then 'cell' else 'successor' end
           as relation,
       g.valid_from, g.valid_to, g.merged_into, g.month, g.existed,
       coalesce(x.meetings, 0) as meetings,
       coalesce(x.thematic_meetings, 0) as thematic_meetings,
       coalesce(x.expected, 0) as expected,
       coalesce(x.exempt, 0) as exempt,
       coalesce(x.present, 0) as present,
       attendance_rate(x.present, x.expected, x.exempt) as attendance_rate
from grid g
left join monthly x on x.cell_id = g.cell_id and x.month = g.month
where g.existed or x.meetings is not null
order by g.month, g.generation desc, g.cell collate vi, g.cell_id;
