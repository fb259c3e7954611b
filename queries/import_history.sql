-- import_history: what has been imported into this database, newest first?
--
-- Scope: whole tree (imports are not tied to a unit: for administrators, on the Data page)
-- Macros: none
-- Parameters: none
-- Columns:
--   batch_id         text
--   imported_at      timestamp
--   file_name        text
--   sha256           text       of the file, or of a folder's files
--   rows             integer    all rows the file held
--   rows_per_table   text       JSON text: table -> rows
--   account          text       who imported: an app account, or cli:USER from the command line
select b.batch_id,
       b.imported_at,
       b.file_name,
       b.sha256,
       coalesce((select sum(value::bigint) from json_each(b.rows_per_table)), 0)::bigint as rows,
       b.rows_per_table,
       b.account
from import_batch b
order by b.imported_at desc, b.batch_id desc;
