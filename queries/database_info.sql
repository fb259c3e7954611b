-- database_info: what does the database hold: where it came from, its schema, its time range?
--
-- Scope: unit (the counts and the time range are those of the account's scope, so a commune sees its
--   own, never the province's totals)
-- Macros: scope_units, in_scope
-- Parameters:
--   $unit    text    root of the subtree; null = everything
-- Columns:
--   key      text    the meta table's rows (source, schema_version, ...), then first_meeting,
--                    last_meeting, units, meetings, opinions
--   value    text
with meetings as (
    select held_on from meeting_stats where in_scope(cell_id, $unit)
)
select key, value from meta
union all
select 'first_meeting', min(held_on)::varchar from meetings
union all
select 'last_meeting', max(held_on)::varchar from meetings
union all
select 'units', count(*)::varchar from scope_units($unit)
union all
select 'meetings', count(*)::varchar from meetings
union all
select 'opinions', count(*)::varchar from opinion where in_scope(unit_id, $unit)
order by key;
