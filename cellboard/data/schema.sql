-- The cell-activity database: tables, constraints and the derived tables that
-- every write brings up to date. Sections are split on "-- section: NAME" lines; the
-- library runs `tables` once on `init` and the `derive_*` sections after every write.
-- All ids are text so imported codes survive unchanged.
-- The derive sections fold text with the queries' own macro fold() (cellboard/data/macros.sql), which
-- store.use_macros creates as a temporary macro of the writing connection: one folding for both.

-- section: tables
create table meta (
    key varchar primary key,
    value varchar not null
);

create table unit (
    unit_id varchar primary key,
    name varchar not null,
    kind varchar not null check (kind in ('province', 'district', 'commune', 'subcommittee', 'cell')),
    parent_id varchar,
    admin_code varchar,
    cell_type varchar check (cell_type is null or cell_type in
        ('village', 'urban_block', 'residential', 'agency', 'school', 'enterprise', 'armed_forces', 'other')),
    valid_from date,
    valid_to date,
    merged_into varchar,
    check (valid_to is null or valid_from is null or valid_to >= valid_from),
    check (parent_id is null or parent_id <> unit_id)
);

create table member (
    member_id varchar primary key,
    full_name varchar not null,
    sex varchar check (sex is null or sex in ('male', 'female')),
    birth_year integer check (birth_year is null or birth_year between 1900 and 2100),
    joined_on date
);

create table membership (
    member_id varchar not null,
    cell_id varchar not null,
    from_date date not null,
    to_date date,
    status varchar not null default 'active' check (status in ('active', 'exempt', 'away')),
    primary key (member_id, cell_id, from_date),
    check (to_date is null or to_date >= from_date)
);

create table meeting (
    meeting_id varchar primary key,
    cell_id varchar not null,
    held_on date not null,
    kind varchar not null default 'regular' check (kind in ('regular', 'thematic', 'extraordinary')),
    topic varchar,
    -- counts for cells that report numbers, not names
    expected integer check (expected is null or expected >= 0),
    present integer check (present is null or present >= 0),
    excused integer check (excused is null or excused >= 0),
    absent integer check (absent is null or absent >= 0),
    exempt integer check (exempt is null or exempt >= 0),
    -- set when the meeting is withdrawn (with the reason): it stays, with its history, but counts nowhere
    withdrawn_reason varchar,
    check (expected is null or coalesce(present, 0) + coalesce(excused, 0) + coalesce(absent, 0)
        + coalesce(exempt, 0) = expected)
);

create table attendance (
    meeting_id varchar not null,
    member_id varchar not null,
    status varchar not null check (status in ('present', 'excused', 'absent', 'exempt')),
    reason varchar check (reason is null or reason in ('away', 'illness', 'work', 'other')),
    -- Keyed by (meeting_id, member_id), but without a PRIMARY KEY index: on millions of rows that
    -- index is ~90 % of the file and most of the write time. The importer checks the key.
    check (reason is null or status in ('excused', 'absent'))
);

create table committee_member (
    person_id varchar primary key,
    full_name varchar not null,
    level varchar not null check (level in ('province', 'district', 'commune')),
    unit_id varchar not null,
    from_date date,
    to_date date,
    check (to_date is null or from_date is null or to_date >= from_date)
);

create table visit (
    meeting_id varchar not null,
    person_id varchar not null,
    primary key (meeting_id, person_id)
);

create table briefing (
    briefing_id varchar primary key,
    unit_id varchar not null,
    held_on date not null,
    secretaries_expected integer check (secretaries_expected is null or secretaries_expected >= 0),
    secretaries_present integer check (secretaries_present is null or secretaries_present >= 0),
    check (secretaries_present is null or secretaries_expected is null
        or secretaries_present <= secretaries_expected)
);

create table category (
    code varchar primary key,
    name_vi varchar not null,
    name_en varchar not null,
    sort integer not null
);

create table opinion (
    opinion_id varchar primary key,
    raised_on date not null,
    unit_id varchar not null,
    briefing_id varchar,
    category varchar not null default 'other',
    kind varchar not null default 'reflection' check (kind in ('reflection', 'recommendation')),
    channel varchar check (channel is null or channel in ('meeting', 'written')),
    text varchar not null,
    assigned_to varchar,
    answered_on date,
    answer varchar,
    -- what happens to an unanswered opinion: null (waiting), handling (being handled, no answer yet),
    -- forwarded (sent on to the department now in assigned_to); an answer clears it
    handling varchar check (handling is null or handling in ('handling', 'forwarded')),
    check (answered_on is null or answered_on >= raised_on)
);

-- The departments that answer opinions: each serves a unit's subtree (its unit, usually a commune,
-- and everything below). Names are stored trimmed and in Unicode NFC; an opinion's assigned_to names
-- a department of one of the opinion's unit's ancestors (or of the unit itself).
create table department (
    unit_id varchar not null,
    name varchar not null,
    primary key (unit_id, name)
);

-- What happened to each opinion after it was raised, in order: answered, marked as being handled,
-- forwarded (from_department -> department), an earlier step undone. Written by the write path
-- (cellboard/ingest/changes.py) in the same transaction as the opinion row.
create table opinion_event (
    event_id varchar primary key,
    opinion_id varchar not null,
    recorded_at timestamp not null,
    account varchar,
    action varchar not null check (action in ('answered', 'handling', 'forwarded', 'undone')),
    department varchar,
    from_department varchar,
    answered_on date,
    note varchar
);

