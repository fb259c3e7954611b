-- overdue_opinions: which opinions raised in the window are still unanswered past their due date, the
-- longest overdue first?
-- Parameters: $start, $end (inclusive dates of raising), $unit (root of the subtree; null =
--   everything), $as_of (the day overdue is judged), optional $department (assigned_to, exactly),
--   optional $category (a code), optional $limit (rows; null = all).
-- Overdue (docs/DOMAIN.md): unanswered and due (opinion_facts.due_on) before $as_of.
-- Columns: opinion_id, raised_on, due_on, days_overdue ($as_of - due_on), commune, cell, category, kind,
--   assigned_to, text. Ordered by due date, oldest first.
with scope as (
    select descendant_id as unit_id from unit_closure where ancestor_id = $unit
    union all
    select unit_id from unit where $unit is null
)
select o.opinion_id, o.raised_on, f.due_on, $as_of::date - f.due_on as days_overdue,
       cm.name as commune, case when u.kind = 'cell' then u.name end as cell,
       o.category, o.kind, o.assigned_to, o.text
from opinion o
join opinion_facts f on f.opinion_id = o.opinion_id
left join unit u on u.unit_id = o.unit_id
left join unit cm on cm.unit_id = f.commune_id
where o.raised_on between $start and $end
  and o.unit_id in (select unit_id from scope)
  and o.answered_on is null
  and f.due_on < $as_of
  and ($department is null or o.assigned_to = $department)
  and ($category is null or o.category = $category)
order by f.due_on, o.raised_on, o.opinion_id
limit $limit;
