-- opinion_response_by_department: of the opinions raised in the window, how did each department they
-- were assigned to answer them: on time, late, still open or overdue?
--
-- Scope: unit (opinions raised by the subtree's units)
-- Macros: in_scope, opinion_status, on_time_rate
-- Parameters:
--   $start                   date      first day of the window of raising (inclusive)
--   $end                     date      last day of the window (inclusive)
--   $unit                    text      root of the subtree; null = everything
--   $as_of                   date      the day overdue is judged; the caller defaults it to today
-- Columns:
--   assigned_to              text      the department; null = not assigned
--   opinions                 integer
--   answered                 integer
--   answered_on_time         integer   answered on or before due_on
--   answered_late            integer
--   open                     integer   unanswered, not yet due
--   overdue                  integer   unanswered and due before $as_of
--   on_time_rate             fraction  answered_on_time / (opinions - open): opinions not yet due
--                                      cannot be late yet, as in the headline figure
--   median_days_to_answer    number    of the answered ones
-- Notes:
--   As opinion_response, by department instead of category: due_on (opinion_facts) is the first
--   briefing after raising held by the opinion's unit or its nearest ancestor holding briefings,
--   else raised_on + 30 days (docs/DOMAIN.md). Most opinions first, then by name.
with raised as (
    select nullif(trim(o.assigned_to), '') as assigned_to, o.raised_on, o.answered_on,
           opinion_status(o.answered_on, f.due_on, $as_of) as status
    from opinion o
    join opinion_facts f on f.opinion_id = o.opinion_id
    where o.raised_on between $start and $end
      and in_scope(o.unit_id, $unit)
)
select assigned_to,
       count(*) as opinions,
       count(answered_on) as answered,
       count(*) filter (where status = 'answered_on_time') as answered_on_time,
       count(*) filter (where status = 'answered_late') as answered_late,
       count(*) filter (where status = 'open') as open,
       count(*) filter (where status = 'overdue') as overdue,
       on_time_rate(count(*) filter (where status = 'answered_on_time'), count(*),
                    count(*) filter (where status = 'open')) as on_time_rate,
       median(answered_on - raised_on) as median_days_to_answer
from raised
group by assigned_to
order by opinions desc, assigned_to collate vi nulls last;
