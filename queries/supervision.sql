-- supervision: did each committee member attend cell meetings as often as the rule for their level asks?
--
-- Scope: unit (committee members assigned to a unit of the subtree)
-- Macros: in_scope, existed_between
-- Parameters:
--   $start                date      first day of the window (inclusive)
--   $end                  date      last day of the window (inclusive)
--   $unit                 text      root of the subtree; null = everything
-- Columns:
--   person_id             text
--   full_name             text
--   level                 text      province, district, commune
--   unit_id               text      area assigned
--   unit                  text      its name
--   interval_months       integer   6 for province members, 3 for district, 1 for commune
--   required_visits       integer   the number of intervals in the window
--   visits                integer   meetings attended in the window
--   intervals_visited     integer
--   compliant             boolean   every interval holds at least one visit
--   last_visit            date
--   cells_visited         integer
-- Notes:
--   The rule (table visit_rule): the window's months are cut into consecutive intervals from its
--   first month, of 6 months for province members, 3 for district, 1 for commune; required_visits =
--   the number of intervals; compliant = every interval holds at least one visit (docs/DOMAIN.md).
--   Members listed: those assigned to a unit in the subtree and in office during the window.
with window_length as (
    select datediff('month', date_trunc('month', $start::date), date_trunc('month', $end::date)) + 1 as months
),
people as (
    select p.person_id, p.full_name, p.level, p.unit_id, r.interval_months
    from committee_member p
    join visit_rule r on r.level = p.level
    where in_scope(p.unit_id, $unit)
      and existed_between(p.from_date, p.to_date, $start, $end)
),
visits as (
    select v.person_id, s.held_on, s.cell_id,
           -- datediff, not month_no: per visit, counting from a month the query holds fixed is cheaper
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
cross join window_length w
left join per_person x on x.person_id = p.person_id
left join unit u on u.unit_id = p.unit_id
order by case p.level when 'province' then 1 when 'district' then 2 else 3 end,
         u.name collate vi, p.full_name collate vi, p.person_id;
