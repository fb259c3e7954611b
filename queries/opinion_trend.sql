-- opinion_trend: how many opinions were raised each month, by category?
-- Parameters: $start, $end (inclusive dates of raising), $unit (root of the subtree; null =
--   everything).
-- Columns: month (first day), category (code), name_vi, name_en, opinions. Every month of the window
--   for every category raised in it (months without any are 0); ordered by month, then the
--   category's sort order.
with scope as (
    select descendant_id as unit_id from unit_closure where ancestor_id = $unit
    union all
    select unit_id from unit where $unit is null
),
months as (
    select unnest(generate_series(date_trunc('month', $start::date), date_trunc('month', $end::date),
                                  interval 1 month))::date as month
),
counts as (
    select date_trunc('month', o.raised_on)::date as month, o.category, count(*) as opinions
    from opinion o
    where o.raised_on between $start and $end
      and o.unit_id in (select unit_id from scope)
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
