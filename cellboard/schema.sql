-- The cell-activity database: tables, constraints and the derived tables that
-- every write rebuilds. Sections are split on "-- section: NAME" lines; the
-- library runs `tables` once on `init` and `derive` after every write.
-- All ids are text so imported codes survive unchanged.

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
        ('village', 'urban_block', 'agency', 'school', 'enterprise', 'armed_forces', 'other')),
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
    check (answered_on is null or answered_on >= raised_on)
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
-- attend at least one cell meeting (DOMAIN.md's visits rule).
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
    from_counts boolean not null
);

-- Per opinion: the commune it belongs to, its due date and its folded text.
create table opinion_facts (
    opinion_id varchar primary key,
    commune_id varchar,
    due_on date not null,
    text_folded varchar not null
);

-- section: derive
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

delete from meeting_stats;
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
    group by a.meeting_id
)
select m.meeting_id, m.cell_id, cc.commune_id, m.held_on, date_trunc('month', m.held_on)::date, m.kind,
       coalesce(c.expected, m.expected, 0),
       coalesce(c.exempt, m.exempt, 0),
       coalesce(c.present, m.present, 0),
       coalesce(c.excused, m.excused, 0),
       coalesce(c.absent, m.absent, 0),
       coalesce(c.away, 0), coalesce(c.illness, 0), coalesce(c.work, 0), coalesce(c.other_reason, 0),
       c.meeting_id is null
from meeting m
left join counted c on c.meeting_id = m.meeting_id
left join cell_commune cc on cc.cell_id = m.cell_id
-- clustered by commune and date so a commune's or a period's rows sit together
order by cc.commune_id, m.held_on;

delete from opinion_facts;
insert into opinion_facts
with briefing_units as (
    -- for each opinion, its own unit or nearest ancestor that holds briefings
    select o.opinion_id, c.ancestor_id as unit_id,
           row_number() over (partition by o.opinion_id order by c.depth) as nearest
    from opinion o
    join unit_closure c on c.descendant_id = o.unit_id
    where c.ancestor_id in (select distinct unit_id from briefing)
),
next_briefing as (
    select bu.opinion_id, min(b.held_on) as held_on
    from briefing_units bu
    join opinion o on o.opinion_id = bu.opinion_id
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
       replace(strip_accents(lower(o.text)), 'đ', 'd')
from opinion o
left join next_briefing nb on nb.opinion_id = o.opinion_id
left join communes cm on cm.unit_id = o.unit_id and cm.nearest = 1
left join unit u on u.unit_id = o.unit_id
order by o.raised_on;
