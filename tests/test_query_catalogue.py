"""The query layer's one place for each thing: every query's header (cellboard/data/catalogue.py) says
exactly what the SQL takes and returns, the scope and the shared terms are the macros of
cellboard/data/macros.sql and nothing else, and the rules reach SQL from cellboard/rules.py only."""

from __future__ import annotations

import re

import duckdb
import numpy as np
import pandas as pd
import pytest
from test_auth import cli

from cellboard import ROOT, rules
from cellboard.data import catalogue, db

NAMES = db.query_names()
SCHEMA = (ROOT / "cellboard" / "data" / "schema.sql").read_text(encoding="utf-8")
MACROS_SQL = db.MACROS.read_text(encoding="utf-8")
MACROS = re.findall(r"^create or replace macro ([a-z_]+)\(", MACROS_SQL, flags=re.MULTILINE)
# Tables that hold no unit's rows: everything else in schema.sql is scoped, a new table included.
UNSCOPED_TABLES = {"meta", "category", "import_batch", "visit_rule"}
SCOPED_TABLES = set(re.findall(r"^create table ([a-z_]+)", SCHEMA, flags=re.MULTILINE)) - UNSCOPED_TABLES
# Queries that do not filter by $unit, and why.
SCOPE_EXCEPTIONS = {
    "unit_in_scope": "decides the scope itself: is $unit in scope_units($root)? (Scope: none)",
    "import_history": "reads import_batch only, which holds no unit's rows (Scope: whole tree)",
}
# What only macros.sql may spell: the scope, an opinion's status, month arithmetic, the folding.
SPELLED_ONCE = {
    "the scope": r"from\s+unit_closure\s+where\s+ancestor_id|\$unit\s+is\s+(not\s+)?null",
    "the opinion status": r"answered_on\s*(<=|>=|<|>)|due_on\s*(<|>=)\s*\$as_of|then\s+'answered_",
    "month and quarter numbers": r"\*\s*(12|4)\s*\+",
    "the months of a window": r"generate_series",
    "accent folding": r"strip_accents",
    "existing on the 15th": r"\+\s*14\b",
}
WINDOW = {"start": "2025-01-01", "end": "2025-02-28", "as_of": "2025-03-31", "cell": "C1", "unit": None}


def info(name: str) -> catalogue.QueryInfo:
    return catalogue.info(name)


def test_every_query_has_a_header_the_catalogue_reads():
    assert len(NAMES) == 38
    for name in NAMES:
        header = info(name)
        assert header.title.endswith("?"), name
        assert header.columns, name
        if name not in SCOPE_EXCEPTIONS:
            assert header.scope == "unit" and "unit" in header.parameter_names, name
    assert {name for name in NAMES if info(name).scope != "unit"} == {"import_history", "unit_in_scope"}
    assert {"unit_in_scope"} == db.UNSCOPED_QUERIES
    assert info("import_history").scope == "whole tree"


def test_the_parameters_listed_are_those_the_sql_uses():
    for name in NAMES:
        header = info(name)
        assert len(set(header.parameter_names)) == len(header.parameter_names), name
        assert set(header.sql_parameters()) == set(header.parameter_names) | set(header.rules), name
        assert not set(header.parameter_names) & set(rules.QUERY_PARAMETERS), name
        assert set(header.rules) <= set(rules.QUERY_PARAMETERS), name
        assert db.query_params(name) == header.parameter_names
    # the public contract (README, docs/ARCHITECTURE.md): unchanged
    assert db.query_params("opinions_list") == (
        "start",
        "end",
        "unit",
        "as_of",
        "category",
        "text",
        "kind",
        "channel",
        "status",
        "department",
        "commune",
        "opinion",
        "limit",
        "offset",
    )
    assert db.query_params("cell_ranking") == (
        "start",
        "end",
        "unit",
        "w_attendance",
        "w_regularity",
        "w_thematic",
        "w_visits",
        "as_of",
    )
    assert info("cell_ranking").rules == (
        "min_meetings_to_rank",
        "default_w_attendance",
        "default_w_regularity",
        "default_w_thematic",
        "default_w_visits",
    )
    assert info("cells_needing_help").rules == ("months_below_target_for_help",)
    assert info("data_quality_warnings").rules == ("unanswered_days",)
    assert info("department_opinions").rules == ("due_soon_days",)
    assert {name for name in NAMES if info(name).rules} == {
        "cell_ranking",
        "cells_needing_help",
        "data_quality_warnings",
        "department_opinions",
    }


