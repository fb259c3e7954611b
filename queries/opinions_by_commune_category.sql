-- opinions_by_commune_category: how many opinions did each commune raise in each category?
--
-- Scope: unit (opinions raised by the subtree's units)
-- Macros: in_scope
-- Parameters:
--   $start        date      first day of the window of raising (inclusive)
--   $end          date      last day of the window (inclusive)
--   $unit         text      root of the subtree; null = everything
-- Columns:
--   commune_id    text      opinion_facts.commune_id: the nearest ancestor of kind commune of the
--                           raising unit, else its parent
--   commune       text
--   category      text      the category's code
--   name_vi       text
--   name_en       text
--   opinions      integer
-- Notes:
--   Pairs with no opinion are left out; ordered by commune name (Vietnamese order), then the
--   category's sort order.
with counts as (
    select f.commune_id, o.category, count(*) as opinions
    from opinion o
    join opinion_facts f on f.opinion_id = o.opinion_id
    where o.raised_on between $start and $end
      and in_scope(o.unit_id, $unit)
    group by all
)
select x.commune_id, coalesce(u.name, x.commune_id) as commune, c.code as category, c.name_vi, c.name_en,
       x.opinions
from counts x
join category c on c.code = x.category
left join unit u on u.unit_id = x.commune_id
order by u.name collate vi, x.commune_id, c.sort, c.code;
