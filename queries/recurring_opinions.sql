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
--   one pass over the window's terms, kept in memory as numbers (the opinion's, the term's, and its
--   commune, category and term together), and four lookups of a hundred rows: each matter's latest
--   opinion's pairs and text (opinion_text: the texts in date order, where the window's texts lie
--   together; in opinion, not in date order, reading a hundred texts decoded most of the file's:
--   10 ms CPU at L), its commune's name and its category's. Filing compares one number per
--   term (its count in the commune and category, then its place among the scope's terms), not text;
--   the text, category and term of a matter come from rows already read. A longer $since costs in
--   proportion.
with terms as materialized (
    -- each opinion raised in the scope since $since, with its kept terms (opinion_terms: the words
    -- split when the opinion was written, in schema.sql), each term once; keyed by numbers written
    -- with them: of the opinion, of the term, of commune, category and term together
    select t.opinion_key, t.group_key, t.term_key, t.term_folded, t.category
    from opinion_terms t
    where t.raised_on between coalesce($since::date, $start::date) and $end
      and t.is_first
      and in_scope(t.unit_id, $unit)
),
ranked as (
    -- each term's place when the terms more common across the scope come first, then alphabetically
    select term_key, row_number() over (order by count(*) desc, any_value(term_folded)) as term_rank
    from terms
    group by term_key
),
filed as materialized (
    -- each opinion under its term shared by the most opinions of its commune and category (ties: the
    -- term more common in the scope, then the first alphabetically): one number orders the terms,
    -- fewer opinions in the high half (a count is far below 2^31), the term's place in the low half
    -- (far fewer than 2^32 terms). An opinion whose terms are all its own is filed alone and can make
    -- no matter, so it is left out. Grouping, not windows.
    select t.opinion_key, arg_min(t.group_key, g.file_key) as group_key
    from terms t
    join (select g.group_key, (2147483647 - g.in_group) * 4294967296 + r.term_rank as file_key
          from (select group_key, any_value(term_key) as term_key, count(*) as in_group
                from terms
                group by group_key) g
          join ranked r on r.term_key = g.term_key
          where g.in_group >= 2) g on g.group_key = t.group_key
    group by t.opinion_key
),
matters as (
    select *
    from (select f.group_key,
                 any_value(o.commune_id) as commune_id,  -- one commune per group_key
                 count(*) as opinions,
                 -- distinct counts through lists (counted below for the matters kept): cheaper here
                 -- than count(distinct)
                 list(o.unit_id) as cell_list,
                 list(date_trunc('month', o.raised_on)) as month_list,
                 min(o.raised_on) as first_raised,
                 count(*) filter (where o.raised_on >= $start) as in_window,
                 count(*) filter (where not o.answered) as unanswered,
                 -- the latest opinion (ties: the greatest id); its date is the last raised
                 max({'raised_on': o.raised_on, 'opinion_id': o.opinion_id, 'opinion_key': o.opinion_key})
                     as example
          from filed f
          join opinion_facts o on o.opinion_key = f.opinion_key
          where o.raised_on between coalesce($since::date, $start::date) and $end
          group by f.group_key)
    -- two cells or two months: two months when the first and last raised fall in different ones
    where opinions >= 2 and example.raised_on >= $start
      and (date_trunc('month', first_raised) <> date_trunc('month', example.raised_on)
           or len(list_distinct(cell_list)) >= 2)
),
top as materialized (
    -- the matters shown ($limit of them, most raised first), with the commune, category and term
    -- of their latest opinion's row of the term (in terms): the words below are worked out for these
    -- only
    select m.* exclude (cell_list, month_list, example),
           m.example.raised_on as last_raised, m.example.opinion_id as example_opinion_id,
           m.example.opinion_key as example_key,
           len(list_distinct(m.cell_list)) as cells, len(list_distinct(m.month_list)) as months,
           t.term_key, t.term_folded, t.category, o.name_order as commune_order
    from matters m
    join terms t on t.opinion_key = m.example.opinion_key and t.group_key = m.group_key
    left join unit_order o on o.unit_id = m.commune_id
    order by m.opinions desc, cells desc, last_raised desc, o.name_order, t.term_folded, t.category
    limit $limit
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
pairs as materialized (
    -- each matter's latest opinion's kept pairs, and whether the pair's term is one every opinion of
    -- the matter holds
    select k.opinion_key, k.position, k.first, k.second, k.term_key = m.term_key as of_term,
           s.term_key is not null as shared
    from opinion_terms k
    join top m on m.example_key = k.opinion_key
    left join shared_terms s on s.example_key = k.opinion_key and s.term_key = k.term_key
    where k.raised_on between coalesce($since::date, $start::date) and $end
      and k.is_kept
),
words as (
    -- the first writing of the matter's term; the shared pairs in order, a pair whose neighbour
    -- before it is shared adding its second word to that phrase, any other opening a phrase after " · "
    select p.opinion_key,
           arg_min(p.first || ' ' || p.second, p.position) filter (where p.of_term) as term,
           substr(string_agg(case when q.position is null then '· ' || p.first || ' ' || p.second
                                  else p.second end, ' ' order by p.position) filter (where p.shared), 3)
               as shared_words
    from pairs p
    left join pairs q on q.opinion_key = p.opinion_key and q.position = p.position - 1 and q.shared
    group by p.opinion_key
)
select m.commune_id, coalesce(u.name, m.commune_id) as commune, m.category, c.name_vi, c.name_en,
       w.term,
       w.shared_words,
       m.opinions, m.cells, m.months, m.first_raised, m.last_raised, m.in_window,
       m.unanswered, m.example_opinion_id, o.text as example_text
from top m
-- the latest opinion's text (opinion_text: the texts in date order, keyed by number): by key and its
-- date, bounded by the window (last_raised lies in it), so the scan decodes the window's texts only
join opinion_text o on o.opinion_key = m.example_key and o.raised_on = m.last_raised
join words w on w.opinion_key = m.example_key and w.term is not null
join category c on c.code = m.category
left join unit u on u.unit_id = m.commune_id
where o.raised_on between $start and $end
order by m.opinions desc, m.cells desc, m.last_raised desc, m.commune_order, m.term_folded, m.category;
