-- recurring_opinions: which matters do cell secretaries raise again and again, by several cells or in
-- several months?
-- Parameters: $start, $end (inclusive dates: a matter must be raised in this window), $unit (root of
--   the subtree; null = everything), optional $since (how far back earlier raisings count; null =
--   $start), optional $limit (rows; null = all).
-- The method, simple enough to explain to a reader:
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
-- Cost: the words are split once, when an opinion is written (opinion_terms in schema.sql); here one
--   pass over the window's terms (24 ms for a whole M demo's six months, 53 ms for L: docs/PERFORMANCE.md);
--   a longer $since costs in proportion.
-- Columns: commune_id, commune, category (code), name_vi, name_en, term (the term filed under, as the
--   latest text writes it), shared_words (phrases, joined by " · "), opinions (times raised since $since),
--   cells, months, first_raised, last_raised, in_window (raised in the window), unanswered (no answer
--   yet), example_opinion_id, example_text (the latest raised). Most raised first.
with terms as materialized (
    -- each opinion raised in the scope since $since, with its kept terms (opinion_terms: the words
    -- split when the opinion was written, in schema.sql), each term once
    select t.opinion_id, t.term_folded, t.commune_id, t.category
    from opinion_terms t
    where t.raised_on between coalesce($since::date, $start::date) and $end
      and t.is_first
      and ($unit is null or t.unit_id in (select descendant_id from unit_closure where ancestor_id = $unit))
),
groups as materialized (
    -- how many opinions hold each term, within each commune and category
    select commune_id, category, term_folded, count(*) as in_group
    from terms
    group by all
),
in_group as (
    -- terms shared within a commune and category: an opinion whose terms are all its own is filed
    -- alone and can make no matter, so it is left out here
    select * from groups where in_group >= 2
),
in_scope as (
    select term_folded, sum(in_group::double) as in_scope
    from groups
    group by all
),
filed as materialized (
    -- grouping, not window functions: the same choice, cheaper on tens of thousands of terms
    select opinion_id, commune_id, category, chosen.term_folded, chosen.in_group
    from (select t.opinion_id, t.commune_id, t.category,
                 arg_min({'term_folded': t.term_folded, 'in_group': g.in_group},
                         (-g.in_group, -s.in_scope, t.term_folded)) as chosen
          from terms t
          join in_group g on g.commune_id is not distinct from t.commune_id and g.category = t.category
                         and g.term_folded = t.term_folded
          join in_scope s on s.term_folded = t.term_folded
          group by t.opinion_id, t.commune_id, t.category)
),
matters as materialized (
    select *
    from (select f.commune_id, f.category, f.term_folded,
                 count(*) as opinions,
                 -- distinct counts through lists: cheaper here than count(distinct)
                 len(list_distinct(list(o.unit_id))) as cells,
                 len(list_distinct(list(date_trunc('month', o.raised_on)))) as months,
                 min(o.raised_on) as first_raised,
                 max(o.raised_on) as last_raised,
                 count(*) filter (where o.raised_on >= $start) as in_window,
                 count(*) filter (where o.answered_on is null) as unanswered,
                 arg_max(o.opinion_id, (o.raised_on, o.opinion_id)) as example_opinion_id
          from filed f
          join opinion o on o.opinion_id = f.opinion_id
          where o.raised_on between coalesce($since::date, $start::date) and $end
          group by all)
    where opinions >= 2 and (cells >= 2 or months >= 2) and last_raised >= $start
),
top as materialized (
    -- the matters shown ($limit of them, most raised first): the words below are worked out for
    -- these only
    select m.*, coalesce(u.name, m.commune_id) as commune, o.name_order as commune_order
    from matters m
    left join unit u on u.unit_id = m.commune_id
    left join unit_order o on o.unit_id = m.commune_id
    order by m.opinions desc, m.cells desc, m.last_raised desc, o.name_order, m.term_folded, m.category
    limit $limit
),
example_terms as (
    -- the kept pairs of each matter's latest opinion
    select t.opinion_id, t.position, t.first, t.second, t.term_folded
    from opinion_terms t
    where t.raised_on between coalesce($since::date, $start::date) and $end
      and t.is_kept
      and t.opinion_id in (select example_opinion_id from top)
),
shared_terms as (
    -- the terms every opinion of the matter holds
    select m.example_opinion_id, t.term_folded
    from top m
    join filed f on f.commune_id = m.commune_id and f.category = m.category and f.term_folded = m.term_folded
    join terms t on t.opinion_id = f.opinion_id
    group by m.example_opinion_id, t.term_folded, m.opinions
    having count(*) = m.opinions
),
example_pairs as (
    -- shared terms in the latest text; neighbouring ones form one phrase (gaps and islands)
    select k.opinion_id, k.position, k.first, k.second,
           k.position - row_number() over (partition by k.opinion_id order by k.position) as island
    from example_terms k
    join shared_terms s on s.example_opinion_id = k.opinion_id and s.term_folded = k.term_folded
),
phrases as (
    select opinion_id, min(position) as position,
           arg_min(first, position) || ' ' || string_agg(second, ' ' order by position) as phrase
    from example_pairs
    group by opinion_id, island
),
shared_words as (
    select opinion_id, string_agg(phrase, ' · ' order by position) as shared_words
    from phrases
    group by opinion_id
),
written as (
    -- the term as the latest text writes it
    select m.example_opinion_id, arg_min(k.first || ' ' || k.second, k.position) as term
    from top m
    join example_terms k on k.opinion_id = m.example_opinion_id and k.term_folded = m.term_folded
    group by m.example_opinion_id
)
select m.commune_id, m.commune, m.category, c.name_vi, c.name_en,
       w.term, s.shared_words, m.opinions, m.cells, m.months, m.first_raised, m.last_raised, m.in_window,
       m.unanswered, m.example_opinion_id, o.text as example_text
from top m
-- by key alone: a hundred lookups through the primary key's index (a date bound here would make it
-- a scan of every text in the window)
join opinion o on o.opinion_id = m.example_opinion_id
join written w on w.example_opinion_id = m.example_opinion_id
join category c on c.code = m.category
left join shared_words s on s.opinion_id = m.example_opinion_id
order by m.opinions desc, m.cells desc, m.last_raised desc, m.commune_order, m.term_folded, m.category;
