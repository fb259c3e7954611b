-- department_opinions: which opinions must a department answer, and which has it answered: those not
-- yet due, those due soon, the overdue ones, and the answered ones?
--
-- Scope: unit (opinions raised by the subtree's units)
-- Macros: in_scope, opinion_status
-- Rules: $due_soon_days (cellboard/rules.py: DUE_SOON_DAYS, 7)
-- Parameters:
--   $unit          text      root of the subtree; null = everything
--   $department    text      optional: the department the opinions are assigned to, compared with
--                            assigned_to both trimmed and in Unicode NFC; null = every department
--   $as_of         date      the day overdue and due soon are judged
--   $opinion       text      optional: one opinion_id (the one shown in detail)
--   $limit         integer   optional: rows listed of each group; null = all
-- Columns:
--   opinion_id     text
--   raised_on      date
--   unit_id        text      the unit that raised it
--   unit           text      its name
--   commune        text      the commune's name (opinion_facts.commune_id)
--   category       text      the category's code
--   kind           text
--   text           text
--   assigned_to    text      the department holding it now
--   handling       text      null (waiting), handling (being handled), forwarded (sent on to assigned_to)
--   due_on         date
--   answered_on    date
--   answer         text
--   status         text      answered_on_time, answered_late, open, overdue: as in opinion_response
--   answer_group   text      overdue; due_soon (open, due within $due_soon_days days of $as_of, the
--                            due day included); open (the other open ones); answered (on time or late)
--   days_left      integer   due_on - $as_of: negative when overdue; null when answered
--   in_group       integer   the group's opinions before $limit
--   last_recorded  timestamp  the latest event of its history (opinion_event); null = none
-- Notes:
--   Every unanswered opinion of the department, whatever the day it was raised (an overdue one from
--   last year is still to be answered), and its answered ones. Groups in the order overdue, due soon,
--   open, answered; the unanswered most urgent first (due_on, then raised_on), the answered most
--   recently recorded first (the latest event, else the day answered), so an answer just recorded
--   heads its group even when dated back. The status is the shared macro's; due soon splits `open`.
with events as (
    select opinion_id, max(recorded_at) as last_recorded
    from opinion_event
    group by opinion_id
),
held as (
    select o.opinion_id, o.raised_on, o.unit_id, o.category, o.kind, o.text, o.assigned_to, o.handling,
           f.due_on, o.answered_on, o.answer, f.commune_id, e.last_recorded,
           opinion_status(o.answered_on, f.due_on, $as_of) as status,
           case when o.answered_on is null then f.due_on - $as_of end as days_left
    from opinion o
    join opinion_facts f on f.opinion_id = o.opinion_id
    left join events e on e.opinion_id = o.opinion_id
    where in_scope(o.unit_id, $unit)
      and ($department is null
           or nfc_normalize(trim(o.assigned_to)) = nfc_normalize(trim($department)))
      and ($opinion is null or o.opinion_id = $opinion)
),
grouped as (
    select *,
           case when status = 'overdue' then 'overdue'
                when status = 'open' and days_left <= $due_soon_days then 'due_soon'
                when status = 'open' then 'open'
                else 'answered' end as answer_group
    from held
),
ranked as (
    select *,
           count(*) over (partition by answer_group) as in_group,
           row_number() over (
               partition by answer_group
               order by case when answer_group = 'answered'
                             then coalesce(last_recorded, answered_on::timestamp) end desc nulls last,
                        due_on, raised_on, opinion_id
           ) as place
    from grouped
)
select r.opinion_id, r.raised_on, r.unit_id, u.name as unit, cm.name as commune, r.category, r.kind,
       r.text, r.assigned_to, r.handling, r.due_on, r.answered_on, r.answer, r.status, r.answer_group,
       r.days_left, r.in_group, r.last_recorded
from ranked r
left join unit u on u.unit_id = r.unit_id
left join unit cm on cm.unit_id = r.commune_id
where $limit is null or r.place <= $limit
order by case r.answer_group when 'overdue' then 1 when 'due_soon' then 2 when 'open' then 3 else 4 end,
         r.place;
