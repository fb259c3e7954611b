-- rating_distribution: how were the cells rated, by commune and year, in the years the window touches?
--
-- Scope: unit (the subtree's cells)
-- Macros: in_scope, rate
-- Parameters:
--   $start        date      first day of the window (inclusive)
--   $end          date      last day of the window (inclusive)
--   $unit         text      root of the subtree; null = everything
-- Columns:
--   commune_id    text
--   commune       text
--   year          integer
--   grade         text      excellent, good, complete, incomplete
--   cells         integer
--   share         fraction  cells / cells rated in that commune and year
with rated as (
    select cc.commune_id, r.year, r.grade, count(*) as cells
    from rating r
    join cell_commune cc on cc.cell_id = r.cell_id
    where in_scope(r.cell_id, $unit)
      and r.year between year($start::date) and year($end::date)
    group by all
)
select x.commune_id, u.name as commune, x.year, x.grade, x.cells,
       rate(x.cells, sum(x.cells) over (partition by x.commune_id, x.year)) as share
from rated x
left join unit u on u.unit_id = x.commune_id
order by u.name collate vi, x.commune_id, x.year,
         case x.grade when 'excellent' then 1 when 'good' then 2 when 'complete' then 3 else 4 end;
