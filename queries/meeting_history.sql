-- meeting_history: how was one meeting changed, newest first: each write to the meeting's row and its
-- attendance rows, who made it and when, which fields went from which value to which, and whether it
-- was undone?
--
-- Scope: unit (the history of a meeting of a cell inside the subtree; none of any other)
-- Macros: in_scope
-- Parameters:
--   $unit             text      root of the subtree; null = everything
--   $meeting          text      the meeting_id
--   $names_allowed    boolean   bound by db.py from the account's scope: members' ids and names only
-- Columns:
--   write_id          text      one write (a form, a correction, a withdrawal, an undo, an import)
--   recorded_at       timestamp  when it was written
--   account           text      who wrote it (the account's name; an import: who imported it)
--   origin            text      app, cli, import, migration
--   action            text      meeting (made by a form), correct, withdraw, undo, import, ...
--   change_id         integer   the change log's row
--   table_name        text      meeting or attendance
--   member_id         text      attendance: the member marked; null for the meeting's own row, and
--                               unless $names_allowed
--   full_name         text      that member's name; null unless $names_allowed
--   field             text      the column that changed (held_on, kind, topic, expected, ...,
--                               withdrawn_reason; attendance: status, reason); null when the log holds
--                               no values for the row (a new row brought by an import)
--   old_value         text      the value before, as JSON text unquoted (dates yyyy-mm-dd); null = none
--   new_value         text      the value after; null = none (a mark taken out: the row's fields)
--   undone_by         text      the write that undid this change; null = not undone
-- Notes:
--   One row per field that changed in each change log row of the meeting (the row's key columns are
--   never listed); a row added shows its fields from nothing, a mark taken out by an undo its fields to
--   nothing. Newest write first; within one write the meeting's row, then the marks by member; fields
--   in the table's column order.
with rows_changed as (
    select l.change_id, l.write_id, l.recorded_at, l.account, l.origin, l.action, l.table_name,
           json_extract_string(l.row_key, '$.member_id') as member_id, l.before, l.after, l.undone_by
    from change_log l
    join meeting m on m.meeting_id = $meeting
    where l.table_name in ('meeting', 'attendance')
      and json_extract_string(l.row_key, '$.meeting_id') = $meeting
      and in_scope(m.cell_id, $unit)
),
fields as (
    -- the columns of each row, in the table's order, but its key
    select r.change_id, f.field, f.place
    from rows_changed r,
         unnest(json_keys(coalesce(r.after, r.before))) with ordinality as f(field, place)
    where f.field not in ('meeting_id', 'member_id')
),
changed as (
    select r.change_id, f.field, f.place,
           json_extract_string(r.before, '$.' || f.field) as old_value,
           json_extract_string(r.after, '$.' || f.field) as new_value
    from rows_changed r
    join fields f on f.change_id = r.change_id
)
select r.write_id, r.recorded_at, r.account, r.origin, r.action, r.change_id,
       r.table_name,
       case when $names_allowed::boolean then r.member_id end as member_id,
       case when $names_allowed::boolean then p.full_name end as full_name, c.field, c.old_value, c.new_value, r.undone_by
from rows_changed r
left join changed c on c.change_id = r.change_id and c.old_value is distinct from c.new_value
left join member p on p.member_id = r.member_id
where c.field is not null or (r.before is null and r.after is null)
order by r.recorded_at desc, r.write_id desc, r.table_name desc, r.member_id nulls first, c.place;
