-- data_quality_warnings: what in the data already held looks wrong?
--
-- Scope: unit (meetings, opinions and units of the subtree)
-- Macros: in_scope, existed_between, department_name
-- Rules: $unanswered_days (cellboard/rules.py: UNANSWERED_DAYS, 60)
-- Parameters:
--   $start       date      first day of the window: meetings held and opinions raised in it
--   $end         date      last day of the window (inclusive)
--   $unit        text      root of the subtree; null = everything
--   $as_of       date      the day "no answer after $unanswered_days (60) days" is judged
-- Columns:
--   check        text      counts_vs_rows, roll_vs_rows, nobody_expected, unanswered, no_cells,
--                          answered_after_as_of, not_on_roll, same_day_meetings, unknown_department (below)
--   unit_id      text
--   unit         text      its name
--   item_id      text      the meeting, opinion or unit
--   on_date      date      held or raised
--   expected     integer   the two numbers a check compares, where it does
--   found        integer
--   detail       text      the opinion's text for unanswered and answered_after_as_of, the member for
--                          not_on_roll, the kind (regular, thematic, extraordinary) for
--                          same_day_meetings, the name assigned_to gives for unknown_department; else null
-- Notes:
--   Checks (column check):
--     counts_vs_rows  a meeting with both counts and attendance rows that disagree (expected/present);
--     roll_vs_rows    a meeting whose attendance rows are not the members in its cell on that day;
--     nobody_expected a meeting with nobody expected (expected - exempt = 0);
--     unanswered      an opinion raised in the window, unanswered more than $unanswered_days (60) days
--                     after it was raised;
--     no_cells        a unit above cells (commune, district, ...) existing in the window with no cell;
--     answered_after_as_of  an opinion raised in the window whose answer is dated after $as_of
--                     (found: the days after $as_of);
--     not_on_roll     an attendance row of a meeting held in the window for a member not in the
--                     meeting's cell that day (no membership of the cell from_date <= held_on <= to_date);
--     same_day_meetings  each meeting held in the window when its cell holds another of the same kind
--                     that day (found: how many that day);
--     unknown_department  an opinion raised in the window whose assigned_to (trimmed, NFC) names no
--                     department of its unit or of a unit above it.
--   The last four are what imports and forms refuse since issue 14 (cellboard/ingest/validation.py):
--   rows stored before are listed here, not refused after the fact. A withdrawn meeting
--   (withdrawn_reason set) counts in no check.
--   Ordered by check, unit, date, item and detail (the member, for not_on_roll).
--   Cost: the four checks on a meeting alone (counts_vs_rows, roll_vs_rows, nobody_expected,
--   same_day_meetings) are derived when meetings, their marks or the rolls are written (meeting_warning,
--   schema.sql): the window's few rows are read, not every meeting of it compared; not_on_roll reads
--   roll_miss the same way. assigned_to is normalised once per distinct text, and checked against
--   (unit, department name) pairs of unit_closure and department; units sort by unit_order (their place
--   in Vietnamese name order) instead of collating names.
with asked as (
    -- the window's opinions that name a department, with the name as departments are stored
    -- (trimmed, NFC): normalised once per distinct text, not once per opinion
    select o.unit_id, o.opinion_id, o.raised_on, o.assigned_to, n.name
    from opinion o
    join (select assigned_to, department_name(assigned_to) as name
          from (select distinct assigned_to from opinion
                where raised_on between $start and $end and nullif(trim(assigned_to), '') is not null)) n
      on n.assigned_to = o.assigned_to
    where o.raised_on between $start and $end
      and in_scope(o.unit_id, $unit)
),
found as (
    -- counts_vs_rows, roll_vs_rows, nobody_expected, same_day_meetings: derived per meeting when written
    select w.warning as check, w.cell_id as unit_id, w.meeting_id as item_id, w.held_on as on_date,
           w.expected, w.found, w.detail
    from meeting_warning w
    where w.held_on between $start and $end
      and in_scope(w.cell_id, $unit)
    union all
    select case when o.answered_on is null then 'unanswered' else 'answered_after_as_of' end,
           o.unit_id, o.opinion_id, o.raised_on, null,
           (case when o.answered_on is null then $as_of::date - o.raised_on
                 else o.answered_on - $as_of::date end)::bigint,
           o.text
    from opinion o
    where o.raised_on between $start and $end
      and in_scope(o.unit_id, $unit)
      and ((o.answered_on is null and o.raised_on + $unanswered_days::integer < $as_of::date)
           or o.answered_on - $as_of::date > 0)  -- a date check, not the opinion's status (macros.sql)
    union all
    select 'no_cells', u.unit_id, u.unit_id, u.valid_from, null, 0, null
    from unit u
    where u.kind <> 'cell'
      and in_scope(u.unit_id, $unit)
      and existed_between(u.valid_from, u.valid_to, $start, $end)
      and not exists (
          select 1 from unit_closure c join unit d on d.unit_id = c.descendant_id and d.kind = 'cell'
          where c.ancestor_id = u.unit_id
      )
    union all
    select 'not_on_roll', r.cell_id, r.meeting_id, r.held_on, null, null, r.member_id
    from roll_miss r
    where r.held_on between $start and $end
      and in_scope(r.cell_id, $unit)
    union all
    select 'unknown_department', a.unit_id, a.opinion_id, a.raised_on, null, null, a.assigned_to
    from asked a
    anti join (
        select c.descendant_id, d.name
        from unit_closure c
        join department d on d.unit_id = c.ancestor_id
    ) v on v.descendant_id = a.unit_id and v.name = a.name
)
select f.check, f.unit_id, u.name as unit, f.item_id, f.on_date, f.expected::bigint as expected,
       f.found::bigint as found, f.detail
from found f
left join unit u on u.unit_id = f.unit_id
left join unit_order o on o.unit_id = f.unit_id
order by f.check, o.name_order, f.unit_id, f.on_date, f.item_id, f.detail;