def _run_described(path, name: str) -> list[tuple[str, str]]:
    params = {key: WINDOW.get(key) for key in db.query_params(name)}
    if name == "unit_in_scope":
        params = {"unit": "C1", "root": "X1"}
    con = db.reader(path)
    try:
        bound = db.bind_params(name, params, db.EVERYTHING, con)
        cursor = con.execute(db.parsed_query(name), bound)
        described = [(column[0], str(column[1])) for column in cursor.description]
        cursor.fetchall()
        return described
    finally:
        con.close()


def test_the_columns_listed_are_those_the_query_returns_in_order_and_type(fixture_db):
    for name in NAMES:
        returned = _run_described(fixture_db, name)
        assert [column for column, _ in returned] == list(info(name).column_names), name
        for (column, duckdb_type), listed in zip(returned, info(name).columns, strict=True):
            assert duckdb_type in catalogue.COLUMN_TYPES[listed.type], (
                name,
                column,
                duckdb_type,
                listed.type,
            )


def test_the_macros_listed_are_those_the_sql_calls():
    assert MACROS == [
        "id_key",
        "scope_units",
        "in_scope",
        "opinion_status",
        "on_time_rate",
        "rate",
        "attendance_rate",
        "month_no",
        "quarter_no",
        "existed_in_month",
        "first_month_existed",
        "last_month_existed",
        "existed_between",
        "window_months",
        "fold",
        "searched",
        "department_name",
        "off_roll",
    ]
    used = set()
    for name in NAMES:
        header = info(name)
        called = {macro for macro in MACROS if re.search(rf"\b{macro}\s*\(", header.sql)}
        assert set(header.macros) == called, name
        used |= called
    derive = (ROOT / "cellboard" / "data" / "schema.sql").read_text(encoding="utf-8")
    used |= {
        macro for macro in MACROS if re.search(rf"\b{macro}\s*\(", derive)
    }  # id_key: the derived tables' keys
    assert used == set(MACROS)  # every macro is used by some query or by the derived tables


def test_every_query_reading_a_units_rows_filters_them_by_the_scope_macro():
    assert {"meeting_stats", "opinion", "opinion_facts", "member_mark", "cell_facts", "unit"} <= SCOPED_TABLES
    for name in NAMES:
        sql = info(name).sql
        reads = {table for table in SCOPED_TABLES if re.search(rf"\b(from|join)\s+{table}\b", sql)}
        scoped = re.search(r"\bin_scope\([^;]*?,\s*\$unit\)|\bscope_units\(\$unit\)", sql)
        if name in SCOPE_EXCEPTIONS:
            assert not reads and not scoped, name
        else:
            assert reads, name
            assert scoped, f"{name} reads {', '.join(sorted(reads))} without the scope macro"


def test_unit_reaches_the_sql_only_through_the_scope_macros():
    for name in set(NAMES) - set(SCOPE_EXCEPTIONS):
        sql = info(name).sql
        rest = re.sub(r"\bscope_units\(\$unit\)", "", sql)
        # in_scope(expression, $unit): the expression holds no parentheses deeper than one level
        rest = re.sub(r"\bin_scope\((?:[^()]|\([^()]*\))*?,\s*\$unit\)", "", rest)
        assert "$unit" not in rest, name


@pytest.mark.parametrize("what", sorted(SPELLED_ONCE))
def test_no_query_spells_what_the_macros_define(what):
    pattern = SPELLED_ONCE[what]
    assert re.search(pattern, catalogue.strip_comments(MACROS_SQL)), what  # the pattern finds it there
    spelled = [name for name in NAMES if re.search(pattern, info(name).sql, flags=re.IGNORECASE)]
    assert spelled == [], what


def test_the_writer_folds_text_with_the_same_macro_and_stores_no_macro(fixture_db):
    assert "strip_accents" not in catalogue.strip_comments(SCHEMA)
    assert len(re.findall(r"\bfold\(", catalogue.strip_comments(SCHEMA))) == 3
    con = duckdb.connect(str(fixture_db), read_only=True)
    try:
        assert con.execute(
            "select count(*) from duckdb_functions() where function_name in ('fold', 'in_scope')"
        ).fetchall() == [(0,)]
        # O2's text as written, folded on write: what fold($text) of a search is compared with
        assert con.execute("select text_folded from opinion_facts where opinion_id = 'O2'").fetchall() == [
            ("duong lien thon tam dao xuong cap",)
        ]
    finally:
        con.close()


