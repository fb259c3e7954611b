-- opinion_response: of the opinions raised in the window, how many were answered, on time or late,
-- and how many are still open or overdue, by category?
--
-- Scope: unit (opinions raised by the subtree's units)
-- Macros: in_scope, opinion_status
-- Parameters:
--   $start                   date      first day of the window of raising (inclusive)
--   $end                     date      last day of the window (inclusive)
--   $unit                    text      root of the subtree; null = everything
--   $as_of                   date      the day overdue is judged; the caller defaults it to today
-- Columns:
--   category                 text      the category's code
--   name_vi                  text
--   name_en                  text
--   opinions                 integer   answered + open + overdue
--   answered                 integer
--   answered_on_time         integer   answered on or before due_on
--   answered_late            integer
--   open                     integer   unanswered, not yet due
--   overdue                  integer   unanswered and due before $as_of
--   median_days_to_answer    number    of the answered ones
-- Notes:
--   due_on (opinion_facts): the first briefing after raising held by the opinion's unit or its
--   nearest ancestor holding briefings, else raised_on + 30 days (docs/DOMAIN.md).
with raised as (
    select o.category, o.raised_on, o.answered_on, opinion_status(o.answered_on, f.due_on, $as_of) as status
    from opinion o
    join opinion_facts f on f.opinion_id = o.opinion_id
    where o.raised_on between $start and $end
      and in_scope(o.unit_id, $unit)
)
select c.code as category,
       c.name_vi,
       c.name_en,
       count(*) as opinions,
       count(r.answered_on) as answered,
       count(*) filter (where r.status = 'answered_on_time') as answered_on_time,
       count(*) filter (where r.status = 'answered_late') as answered_late,
       count(*) filter (where r.status = 'open') as open,
       count(*) filter (where r.status = 'overdue') as overdue,
       median(r.answered_on - r.raised_on) as median_days_to_answer
from raised r
join category c on c.code = r.category
group by c.code, c.name_vi, c.name_en, c.sort
order by c.sort, c.code;
