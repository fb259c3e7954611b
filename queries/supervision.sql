-- supervision: did each committee member attend cell meetings as often as the rule for their level asks?
-- Parameters: $start, $end (inclusive dates), $unit (root of the subtree; null = everything).
-- The rule (table visit_rule): the window's months are cut into consecutive intervals from its first
--   month, of 6 months for province members, 3 for district, 1 for commune; required_visits = the
--   number of intervals; compliant = every interval holds at least one visit (docs/DOMAIN.md).
-- Members listed: those assigned to a unit in the subtree and in office during the window.
-- Columns: person_id, full_name, level, unit_id (area assigned), unit (its name), interval_months,
--   required_visits, visits (meetings attended in the window), intervals_visited, compliant,
--   last_visit, cells_visited.
with scope as (
    select descendant_id as unit_id from unit_closure where ancestor_id = $unit
    union all
    select unit_id from unit where $unit is null
),
window_months as (
    select datediff('month', date_trunc('month', $start::date), date_trunc('month', $end::date)) + 1 as months
),
people as (
    select p.person_id, p.full_name, p.level, p.unit_id, r.interval_months
    from committee_member p
    join visit_rule r on r.level = p.level
    where p.unit_id in (select unit_id from scope)
      and (p.from_date is null or p.from_date <= $end)
      and (p.to_date is null or p.to_date >= $start)
),
visits as (
    select v.person_id, s.held_on, s.cell_id,
           datediff('month', date_trunc('month', $start::date), s.month) // p.interval_months as interval_no
    from visit v
    join people p on p.person_id = v.person_id
    join meeting_stats s on s.meeting_id = v.meeting_id
    where s.held_on between $start and $end
),
per_person as (
    select person_id, count(*) as visits, count(distinct interval_no) as intervals_visited,
           max(held_on) as last_visit, count(distinct cell_id) as cells_visited
    from visits
    group by person_id
)
select p.person_id, p.full_name, p.level, p.unit_id, u.name as unit, p.interval_months,
       ceil(w.months / p.interval_months)::integer as required_visits,
       coalesce(x.visits, 0) as visits,
       coalesce(x.intervals_visited, 0) as intervals_visited,
       coalesce(x.intervals_visited, 0) >= ceil(w.months / p.interval_months) as compliant,
       x.last_visit,
       coalesce(x.cells_visited, 0) as cells_visited
from people p
cross join window_months w
left join per_person x on x.person_id = p.person_id
left join unit u on u.unit_id = p.unit_id
order by case p.level when 'province' then 1 when 'district' then 2 else 3 end,
         u.name collate vi, p.full_name collate vi, p.person_id;
