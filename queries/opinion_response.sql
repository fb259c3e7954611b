-- opinion_response: of the opinions raised in the window, how many were answered, on time or late,
-- and how many are still open or overdue, by category?
-- Parameters: $start, $end (inclusive dates of raising), $unit (root of the subtree; null =
--   everything), $as_of (the day overdue is judged; the caller defaults it to today).
-- Columns: category (code), name_vi, name_en, opinions, answered, answered_on_time (answered on or
--   before due_on), answered_late, open (unanswered, not yet due), overdue (unanswered and due
--   before $as_of), median_days_to_answer (answered ones). opinions = answered + open + overdue.
--   due_on (opinion_facts): the first briefing after raising held by the opinion's unit or its
--   nearest ancestor holding briefings, else raised_on + 30 days (docs/DOMAIN.md).
with scope as (
    select descendant_id as unit_id from unit_closure where ancestor_id = $unit
    union all
    select unit_id from unit where $unit is null
),
raised as (
    select o.category, o.raised_on, o.answered_on, f.due_on
    from opinion o
    join opinion_facts f on f.opinion_id = o.opinion_id
    where o.raised_on between $start and $end
      and o.unit_id in (select unit_id from scope)
)
select c.code as category,
       c.name_vi,
       c.name_en,
       count(*) as opinions,
       count(r.answered_on) as answered,
       count(*) filter (where r.answered_on <= r.due_on) as answered_on_time,
       count(*) filter (where r.answered_on > r.due_on) as answered_late,
       count(*) filter (where r.answered_on is null and r.due_on >= $as_of) as open,
       count(*) filter (where r.answered_on is null and r.due_on < $as_of) as overdue,
       median(r.answered_on - r.raised_on) as median_days_to_answer
from raised r
join category c on c.code = r.category
group by c.code, c.name_vi, c.name_en, c.sort
order by c.sort, c.code;
