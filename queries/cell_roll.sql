-- cell_roll: who is on a cell's roll on a day, and how should a meeting form start marking them?
--
-- Scope: unit (only a cell inside the subtree has a roll here)
-- Macros: in_scope
-- Parameters:
--   $unit          text      root of the subtree; null = everything
--   $cell          text      the cell
--   $as_of         date      the day of the meeting (absent = today)
-- Columns:
--   member_id      text
--   full_name      text
--   status         text      the membership's status that day: active, exempt, away
--   mark           text      the mark a form starts from: exempt for an exempt member, present
--                            otherwise
--   from_date      date      the membership row in force that day
--   to_date        date
-- Notes:
--   On the roll: a membership of the cell with from_date <= $as_of and (to_date null or >= $as_of),
--   the same rule the import applies to an attendance row (a member not on the roll that day is
--   refused). A member with two such rows (bad data) is listed once, with the latest row. Ordered
--   by name in Vietnamese order, then member id.
with roll as (
    select ms.member_id, ms.status, ms.from_date, ms.to_date,
           row_number() over (partition by ms.member_id order by ms.from_date desc) as latest
    from membership ms
    where ms.cell_id = $cell
      and in_scope(ms.cell_id, $unit)
      and ms.from_date <= $as_of
      and (ms.to_date is null or ms.to_date >= $as_of)
)
select r.member_id, m.full_name, r.status,
       case when r.status = 'exempt' then 'exempt' else 'present' end as mark,
       r.from_date, r.to_date
from roll r
left join member m on m.member_id = r.member_id
where r.latest = 1
order by m.full_name collate vi, r.member_id;
