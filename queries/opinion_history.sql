-- opinion_history: what happened to one opinion after it was raised, in order: who answered it,
-- marked it as being handled or forwarded it to another department, and when?
--
-- Scope: unit (the history of an opinion raised by a unit of the subtree; none of any other)
-- Macros: in_scope
-- Parameters:
--   $unit             text      root of the subtree; null = everything
--   $opinion          text      the opinion_id
-- Columns:
--   event_id          text
--   recorded_at       timestamp  when it was recorded
--   account           text      who recorded it (the account's name)
--   action            text      answered, handling, forwarded, imported
--   department        text      the department holding the opinion after it (forwarded: the new one)
--   from_department   text      forwarded: the department it came from
--   answered_on       date      answered: the day of the answer
--   note              text      answered: the answer; otherwise the note given, if any
-- Notes:
--   The opinion_event rows the write path (cellboard/ingest/changes.py) adds in the same transaction
--   as the opinion's row, oldest first. An answer that came with an import has no event: the
--   opinion's own answered_on and answer hold it.
select e.event_id, e.recorded_at, e.account, e.action, e.department, e.from_department, e.answered_on,
       e.note
from opinion_event e
join opinion o on o.opinion_id = e.opinion_id
where e.opinion_id = $opinion
  and in_scope(o.unit_id, $unit)
order by e.recorded_at, e.event_id;
