-- meetings_to_correct: which meetings of the window (or one meeting) may be looked up to be
-- corrected, withdrawn ones included, with their figures and how often they were changed?
--
-- Scope: unit (only meetings of cells inside the subtree are returned)
-- Macros: in_scope, attendance_rate, fold
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
--   (attendance rows, else the meeting's counts). Newest first, then by cell name and meeting_id.
with chosen as (
    select m.meeting_id, m.cell_id, u.name as cell, m.held_on, m.kind, m.topic, m.withdrawn_reason,
           m.expected, m.exempt, m.present, m.excused, m.absent
    from meeting m
    left join unit u on u.unit_id = m.cell_id
    where in_scope(m.cell_id, $unit)
      and case when $meeting::varchar is null then m.held_on between $start and $end
               else m.meeting_id = $meeting end
      and (nullif(trim($text), '') is null or contains(fold(u.name), fold(trim($text))))
),
listed as (
    -- the $limit listed, newest first: ordered before their figures are read, so those are read for
    -- them alone; matching counts every chosen one
    select *, (count(*) over ())::integer as matching
    from chosen
    order by held_on desc, cell collate vi, meeting_id
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
           coalesce(s.from_counts, k.meeting_id is null) as from_counts_,
           coalesce(s.expected, k.expected, c.expected, 0) as expected_,
           coalesce(s.exempt, k.exempt, c.exempt, 0) as exempt_,
           coalesce(s.present, k.present, c.present, 0) as present_,
           coalesce(s.excused, k.excused, c.excused, 0) as excused_,
           coalesce(s.absent, k.absent, c.absent, 0) as absent_
    from listed c
    left join meeting_stats s on s.meeting_id = c.meeting_id
    left join marks k on k.meeting_id = c.meeting_id
)
select f.meeting_id, f.cell_id, f.cell, cc.commune_id, cu.name as commune, f.held_on, f.kind, f.topic,
       f.from_counts_ as from_counts,
       f.expected_::integer as expected, f.exempt_::integer as exempt, f.present_::integer as present,
       f.excused_::integer as excused, f.absent_::integer as absent,
       attendance_rate(f.present_, f.expected_, f.exempt_) as attendance_rate,
       f.withdrawn_reason,
       coalesce(w.writes, 0)::integer as writes,
       w.last_change,
       f.matching
from figures f
left join cell_commune cc on cc.cell_id = f.cell_id
left join unit cu on cu.unit_id = cc.commune_id
left join writes w on w.meeting_id = f.meeting_id
order by f.held_on desc, f.cell collate vi, f.meeting_id;
