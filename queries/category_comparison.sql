-- category_comparison: what do cell secretaries raise, by category, against the previous period and
-- the same period a year earlier?
-- Parameters: $start, $end (inclusive dates of raising), $unit (root of the subtree; null =
--   everything), $prev_start, $prev_end (the previous period: filters.previous_period),
--   $year_start, $year_end (the same period a year earlier: filters.year_earlier). A comparison
--   window left null counts nothing.
-- Columns: category (code), name_vi, name_en, sort, opinions, share (of all opinions in the window, a
--   fraction, unrounded), opinions_prev, share_prev, change_prev (opinions - opinions_prev),
--   share_change_prev (share - share_prev), direction_prev (up, down, same: of the count),
--   opinions_year, share_year, change_year, share_change_year, direction_year. A category appears when
--   it has opinions in any of the three windows; ordered by the category's sort order.
with scope as (
    select descendant_id as unit_id from unit_closure where ancestor_id = $unit
    union all
    select unit_id from unit where $unit is null
),
in_scope as (
    select o.category, o.raised_on
    from opinion o
    where o.unit_id in (select unit_id from scope)
      and (o.raised_on between $start and $end
           or o.raised_on between $prev_start::date and $prev_end::date
           or o.raised_on between $year_start::date and $year_end::date)
),
counts as (
    select category,
           count(*) filter (where raised_on between $start and $end) as opinions,
           count(*) filter (where raised_on between $prev_start::date and $prev_end::date) as opinions_prev,
           count(*) filter (where raised_on between $year_start::date and $year_end::date) as opinions_year
    from in_scope
    group by category
),
shares as (
    select category, opinions, opinions_prev, opinions_year,
           opinions / nullif(sum(opinions) over (), 0) as share,
           opinions_prev / nullif(sum(opinions_prev) over (), 0) as share_prev,
           opinions_year / nullif(sum(opinions_year) over (), 0) as share_year
    from counts
)
select c.code as category, c.name_vi, c.name_en, c.sort,
       x.opinions, x.share,
       x.opinions_prev, x.share_prev,
       x.opinions - x.opinions_prev as change_prev,
       x.share - x.share_prev as share_change_prev,
       case when x.opinions > x.opinions_prev then 'up'
            when x.opinions < x.opinions_prev then 'down' else 'same' end as direction_prev,
       x.opinions_year, x.share_year,
       x.opinions - x.opinions_year as change_year,
       x.share - x.share_year as share_change_year,
       case when x.opinions > x.opinions_year then 'up'
            when x.opinions < x.opinions_year then 'down' else 'same' end as direction_year
from shares x
join category c on c.code = x.category
order by c.sort, c.code;
