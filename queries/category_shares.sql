-- category_shares: what do cell secretaries raise, by category, and how does it compare with a year earlier?
--
-- Scope: unit (opinions raised by the subtree's units)
-- Macros: in_scope, rate
-- Parameters:
--   $start          date      first day of the window (inclusive)
--   $end            date      last day of the window (inclusive)
--   $unit           text      root of the subtree; null = everything
-- Columns:
--   category        text      the category's code
--   name_vi         text
--   name_en         text
--   opinions        integer   raised in the window
--   share           fraction  opinions / all opinions in the window, unrounded
--   opinions_prev   integer   raised in the same window a year earlier
--   share_prev      fraction
--   delta           integer   opinions - opinions_prev
-- Notes:
--   A category appears when it has opinions in either window; ordered by the category's sort order.
with in_scope as (
    select o.category, o.raised_on
    from opinion o
    where in_scope(o.unit_id, $unit)
      and o.raised_on between ($start::date - interval 1 year)::date and $end
),
counts as (
    select category,
           count(*) filter (where raised_on between $start and $end) as opinions,
           count(*) filter (where raised_on between ($start::date - interval 1 year)::date
                                                and ($end::date - interval 1 year)::date) as opinions_prev
    from in_scope
    group by category
)
select c.code as category,
       c.name_vi,
       c.name_en,
       x.opinions,
       rate(x.opinions, sum(x.opinions) over ()) as share,
       x.opinions_prev,
       rate(x.opinions_prev, sum(x.opinions_prev) over ()) as share_prev,
       x.opinions - x.opinions_prev as delta
from counts x
join category c on c.code = x.category
where x.opinions > 0 or x.opinions_prev > 0
order by c.sort, c.code;
