-- opinions_list: which opinions were raised in the window, and where does each stand?
-- Parameters: $start, $end (inclusive dates of raising), $unit (root of the subtree; null =
--   everything), $as_of (the day overdue is judged), optional $category (a code, or a Vietnamese
--   name folded), optional $text (matched inside the text with accents, case and đ folded:
--   "duong lien thon" finds "Đường liên thôn"), optional $kind (reflection, recommendation),
--   $channel (meeting, written), $status (answered_on_time, answered_late, open, overdue),
--   $department (assigned_to, exactly), $commune (the commune_id of opinion_facts), $opinion (one
--   opinion_id), optional $limit (rows; null = all) and $offset (rows skipped; null = 0) for paging.
-- Columns: opinion_id, raised_on, unit_id, commune, cell, category, kind, text, assigned_to, due_on,
--   answered_on, status (answered_on_time, answered_late, open, overdue: as in opinion_response),
--   channel, answer, briefing_id, days_to_answer, commune_id, matches (rows matching the filters
--   before $limit and $offset). Newest first.
-- Fast over every opinion: the search reads opinion_facts.text_folded (folded once, when the database
-- is written); opinion_facts is joined to every opinion only when a filter needs it (search, commune,
-- status); counting and paging run on narrow columns, and the wide ones (text, answer, names) are
-- fetched for the page's rows only.
with wanted as (
    select nullif(replace(strip_accents(lower(trim($text))), 'đ', 'd'), '') as text_folded,
           (select min(code) from category
            where code = $category
               or replace(strip_accents(lower(name_vi)), 'đ', 'd')
                  = replace(strip_accents(lower(trim($category))), 'đ', 'd')) as category
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
      and ($status is null or $status = case when o.answered_on <= f.due_on then 'answered_on_time'
                                             when o.answered_on is not null then 'answered_late'
                                             when f.due_on < $as_of then 'overdue'
                                             else 'open' end)
),
filtered as (
    select o.opinion_id, o.raised_on, o.unit_id, o.category, o.kind, o.text, o.assigned_to, o.answered_on,
           o.channel, o.answer, o.briefing_id
    from opinion o
    cross join wanted w
    where o.raised_on between $start and $end
      and ($unit is null or o.unit_id in (select descendant_id from unit_closure where ancestor_id = $unit))
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
       case when p.answered_on <= f.due_on then 'answered_on_time'
            when p.answered_on is not null then 'answered_late'
            when f.due_on < $as_of then 'overdue'
            else 'open' end as status,
       p.channel, p.answer, p.briefing_id,
       p.answered_on - p.raised_on as days_to_answer,
       f.commune_id, p.matches
from matched p
-- the window's blocks only: rows are written in date order, and an answer is due after it is raised
join opinion_facts f on f.opinion_id = p.opinion_id and f.due_on >= $start
left join unit u on u.unit_id = p.unit_id
left join unit cm on cm.unit_id = f.commune_id
order by p.raised_on desc, p.opinion_id;
