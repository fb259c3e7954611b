-- chronic_absentees: which members missed (excused or absent) at least 3 of their last 6 meetings in
-- the window?
--
-- Scope: unit (meetings of the subtree's cells)
-- Macros: in_scope
-- Parameters:
--   $start               date      first day of the window (inclusive)
--   $end                 date      last day of the window (inclusive)
--   $unit                text      root of the subtree; null = everything
--   $names_allowed       boolean   bound by db.py from the account's scope: names and member ids only
--                                  when true
-- Columns:
--   member_id            text      null unless $names_allowed
--   full_name            text      null unless $names_allowed
--   cell_id              text      of the member's latest meeting
--   cell                 text
--   commune_id           text
--   commune              text
--   meetings_counted     integer   at most 6
--   absences             integer   excused + absent among them
--   excused              integer
--   absent               integer
--   away                 integer   reasons of those absences
--   illness              integer
--   work                 integer
--   other_reason         integer
--   last_meeting         date
--   last_absence         date
--   membership_status    text      active, exempt, away on the latest meeting's day
-- Notes:
--   A member's meetings: meetings of cells in the subtree held in the window with an attendance row
--   for the member other than exempt (exempt members are not expected). Their last 6 are the 6
--   latest (fewer when they had fewer); cells that report counts only have no rows and cannot show
--   here. Ordered by commune, cell, most absences first, latest absence first, then name.
with marked as not materialized (
    -- attendance rows other than exempt, with their meeting's day (member_mark: absences first, in
    -- date order, members and meetings keyed by hash); read twice rather than held: each read keeps
    -- only a few of its rows
    select member_key, meeting_key, cell_id, held_on, status, reason
    from member_mark
    where held_on between $start and $end
      and in_scope(cell_id, $unit)
),
candidates as (
    -- only a member absent at least 3 times in the window can miss 3 of their last 6: ranking the
    -- meetings of these few members, not of everyone, is what keeps the query fast
    select member_key
    from marked
    where status <> 'present'  -- excused or absent; the present rows' blocks are skipped unread
    group by member_key
    having count(*) >= 3
),
recent as (
    select m.*, row_number() over (partition by m.member_key order by m.held_on desc, m.meeting_key desc)
                as recency
    from marked m
    where m.member_key in (select member_key from candidates)
),
last_six as (
    select member_key,
           count(*) as meetings_counted,
           count(*) filter (where status in ('excused', 'absent')) as absences,
           count(*) filter (where status = 'excused') as excused,
           count(*) filter (where status = 'absent') as absent,
           count(*) filter (where reason = 'away') as away,
           count(*) filter (where reason = 'illness') as illness,
           count(*) filter (where reason = 'work') as work,
           count(*) filter (where reason = 'other') as other_reason,
           max(held_on) as last_meeting,
           max(held_on) filter (where status in ('excused', 'absent')) as last_absence,
           arg_min(cell_id, recency) as cell_id
    from recent
    where recency <= 6
    group by member_key
    having count(*) filter (where status in ('excused', 'absent')) >= 3
),
named as (
    select m.member_id, m.full_name, m.name_order, x.*, f.cell, f.commune_id, f.commune, f.commune_order, f.cell_order
    from last_six x
    join member_facts m on m.member_key = x.member_key
    left join cell_facts f on f.cell_id = x.cell_id
)
select case when $names_allowed::boolean then x.member_id end as member_id,
       case when $names_allowed::boolean then x.full_name end as full_name,
       x.cell_id, x.cell, x.commune_id, x.commune,
       x.meetings_counted, x.absences, x.excused, x.absent,
       x.away, x.illness, x.work, x.other_reason,
       x.last_meeting, x.last_absence,
       s.membership_status
from named x
left join (
    -- the member's membership row in that cell in force on the latest meeting's day
    select ms.member_key, arg_max(ms.status, ms.from_date) as membership_status
    from membership_facts ms
    join last_six l on l.member_key = ms.member_key and l.cell_id = ms.cell_id and ms.from_date <= l.last_meeting
    group by ms.member_key
) s on s.member_key = x.member_key
order by x.commune_order, x.cell_order, x.absences desc, x.last_absence desc,
         case when $names_allowed::boolean then x.name_order end;
