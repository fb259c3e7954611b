-- category_comparison: what do cell secretaries raise, by category, against the previous period and
-- the same period a year earlier?
--
-- Scope: unit (opinions raised by the subtree's units)
-- Macros: in_scope, rate
-- Parameters:
--   $start              date      first day of the window of raising (inclusive)
--   $end                date      last day of the window (inclusive)
--   $unit               text      root of the subtree; null = everything
--   $prev_start         date      the previous period's first day (periods.previous_period); null =
--                                 no comparison (counts nothing)
--   $prev_end           date      the previous period's last day
--   $year_start         date      the same period a year earlier: first day (periods.year_earlier);
--                                 null = no comparison
--   $year_end           date      its last day
-- Columns:
--   category            text      the category's code
--   name_vi             text
--   name_en             text
--   sort                integer   the category's sort order
--   opinions            integer   raised in the window
--   share               fraction  of all opinions in the window, unrounded
--   opinions_prev       integer   raised in the previous period
--   share_prev          fraction
--   change_prev         integer   opinions - opinions_prev
--   share_change_prev   number    share - share_prev
--   direction_prev      text      up, down, same: of the count
--   opinions_year       integer   raised in the same period a year earlier
--   share_year          fraction
--   change_year         integer   opinions - opinions_year
--   share_change_year   number    share - share_year
--   direction_year      text      up, down, same
-- Notes:
--   A category appears when it has opinions in any of the three windows; ordered by the category's
--   sort order.
with in_scope as (
    select o.category, o.raised_on
    from opinion o
    where in_scope(o.unit_id, $unit)
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
           rate(opinions, sum(opinions) over ()) as share,
           rate(opinions_prev, sum(opinions_prev) over ()) as share_prev,
           rate(opinions_year, sum(opinions_year) over ()) as share_year
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
