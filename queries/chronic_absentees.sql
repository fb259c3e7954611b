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
--   Cost: member_mark (schema.sql) carries on each mark its member's 5 marks before it (their days,
--   and bits for excused, absent and each reason) and, on the marks this query can show, the
--   membership status that day, written when meetings and memberships are: a member's last 6 in the
--   window are their last mark there and those of the 5 before it held on or after $start, so one
--   row per member is read, not all of their marks ranked, and no membership row. Only the marks
--   whose 6 hold 3 absences or more are read (member_mark keeps them first, in date order): about
--   3,800 rows at M, whole tree, six months. A subtree asked, a member with marks in the window both
--   in and outside it (next to a move between cells) has the subtree's marks ranked one by one and
--   the status looked up, as before. What remains (EXPLAIN ANALYZE, M whole tree): planning about
--   4 ms, the join to member_facts, the sort and the DataFrame.
with marked as not materialized (
    -- attendance marks other than exempt in the window and the subtree (member_mark: members and
    -- meetings keyed by hash)
    select *
    from member_mark
    where held_on between $start and $end
      and in_scope(cell_id, $unit)
),
split as (
    -- members with a mark in the subtree next to one of theirs outside it, both in the window (none
    -- when the whole tree is asked); each filter reads only the few marks next to a move, which
    -- member_mark keeps together
    select member_key from marked where came_from_on >= $start and not in_scope(came_from_cell, $unit)
    union all
    select member_key from marked where leaves_on <= $end and not in_scope(leaves_to_cell, $unit)
),
latest as (
    -- each other member's last mark in the window (all of their marks in the window are in the
    -- subtree), when its 6 hold 3 absences or more; kept: the bits of the 6 held in the window (1 the
    -- mark itself, 2 the one before, ...)
    select member_key, held_on, cell_id, membership_status,
           excused_mask, absent_mask, away_mask, illness_mask, work_mask, other_mask,
           1 | if(back1_on >= $start, 2, 0) | if(back2_on >= $start, 4, 0) | if(back3_on >= $start, 8, 0)
             | if(back4_on >= $start, 16, 0) | if(back5_on >= $start, 32, 0) as kept,
           -- the latest absence: with 3 or more kept, the latest is kept
           case when (excused_mask | absent_mask) & 1 = 1 then held_on
                when (excused_mask | absent_mask) & 2 = 2 then back1_on
                when (excused_mask | absent_mask) & 4 = 4 then back2_on
                when (excused_mask | absent_mask) & 8 = 8 then back3_on
                when (excused_mask | absent_mask) & 16 = 16 then back4_on
                else back5_on end as last_absence
    from marked
    where (next_on > $end or next_on is null)
      and recent_absences >= 3
      and member_key not in (select member_key from split)
),
ranked as (
    -- the split members' marks in the subtree, latest first: their last 6 there are counted one by one
    select member_key, meeting_key, cell_id, held_on, status, reason,
           row_number() over (partition by member_key order by held_on desc, meeting_key desc) as recency
    from marked
    where member_key in (select member_key from split)
),
exact as (
    -- a split member's last 6 in the subtree, their latest meeting's cell and day
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
    from ranked
    where recency <= 6
    group by member_key
    having count(*) filter (where status in ('excused', 'absent')) >= 3
),
last_six as (
    -- grouped by member (one row each already): the planner then expects a few rows, not a share
    -- of member_mark, and builds the joins below on them rather than on member_facts
    select member_key,
           any_value(bit_count(kept))::bigint as meetings_counted,
           any_value(bit_count((excused_mask | absent_mask) & kept))::bigint as absences,
           any_value(bit_count(excused_mask & kept))::bigint as excused,
           any_value(bit_count(absent_mask & kept))::bigint as absent,
           any_value(bit_count(away_mask & kept))::bigint as away,
           any_value(bit_count(illness_mask & kept))::bigint as illness,
           any_value(bit_count(work_mask & kept))::bigint as work,
           any_value(bit_count(other_mask & kept))::bigint as other_reason,
           any_value(held_on) as last_meeting,
           any_value(last_absence) as last_absence,
           any_value(cell_id) as cell_id,
           any_value(membership_status) as membership_status  -- as of the mark's day (member_mark)
    from latest
    group by member_key
    having any_value(bit_count((excused_mask | absent_mask) & kept)) >= 3
    union all
    select x.*, s.membership_status
    from exact x
    left join (
        -- the member's membership row in that cell in force on the latest meeting's day
        select ms.member_key, arg_max(ms.status, ms.from_date) as membership_status
        from membership_facts ms
        join exact l on l.member_key = ms.member_key and l.cell_id = ms.cell_id and ms.from_date <= l.last_meeting
        group by ms.member_key
    ) s on s.member_key = x.member_key
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
       x.membership_status
from named x
order by x.commune_order, x.cell_order, x.absences desc, x.last_absence desc,
         case when $names_allowed::boolean then x.name_order end;
