-- overdue_opinions: which opinions raised in the window are still unanswered past their due date, the
-- longest overdue first?
--
-- Scope: unit (opinions raised by the subtree's units)
-- Macros: in_scope, opinion_status
-- Parameters:
--   $start          date      first day of the window of raising (inclusive)
--   $end            date      last day of the window (inclusive)
--   $unit           text      root of the subtree; null = everything
--   $as_of          date      the day overdue is judged
--   $department     text      optional: assigned_to, exactly
--   $category       text      optional: a code
--   $limit          integer   optional: rows; null = all
-- Columns:
--   opinion_id      text
--   raised_on       date
--   due_on          date
--   days_overdue    integer   $as_of - due_on
--   commune         text
--   cell            text
--   category        text      the category's code
--   kind            text
--   assigned_to     text
--   text            text
-- Notes:
--   Overdue (docs/DOMAIN.md): unanswered and due (opinion_facts.due_on) before $as_of. Ordered by due
--   date, oldest first.
select o.opinion_id, o.raised_on, f.due_on, $as_of::date - f.due_on as days_overdue,
       cm.name as commune, case when u.kind = 'cell' then u.name end as cell,
       o.category, o.kind, o.assigned_to, o.text
from opinion o
join opinion_facts f on f.opinion_id = o.opinion_id
left join unit u on u.unit_id = o.unit_id
left join unit cm on cm.unit_id = f.commune_id
where o.raised_on between $start and $end
  and in_scope(o.unit_id, $unit)
  and opinion_status(o.answered_on, f.due_on, $as_of) = 'overdue'
  and ($department is null or o.assigned_to = $department)
  and ($category is null or o.category = $category)
order by f.due_on, o.raised_on, o.opinion_id
limit $limit;
