-- absence_reasons: why were members absent from meetings, and how many members work away, by commune?
--
-- Scope: unit (meetings and members of the subtree's cells)
-- Macros: in_scope, rate
-- Parameters:
--   $start             date      first day of the window (inclusive)
--   $end               date      last day of the window (inclusive); the roll is counted on it
--   $unit              text      root of the subtree; null = everything
-- Columns:
--   commune_id         text      the commune (cell_commune)
--   commune            text      its name
--   meetings           integer   meetings held in the window
--   absences           integer   excused + absent
--   excused            integer
--   absent             integer
--   away               integer   absences for this reason
--   illness            integer
--   work               integer
--   other_reason       integer
--   reason_not_given   integer   absences - the four reasons
--   members            integer   on the roll on $end, exempt included
--   members_away       integer   of them, with membership status away
--   away_share         fraction  members_away / members
-- Notes:
--   Reasons are recorded per member in the attendance rows (away, illness, work, other) for excused
--   or absent members; meetings reported as counts only, or absences without a reason, fall under
--   reason_not_given. Members working away: members on the roll of a cell of the commune on the
--   window's last day whose membership status is away. A commune appears when it had a meeting in
--   the window or members on the roll on $end; ordered by name.
with absences as (
    select s.commune_id, count(*) as meetings,
           sum(s.excused + s.absent)::bigint as absences,
           sum(s.excused)::bigint as excused,
           sum(s.absent)::bigint as absent,
           sum(s.away)::bigint as away,
           sum(s.illness)::bigint as illness,
           sum(s.work)::bigint as work,
           sum(s.other_reason)::bigint as other_reason
    from meeting_stats s
    where s.held_on between $start and $end
      and in_scope(s.cell_id, $unit)
    group by s.commune_id
),
roll as (
    -- each member once per commune (one group-by, not two distinct counts), then counted
    select commune_id, count(*) as members, count(*) filter (where away) as members_away
    from (
        -- membership_facts: membership rows with their cell's commune, members keyed by number
        select ms.commune_id, ms.member_key, bool_or(ms.status = 'away') as away
        from membership_facts ms
        where in_scope(ms.cell_id, $unit)
          and ms.from_date <= $end
          and (ms.to_date is null or ms.to_date >= $end)
        group by ms.commune_id, ms.member_key
    )
    group by commune_id
)
select coalesce(a.commune_id, r.commune_id) as commune_id, u.name as commune,
       coalesce(a.meetings, 0) as meetings,
       coalesce(a.absences, 0) as absences,
       coalesce(a.excused, 0) as excused,
       coalesce(a.absent, 0) as absent,
       coalesce(a.away, 0) as away,
       coalesce(a.illness, 0) as illness,
       coalesce(a.work, 0) as work,
       coalesce(a.other_reason, 0) as other_reason,
       coalesce(a.absences - a.away - a.illness - a.work - a.other_reason, 0) as reason_not_given,
       coalesce(r.members, 0) as members,
       coalesce(r.members_away, 0) as members_away,
       rate(r.members_away, r.members) as away_share
from absences a
full join roll r on r.commune_id = a.commune_id
left join unit u on u.unit_id = coalesce(a.commune_id, r.commune_id)
order by u.name collate vi, commune_id;
