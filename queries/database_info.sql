-- database_info: what does the database hold: where it came from, its schema, its time range?
-- Parameters: none. Columns: key, value (text): the meta table's rows (source, schema_version, ...)
--   plus first_meeting, last_meeting, units, meetings, opinions.
select key, value from meta
union all
select 'first_meeting', min(held_on)::varchar from meeting_stats
union all
select 'last_meeting', max(held_on)::varchar from meeting_stats
union all
select 'units', count(*)::varchar from unit
union all
select 'meetings', count(*)::varchar from meeting_stats
union all
select 'opinions', count(*)::varchar from opinion
order by key;
