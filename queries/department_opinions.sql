-- department_opinions: which opinions must a department answer, and which has it answered: those not
-- yet due, those due soon, the overdue ones, and the answered ones?
--
-- Scope: unit (opinions raised by the subtree's units)
-- Macros: in_scope, opinion_status, department_name
-- Rules: $due_soon_days (cellboard/rules.py: DUE_SOON_DAYS, 7)
-- Parameters:
--   $unit          text      root of the subtree; null = everything
--   $department    text      optional: the department the opinions are assigned to, compared with
--                            assigned_to as department names are (department_name); null = every
--                            department
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
waiting as (
    -- the unanswered ones: their groups, order and department need only opinion_facts (answered,
    -- due_on, assigned_name); opinion's wide rows are read for the listed ones only
    select f.opinion_id, f.raised_on, f.due_on, f.commune_id,
           -- unanswered: the shared status is overdue or open (due soon splits open)
           case opinion_status(null, f.due_on, $as_of)
                when 'overdue' then 'overdue'
                else case when f.due_on - $as_of <= $due_soon_days then 'due_soon' else 'open' end
           end as answer_group
    from opinion_facts f
    where not f.answered
      and in_scope(f.unit_id, $unit)
      and ($department is null or f.assigned_name = department_name($department))
      and ($opinion is null or f.opinion_id = $opinion)
),
answered as (
    -- the answered ones, by when their answer was recorded (the latest event, else the day answered)
    select f.opinion_id, f.raised_on, f.due_on, f.commune_id,
           coalesce(e.last_recorded, f.answered_on::timestamp) as recorded
    from opinion_facts f
    left join events e on e.opinion_id = f.opinion_id
    where f.answered
      and in_scope(f.unit_id, $unit)
      and ($department is null or f.assigned_name = department_name($department))
      and ($opinion is null or f.opinion_id = $opinion)
),
counted as (
    select answer_group, count(*) as in_group from waiting group by answer_group
    union all
    select 'answered', count(*) from answered having count(*) > 0
),
waiting_shown as (
    -- the first $limit of each group (all when null): a top-N each, not a rank of every opinion
    select *, row_number() over (partition by answer_group order by due_on, raised_on, opinion_id) as place
    from (
        (select * from waiting where answer_group = 'overdue'
         order by due_on, raised_on, opinion_id limit $limit)
        union all
        (select * from waiting where answer_group = 'due_soon'
         order by due_on, raised_on, opinion_id limit $limit)
        union all
        (select * from waiting where answer_group = 'open'
         order by due_on, raised_on, opinion_id limit $limit)
    )
),
answered_shown as (
    -- the latest $limit recorded (all when null), most recent first
    select opinion_id, due_on, commune_id,
           row_number() over (order by recorded desc, due_on, raised_on, opinion_id) as place
    from (select * from answered order by recorded desc, due_on, raised_on, opinion_id limit $limit)
),
listed as (
    -- the rest of each listed row, read in one scan of opinion
    select o.opinion_id, o.raised_on, o.unit_id, o.category, o.kind, o.text, o.assigned_to, o.handling,
           s.due_on, o.answered_on, o.answer, s.commune_id, s.answer_group, s.place
    from (select opinion_id, due_on, commune_id, answer_group, place from waiting_shown
          union all
          select opinion_id, due_on, commune_id, 'answered', place from answered_shown) s
    join opinion o on o.opinion_id = s.opinion_id
    where in_scope(o.unit_id, $unit)  -- as every row of s: fewer rows of opinion to read
)
select r.opinion_id, r.raised_on, r.unit_id, u.name as unit, cm.name as commune, r.category, r.kind,
       r.text, r.assigned_to, r.handling, r.due_on, r.answered_on, r.answer,
       opinion_status(r.answered_on, r.due_on, $as_of) as status, r.answer_group,
       case when r.answered_on is null then r.due_on - $as_of end as days_left,
       c.in_group, e.last_recorded
from listed r
join counted c on c.answer_group = r.answer_group
left join events e on e.opinion_id = r.opinion_id
left join unit u on u.unit_id = r.unit_id
left join unit cm on cm.unit_id = r.commune_id
order by case r.answer_group when 'overdue' then 1 when 'due_soon' then 2 when 'open' then 3 else 4 end,
         r.place;
