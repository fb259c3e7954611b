-- opinion_response_by_department: of the opinions raised in the window, how did each department they
-- were assigned to answer them: on time, late, still open or overdue?
-- Parameters: $start, $end (inclusive dates of raising), $unit (root of the subtree; null =
--   everything), $as_of (the day overdue is judged; the caller defaults it to today).
-- Columns: assigned_to (the department; null = not assigned), opinions, answered, answered_on_time
--   (answered on or before due_on), answered_late, open (unanswered, not yet due), overdue (unanswered
--   and due before $as_of), on_time_rate (answered_on_time / (opinions - open): opinions not yet
--   due cannot be late yet, as in the headline figure), median_days_to_answer
--   (answered ones). As opinion_response, by department instead of category: due_on (opinion_facts)
--   is the first briefing after raising held by the opinion's unit or its nearest ancestor holding
--   briefings, else raised_on + 30 days (docs/DOMAIN.md). Most opinions first, then by name.
with scope as (
    select descendant_id as unit_id from unit_closure where ancestor_id = $unit
    union all
    select unit_id from unit where $unit is null
),
raised as (
    select nullif(trim(o.assigned_to), '') as assigned_to, o.raised_on, o.answered_on, f.due_on
    from opinion o
    join opinion_facts f on f.opinion_id = o.opinion_id
    where o.raised_on between $start and $end
      and o.unit_id in (select unit_id from scope)
)
select assigned_to,
       count(*) as opinions,
       count(answered_on) as answered,
       count(*) filter (where answered_on <= due_on) as answered_on_time,
       count(*) filter (where answered_on > due_on) as answered_late,
       count(*) filter (where answered_on is null and due_on >= $as_of) as open,
       count(*) filter (where answered_on is null and due_on < $as_of) as overdue,
       count(*) filter (where answered_on <= due_on)
           / nullif(count(*) - count(*) filter (where answered_on is null and due_on >= $as_of), 0)
           as on_time_rate,
       median(answered_on - raised_on) as median_days_to_answer
from raised
group by assigned_to
order by opinions desc, assigned_to collate vi nulls last;