def test_every_cursor_sees_the_macros_and_the_data_file_first(fixture_db):
    first, second = db.reader(fixture_db), db.reader(fixture_db)
    try:
        for cursor in (first, second):
            assert cursor.execute(
                "select fold('Đường Liên Thôn'), month_no(date '2025-02-01'), quarter_no(date '2025-12-31'), "
                "opinion_status(null, date '2025-03-01', date '2025-03-31'), "
                "current_setting('search_path'), current_database()"
            ).fetchall() == [
                (
                    "duong lien thon",
                    2025 * 12 + 1,
                    2025 * 4 + 3,
                    "overdue",
                    "cellboard.main,memory.main",
                    "cellboard",
                )
            ]
            # X1, C1, C2, C3
            assert cursor.execute("select count(*) from scope_units('X1')").fetchall() == [(4,)]
            assert cursor.execute("select count(*) from unit where in_scope(unit_id, 'X2')").fetchall() == [
                (2,)
            ]
    finally:
        first.close()
        second.close()


def test_the_rules_are_bound_from_the_rules_file_never_from_callers(fixture_db, monkeypatch, capsys):
    ranked = ["cell_id", "is_ranked", "rank_in_commune", "w_visits"]
    window = {"start": "2025-01-01", "end": "2025-02-28"}

    def ranking():
        return db.run("cell_ranking", window, path=fixture_db)[ranked].to_dict("records")

    assert ranking() == [
        {"cell_id": "C4", "is_ranked": False, "rank_in_commune": None, "w_visits": 0.1},
        {"cell_id": "C1", "is_ranked": True, "rank_in_commune": 1, "w_visits": 0.1},
        {"cell_id": "C3", "is_ranked": False, "rank_in_commune": None, "w_visits": 0.1},
        {"cell_id": "C2", "is_ranked": False, "rank_in_commune": None, "w_visits": 0.1},
    ]
    monkeypatch.setitem(rules.QUERY_PARAMETERS, "min_meetings_to_rank", 1)
    monkeypatch.setitem(rules.QUERY_PARAMETERS, "default_w_visits", 0.5)
    # every cell ranked; weights .4, .3, .2, .5 (sum 1.4): C3 (1 meeting, visited in its one month)
    # (.4 + .3 + .5) / 1.4 = .857 overtakes C1 (.4 * 7/9 + .3 + .2 + .5 * 1/2) / 1.4 = .758; C2
    # (.4 * .5 + .3) / 1.4 = .357 comes last
    assert ranking() == [
        {"cell_id": "C4", "is_ranked": True, "rank_in_commune": 1, "w_visits": 0.5},
        {"cell_id": "C3", "is_ranked": True, "rank_in_commune": 1, "w_visits": 0.5},
        {"cell_id": "C1", "is_ranked": True, "rank_in_commune": 2, "w_visits": 0.5},
        {"cell_id": "C2", "is_ranked": True, "rank_in_commune": 3, "w_visits": 0.5},
    ]
    with pytest.raises(db.QueryError, match="cell_ranking does not take min_meetings_to_rank"):
        db.run("cell_ranking", {**window, "min_meetings_to_rank": 0}, path=fixture_db)
    code, out, err = cli(
        capsys,
        "query",
        "cell_ranking",
        "--db",
        str(fixture_db),
        "--param",
        "start=2025-01-01",
        "--param",
        "end=2025-02-28",
        "--param",
        "min_meetings_to_rank=0",
    )
    assert (code, out) == (2, "")
    assert "min_meetings_to_rank" in err and "w_attendance" in err


def test_a_header_out_of_form_is_refused():
    good = "-- q: what?\n--\n-- Scope: none\n-- Macros: none\n-- Parameters: none\n-- Columns:\n--   a  text\nselect 1 as a;\n"
    assert catalogue.parse("q", good).column_names == ("a",)
    for bad, message in [
        (good.replace("-- q: what?", "-- other: what?"), "must open with"),
        (good.replace("-- Scope: none\n", ""), "no «-- Scope:»"),
        (good.replace("Scope: none", "Scope: some"), "Scope must start"),
        (good.replace("--   a  text", "--   a  words"), "type «words»"),
        (good.replace("-- Parameters: none", "-- Parameters:\n--   start  date"), "without its \\$"),
        (good.replace("--   a  text", "--   a  text\n-- stray"), "cannot read"),
    ]:
        with pytest.raises(catalogue.HeaderError, match=message):
            catalogue.parse("q", bad)


