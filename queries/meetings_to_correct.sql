-- meetings_to_correct: which meetings of the window (or one meeting) may be looked up to be
-- corrected, withdrawn ones included, with their figures and how often they were changed?
--
-- Scope: unit (only meetings of cells inside the subtree are returned)
-- Macros: in_scope, attendance_rate, fold, searched
-- Parameters:
--   $start            date      first day of the window (inclusive)
--   $end              date      last day of the window (inclusive)
--   $unit             text      root of the subtree; null = everything
--   $text             text      optional: part of the cell's name, matched without case or accents
--                               ("thon dong" finds "Chi bộ thôn Đông"); null or blank = every cell
--   $meeting          text      optional: one meeting_id, whatever its day (the window is then not
--                               applied); null = the window's meetings
--   $limit            integer   optional: rows; null = all
-- Columns:
--   meeting_id        text
--   cell_id           text
--   cell              text      its name
--   commune_id        text      the cell's commune (cell_commune)
--   commune           text      its name
--   held_on           date
--   kind              text      regular, thematic, extraordinary
--   topic             text
--   from_counts       boolean   the meeting holds counts, not names (no attendance rows)
--   expected          integer   members on the roll, exempt included
--   exempt            integer
--   present           integer
--   excused           integer
--   absent            integer
--   attendance_rate   fraction  present / (expected - exempt)
--   withdrawn_reason  text      null = counted; otherwise withdrawn (counted nowhere) for this reason
--   writes            integer   writes made in the app or by a command that changed the meeting or its
--                               attendance (the change log, imports left out)
--   last_change       timestamp  the latest of those writes; null = none
--   matching          integer   the meetings found before $limit
-- Notes:
--   The meeting's own figures, as meeting_stats holds them for a counted meeting; a withdrawn meeting
--   has no meeting_stats row (it counts nowhere), so its figures are worked out here the same way
--   (attendance rows, else the meeting's counts). Newest first, then by cell name (collate vi) and
--   meeting_id.
--   Cost: a counted meeting is read from meeting_stats alone (its row holds the cell, day, kind, topic
--   and figures), meeting only for withdrawn ones; cell names are collated only for the meetings held
--   on or after the day of the $limit-th newest (the rest cannot be listed), and the attendance of
--   listed withdrawn meetings alone is counted. The commune comes from cell_facts.
with chosen as (
    -- a counted meeting's row and figures are in meeting_stats; a withdrawn one (none there) is read
    -- from meeting, its figures worked out below once it is listed
    select s.meeting_id, s.cell_id, s.held_on, s.kind, s.topic, null::varchar as withdrawn_reason,
           s.from_counts, s.expected, s.exempt, s.present, s.excused, s.absent
    from meeting_stats s
    where in_scope(s.cell_id, $unit)
      and case when $meeting::varchar is null then s.held_on between $start and $end
               else s.meeting_id = $meeting end
      and (searched($text) is null
           or s.cell_id in (select unit_id from unit where contains(fold(name), searched($text))))
    union all
    select m.meeting_id, m.cell_id, m.held_on, m.kind, m.topic, m.withdrawn_reason,
           null, m.expected, m.exempt, m.present, m.excused, m.absent
    from meeting m
    where m.withdrawn_reason is not null
      and in_scope(m.cell_id, $unit)
      and case when $meeting::varchar is null then m.held_on between $start and $end
               else m.meeting_id = $meeting end
      and (searched($text) is null
           or m.cell_id in (select unit_id from unit where contains(fold(name), searched($text))))
),
edge as (
    -- the day of the $limit-th newest: only meetings held that day or later can be listed, so only
    -- those are sorted by cell name (collating names is most of the sort's cost)
    select min(held_on) as held_on
    from (select held_on from chosen order by held_on desc limit $limit)
),
listed as (
    -- the $limit listed, newest first: ordered before their figures are read, so those are read for
    -- them alone; matching counts every chosen one
    select c.*, u.name as cell, (select count(*) from chosen)::integer as matching,
           row_number() over (order by c.held_on desc, u.name collate vi, c.meeting_id) as place
    from chosen c
    left join unit u on u.unit_id = c.cell_id
    where c.held_on >= (select held_on from edge)
    order by place
    limit $limit
),
marks as (
    -- only the withdrawn meetings' attendance: the counted ones' figures are in meeting_stats
    select a.meeting_id,
           count(*) as expected,
           count(*) filter (where a.status = 'exempt') as exempt,
           count(*) filter (where a.status = 'present') as present,
           count(*) filter (where a.status = 'excused') as excused,
           count(*) filter (where a.status = 'absent') as absent
    from attendance a
    where a.meeting_id in (select meeting_id from listed where withdrawn_reason is not null)
    group by a.meeting_id
),
writes as (
    select json_extract_string(l.row_key, '$.meeting_id') as meeting_id,
           count(distinct l.write_id) as writes,
           max(l.recorded_at) as last_change
    from change_log l
    where l.origin <> 'import'
      and l.table_name in ('meeting', 'attendance')
      and json_extract_string(l.row_key, '$.meeting_id') in (select meeting_id from listed)
    group by 1
),
figures as (
    select c.*,
           coalesce(c.from_counts, k.meeting_id is null) as from_counts_,
           coalesce(k.expected, c.expected, 0) as expected_,
           coalesce(k.exempt, c.exempt, 0) as exempt_,
           coalesce(k.present, c.present, 0) as present_,
           coalesce(k.excused, c.excused, 0) as excused_,
           coalesce(k.absent, c.absent, 0) as absent_
    from listed c
    left join marks k on k.meeting_id = c.meeting_id
)
select f.meeting_id, f.cell_id, f.cell, cf.commune_id, cf.commune, f.held_on, f.kind, f.topic,
       f.from_counts_ as from_counts,
       f.expected_::integer as expected, f.exempt_::integer as exempt, f.present_::integer as present,
       f.excused_::integer as excused, f.absent_::integer as absent,
       attendance_rate(f.present_, f.expected_, f.exempt_) as attendance_rate,
       f.withdrawn_reason,
       coalesce(w.writes, 0)::integer as writes,
       w.last_change,
       f.matching
from figures f
left join cell_facts cf on cf.cell_id = f.cell_id
left join writes w on w.meeting_id = f.meeting_id
order by f.place;
