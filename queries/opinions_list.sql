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
-- The search reads opinion_facts.text_folded (folded once, when the database is written), so a
-- search is one scan of a stored column, not a fold of every text per query.
with scope as (
    select descendant_id as unit_id from unit_closure where ancestor_id = $unit
    union all
    select unit_id from unit where $unit is null
),
wanted as (
    select nullif(replace(strip_accents(lower(trim($text))), 'đ', 'd'), '') as text_folded,
           (select min(code) from category
            where code = $category
               or replace(strip_accents(lower(name_vi)), 'đ', 'd')
                  = replace(strip_accents(lower(trim($category))), 'đ', 'd')) as category
),
listed as (
    select o.opinion_id, o.raised_on, o.unit_id, cm.name as commune,
           case when u.kind = 'cell' then u.name end as cell,
           o.category, o.kind, o.text, o.assigned_to, f.due_on, o.answered_on,
           case when o.answered_on <= f.due_on then 'answered_on_time'
                when o.answered_on is not null then 'answered_late'
                when f.due_on < $as_of then 'overdue'
                else 'open' end as status,
           o.channel, o.answer, o.briefing_id,
           o.answered_on - o.raised_on as days_to_answer,
           f.commune_id
    from opinion o
    join opinion_facts f on f.opinion_id = o.opinion_id
    cross join wanted w
    left join unit u on u.unit_id = o.unit_id
    left join unit cm on cm.unit_id = f.commune_id
    where o.raised_on between $start and $end
      and o.unit_id in (select unit_id from scope)
      and ($category is null or o.category = w.category)
      and (w.text_folded is null or contains(f.text_folded, w.text_folded))
      and ($kind is null or o.kind = $kind)
      and ($channel is null or o.channel = $channel)
      and ($department is null or o.assigned_to = $department)
      and ($commune is null or f.commune_id = $commune)
      and ($opinion is null or o.opinion_id = $opinion)
)
select *, count(*) over () as matches
from listed
where $status is null or status = $status
order by raised_on desc, opinion_id
limit $limit
offset coalesce($offset, 0);
