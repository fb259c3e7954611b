-- opinion_trend: how many opinions were raised each month, by category?
--
-- Scope: unit (opinions raised by the subtree's units)
-- Macros: in_scope, window_months
-- Parameters:
--   $start      date      first day of the window of raising (inclusive)
--   $end        date      last day of the window (inclusive)
--   $unit       text      root of the subtree; null = everything
-- Columns:
--   month       date      first day
--   category    text      the category's code
--   name_vi     text
--   name_en     text
--   opinions    integer
-- Notes:
--   Every month of the window for every category raised in it (months without any are 0); ordered
--   by month, then the category's sort order.
with months as (
    select month from window_months($start, $end)
),
counts as (
    select date_trunc('month', o.raised_on)::date as month, o.category, count(*) as opinions
    from opinion o
    where o.raised_on between $start and $end
      and in_scope(o.unit_id, $unit)
    group by all
),
raised_categories as (
    select distinct category from counts
)
select m.month, c.code as category, c.name_vi, c.name_en, coalesce(x.opinions, 0) as opinions
from months m
cross join raised_categories r
join category c on c.code = r.category
left join counts x on x.month = m.month and x.category = r.category
order by m.month, c.sort, c.code;
