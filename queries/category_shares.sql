-- category_shares: what do cell secretaries raise, by category, and how does it compare with a year earlier?
-- Parameters: $start, $end (inclusive dates), $unit (root of the subtree; null = everything).
-- Columns: category (code), name_vi, name_en, opinions (raised in the window), share (opinions / all
--   opinions in the window, a fraction, unrounded), opinions_prev (the same window a year earlier),
--   share_prev, delta (opinions - opinions_prev). A category appears when it has opinions in either
--   window; ordered by the category's sort order.
with scope as (
    select descendant_id as unit_id from unit_closure where ancestor_id = $unit
    union all
    select unit_id from unit where $unit is null
),
in_scope as (
    select o.category, o.raised_on
    from opinion o
    where o.unit_id in (select unit_id from scope)
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
       x.opinions / nullif(sum(x.opinions) over (), 0) as share,
       x.opinions_prev,
       x.opinions_prev / nullif(sum(x.opinions_prev) over (), 0) as share_prev,
       x.opinions - x.opinions_prev as delta
from counts x
join category c on c.code = x.category
where x.opinions > 0 or x.opinions_prev > 0
order by c.sort, c.code;
