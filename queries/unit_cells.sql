-- unit_cells: which cells does the subtree hold?
--
-- Scope: unit (the subtree's cells)
-- Macros: in_scope
-- Parameters:
--   $unit       text      root of the subtree; null = everything
-- Columns:
--   cell_id     text
-- Notes:
--   Every cell of the subtree, whatever its dates (cell_facts: one row per cell), by id. The Overview
--   cuts a commune's or a cell's rows out of its whole scope's cell_ranking with it
--   (figures.cells_within), instead of asking cell_ranking again for each unit and period.
select cell_id
from cell_facts
where in_scope(cell_id, $unit)
order by cell_id;