-- Every change to a base table's row, written in the same transaction as the change (a restore of
-- the file rolls both back together). One row per changed row: its key and the row before and after
-- as JSON (`before` null: a new row; `after` null: an imported new row, logged by its key only, its
-- values being the batch's (import_batch) until a later change logs them as its `before`).
create table change_log (
    change_id bigint primary key,
    write_id varchar not null,          -- one write: a form, a command, an import, an undo
    recorded_at timestamp not null,
    account varchar,
    os_user varchar,                    -- the operating-system user of a command run with --as
    origin varchar not null check (origin in ('import', 'app', 'cli', 'migration')),
    action varchar not null,            -- answer, handling, forward, meeting, correct, withdraw, import, undo, ...
    table_name varchar not null,
    row_key varchar not null,           -- JSON of the key columns
    before varchar,
    after varchar,
    overwrite boolean not null default false,  -- an import run with --overwrite-edits replaced edits
    undone_by varchar                   -- the write that undid this change
);

-- The fields people set in the app (or by a command), with the value each held before the first such
-- edit (`base`, JSON): a later import leaves them alone when it brings the base value again or a blank,
-- and is refused when it brings a third value (unless run with --overwrite-edits).
create table edited_field (
    table_name varchar not null,
    row_key varchar not null,
    field varchar not null,
    base varchar,
    write_id varchar not null,
    primary key (table_name, row_key, field)
);

create table rating (
    cell_id varchar not null,
    year integer not null check (year between 1930 and 2200),
    grade varchar not null check (grade in ('excellent', 'good', 'complete', 'incomplete')),
    primary key (cell_id, year)
);

create table import_batch (
    batch_id varchar primary key,
    file_name varchar not null,
    sha256 varchar not null,
    imported_at timestamp not null,
    rows_per_table varchar not null,
    account varchar
);

-- The interval, in months, within which a committee member of each level must
-- attend at least one cell meeting (docs/DOMAIN.md's visits rule).
create table visit_rule (
    level varchar primary key,
    interval_months integer not null check (interval_months >= 1)
);
insert into visit_rule values ('province', 6), ('district', 3), ('commune', 1);

insert into category values
    ('agriculture', 'Sản xuất nông nghiệp, thủy lợi', 'Agriculture and irrigation', 1),
    ('transport_construction', 'Giao thông - xây dựng', 'Transport and construction', 2),
    ('environment', 'Tài nguyên, môi trường', 'Resources and environment', 3),
    ('services', 'Dịch vụ', 'Services', 4),
    ('social_policy', 'Chế độ chính sách', 'Social policy', 5),
    ('security_order', 'An ninh trật tự', 'Security and order', 6),
    ('party_work', 'Công tác đảng', 'Party work', 7),
    ('other', 'Khác', 'Other', 99);

-- Derived tables: created empty here, filled by the `derive` section.
create table unit_closure (
    ancestor_id varchar not null,
    descendant_id varchar not null,
    depth integer not null,
    primary key (ancestor_id, descendant_id)
);

-- The commune of each cell: its nearest ancestor of kind commune, else its parent.
create table cell_commune (
    cell_id varchar primary key,
    commune_id varchar
);

create table meeting_stats (
    meeting_id varchar primary key,
    cell_id varchar not null,
    commune_id varchar,
    held_on date not null,
    month date not null,
    -- month_no(held_on), quarter_no(held_on) (macros.sql): cell_ranking counts months and quarters by
    -- these numbers; reading them costs less than working them out of the dates on every read
    month_no integer not null,
    quarter_no integer not null,
    kind varchar not null,
    expected integer not null,
    exempt integer not null,
    present integer not null,
    excused integer not null,
    absent integer not null,
    away integer not null,
    illness integer not null,
    work integer not null,
    other_reason integer not null,
    from_counts boolean not null,
    topic varchar,
    visits integer not null,  -- committee members who attended (visit rows)
    -- What cell_ranking counts months and quarters by, written for all of a cell's meetings at once
    -- (derive_meetings), so the query groups the window's meetings without joining their cells.
    -- met_after: for a regular or thematic meeting in a month its cell existed in (on the 15th:
    -- cell_facts.first_month, last_month), the day of the cell's previous such meeting that month,
    -- or the day before the month began for the month's first; null for any other meeting. A window
    -- from day S holds a met month exactly when it holds one such meeting with
    -- met_after < greatest(S, month): the month's first one on or after S.
    met_after date,
    -- the same for the meetings a committee member visited (visits > 0)
    visit_after date,
    -- the first thematic meeting of its cell's quarter, in a quarter overlapping the cell's life
    -- (cell_facts.first_quarter, last_quarter)
    thematic_first boolean not null
);

-- Each cell's meetings (meeting_stats) in runs reported the same way, counts or names: a run starts
-- at a meeting reported otherwise than the cell's meeting before it (in held_on, meeting_id order)
-- and lasts until the next run's first meeting. month_meetings reads a cell's way of reporting on a
-- day from the one run that covers it, not from every meeting before it: most cells have one run.
create table counts_run (
    cell_id varchar not null,
    first_on date not null,    -- the run's first meeting
    next_on date,              -- the next run's first meeting; null: the cell's latest run
    from_counts boolean not null
);

-- Per opinion: the commune it belongs to, its due date and its folded text.
create table opinion_facts (
    opinion_id varchar primary key,
    commune_id varchar,
    due_on date not null,
    text_folded varchar not null,
    -- the opinion's key (id_key, as opinion_terms) and what recurring_opinions counts of it
    opinion_key ubigint not null,
    raised_on date not null,
    unit_id varchar not null,
    answered boolean not null,
    -- the answer's day and the department holding it, as department names are compared
    -- (department_name): department_opinions and commune_summary read them here, not from opinion,
    -- whose wide rows they would otherwise scan whole to join a few columns back (schema 4)
    answered_on date,
    assigned_name varchar
);

-- Each attendance mark other than exempt, with its meeting's day and cell, and what chronic_absentees
-- asks of the member's marks around it, in the member's order (day, then meeting key): the days of
-- their next mark and of the 5 before it, and which of this mark and the 5 before it were excused,
-- absent, or gave each reason (a bit each: 1 this mark, 2 the one before, ... 32 the 5th before). A
-- window's last 6 marks of a member are then the bits of their last mark in it whose days fall in the
-- window: one row read per member, not all their marks ranked. came_from_* and leaves_* (the
-- neighbour's day and cell when it was held in another cell) say when a subtree holds only some of
-- a member's marks in a window. Marks whose last 6 hold 3 absences or more first, then the rest,
-- each with the marks next to a move first, then in date order: the query reads a window of the
-- first part. Members and meetings are keyed by a 64-bit number made from their ids (id_key in
-- macros.sql: 64 bits of the id's md5): numbers sort and group several times faster than text. Two
-- of 10 million ids share a key in about one database of 370,000 (DuckDB's own hash() collides far
-- more: macros.sql). A write derives every mark of the members of the meetings it changes again
-- (derive_meetings).
create table member_mark (
    member_key ubigint not null,
    meeting_key ubigint not null,
    held_on date not null,
    cell_id varchar not null,
    status varchar not null,
    reason varchar,
    next_on date,      -- the member's next mark's day; null for their latest
    back1_on date,     -- the day of the mark before; null when there is none
    back2_on date,     -- ... of the 2nd mark before
    back3_on date,
    back4_on date,
    back5_on date,     -- ... of the 5th mark before
    came_from_on date,      -- the mark before's day and cell, when it was held in another cell
    came_from_cell varchar,
    leaves_on date,         -- the next mark's day and cell, when it is held in another cell
    leaves_to_cell varchar,
    recent_absences utinyint not null,  -- excused or absent among this mark and the 5 before
    excused_mask utinyint not null,     -- which of them were excused (1 this mark ... 32 the 5th before)
    absent_mask utinyint not null,
    away_mask utinyint not null,        -- which gave reason away
    illness_mask utinyint not null,
    work_mask utinyint not null,
    other_mask utinyint not null,
    -- for a mark whose 6 hold 3 absences or more (the ones chronic_absentees shows): the status of
    -- the member's membership of its cell in force that day (the latest begun by then), null when
    -- none; null on the other marks. Written with the marks and again for the members whose
    -- memberships change (derive_members).
    membership_status varchar
);

-- Each attendance row, exempt ones included, of a meeting not withdrawn, whose member was not in
-- the meeting's cell that day (no membership of the cell with from_date <= held_on <= to_date), in
-- date order: data_quality_warnings (not_on_roll) reads the window's few rows instead of matching
-- every mark against the memberships on each read. Written for the meetings a write changes
-- (derive_meetings) and for the members whose memberships it changes (derive_members).
create table roll_miss (
    meeting_id varchar not null,
    cell_id varchar not null,
    held_on date not null,
    member_id varchar not null
);

-- The warnings data_quality_warnings finds on a meeting (not withdrawn) alone, whatever the window asked:
-- counts_vs_rows (expected: the meeting's counts, found: its attendance rows), roll_vs_rows (expected: its
-- cell's roll that day, found: its attendance rows), nobody_expected (expected: expected - exempt) and
-- same_day_meetings (found: the meetings of its kind in its cell that day, detail: the kind). The query
-- reads a window's few rows instead of comparing every meeting of it on each read. Written for the
-- meetings a write changes and the same-day meetings of their cells (derive_meetings); roll_vs_rows again
-- for those meetings once their rolls are derived (derive_roll) and for the meetings of the cells whose
-- memberships changed (derive_members).
create table meeting_warning (
    warning varchar not null,
    cell_id varchar not null,
    meeting_id varchar not null,
    held_on date not null,
    expected integer,
    found bigint,
    detail varchar
);

-- Each member and membership row keyed by id_key(member_id), as member_mark is: lookups
-- from member_mark join on numbers.
create table member_facts (
    member_key ubigint not null,
    member_id varchar not null,
    full_name varchar not null,
    name_order integer not null  -- place in Vietnamese name order (collate vi, then id)
);

-- membership_facts also carries each row's to_date and its cell's commune (cell_commune): absence_reasons
-- counts the roll per commune grouping on (commune_id, member_key), not on two texts after a join
-- (derive_members runs again when units change: store.DERIVE_INPUTS).
create table membership_facts (
    member_key ubigint not null,
    cell_id varchar not null,
    from_date date not null,
    status varchar not null,
    to_date date,
    commune_id varchar
);

-- Per opinion: its pairs of neighbouring words, as written and folded (accents, case and đ), with
-- the first word's position. is_kept: neither word is a common word, a number or part of a place
-- name (a pair in place_term); is_first: the first kept pair with this folded term in the opinion.
-- recurring_opinions files opinions under the kept terms; splitting the text once here, when the
-- opinion is written (or a unit's name changes the place terms), is what keeps that query fast.
create table opinion_terms (
    opinion_id varchar not null,
    raised_on date not null,
    unit_id varchar not null,
    commune_id varchar,
    category varchar not null,
    -- keys recurring_opinions groups and joins on (numbers: faster than text; id_key, macros.sql)
    opinion_key ubigint not null,  -- id_key(opinion_id)
    term_key ubigint not null,     -- id_key(term_folded)
    group_key ubigint not null,    -- of commune_id, category and term_folded (derive_opinions)
    position integer not null,
    first varchar not null,
    second varchar not null,
    term_folded varchar not null,
    is_kept boolean not null,
    is_first boolean not null
);

-- Each opinion's text as written, by its key (id_key, as opinion_terms) and in date order:
-- recurring_opinions reads the latest opinion of each matter it shows from here. The opinion table
-- holds its rows as they were imported, not in date order, so a window's texts lie in every part of
-- it, and reading a text decodes the compressed block holding it; here a window's texts lie together.
create table opinion_text (
    opinion_key ubigint not null,
    raised_on date not null,
    text varchar not null
);

-- Every unit's place when units are sorted by name in Vietnamese order (collate vi, then id):
-- queries sort by this number instead of collating names on every read.
create table unit_order (
    unit_id varchar primary key,
    name_order integer not null
);

-- Each cell with its commune and both names and places in name order: what lists of cells read
-- instead of joining unit, cell_commune and unit_order again on every read.
create table cell_facts (
    cell_id varchar primary key,
    cell varchar not null,
    cell_order integer not null,
    commune_id varchar,
    commune varchar,
    commune_order integer,
    valid_from date,
    valid_to date,
    merged_into varchar,
    -- as month and quarter numbers (macros.sql): first_month_existed(valid_from),
    -- last_month_existed(valid_to), quarter_no(valid_from), quarter_no(valid_to); null: no limit
    first_month integer,
    last_month integer,
    first_quarter integer,
    last_quarter integer
);

-- Pairs of neighbouring words in a unit's name, folded: place names say where, not what.
create table place_term (
    term_folded varchar primary key
);

-- For each meeting, how many members its cell's roll held that day (membership rows, any status):
-- data_quality_warnings compares the meeting's attendance rows with it.
create table meeting_roll (
    meeting_id varchar not null,
    held_on date not null,
    members integer not null
);

-- Derived tables. `derive_units` rebuilds the unit tree's tables whole (they are small).
-- `derive_meetings` and `derive_opinions` recompute the rows of the meetings and opinions listed in
-- the temp tables changed_meetings(meeting_id) and changed_opinions(opinion_id): store.rebuild_derived
-- lists every one (`derive_everything`); an import lists only what its rows can change
-- (`derive_snapshot` before it writes, `derive_changes` after), so a month's import into a province
-- does not recompute five years. Any other `derive_*` section runs whole after every write.

-- section: departments_from_opinions
-- The departments the opinions name, each serving the commune its opinions came from (or the unit
-- itself above communes): what a database built before departments existed, or a demo, starts with.
insert or ignore into department
select distinct coalesce(cc.commune_id, o.unit_id), department_name(o.assigned_to)
from opinion o
left join cell_commune cc on cc.cell_id = o.unit_id
where nullif(trim(o.assigned_to), '') is not null;

-- section: derive_units
delete from unit_closure;
insert into unit_closure
with recursive walk(ancestor_id, descendant_id, depth, path) as (
    select unit_id, unit_id, 0, [unit_id] from unit
    union all
    select u.parent_id, w.descendant_id, w.depth + 1, list_append(w.path, u.parent_id)
    from walk w
    join unit u on u.unit_id = w.ancestor_id
    -- the path guard stops a cycle in bad data from recursing for ever
    where u.parent_id is not null and not list_contains(w.path, u.parent_id)
)
select ancestor_id, descendant_id, min(depth) from walk group by all;

delete from unit_order;
insert into unit_order
select unit_id, row_number() over (order by name collate vi, unit_id) from unit;

delete from place_term;
insert into place_term
select distinct unnest([w[i] || ' ' || w[i + 1] for i in range(1, len(w))])
from (select regexp_extract_all(fold(name), '[\p{L}\p{M}]+|\p{N}+') as w
      from unit)
where len(w) > 1;

delete from cell_commune;
insert into cell_commune
with communes as (
    select c.descendant_id as cell_id, c.ancestor_id as commune_id,
           row_number() over (partition by c.descendant_id order by c.depth) as nearest
    from unit_closure c
    join unit a on a.unit_id = c.ancestor_id and a.kind = 'commune'
    where c.depth > 0
)
select u.unit_id, coalesce(c.commune_id, u.parent_id)
from unit u
left join communes c on c.cell_id = u.unit_id and c.nearest = 1
where u.kind = 'cell';

delete from cell_facts;
insert into cell_facts
select u.unit_id, u.name, o.name_order, cc.commune_id, cu.name, co.name_order, u.valid_from, u.valid_to,
       u.merged_into, first_month_existed(u.valid_from), last_month_existed(u.valid_to),
       quarter_no(u.valid_from), quarter_no(u.valid_to)
from unit u
join cell_commune cc on cc.cell_id = u.unit_id
join unit_order o on o.unit_id = u.unit_id
left join unit cu on cu.unit_id = cc.commune_id
left join unit_order co on co.unit_id = cc.commune_id
order by co.name_order, o.name_order;

-- section: derive_everything
create or replace temp table changed_meetings as select meeting_id from meeting;
create or replace temp table changed_opinions as select opinion_id from opinion;
-- every meeting is derived again below, so no membership counts as changed (derive_members)
create or replace temp table old_membership as select member_id, cell_id, from_date, to_date from membership;
delete from meeting_stats;
delete from counts_run;
delete from member_mark;
delete from roll_miss;
delete from meeting_warning;
delete from opinion_facts;
delete from opinion_terms;
delete from opinion_text;

-- section: derive_meetings
-- the cells of the changed meetings, as they were and as they are: their counts_run rows are derived again
create or replace temp table changed_cells as
    select cell_id from meeting_stats where meeting_id in (select meeting_id from changed_meetings)
    union
    select cell_id from meeting where meeting_id in (select meeting_id from changed_meetings);
delete from meeting_stats where meeting_id in (select meeting_id from changed_meetings);
insert into meeting_stats
with counted as (
    select a.meeting_id,
           count(*) as expected,
           count(*) filter (where a.status = 'exempt') as exempt,
           count(*) filter (where a.status = 'present') as present,
           count(*) filter (where a.status = 'excused') as excused,
           count(*) filter (where a.status = 'absent') as absent,
           count(*) filter (where a.reason = 'away') as away,
           count(*) filter (where a.reason = 'illness') as illness,
           count(*) filter (where a.reason = 'work') as work,
           count(*) filter (where a.reason = 'other') as other_reason
    from attendance a
    where a.meeting_id in (select meeting_id from changed_meetings)
    group by a.meeting_id
)
select m.meeting_id, m.cell_id, cc.commune_id, m.held_on, date_trunc('month', m.held_on)::date,
       month_no(m.held_on), quarter_no(m.held_on), m.kind,
       coalesce(c.expected, m.expected, 0),
       coalesce(c.exempt, m.exempt, 0),
       coalesce(c.present, m.present, 0),
       coalesce(c.excused, m.excused, 0),
       coalesce(c.absent, m.absent, 0),
       coalesce(c.away, 0), coalesce(c.illness, 0), coalesce(c.work, 0), coalesce(c.other_reason, 0),
       c.meeting_id is null,
       m.topic,
       coalesce(v.visits, 0),
       null, null, false  -- met_after, visit_after, thematic_first: below, for the cell's meetings together
from meeting m
left join counted c on c.meeting_id = m.meeting_id
left join cell_commune cc on cc.cell_id = m.cell_id
left join (
    select meeting_id, count(*) as visits
    from visit
    where meeting_id in (select meeting_id from changed_meetings)
    group by meeting_id
) v on v.meeting_id = m.meeting_id
where m.meeting_id in (select meeting_id from changed_meetings)
  and m.withdrawn_reason is null  -- a withdrawn meeting counts nowhere
-- clustered by commune and date so a commune's or a period's rows sit together
order by cc.commune_id, m.held_on;

-- cell_ranking's flags (met_after, visit_after, thematic_first: see meeting_stats) of every meeting of
-- the changed cells: a meeting changed, added or withdrawn can change its neighbours' in the same month
-- or quarter. A meeting of a unit that is not a cell keeps null, null, false.
update meeting_stats s
set met_after = f.met_after, visit_after = f.visit_after, thematic_first = f.thematic_first
from (
    select meeting_id,
           case when met then coalesce(lag(held_on) over (partition by cell_id, month_no, met
                                                          order by held_on, meeting_id), month - 1) end
               as met_after,
           case when visited then coalesce(lag(held_on) over (partition by cell_id, month_no, visited
                                                              order by held_on, meeting_id), month - 1) end
               as visit_after,
           thematic and row_number() over (partition by cell_id, quarter_no, thematic
                                           order by held_on, meeting_id) = 1 as thematic_first
    from (
        select meeting_id, cell_id, held_on, month, month_no, quarter_no,
               kind in ('regular', 'thematic') and in_life_month as met,
               visits > 0 and in_life_month as visited,
               kind = 'thematic' and in_life_quarter as thematic
        from (
            select s.*,
                   s.month_no between coalesce(c.first_month, s.month_no)
                                  and coalesce(c.last_month, s.month_no) as in_life_month,
                   s.quarter_no between coalesce(c.first_quarter, s.quarter_no)
                                    and coalesce(c.last_quarter, s.quarter_no) as in_life_quarter
            from meeting_stats s
            join cell_facts c on c.cell_id = s.cell_id
            where s.cell_id in (select cell_id from changed_cells)
        )
    )
) f
where f.meeting_id = s.meeting_id;

delete from counts_run where cell_id in (select cell_id from changed_cells);
insert into counts_run
select cell_id, held_on, lead(held_on) over (partition by cell_id order by held_on, meeting_id), from_counts
from (
    select cell_id, held_on, meeting_id, from_counts,
           lag(from_counts) over (partition by cell_id order by held_on, meeting_id) as before
    from meeting_stats
    where cell_id in (select cell_id from changed_cells)
)
where before is distinct from from_counts
order by cell_id;

-- member_mark: every mark of the members of the changed meetings (as they were and as they are) is
-- derived again, since a mark's neighbours are part of it
create or replace temp table changed_members as
    select member_key from member_mark where meeting_key in (select id_key(meeting_id) from changed_meetings)
    union
    select id_key(member_id) from attendance
    where meeting_id in (select meeting_id from changed_meetings) and status <> 'exempt';
-- their marks of the other meetings, as they are
create or replace temp table kept_marks as
    select member_key, meeting_key, held_on, cell_id, status, reason
    from member_mark
    where member_key in (select member_key from changed_members)
      and meeting_key not in (select id_key(meeting_id) from changed_meetings);
delete from member_mark where member_key in (select member_key from changed_members);
insert into member_mark
with marks as (
    select * from kept_marks
    union all
    select id_key(a.member_id), id_key(a.meeting_id), s.held_on, s.cell_id, a.status, a.reason
    from attendance a
    join meeting_stats s on s.meeting_id = a.meeting_id
    where a.meeting_id in (select meeting_id from changed_meetings)
      and a.status <> 'exempt'
),
coded as (
    -- a mark's flags as 6 fields of 6 bits (excused, absent, away, illness, work, other): shifted by
    -- 1 for the mark before, 2 for the one before that, ..., the 6 marks' flags add up field by field
    select *,
           (status = 'excused')::bigint
           | ((status = 'absent')::bigint << 6)
           | (coalesce(reason = 'away', false)::bigint << 12)
           | (coalesce(reason = 'illness', false)::bigint << 18)
           | (coalesce(reason = 'work', false)::bigint << 24)
           | (coalesce(reason = 'other', false)::bigint << 30) as flags
    from marks
),
neighbours as (
    select member_key, meeting_key, held_on, cell_id, status, reason,
           lead(held_on) over w as next_on,
           lag(held_on, 1) over w as back1_on,
           lag(held_on, 2) over w as back2_on,
           lag(held_on, 3) over w as back3_on,
           lag(held_on, 4) over w as back4_on,
           lag(held_on, 5) over w as back5_on,
           case when lag(cell_id) over w <> cell_id then lag(held_on) over w end as came_from_on,
           case when lag(cell_id) over w <> cell_id then lag(cell_id) over w end as came_from_cell,
           case when lead(cell_id) over w <> cell_id then lead(held_on) over w end as leaves_on,
           case when lead(cell_id) over w <> cell_id then lead(cell_id) over w end as leaves_to_cell,
           flags | (lag(flags, 1, 0) over w << 1) | (lag(flags, 2, 0) over w << 2) | (lag(flags, 3, 0) over w << 3)
                 | (lag(flags, 4, 0) over w << 4) | (lag(flags, 5, 0) over w << 5) as recent
    from coded
    window w as (partition by member_key order by held_on, meeting_key)
)
select member_key, meeting_key, held_on, cell_id, status, reason, next_on,
       back1_on, back2_on, back3_on, back4_on, back5_on, came_from_on, came_from_cell, leaves_on, leaves_to_cell,
       bit_count(recent & 4095)::utinyint as recent_absences,  -- the excused and absent fields
       (recent & 63)::utinyint,
       ((recent >> 6) & 63)::utinyint,
       ((recent >> 12) & 63)::utinyint,
       ((recent >> 18) & 63)::utinyint,
       ((recent >> 24) & 63)::utinyint,
       ((recent >> 30) & 63)::utinyint,
       null  -- membership_status: below
from neighbours
-- marks whose 6 hold 3 absences or more first, then the rest; in each, the marks next to a move
-- (came_from_on or leaves_on) first: a window's few of them are read without the others. Not by
-- cell within a day: no query skips blocks by cell, and the wide rows sort faster (0,6 s at M)
order by recent_absences < 3, came_from_on is null and leaves_on is null, held_on;
-- their membership_status, from membership_facts as it stands: when this write also changes
-- memberships, derive_members (after this section) writes it again for those members
update member_mark m
set membership_status = s.status
from (
    select k.member_key, k.meeting_key, arg_max(f.status, f.from_date) as status
    from member_mark k
    left join membership_facts f on f.member_key = k.member_key and f.cell_id = k.cell_id and f.from_date <= k.held_on
    where k.member_key in (select member_key from changed_members) and k.recent_absences >= 3
    group by k.member_key, k.meeting_key
) s
where m.member_key = s.member_key and m.meeting_key = s.meeting_key;

delete from roll_miss where meeting_id in (select meeting_id from changed_meetings);
insert into roll_miss
select * from off_roll()  -- macros.sql
where meeting_id in (select meeting_id from changed_meetings)
order by held_on, cell_id;

-- the warnings of the changed meetings, and the same-day ones of their cells (old and new)
delete from meeting_warning
where meeting_id in (select meeting_id from changed_meetings)
   or (warning = 'same_day_meetings' and cell_id in (select cell_id from changed_cells));
insert into meeting_warning
with changed as (
    select s.* from meeting_stats s where s.meeting_id in (select meeting_id from changed_meetings)
)
select 'counts_vs_rows', s.cell_id, s.meeting_id, s.held_on, m.expected, s.expected, null
from changed s
join meeting m on m.meeting_id = s.meeting_id
where m.expected is not null
  and not s.from_counts
  and (m.expected <> s.expected or coalesce(m.present, 0) <> s.present)
union all
-- (a new meeting has no meeting_roll row yet: derive_roll, which runs after a meeting's write, adds it)
select 'roll_vs_rows', s.cell_id, s.meeting_id, s.held_on, r.members, s.expected, null
from changed s
join meeting_roll r on r.meeting_id = s.meeting_id
where not s.from_counts
  and r.members <> s.expected
union all
select 'nobody_expected', s.cell_id, s.meeting_id, s.held_on, s.expected - s.exempt, null, null
from changed s
where s.expected - s.exempt <= 0
union all
select 'same_day_meetings', s.cell_id, s.meeting_id, s.held_on, null,
       count(*) over (partition by s.cell_id, s.held_on, s.kind), s.kind
from meeting_stats s
where s.cell_id in (select cell_id from changed_cells)
qualify count(*) over (partition by s.cell_id, s.held_on, s.kind) > 1;

-- section: derive_opinions
delete from opinion_facts where opinion_id in (select opinion_id from changed_opinions);
insert into opinion_facts
with changed as (
    select o.* from opinion o where o.opinion_id in (select opinion_id from changed_opinions)
),
briefing_units as (
    -- for each opinion, its own unit or nearest ancestor that holds briefings
    select o.opinion_id, c.ancestor_id as unit_id,
           row_number() over (partition by o.opinion_id order by c.depth) as nearest
    from changed o
    join unit_closure c on c.descendant_id = o.unit_id
    where c.ancestor_id in (select distinct unit_id from briefing)
),
next_briefing as (
    select bu.opinion_id, min(b.held_on) as held_on
    from briefing_units bu
    join changed o on o.opinion_id = bu.opinion_id
    join briefing b on b.unit_id = bu.unit_id and b.held_on > o.raised_on
    where bu.nearest = 1
    group by bu.opinion_id
),
communes as (
    select c.descendant_id as unit_id, c.ancestor_id as commune_id,
           row_number() over (partition by c.descendant_id order by c.depth) as nearest
    from unit_closure c
    join unit a on a.unit_id = c.ancestor_id and a.kind = 'commune'
)
select o.opinion_id,
       coalesce(cm.commune_id, u.parent_id, o.unit_id),
       coalesce(nb.held_on, o.raised_on + 30),
       fold(o.text),
       id_key(o.opinion_id), o.raised_on, o.unit_id, o.answered_on is not null,
       o.answered_on, department_name(o.assigned_to)
from changed o
left join next_briefing nb on nb.opinion_id = o.opinion_id
left join communes cm on cm.unit_id = o.unit_id and cm.nearest = 1
left join unit u on u.unit_id = o.unit_id
order by o.raised_on;

delete from opinion_terms where opinion_id in (select opinion_id from changed_opinions);
insert into opinion_terms
with split as (
    -- words are runs of letters or of digits; the folded text has the same words, except where
    -- folding splits a word differently: then each word is folded on its own
    select o.opinion_id, o.raised_on, o.unit_id, f.commune_id, o.category,
           regexp_extract_all(lower(o.text), '[\p{L}\p{M}]+|\p{N}+') as words,
           regexp_extract_all(f.text_folded, '[\p{L}\p{M}]+|\p{N}+') as folded_words
    from opinion o
    join opinion_facts f on f.opinion_id = o.opinion_id
    where o.opinion_id in (select opinion_id from changed_opinions)
),
pairs as (
    select opinion_id, raised_on, unit_id, commune_id, category,
           unnest([{'position': i, 'first': words[i], 'second': words[i + 1],
                    'term_folded': folded[i] || ' ' || folded[i + 1]}
                   for i in range(1, len(words))], recursive := true)
    from (select opinion_id, raised_on, unit_id, commune_id, category, words,
                 case when len(folded_words) = len(words) then folded_words
                      else [fold(w) for w in words] end as folded
          from split)
),
common_words as (
    -- function words, the "đề nghị / kiến nghị" of every recommendation, and words naming a kind of
    -- place (the name that follows is dropped with the unit names, place_term)
    select unnest([
        'à', 'bị', 'cả', 'các', 'cần', 'cho', 'chưa', 'có', 'còn', 'của', 'đã', 'đang', 'đề', 'để', 'đến',
        'đi', 'do', 'đó', 'được', 'gì', 'giữa', 'hoặc', 'khi', 'không', 'kiến', 'là', 'lại', 'mà', 'một',
        'này', 'nên', 'nghị', 'nhiều', 'như', 'những', 'ở', 'qua', 'ra', 'rất', 'sau', 'sẽ', 'số', 'tại',
        'thì', 'theo', 'trên', 'trong', 'trước', 'từ', 'và', 'vào', 'về', 'với', 'xem', 'xét',
        'thôn', 'xóm', 'ấp', 'bản', 'làng', 'khu', 'phố', 'tổ', 'xã', 'phường', 'thị', 'trấn', 'huyện',
        'tỉnh'
    ]) as word
),
candidates as (
    select *,
           first not in (select word from common_words) and second not in (select word from common_words)
           -- digit runs sort between '0' and ':'
           and not (first >= '0' and first < ':') and not (second >= '0' and second < ':') as is_candidate
    from pairs
),
place_words as (
    -- the positions of words that belong to a place name in the text
    select distinct opinion_id, unnest([position, position + 1]) as word_at
    from pairs
    where term_folded in (select term_folded from place_term)
),
kept as (
    select c.*, c.is_candidate and w1.opinion_id is null and w2.opinion_id is null as is_kept
    from candidates c
    left join place_words w1 on w1.opinion_id = c.opinion_id and w1.word_at = c.position
    left join place_words w2 on w2.opinion_id = c.opinion_id and w2.word_at = c.position + 1
)
select opinion_id, raised_on, unit_id, commune_id, category,
       id_key(opinion_id), id_key(term_folded),
       -- one text per (commune, category, term), no two alike: the term has no chr(31) (letters,
       -- digits, a space), the category's length says where it ends, the commune is never null
       id_key(term_folded || chr(31) || length(category) || chr(31) || category || commune_id),
       position, first, second, term_folded, is_kept,
       is_kept and row_number() over (partition by opinion_id, is_kept, term_folded order by position) = 1
from kept
order by raised_on, opinion_id, position;

delete from opinion_text where opinion_key in (select id_key(opinion_id) from changed_opinions);
insert into opinion_text
select id_key(o.opinion_id), o.raised_on, o.text
from opinion o
where o.opinion_id in (select opinion_id from changed_opinions)
order by o.raised_on;

-- section: derive_snapshot
-- Before an import writes: what the rows it touches looked like. Registered by store.py:
-- touched_units(id), touched_briefings(id) (keys of the import's units and briefings).
create or replace temp table old_closure as select ancestor_id, descendant_id from unit_closure;
create or replace temp table old_cell_commune as select cell_id, commune_id from cell_commune;
create or replace temp table old_units as
    select unit_id, kind, parent_id from unit where unit_id in (select id from touched_units);
create or replace temp table old_briefing_units as
    select distinct unit_id from briefing where briefing_id in (select id from touched_briefings);
create or replace temp table old_place_term as select term_folded from place_term;
create or replace temp table old_membership as select member_id, cell_id, from_date, to_date from membership;
create or replace temp table old_cell_life as
    select cell_id, first_month, last_month, first_quarter, last_quarter from cell_facts;

-- section: derive_changes
-- After an import wrote (and derive_units ran if it had units): the meetings and opinions whose
-- derived rows may differ. Registered by store.py: touched_units(id), touched_briefings(id),
-- touched_meetings(id) (meetings, and the meetings of attendance and visit rows), touched_opinions(id).
create or replace temp table restructured as
    -- units new or with another kind or parent: whatever lies below them may change commune
    select u.unit_id
    from unit u
    join touched_units t on t.id = u.unit_id
    left join old_units o on o.unit_id = u.unit_id
    where o.unit_id is null or o.kind is distinct from u.kind or o.parent_id is distinct from u.parent_id;
create or replace temp table changed_meetings as
    select id as meeting_id from touched_meetings
    union
    select m.meeting_id
    from meeting m
    where m.cell_id in (
        select cell_id from (
            select cell_id, commune_id from cell_commune
            except
            select cell_id, commune_id from old_cell_commune
        )
    )
    union
    -- the meetings of cells whose months or quarters of life changed, or that became or stopped being
    -- cells: meeting_stats' flags for cell_ranking (met_after, ...) count only months of the cell's life
    select m.meeting_id
    from meeting m
    where m.cell_id in (
        select cell_id from (
            (select cell_id, first_month, last_month, first_quarter, last_quarter from cell_facts
             except
             select * from old_cell_life)
            union all
            (select * from old_cell_life
             except
             select cell_id, first_month, last_month, first_quarter, last_quarter from cell_facts)
        )
    );
create or replace temp table changed_opinions as
    select id as opinion_id from touched_opinions
    union
    select o.opinion_id
    from opinion o
    where o.unit_id in (
        -- below a unit that changed place or kind (in the tree before or after), or below a unit
        -- whose briefings changed (their next briefing, or the unit holding them, may differ)
        select c.descendant_id from unit_closure c
        where c.ancestor_id in (
            select unit_id from restructured
            union select unit_id from old_briefing_units
            union select unit_id from briefing where briefing_id in (select id from touched_briefings)
        )
        union
        select c.descendant_id from old_closure c where c.ancestor_id in (select unit_id from restructured)
    )
    union
    -- opinions holding a pair of words that became, or stopped being, part of a place name
    select t.opinion_id
    from opinion_terms t
    where t.term_folded in (
        (select term_folded from place_term except select term_folded from old_place_term)
        union
        (select term_folded from old_place_term except select term_folded from place_term)
    );

-- section: derive_roll
-- Whole on every write of meetings or memberships (store.DERIVE_INPUTS): membership rows are few next
-- to attendance, and a move changes two cells.
delete from meeting_roll;
insert into meeting_roll
with changes as (
    select cell_id, from_date as on_date, 1 as delta from membership
    union all
    select cell_id, to_date + 1, -1 from membership where to_date is not null
),
by_day as (
    select cell_id, on_date, sum(delta) as delta from changes group by all
),
roll as (
    -- the roll's size from each day it changed
    select cell_id, on_date,
           sum(delta) over (partition by cell_id order by on_date
                            rows between unbounded preceding and current row) as members
    from by_day
)
select m.meeting_id, m.held_on, coalesce(r.members, 0)
from meeting m
asof left join roll r on r.cell_id = m.cell_id and r.on_date <= m.held_on
where m.withdrawn_reason is null
order by m.held_on;
-- roll_vs_rows (meeting_warning) of the changed meetings again, on their rolls as derived now (a new
-- meeting had none in derive_meetings); derive_members does it for the cells whose rolls changed
delete from meeting_warning
where warning = 'roll_vs_rows' and meeting_id in (select meeting_id from changed_meetings);
insert into meeting_warning
select 'roll_vs_rows', s.cell_id, s.meeting_id, s.held_on, r.members, s.expected, null
from meeting_stats s
join meeting_roll r on r.meeting_id = s.meeting_id
where s.meeting_id in (select meeting_id from changed_meetings)
  and r.meeting_id in (select meeting_id from changed_meetings)
  and not s.from_counts
  and r.members <> s.expected;

-- section: derive_members
-- Whole on every write of members, memberships or units (store.DERIVE_INPUTS; a unit moved changes
-- the commune of its memberships): a copy of two small tables keyed by number.
-- the members whose membership rows (cell, start, status) this write changed, from membership_facts
-- as it was: member_mark's membership_status again for them, below
create or replace temp table restated_members as
    select distinct member_key from (
        (select member_key, cell_id, from_date, status from membership_facts
         except
         select id_key(member_id), cell_id, from_date, status from membership)
        union all
        (select id_key(member_id), cell_id, from_date, status from membership
         except
         select member_key, cell_id, from_date, status from membership_facts)
    );
delete from member_facts;
insert into member_facts
select id_key(member_id), member_id, full_name, row_number() over (order by full_name collate vi, member_id)
from member
order by 1;
delete from membership_facts;
insert into membership_facts
select id_key(m.member_id), m.cell_id, m.from_date, m.status, m.to_date, cc.commune_id
from membership m
left join cell_commune cc on cc.cell_id = m.cell_id
order by 1;
-- member_mark's membership_status for the members whose memberships changed (restated_members)
update member_mark m
set membership_status = s.status
from (
    select k.member_key, k.meeting_key, arg_max(f.status, f.from_date) as status
    from member_mark k
    left join membership_facts f on f.member_key = k.member_key and f.cell_id = k.cell_id and f.from_date <= k.held_on
    where k.member_key in (select member_key from restated_members) and k.recent_absences >= 3
    group by k.member_key, k.meeting_key
) s
where m.member_key = s.member_key and m.meeting_key = s.meeting_key;
-- roll_miss again for the members whose memberships this write changed (old_membership: derive_snapshot)
create or replace temp table moved_members as
    select distinct member_id from (
        (select member_id, cell_id, from_date, to_date from membership except select * from old_membership)
        union all
        (select * from old_membership except select member_id, cell_id, from_date, to_date from membership)
    );
delete from roll_miss where member_id in (select member_id from moved_members);
insert into roll_miss
select * from off_roll()  -- macros.sql
where member_id in (select member_id from moved_members)
order by held_on, cell_id;
-- roll_vs_rows (meeting_warning) again for the meetings of the cells those memberships were or are in:
-- their rolls (meeting_roll, derived again by derive_roll before this) changed
delete from meeting_warning
where warning = 'roll_vs_rows'
  and cell_id in (select cell_id from membership where member_id in (select member_id from moved_members)
                  union
                  select cell_id from old_membership where member_id in (select member_id from moved_members));
insert into meeting_warning
select 'roll_vs_rows', s.cell_id, s.meeting_id, s.held_on, r.members, s.expected, null
from meeting_stats s
join meeting_roll r on r.meeting_id = s.meeting_id
where s.cell_id in (select cell_id from membership where member_id in (select member_id from moved_members)
                    union
                    select cell_id from old_membership where member_id in (select member_id from moved_members))
  and not s.from_counts
  and r.members <> s.expected;

-- section: derive_cleanup
drop table if exists changed_meetings;
drop table if exists changed_cells;
drop table if exists changed_opinions;
drop table if exists changed_members;
drop table if exists kept_marks;
drop table if exists restated_members;
drop table if exists old_closure;
drop table if exists old_cell_commune;
drop table if exists old_units;
drop table if exists old_briefing_units;
drop table if exists old_place_term;
drop table if exists old_membership;
drop table if exists old_cell_life;
drop table if exists moved_members;
drop table if exists restructured;

-- section: import_known_meta
-- ---- imports (cellboard/ingest/writing.py, store.py) ------------------------------------
-- An import validates its rows against what the database already holds (the `import_known_*`
-- lookups, with the ids it asks about registered as `wanted(id)`), then in one transaction on a
-- copy of the file replaces rows by key (`replace_TABLE`, the new rows registered as
-- `incoming`), records the batch, rebuilds the derived tables and runs `check` before the copy
-- is swapped in. Nothing here is built from text: table names are fixed, values are bound or
-- registered relations.
select key, value from meta;

-- section: import_known_units
select unit_id, kind, parent_id from unit;

-- section: import_known_members
select member_id from member where member_id in (select id from wanted);

-- section: import_known_memberships
select member_id, cell_id, from_date, to_date from membership where member_id in (select id from wanted);

-- section: import_known_meetings
select meeting_id, cell_id, held_on from meeting where meeting_id in (select id from wanted);

-- section: import_known_persons
select person_id from committee_member where person_id in (select id from wanted);

-- section: import_known_briefings
select briefing_id from briefing where briefing_id in (select id from wanted);

-- section: import_known_departments
select unit_id, name from department;

-- section: import_known_categories
select code, name_vi, name_en, sort from category order by sort, code;

-- section: replace_category
delete from category where code in (select code from incoming);
insert into category by name select * from incoming;

-- section: replace_unit
delete from unit where unit_id in (select unit_id from incoming);
insert into unit by name select * from incoming;

-- section: replace_department
delete from department t using incoming i where t.unit_id = i.unit_id and t.name = i.name;
insert into department by name select * from incoming;

-- section: replace_member
delete from member where member_id in (select member_id from incoming);
insert into member by name select * from incoming;

-- section: replace_membership
delete from membership t using incoming i
where t.member_id = i.member_id and t.cell_id = i.cell_id and t.from_date = i.from_date;
insert into membership by name select * from incoming;

-- section: replace_meeting
delete from meeting where meeting_id in (select meeting_id from incoming);
insert into meeting by name select * from incoming;

-- section: replace_attendance
delete from attendance t using incoming i where t.meeting_id = i.meeting_id and t.member_id = i.member_id;
insert into attendance by name select * from incoming;

-- section: replace_committee_member
delete from committee_member where person_id in (select person_id from incoming);
insert into committee_member by name select * from incoming;

-- section: replace_visit
delete from visit t using incoming i where t.meeting_id = i.meeting_id and t.person_id = i.person_id;
insert into visit by name select * from incoming;

-- section: replace_briefing
delete from briefing where briefing_id in (select briefing_id from incoming);
insert into briefing by name select * from incoming;

-- section: replace_opinion
delete from opinion where opinion_id in (select opinion_id from incoming);
insert into opinion by name select * from incoming;

-- section: replace_rating
delete from rating t using incoming i where t.cell_id = i.cell_id and t.year = i.year;
insert into rating by name select * from incoming;

-- section: record_import_batch
insert into import_batch (batch_id, file_name, sha256, imported_at, rows_per_table, account)
values ($batch_id, $file_name, $sha256, $imported_at, $rows_per_table, $account);

-- section: check
-- Broken invariants after a write, one count each (all zero in a sound database).
select
    (select count(*) from unit u where u.parent_id is not null
        and u.parent_id not in (select unit_id from unit)) as unit_parent_missing,
    (select count(*) from unit u join unit_closure c
        on c.ancestor_id = u.unit_id and c.descendant_id = u.parent_id) as unit_tree_cycles,
    (select count(*) from unit u where u.merged_into is not null
        and u.merged_into not in (select unit_id from unit)) as merged_into_missing,
    (select count(*) from membership m where m.member_id not in (select member_id from member)
        or m.cell_id not in (select unit_id from unit where kind = 'cell')) as membership_orphans,
    (select count(*) from meeting m
        where m.cell_id not in (select unit_id from unit where kind = 'cell')) as meeting_orphans,
    (select count(*) from attendance a where a.meeting_id not in (select meeting_id from meeting)
        or a.member_id not in (select member_id from member)) as attendance_orphans,
    (select count(*) from committee_member p
        where p.unit_id not in (select unit_id from unit)) as committee_member_orphans,
    (select count(*) from visit v where v.meeting_id not in (select meeting_id from meeting)
        or v.person_id not in (select person_id from committee_member)) as visit_orphans,
    (select count(*) from briefing b where b.unit_id not in (select unit_id from unit)) as briefing_orphans,
    (select count(*) from opinion o where o.unit_id not in (select unit_id from unit)
        or o.category not in (select code from category)
        or (o.briefing_id is not null and o.briefing_id not in (select briefing_id from briefing)))
        as opinion_orphans,
    (select count(*) from rating r
        where r.cell_id not in (select unit_id from unit where kind = 'cell')) as rating_orphans,
    (select count(*) from meeting where withdrawn_reason is null) - (select count(*) from meeting_stats)
        as meeting_stats_missing,
    (select count(*) from unit) - (select count(*) from unit_closure where depth = 0) as closure_missing;

-- section: migrate_written
-- A file of an older schema version (attached as `cellboard_before`) copied into a new file of this
-- version: every table people write that every older version has, column by column (a column a newer
-- version added starts empty). store.migrate runs migrate_written_3 after it for a file of 3 or later,
-- then derives every derived table again.
delete from category;
delete from visit_rule;
insert into visit_rule by name select * from cellboard_before.visit_rule;
insert into category by name select * from cellboard_before.category;
insert into unit by name select * from cellboard_before.unit;
insert into member by name select * from cellboard_before.member;
insert into membership by name select * from cellboard_before.membership;
insert into meeting by name select * from cellboard_before.meeting;
insert into attendance by name select * from cellboard_before.attendance;
insert into committee_member by name select * from cellboard_before.committee_member;
insert into visit by name select * from cellboard_before.visit;
insert into briefing by name select * from cellboard_before.briefing;
insert into opinion by name select * from cellboard_before.opinion;
insert into rating by name select * from cellboard_before.rating;
insert into import_batch by name select * from cellboard_before.import_batch;

-- section: migrate_written_3
-- The tables people write that version 3 added: the departments, an opinion's history, the change log
-- and the fields set in the app. (A file of 2 has none: store.migrate adds the departments its
-- opinions name.)
insert into department by name select * from cellboard_before.department;
insert into opinion_event by name select * from cellboard_before.opinion_event;
insert into change_log by name select * from cellboard_before.change_log;
insert into edited_field by name select * from cellboard_before.edited_field;

-- section: log_start
-- ---- the write path's change log (cellboard/ingest/changes.py) -------------------------------------
-- Before a write replaces rows (each table's new rows registered in turn as `incoming`, in the table's
-- column order, with $table and its key columns $keys, the first $first_key): their keys as JSON and
-- the rows they replace; after it, one change_log row per row that changed.
create or replace temp table log_keys (table_name varchar, row_key varchar);
create or replace temp table log_before (table_name varchar, row_key varchar, row varchar);

-- section: log_keys
insert into log_keys
select distinct $table, to_json(struct_pack(*columns(lambda c: list_contains($keys, c))))
from incoming;

-- section: log_before
insert into log_before
select $table, to_json(struct_pack(*columns(lambda c: list_contains($keys, c)))), to_json(t)
from query_table($table) t
where columns(lambda c: c = $first_key) in (select columns(lambda c: c = $first_key) from incoming)
  and to_json(struct_pack(*columns(lambda c: list_contains($keys, c))))
      in (select row_key from log_keys where table_name = $table);

-- section: log_changes
-- One row per row that changed (an imported new row by its key only); returns how many.
insert into change_log (change_id, write_id, recorded_at, account, os_user, origin, action, table_name, row_key,
                        before, after, overwrite)
with after as (
    select to_json(struct_pack(*columns(lambda c: list_contains($keys, c)))) as row_key, to_json(t) as row
    from query_table($table) t
    where columns(lambda c: c = $first_key) in (select columns(lambda c: c = $first_key) from incoming)
      and to_json(struct_pack(*columns(lambda c: list_contains($keys, c))))
          in (select row_key from log_keys where table_name = $table)
)
select (select coalesce(max(change_id), 0) from change_log) + row_number() over (order by k.row_key),
       $write_id, $recorded_at, $account, $os_user, $origin, $action, $table, k.row_key, b.row,
       case when b.row is null and $origin = 'import' then null else a.row end, $overwrite
from log_keys k
left join log_before b on b.table_name = k.table_name and b.row_key = k.row_key
left join after a on a.row_key = k.row_key
where k.table_name = $table and b.row is distinct from a.row;

-- section: log_cleanup
drop table if exists log_keys;
drop table if exists log_before;

-- section: changes_of_write
select table_name, row_key, before, after from change_log where write_id = $write_id order by change_id;

-- section: edited_field_base
select base from edited_field where table_name = $table and row_key = $row_key and field = $field;

-- section: edited_field_add
insert into edited_field values ($table, $row_key, $field, $base, $write_id);

-- section: edited_field_drop
delete from edited_field where table_name = $table and row_key = $row_key and field = $field;

-- section: scope_units
-- The units of a writer's subtree.
select descendant_id from unit_closure where ancestor_id = $root;

-- section: scope_meeting_cells
select meeting_id, cell_id from meeting where meeting_id in (select unnest($ids::varchar[]));

-- section: scope_member_cells
select member_id, cell_id from membership where member_id in (select unnest($ids::varchar[]));

-- section: opinion_row
select * from opinion where opinion_id = $opinion_id;

-- section: add_opinion_event
insert into opinion_event by name select * from incoming;

-- section: edits_of_incoming
-- The fields people set in the app among the rows an import brings ($table, `incoming`): each with its
-- base (the value before the first edit), the value stored now and the value the import brings (JSON).
with incoming_rows as (
    select to_json(struct_pack(*columns(lambda c: list_contains($keys, c)))) as row_key, to_json(i) as row
    from incoming i
),
stored as (
    select to_json(struct_pack(*columns(lambda c: list_contains($keys, c)))) as row_key, to_json(t) as row
    from query_table($table) t
    where columns(lambda c: c = $first_key) in (select columns(lambda c: c = $first_key) from incoming)
)
select e.row_key, e.field, e.base, json_extract(s.row, '$.' || e.field) as stored,
       json_extract(i.row, '$.' || e.field) as brought
from edited_field e
join incoming_rows i on i.row_key = e.row_key
left join stored s on s.row_key = e.row_key
where e.table_name = $table
order by e.row_key, e.field;

-- section: import_known_cell_meetings
-- The meetings, not withdrawn, of the cells an import brings meetings for (`wanted`): one meeting of a
-- kind per cell and day (cellboard/ingest/validation.py, Checker.same_day_meetings).
select meeting_id, cell_id, held_on, kind from meeting
where cell_id in (select id from wanted) and withdrawn_reason is null;

-- section: meeting_row
select * from meeting where meeting_id = $meeting_id;

-- section: attendance_rows
select * from attendance where meeting_id = $meeting_id order by member_id;

-- section: meeting_ids_like
-- the form's meeting ids already used for a cell, day and kind (withdrawn ones too): the next takes the next number
select count(*) from meeting where starts_with(meeting_id, $prefix);

-- section: preview_rows
-- What a write would do to each of its rows ($table, `incoming` with the columns $columns, in the
-- table's order): new, changed or unchanged, with the stored row and the new one as JSON.
with incoming_rows as (
    select to_json(struct_pack(*columns(lambda c: list_contains($keys, c)))) as row_key, to_json(i) as row
    from incoming i
),
stored as (
    select to_json(struct_pack(*columns(lambda c: list_contains($keys, c)))) as row_key,
           to_json(struct_pack(*columns(lambda c: list_contains($columns, c)))) as row
    from query_table($table) t
    where columns(lambda c: c = $first_key) in (select columns(lambda c: c = $first_key) from incoming)
)
select i.row_key, s.row as before, i.row as after,
       case when s.row is null then 'new' when s.row = i.row then 'unchanged' else 'changed' end as state
from incoming_rows i
left join stored s on s.row_key = i.row_key
order by i.row_key;

-- section: current_row
select to_json(t) from query_table($table) t
where to_json(struct_pack(*columns(lambda c: list_contains($keys, c)))) = $row_key;

-- section: write_changes_to_undo
select change_id, table_name, row_key, before, after from change_log
where write_id = $write_id and undone_by is null
order by change_id desc;

-- section: mark_undone
update change_log set undone_by = $undo_id where write_id = $write_id and undone_by is null
    and change_id <= $last_change;

-- section: remove_attendance
delete from attendance t using incoming i where t.meeting_id = i.meeting_id and t.member_id = i.member_id;

-- section: incoming_keyed
-- An import's rows ($table's `incoming`) with their keys as JSON, as the change log writes them.
select to_json(struct_pack(*columns(lambda c: list_contains($keys, c)))) as row_key, * from incoming;

-- section: stored_keyed
select to_json(struct_pack(*columns(lambda c: list_contains($keys, c)))) as row_key, *
from query_table($table) t
where columns(lambda c: c = $first_key) in (select columns(lambda c: c = $first_key) from incoming);

-- section: edited_fields_of_table
select count(*) from edited_field where table_name = $table;

-- section: derive_has_changed_meetings
select exists (select 1 from changed_meetings);

-- section: derive_has_changed_opinions
select exists (select 1 from changed_opinions);
