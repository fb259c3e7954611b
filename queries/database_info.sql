-- database_info: what does the database hold: where it came from, its schema, its time range?
-- Parameters: $unit (root of the subtree; null = everything): the counts and the time range are
--   those of the account's scope, so a commune sees its own, never the province's totals.
-- Columns: key, value (text): the meta table's rows (source, schema_version, ...)
--   plus first_meeting, last_meeting, units, meetings, opinions.
with scope as (
    select descendant_id as unit_id from unit_closure where ancestor_id = $unit
    union all
    select unit_id from unit where $unit is null
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
