-- rating_distribution: how were the cells rated, by commune and year, in the years the window touches?
-- Parameters: $start, $end (inclusive dates), $unit (root of the subtree; null = everything).
-- Columns: commune_id, commune, year, grade (excellent, good, complete, incomplete), cells, share
--   (cells / cells rated in that commune and year, a fraction).
with scope as (
    select descendant_id as unit_id from unit_closure where ancestor_id = $unit
    union all
    select unit_id from unit where $unit is null
),
rated as (
    select cc.commune_id, r.year, r.grade, count(*) as cells
    from rating r
    join cell_commune cc on cc.cell_id = r.cell_id
    where r.cell_id in (select unit_id from scope)
      and r.year between year($start::date) and year($end::date)
    group by all
)
select x.commune_id, u.name as commune, x.year, x.grade, x.cells,
       x.cells / sum(x.cells) over (partition by x.commune_id, x.year) as share
from rated x
left join unit u on u.unit_id = x.commune_id
order by u.name collate vi, x.commune_id, x.year,
         case x.grade when 'excellent' then 1 when 'good' then 2 when 'complete' then 3 else 4 end;