def _as_df(path, name: str, params: dict, frame=lambda cursor: cursor.df()) -> pd.DataFrame:
    """The answer as DuckDB's own .df() gives it (what db.run's frames must equal), or as `frame` makes it
    of the executed cursor."""
    con = db.reader(path)
    try:
        return frame(con.execute(db.parsed_query(name), db.bind_params(name, params, db.EVERYTHING, con)))
    finally:
        con.close()


def _same_frame(ours: pd.DataFrame, theirs: pd.DataFrame, where: object) -> None:
    """Equal to the letter: dtypes (str's storage and missing value too), index, values, and which missing
    value stands for a null (None, NaN, NaT or pd.NA)."""
    pd.testing.assert_frame_equal(ours, theirs, check_exact=True, obj=str(where))
    assert [repr(dtype) for dtype in ours.dtypes] == [repr(dtype) for dtype in theirs.dtypes], where
    assert type(ours.index) is type(theirs.index) and ours.columns.dtype == theirs.columns.dtype, where
    for column in ours.columns:
        assert [repr(value) for value in ours[column].tolist()] == [
            repr(value) for value in theirs[column].tolist()
        ], (where, column)


def test_every_answer_is_the_frame_duckdb_df_gives(fixture_db, monkeypatch):
    """db.answer_frame builds the frame from Arrow, not through .df() (cheaper for a long answer): the same
    frame, for every query, with rows, in a window without any, and for one commune. db.run takes it once
    a query's last answer held ARROW_FROM text cells (here 0: from the second call on)."""
    monkeypatch.setattr(db, "ARROW_FROM", 0)
    monkeypatch.setattr(db, "_long_answers", {})
    empty = {**WINDOW, "start": "1990-01-01", "end": "1990-01-31", "as_of": "1990-02-01"}
    for name in NAMES:
        for window, unit in ((WINDOW, None), (WINDOW, "X1"), (empty, None)):
            params = {key: {**window, "unit": unit}.get(key) for key in db.query_params(name)}
            if name == "unit_in_scope":
                params = {"unit": "C1", "root": unit or "X1"}
            expected = _as_df(fixture_db, name, params)
            _same_frame(_as_df(fixture_db, name, params, db.answer_frame), expected, (name, unit))
            for _ in range(2):
                _same_frame(db.run(name, params, path=fixture_db), expected, (name, unit))
    assert db._long_answers and all(db._long_answers.values())


def test_answer_frame_types_columns_as_df_does_from_their_values():
    """.df() decides a column's dtype from its values: text with a value is "str" (NaN for null), text
    without any is object holding None; an integer or boolean with a null is pandas' nullable type.
    answer_frame does the same, and leaves any other type (here DECIMAL, a list) to .df()."""
    con = duckdb.connect()
    rows = """select * from (values ('a', 1, 2::bigint, true, 1.5::double, date '2025-01-02',
                                    timestamp '2025-01-02 03:04:05', null::varchar, 7, false),
                                   (null, null, 3, null, null, null, null, null, 8, true))
              t(s, i, b, f, d, day, stamp, nothing, whole, yes)"""
    for query in (rows, f"{rows} where false", "select 1.5 as n, [1, 2] as l", "select 1 as a, 2 as A"):
        frame = db.answer_frame(con.execute(query))
        _same_frame(frame, con.execute(query).df(), query)
    frame = db.answer_frame(con.execute(rows))
    assert [str(dtype) for dtype in frame.dtypes] == [
        "str",
        "Int32",
        "int64",
        "boolean",
        "float64",
        "datetime64[us]",
        "datetime64[us]",
        "object",
        "int32",
        "bool",
    ]
    assert frame["s"].tolist()[1] is np.nan and frame["nothing"].tolist() == [None, None]
    assert frame["i"].tolist()[1] is pd.NA and frame["f"].tolist()[1] is pd.NA
    con.close()
