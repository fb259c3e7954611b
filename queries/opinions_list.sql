-- opinions_list: which opinions were raised in the window, and where does each stand?
--
-- Scope: unit (opinions raised by the subtree's units)
-- Macros: in_scope, fold, searched, opinion_status
-- Parameters:
--   $start            date      first day of the window of raising (inclusive)
--   $end              date      last day of the window (inclusive)
--   $unit             text      root of the subtree; null = everything
--   $as_of            date      the day overdue is judged
--   $category         text      optional: a code, or a Vietnamese name folded
--   $text             text      optional: matched inside the text with accents, case and đ folded
--                               (runs of spaces typed count as one)
--                               ("duong lien thon" finds "Đường liên thôn")
--   $kind             text      optional: reflection, recommendation
--   $channel          text      optional: meeting, written
--   $status           text      optional: answered_on_time, answered_late, open, overdue
--   $department       text      optional: assigned_to, exactly
--   $commune          text      optional: the commune_id of opinion_facts
--   $opinion          text      optional: one opinion_id
--   $limit            integer   optional: rows; null = all (paging)
--   $offset           integer   optional: rows skipped; null = 0
-- Columns:
--   opinion_id        text
--   raised_on         date
--   unit_id           text
--   commune           text
--   cell              text
--   category          text      the category's code
--   kind              text
--   text              text
--   assigned_to       text
--   due_on            date
--   answered_on       date
--   status            text      answered_on_time, answered_late, open, overdue: as in opinion_response
--   channel           text
--   answer            text
--   briefing_id       text
--   days_to_answer    integer
--   commune_id        text
--   matches           integer   rows matching the filters before $limit and $offset
-- Notes:
--   Newest first. Fast over every opinion: the search reads opinion_facts.text_folded (folded once,
--   when the database is written); opinion_facts is joined to every opinion only when a filter needs
--   it (search, commune, status); counting and paging run on narrow columns, and the wide ones
--   (text, answer, names) are fetched for the page's rows only.
with wanted as (
    select searched($text) as text_folded,
           (select min(code) from category
            where code = $category or fold(name_vi) = fold(trim($category))) as category
),
by_facts as (
    -- only when a filter needs opinion_facts (search, commune, status): the ids it lets through
    select f.opinion_id
    from opinion_facts f
    join opinion o on o.opinion_id = f.opinion_id
    cross join wanted w
    where (w.text_folded is not null or $commune is not null or $status is not null)
      and o.raised_on between $start and $end
      and f.due_on >= $start  -- an answer is due after the opinion is raised: skips older blocks
      and (w.text_folded is null or contains(f.text_folded, w.text_folded))
      and ($commune is null or f.commune_id = $commune)
      and ($status is null or $status = opinion_status(o.answered_on, f.due_on, $as_of))
),
filtered as (
    select o.opinion_id, o.raised_on, o.unit_id, o.category, o.kind, o.text, o.assigned_to, o.answered_on,
           o.channel, o.answer, o.briefing_id
    from opinion o
    cross join wanted w
    where o.raised_on between $start and $end
      and in_scope(o.unit_id, $unit)
      and ($category is null or o.category = w.category)
      and ($kind is null or o.kind = $kind)
      and ($channel is null or o.channel = $channel)
      and ($department is null or o.assigned_to = $department)
      and ($opinion is null or o.opinion_id = $opinion)
      and ((w.text_folded is null and $commune is null and $status is null)
           or o.opinion_id in (select opinion_id from by_facts))
),
matched as (
    -- the page asked for; the count of all matches apart (a window over every match would keep
    -- the sort from stopping at the page)
    select *, (select count(*) from filtered) as matches
    from filtered
    order by raised_on desc, opinion_id
    limit $limit
    offset coalesce($offset, 0)
)
select p.opinion_id, p.raised_on, p.unit_id, cm.name as commune,
       case when u.kind = 'cell' then u.name end as cell,
       p.category, p.kind, p.text, p.assigned_to, f.due_on, p.answered_on,
       opinion_status(p.answered_on, f.due_on, $as_of) as status,
       p.channel, p.answer, p.briefing_id,
       p.answered_on - p.raised_on as days_to_answer,
       f.commune_id, p.matches
from matched p
-- the window's blocks only: rows are written in date order, and an answer is due after it is raised
join opinion_facts f on f.opinion_id = p.opinion_id and f.due_on >= $start
left join unit u on u.unit_id = p.unit_id
left join unit cm on cm.unit_id = f.commune_id
order by p.raised_on desc, p.opinion_id;
