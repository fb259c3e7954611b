-- recurring_opinions: which matters do cell secretaries raise again and again, by several cells or in
-- several months?
--
-- Scope: unit (opinions raised by the subtree's units; "more common across the scope" is within it)
-- Macros: in_scope
-- Parameters:
--   $start                date      first day of the window (inclusive): a matter must be raised in it
--   $end                  date      last day of the window (inclusive)
--   $unit                 text      root of the subtree; null = everything
--   $since                date      optional: how far back earlier raisings count; null = $start
--   $limit                integer   optional: rows; null = all
-- Columns:
--   commune_id            text
--   commune               text
--   category              text      the category's code
--   name_vi               text
--   name_en               text
--   term                  text      the term filed under, as the latest text writes it
--   shared_words          text      phrases, joined by " · "
--   opinions              integer   times raised since $since
--   cells                 integer
--   months                integer
--   first_raised          date
--   last_raised           date
--   in_window             integer   raised in the window
--   unanswered            integer   no answer yet
--   example_opinion_id    text
--   example_text          text      the latest raised
-- Notes:
--   Most raised first. The method, simple enough to explain to a reader:
--   1. Each opinion's words (runs of letters, or of digits) are lower-cased; its terms are its pairs
--      of neighbouring words (most Vietnamese words have two syllables: "nạo vét", "kênh mương").
--      Pairs holding a common word ("đề", "nghị", "của", "ở", "thôn", "xã", ...) or a number are
--      dropped, and so are pairs touching a place name (a pair of words found in a unit's name: place
--      names say where, not what). Terms are compared with accents, case and đ folded.
--   2. Within one commune and category, each opinion is filed under its term shared by the most
--      opinions (ties: the term more common across the scope, then the first alphabetically).
--   3. A matter is a term under which two or more opinions are filed, raised by at least two cells or
--      in at least two months, at least once in the window. Its shared words are the terms every one
--      of its opinions holds, joined into phrases where they follow each other in the latest text.
--   Cost: the words are split once, when an opinion is written (opinion_terms in schema.sql); here
--   one pass over the window's terms (18 to 22 ms for a whole M demo's six months, 41 to 49 ms for
--   L: docs/PERFORMANCE.md); a longer $since costs in proportion.
with terms as materialized (
    -- each opinion raised in the scope since $since, with its kept terms (opinion_terms: the words
    -- split when the opinion was written, in schema.sql), each term once; keyed by numbers written
    -- with them: of the opinion, of the term, of commune, category and term together
    select t.opinion_key, t.group_key, t.term_key, t.term_folded
    from opinion_terms t
    where t.raised_on between coalesce($since::date, $start::date) and $end
      and t.is_first
      and in_scope(t.unit_id, $unit)
),
groups as materialized (
    -- how many opinions hold each term, within each commune and category
    select group_key, any_value(term_key) as term_key, count(*) as in_group
    from terms
    group by group_key
),
in_scope as (
    select term_key, sum(in_group::double) as in_scope
    from groups
    group by term_key
),
filed as materialized (
    -- each opinion under its term shared by the most opinions of its commune and category (ties: the
    -- term more common in the scope, then the first alphabetically); an opinion whose terms are all
    -- its own is filed alone and can make no matter, so it is left out. Grouping, not windows.
    select t.opinion_key, arg_min(t.group_key, (-g.in_group, -s.in_scope, t.term_folded)) as group_key
    from terms t
    join groups g on g.group_key = t.group_key
    join in_scope s on s.term_key = t.term_key
    where g.in_group >= 2
    group by t.opinion_key
),
matters as (
    select *
    from (select f.group_key,
                 count(*) as opinions,
                 -- distinct counts through lists: cheaper here than count(distinct)
                 len(list_distinct(list(o.unit_id))) as cells,
                 len(list_distinct(list(date_trunc('month', o.raised_on)))) as months,
                 min(o.raised_on) as first_raised,
                 max(o.raised_on) as last_raised,
                 count(*) filter (where o.raised_on >= $start) as in_window,
                 count(*) filter (where not o.answered) as unanswered,
                 arg_max(o.opinion_id, (o.raised_on, o.opinion_id)) as example_opinion_id,
                 arg_max(o.opinion_key, (o.raised_on, o.opinion_id)) as example_key
          from filed f
          join opinion_facts o on o.opinion_key = f.opinion_key
          where o.raised_on between coalesce($since::date, $start::date) and $end
          group by f.group_key)
    where opinions >= 2 and (cells >= 2 or months >= 2) and last_raised >= $start
),
named as (
    -- each matter's commune, category and term, from its latest opinion's row of the term
    select m.*, t.commune_id, t.category, t.term_folded, t.term_key
    from matters m
    join opinion_terms t on t.opinion_key = m.example_key and t.group_key = m.group_key
    where t.raised_on between coalesce($since::date, $start::date) and $end
      and t.is_first
),
top as materialized (
    -- the matters shown ($limit of them, most raised first): the words below are worked out for
    -- these only
    select m.*, coalesce(u.name, m.commune_id) as commune, o.name_order as commune_order
    from named m
    left join unit u on u.unit_id = m.commune_id
    left join unit_order o on o.unit_id = m.commune_id
    order by m.opinions desc, m.cells desc, m.last_raised desc, o.name_order, m.term_folded, m.category
    limit $limit
),
example_terms as (
    -- the kept pairs of each matter's latest opinion
    select t.opinion_key, t.position, t.first, t.second, t.term_key
    from opinion_terms t
    where t.raised_on between coalesce($since::date, $start::date) and $end
      and t.is_kept
      and t.opinion_key in (select example_key from top)
),
shared_terms as (
    -- the terms every opinion of the matter holds
    select m.example_key, t.term_key
    from top m
    join filed f on f.group_key = m.group_key
    join terms t on t.opinion_key = f.opinion_key
    group by m.example_key, t.term_key, m.opinions
    having count(*) = m.opinions
),
example_pairs as (
    -- shared terms in the latest text; neighbouring ones form one phrase (gaps and islands)
    select k.opinion_key, k.position, k.first, k.second,
           k.position - row_number() over (partition by k.opinion_key order by k.position) as island
    from example_terms k
    join shared_terms s on s.example_key = k.opinion_key and s.term_key = k.term_key
),
phrases as (
    select opinion_key, min(position) as position,
           arg_min(first, position) || ' ' || string_agg(second, ' ' order by position) as phrase
    from example_pairs
    group by opinion_key, island
),
shared_words as (
    select opinion_key, string_agg(phrase, ' · ' order by position) as shared_words
    from phrases
    group by opinion_key
),
written as (
    -- the term as the latest text writes it
    select m.example_key, arg_min(k.first || ' ' || k.second, k.position) as term
    from top m
    join example_terms k on k.opinion_key = m.example_key and k.term_key = m.term_key
    group by m.example_key
)
select m.commune_id, m.commune, m.category, c.name_vi, c.name_en,
       w.term, s.shared_words, m.opinions, m.cells, m.months, m.first_raised, m.last_raised, m.in_window,
       m.unanswered, m.example_opinion_id, o.text as example_text
from top m
-- by key alone: a hundred lookups through the primary key's index (a date bound here would make it
-- a scan of every text in the window)
join opinion o on o.opinion_id = m.example_opinion_id
join written w on w.example_key = m.example_key
join category c on c.code = m.category
left join shared_words s on s.opinion_key = m.example_key
order by m.opinions desc, m.cells desc, m.last_raised desc, m.commune_order, m.term_folded, m.category;
