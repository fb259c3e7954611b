-- import_history: what has been imported into this database, newest first?
-- Parameters: none (imports are not tied to a unit; the Data page is for administrators).
-- Columns: batch_id, imported_at, file_name, sha256 (of the file, or of a folder's files),
--   rows (all rows the file held), rows_per_table (JSON text: table -> rows), account (who
--   imported: an app account, or cli:USER from the command line).
select b.batch_id,
       b.imported_at,
       b.file_name,
       b.sha256,
       coalesce((select sum(value::bigint) from json_each(b.rows_per_table)), 0)::bigint as rows,
       b.rows_per_table,
       b.account
from import_batch b
order by b.imported_at desc, b.batch_id desc;
