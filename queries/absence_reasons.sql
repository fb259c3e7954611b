-- absence_reasons: why were members absent from meetings, and how many members work away, by commune?
-- Parameters: $start, $end (inclusive dates), $unit (root of the subtree; null = everything).
-- Reasons are recorded per member in the attendance rows (away, illness, work, other) for excused or
--   absent members; meetings reported as counts only, or absences without a reason, fall under
--   reason_not_given. Members working away: members on the roll of a cell of the commune on the
--   window's last day whose membership status is away.
-- Columns: commune_id, commune, meetings, absences (excused + absent), excused, absent, away, illness,
--   work, other_reason, reason_not_given (absences - the four reasons), members (on the roll on $end,
--   exempt included), members_away, away_share (members_away / members). A commune appears when it
--   had a meeting in the window or members on the roll on $end; ordered by name.
with scope as (
    select descendant_id as unit_id from unit_closure where ancestor_id = $unit
    union all
    select unit_id from unit where $unit is null
),
absences as (
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
      and s.cell_id in (select unit_id from scope)
    group by s.commune_id
),
roll as (
    select cc.commune_id, count(distinct ms.member_id) as members,
           count(distinct ms.member_id) filter (where ms.status = 'away') as members_away
    from membership ms
    join cell_commune cc on cc.cell_id = ms.cell_id
    where ms.cell_id in (select unit_id from scope)
      and ms.from_date <= $end
      and (ms.to_date is null or ms.to_date >= $end)
    group by cc.commune_id
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
       r.members_away / nullif(r.members, 0) as away_share
from absences a
full join roll r on r.commune_id = a.commune_id
left join unit u on u.unit_id = coalesce(a.commune_id, r.commune_id)
order by u.name collate vi, commune_id;
