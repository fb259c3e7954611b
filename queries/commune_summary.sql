-- commune_summary: how did each commune do in the window: attendance, meetings, opinions answered?
--
-- Scope: unit (meetings and opinions of the subtree)
-- Macros: in_scope, opinion_status, attendance_rate, on_time_rate
-- Parameters:
--   $start              date      first day of the window (inclusive)
--   $end                date      last day of the window (inclusive)
--   $unit               text      root of the subtree; null = everything
--   $as_of              date      the day overdue is judged
-- Columns:
--   commune_id          text      the commune (cell_commune; opinion_facts for opinions)
--   commune             text
--   cells               integer   cells with a meeting in the window
--   meetings            integer
--   expected            integer
--   exempt              integer
--   present             integer
--   excused             integer
--   absent              integer
--   attendance_rate     fraction  pooled: present / (expected - exempt)
--   opinions            integer   raised in the window
--   answered_on_time    integer
--   overdue             integer
--   open                integer   unanswered, not yet due
--   on_time_rate        fraction  answered_on_time / (opinions - open): opinions not yet due cannot be
--                                 late yet
-- Notes:
--   The commune of a cell is its nearest ancestor of kind commune, else its parent (cell_commune).
--   Communes with neither meetings nor opinions are left out.
with meetings as (
    select s.commune_id, count(distinct s.cell_id) as cells, count(*) as meetings,
           sum(s.expected)::bigint as expected, sum(s.exempt)::bigint as exempt, sum(s.present)::bigint as present,
           sum(s.excused)::bigint as excused, sum(s.absent)::bigint as absent
    from meeting_stats s
    where s.held_on between $start and $end
      and in_scope(s.cell_id, $unit)
    group by s.commune_id
),
opinions as (
    select commune_id, count(*) as opinions,
           count(*) filter (where status = 'answered_on_time') as answered_on_time,
           count(*) filter (where status = 'overdue') as overdue,
           count(*) filter (where status = 'open') as open
    from (select f.commune_id, opinion_status(f.answered_on, f.due_on, $as_of) as status
          from opinion_facts f
          where f.raised_on between $start and $end
            and in_scope(f.unit_id, $unit))
    group by commune_id
)
select coalesce(m.commune_id, o.commune_id) as commune_id, u.name as commune,
       coalesce(m.cells, 0) as cells, coalesce(m.meetings, 0) as meetings,
       coalesce(m.expected, 0) as expected, coalesce(m.exempt, 0) as exempt,
       coalesce(m.present, 0) as present, coalesce(m.excused, 0) as excused,
       coalesce(m.absent, 0) as absent,
       attendance_rate(m.present, m.expected, m.exempt) as attendance_rate,
       coalesce(o.opinions, 0) as opinions, coalesce(o.answered_on_time, 0) as answered_on_time,
       coalesce(o.overdue, 0) as overdue,
       coalesce(o.open, 0) as open,
       on_time_rate(o.answered_on_time, o.opinions, o.open) as on_time_rate
from meetings m
full join opinions o on o.commune_id = m.commune_id
left join unit u on u.unit_id = coalesce(m.commune_id, o.commune_id)
order by u.name collate vi, commune_id;
