-- unreported_units: which communes and cells have no meeting recorded this month or last month?
--
-- Scope: unit (the subtree's cells and their communes)
-- Macros: in_scope, existed_in_month
-- Parameters:
--   $unit              text      root of the subtree; null = everything
--   $as_of             date      the day: "this month" is its month, "last month" the one before
-- Columns:
--   kind               text      commune or cell
--   unit_id            text
--   name               text
--   commune_id         text
--   commune            text
--   cells              integer   cells existing in either month; 1 for a cell
--   met_this_month     boolean   null when the unit did not exist that month
--   met_last_month     boolean
--   last_meeting       date      the latest meeting ever recorded
-- Notes:
--   A cell counts in a month when it existed on the 15th (docs/DOMAIN.md's rule); a commune is the cells'
--   commune (cell_commune) and counts as meeting when any of its cells met. Listed: units that
--   existed in a month and did not meet in it. Communes first, then cells, in Vietnamese order.
with months as (
    select date_trunc('month', $as_of::date)::date as this_month,
           (date_trunc('month', $as_of::date) - interval 1 month)::date as last_month
),
cells as (
    -- cell_facts: each cell with its commune, both names and places in name order (Vietnamese
    -- order as numbers: the list is sorted by them, not by collating names on every read)
    select f.cell_id as unit_id, f.cell as name, f.commune_id, f.commune, f.cell_order, f.commune_order,
           existed_in_month(f.valid_from, f.valid_to, m.this_month) as exists_this,
           existed_in_month(f.valid_from, f.valid_to, m.last_month) as exists_last
    from cell_facts f
    cross join months m
    where in_scope(f.cell_id, $unit)
),
met as (
    select s.cell_id,
           max(s.held_on) as last_meeting,
           bool_or(s.month = m.this_month) as met_this,
           bool_or(s.month = m.last_month) as met_last
    from meeting_stats s
    cross join months m
    where s.cell_id in (select unit_id from cells)
    group by s.cell_id
),
cell_rows as (
    select c.unit_id, c.name, c.commune_id, c.commune, c.cell_order, c.commune_order, c.exists_this, c.exists_last,
           case when c.exists_this then coalesce(x.met_this, false) end as met_this_month,
           case when c.exists_last then coalesce(x.met_last, false) end as met_last_month,
           x.last_meeting
    from cells c
    left join met x on x.cell_id = c.unit_id
    where c.exists_this or c.exists_last
),
commune_rows as (
    select commune_id as unit_id, any_value(commune) as commune, any_value(commune_order) as commune_order,
           count(*) as cells,
           case when bool_or(exists_this) then coalesce(bool_or(met_this_month), false) end as met_this_month,
           case when bool_or(exists_last) then coalesce(bool_or(met_last_month), false) end as met_last_month,
           max(last_meeting) as last_meeting
    from cell_rows
    group by commune_id
),
listed as (
    -- sorted as communes first, then cells, each by commune (name, id) and name (name, id): the places
    -- in name order say the same
    select 'commune' as kind, r.unit_id, r.commune as name, r.unit_id as commune_id, r.commune, r.cells,
           r.met_this_month, r.met_last_month, r.last_meeting, r.commune_order, null::integer as cell_order
    from commune_rows r
    where r.met_this_month = false or r.met_last_month = false
    union all
    select 'cell', c.unit_id, c.name, c.commune_id, c.commune, 1, c.met_this_month, c.met_last_month,
           c.last_meeting, c.commune_order, c.cell_order
    from cell_rows c
    where c.met_this_month = false or c.met_last_month = false
)
select kind, unit_id, name, commune_id, commune, cells::bigint as cells, met_this_month, met_last_month,
       last_meeting
from listed
order by kind = 'cell', commune_order, commune_id, cell_order;
