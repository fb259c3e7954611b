-- opinions_by_commune_category: how many opinions did each commune raise in each category?
-- Parameters: $start, $end (inclusive dates of raising), $unit (root of the subtree; null =
--   everything).
-- The commune of an opinion is opinion_facts.commune_id: the nearest ancestor of kind commune of the
--   raising unit, else its parent.
-- Columns: commune_id, commune, category (code), name_vi, name_en, opinions. Pairs with no opinion
--   are left out; ordered by commune name (Vietnamese order), then the category's sort order.
with scope as (
    select descendant_id as unit_id from unit_closure where ancestor_id = $unit
    union all
    select unit_id from unit where $unit is null
),
counts as (
    select f.commune_id, o.category, count(*) as opinions
    from opinion o
    join opinion_facts f on f.opinion_id = o.opinion_id
    where o.raised_on between $start and $end
      and o.unit_id in (select unit_id from scope)
    group by all
)
select x.commune_id, coalesce(u.name, x.commune_id) as commune, c.code as category, c.name_vi, c.name_en,
       x.opinions
from counts x
join category c on c.code = x.category
left join unit u on u.unit_id = x.commune_id
order by u.name collate vi, x.commune_id, c.sort, c.code;
