-- meeting_marks: how was each member marked at one meeting, and who on the cell's roll that day has
-- no mark yet?
--
-- Scope: unit (the marks of a meeting of a cell inside the subtree; none of any other)
-- Macros: in_scope
-- Parameters:
--   $unit             text      root of the subtree; null = everything
--   $meeting          text      the meeting_id
--   $names_allowed    boolean   bound by db.py from the account's scope: members' ids and names only
-- Columns:
--   member_id         text      null unless $names_allowed
--   full_name         text      null unless $names_allowed
--   status            text      present, excused, absent, exempt; null = not marked
--   reason            text      away, illness, work, other (excused or absent only); null = none
--   on_roll           boolean   a member of the meeting's cell on the day it was held (membership)
--   roll_status       text      that membership's status (active, exempt, away); null = not on the roll
-- Notes:
--   The attendance rows of the meeting, and the members on the cell's roll on the meeting's day that
--   have none (status null), so a form can mark them. A meeting that reports counts, not names, has no
--   marks: only its roll is listed. Ordered by name (Vietnamese collation), then member_id.
with held as (
    select m.meeting_id, m.cell_id, m.held_on
    from meeting m
    where m.meeting_id = $meeting
      and in_scope(m.cell_id, $unit)
),
roll as (
    select s.member_id, any_value(s.status) as roll_status
    from membership s
    join held h on h.cell_id = s.cell_id
    where s.from_date <= h.held_on and (s.to_date is null or s.to_date >= h.held_on)
    group by s.member_id
),
marked as (
    select a.member_id, a.status, a.reason
    from attendance a
    join held h on h.meeting_id = a.meeting_id
),
listed as (
    select coalesce(k.member_id, r.member_id) as member_id, k.status, k.reason,
           r.member_id is not null as on_roll, r.roll_status
    from marked k
    full join roll r on r.member_id = k.member_id
)
select case when $names_allowed::boolean then l.member_id end as member_id,
       case when $names_allowed::boolean then p.full_name end as full_name,
       l.status, l.reason, l.on_roll, l.roll_status
from listed l
left join member p on p.member_id = l.member_id
order by p.full_name collate vi, l.member_id;
