-- The terms every named query shares, defined once: DuckDB macros the queries call by name.
--
-- cellboard/data/db.py creates them in the in-memory catalogue of each read connection (memory.main),
-- before any query runs, and every cursor searches `cellboard.main, memory.main`: tables resolve in
-- the data file, these macros in memory. Nothing here is stored in the data file. The writer
-- (cellboard/data/store.py, use_macros) creates the same macros as temporary macros of its connection:
-- schema.sql folds the text it writes with fold(), as the queries fold what is searched.
-- A query's header names the macros it uses ("Macros:"). A macro is text put in place where it is
-- called (DuckDB expands it before planning), so calling one costs what writing it out would.

-- ---- keys --------------------------------------------------------------------------------------
-- The number a derived table keys a text id by (member_key, meeting_key, opinion_key, term_key,
-- group_key in schema.sql; a query computing a key as it reads uses it too): numbers sort, group and
-- join several times faster than text. 64 bits of the id's md5: among 10 million ids, two share one
-- in about one database of 370,000. Not DuckDB's hash(), whose keys of similar strings collide far
-- more often (bench scale L: 263,244 opinion ids, 261,545 values of hash(opinion_id)). Written
-- through md5_number: a few times the cost of hash(), where md5_number_upper costs 20 times more.
create or replace macro id_key(x) as (md5_number(x) >> 64)::ubigint;

-- ---- scope ---------------------------------------------------------------------------------------
-- Access control lives here: every query that reads a table holding a unit's rows filters it
-- through one of these two with its $unit (tests/test_query_catalogue.py checks each query).

-- The unit ids of the subtree rooted at `root` (itself included); every unit when root is null.
-- unit_closure holds a row (ancestor, descendant) for every unit below or at each unit, depth 0 for
-- the unit itself: so every unit's own row, when root is null. One scan, no union.
create or replace macro scope_units(root) as table
    select descendant_id as unit_id
    from unit_closure
    where ancestor_id = root or (root is null and depth = 0);

-- Is `id` a unit of the subtree rooted at `root` (always, when root is null)? The same subtree as
-- scope_units (tests/test_queries.py checks they agree), written as a test on one id: a filter on a
-- large table stays a cheap semi-join on the subtree's few ids, and the whole tree costs no join.
create or replace macro in_scope(id, root) as
    root is null or id in (select descendant_id from unit_closure where ancestor_id = root);

-- ---- opinions ------------------------------------------------------------------------------------
-- Where an opinion stands on `as_of` (docs/DOMAIN.md): answered on or before its due day
-- (opinion_facts.due_on) = answered_on_time; answered after it = answered_late; unanswered and due
-- before as_of = overdue; unanswered and not yet due = open.
create or replace macro opinion_status(answered_on, due_on, as_of) as
    case when answered_on <= due_on then 'answered_on_time'
         when answered_on is not null then 'answered_late'
         when due_on < as_of then 'overdue'
         else 'open' end;

-- The share answered on time among the opinions that could be late by now (opinions not yet due,
-- `open`, cannot): answered_on_time / (opinions - open); null when none could.
create or replace macro on_time_rate(answered_on_time, opinions, open) as
    answered_on_time / nullif(opinions - open, 0);

-- ---- rates ---------------------------------------------------------------------------------------
-- A pooled rate: the sum of the parts over the sum of the wholes, null when the whole is 0.
create or replace macro rate(part, whole) as part / nullif(whole, 0);

-- Attendance rate (docs/DOMAIN.md): present / (expected - exempt), exempt members not being expected.
create or replace macro attendance_rate(present, expected, exempt) as
    present / nullif(expected - exempt, 0);

-- ---- months and quarters -------------------------------------------------------------------------
-- Months and quarters as consecutive numbers (year * 12 + month - 1, year * 4 + quarter - 1), so
-- ranges, runs and counts of them are integer arithmetic.
create or replace macro month_no(d) as year(d) * 12 + month(d) - 1;
create or replace macro quarter_no(d) as year(d) * 4 + quarter(d) - 1;

-- A unit exists in a month when it exists on the month's 15th (docs/DOMAIN.md). For a month's first
-- day `month`; and as month numbers: the first and last month a unit with these dates existed in
-- (null date = no limit on that side: the result is null, the caller supplies the window's bound).
create or replace macro existed_in_month(valid_from, valid_to, month) as
    (valid_from is null or valid_from <= month + 14) and (valid_to is null or valid_to >= month + 14);
create or replace macro first_month_existed(valid_from) as
    month_no(valid_from) + (day(valid_from) > 15)::integer;
create or replace macro last_month_existed(valid_to) as
    month_no(valid_to) - (day(valid_to) < 15)::integer;

-- Did a unit with these dates exist at some time between from_day and to_day (null = no limit)?
create or replace macro existed_between(valid_from, valid_to, from_day, to_day) as
    (valid_from is null or valid_from <= to_day) and (valid_to is null or valid_to >= from_day);

-- The first day of every calendar month from from_day's to to_day's, as rows of `month`.
create or replace macro window_months(from_day, to_day) as table
    select unnest(generate_series(date_trunc('month', from_day::date), date_trunc('month', to_day::date),
                                  interval 1 month))::date as month;

-- ---- text ----------------------------------------------------------------------------------------
-- Text folded for matching: lower case, accents stripped, đ as d ("Đường" -> "duong"); the same
-- folding as cellboard/text.py's fold() and the folded columns schema.sql writes.
create or replace macro fold(s) as replace(strip_accents(lower(s)), 'đ', 'd');

-- What a person typed to search, as it is matched against folded text: folded, trimmed, each run of
-- spaces one space ("  đèn   chiếu " finds what "đèn chiếu" finds); null when nothing was typed.
create or replace macro searched(s) as nullif(regexp_replace(fold(trim(s)), '\s+', ' ', 'g'), '');

-- A department's name as stored and compared: trimmed, in Unicode NFC, so a name typed with other
-- spaces or another Unicode form of its accents is the same department; the same as
-- cellboard/text.py's department_name().
create or replace macro department_name(s) as nfc_normalize(trim(s));

-- ---- derived tables ------------------------------------------------------------------------------
-- Attendance rows whose member was not in the meeting's cell that day: roll_miss's rows. The derive
-- sections (schema.sql) keep those of the meetings, or the members, a write changed; a filter on
-- meeting_id or member_id reaches the attendance scan beneath the anti-join.
create or replace macro off_roll() as table
    select a.meeting_id, s.cell_id, s.held_on, a.member_id
    from attendance a
    join meeting_stats s on s.meeting_id = a.meeting_id
    anti join membership p
        on p.member_id = a.member_id and p.cell_id = s.cell_id
       and s.held_on between p.from_date and coalesce(p.to_date, '9999-12-31'::date);
