-- database_info: what does the database hold: where it came from, its schema, its time range?
--
-- Scope: unit (the counts and the time range are those of the account's scope, so a commune sees its
--   own, never the province's totals)
-- Macros: scope_units
-- Parameters:
--   $unit    text    root of the subtree; null = everything
-- Columns:
--   key      text    the meta table's rows (source, schema_version, ...), then first_meeting,
--                    last_meeting, units, meetings, opinions
--   value    text
with scope as (
    -- the subtree's units, listed once for the three reads below: cheaper here than in_scope three
    -- times for a commune, and the same for the whole tree
    select unit_id from scope_units($unit)
),
meetings as (
    select held_on from meeting_stats where cell_id in (select unit_id from scope)
)
select key, value from meta
union all
select 'first_meeting', min(held_on)::varchar from meetings
union all
select 'last_meeting', max(held_on)::varchar from meetings
union all
select 'units', count(*)::varchar from scope
union all
select 'meetings', count(*)::varchar from meetings
union all
select 'opinions', count(*)::varchar from opinion where unit_id in (select unit_id from scope)
order by key;
