"""The benchmark's pandas baseline (cellboard/bench/baseline.py) gives the named queries' answers on the
fixture (tests/fixture.py), paired as `python -m cellboard bench` pairs them: the same window, the
whole tree (and one commune), judged the day after the window ends. The queries' own values are pinned
by hand in tests/test_queries.py; here every column the baseline answers must equal the query's.
"""

from __future__ import annotations

import datetime as dt
import inspect

import duckdb
import numpy as np
import pandas as pd
import pytest

from cellboard.bench import baseline
from cellboard.data import db

D = dt.date
WINDOWS = {
    "jan-feb": (D(2025, 1, 1), D(2025, 2, 28)),  # judged 01/03: the first quarter is not over yet
    "first-half": (D(2025, 1, 1), D(2025, 6, 30)),  # C3 begins in February, C2 ends in January
    "across-the-year": (D(2024, 10, 1), D(2025, 3, 31)),  # a year earlier holds opinions too
    "march": (D(2025, 3, 1), D(2025, 3, 31)),  # no meeting; C1's thematic quarter still counts
}
# question -> (the key its rows are matched by, or None when the order is the answer; the columns
# the baseline must answer)
ANSWERS = {
    "participation_trend": (
        "month",
        ["meetings", "expected", "exempt", "present", "excused", "absent", "attendance_rate"],
    ),
    "category_shares": ("category", ["opinions", "share", "opinions_prev", "delta"]),
    "opinion_response": (
        "category",
        [
            "opinions",
            "answered",
            "answered_on_time",
            "answered_late",
            "open",
            "overdue",
            "median_days_to_answer",
        ],
    ),
    "cell_ranking": (
        "cell_id",
        [
            "commune_id",
            "meetings",
            "expected",
            "exempt",
            "present",
            "attendance_rate",
            "months_met",
            "months_existed",
            "regularity",
            "quarters_thematic",
            "quarters_existed",
            "thematic_coverage",
            "visit_months",
            "visit_coverage",
            "score",
            "is_ranked",
            "rank_in_commune",
        ],
    ),  # fmt: skip
    "supervision": (
        "person_id",
        [
            "level",
            "interval_months",
            "required_visits",
            "visits",
            "intervals_visited",
            "compliant",
            "last_visit",
        ],
    ),
    "opinions_list": (None, ["opinion_id", "commune_id", "due_on", "answered_on"]),
    "commune_summary": (
        "commune_id",
        [
            "cells",
            "meetings",
            "expected",
            "exempt",
            "present",
            "excused",
            "absent",
            "attendance_rate",
            "opinions",
            "answered_on_time",
            "overdue",
            "open",
            "on_time_rate",
        ],
    ),  # fmt: skip
}


@pytest.fixture(scope="module")
def frames(fixture_db):
    con = duckdb.connect(str(fixture_db), read_only=True)
    try:
        return baseline.load(con)
    finally:
        con.close()


def plain(value: object) -> object:
    """A cell as a plain value: dates ISO, missing None, numbers int when whole (12 places else)."""
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if value is None or pd.isna(value):
        return None
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return int(number) if number.is_integer() else round(number, 12)
    return value


def records(frame: pd.DataFrame, key: str | None, columns: list[str]) -> list[dict]:
    rows = [{column: plain(value) for column, value in zip(columns, row, strict=True)} for row in
            frame[columns].itertuples(index=False)]  # fmt: skip
    return sorted(rows, key=lambda row: str(row[key])) if key else rows


def both(frames, fixture_db, name: str, start, end, unit, **extra) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The baseline's and the query's answer to one question, as the bench pairs them."""
    as_of = end + dt.timedelta(days=1)
    kwargs = {"as_of": as_of} if name in baseline.JUDGED_ON else {}  # as bench.bench_pandas passes it
    ours = baseline.QUESTIONS[name](frames, start, end, unit, **kwargs, **extra)
    known = {"start": start, "end": end, "unit": unit, "as_of": as_of, "limit": extra.get("limit")}
    if "search" in extra:
        known["text"] = extra["search"]
    return ours, db.run(name, {key: known.get(key) for key in db.query_params(name)}, path=fixture_db)


@pytest.mark.parametrize("name", ANSWERS)
def test_the_baseline_answers_each_question_as_its_query(frames, fixture_db, name):
    key, columns = ANSWERS[name]
    wanted = [key, *columns] if key else columns
    for window, (start, end) in WINDOWS.items():
        for unit in (None, "X1"):
            ours, sql = both(frames, fixture_db, name, start, end, unit)
            assert records(ours, key, wanted) == records(sql, key, wanted), (window, unit)
            if window == "first-half":
                assert len(sql), unit  # not a comparison of empty answers


def test_the_bench_passes_the_day_to_every_question_that_is_judged_on_one():
    takes = {
        name
        for name, function in baseline.QUESTIONS.items()
        if "as_of" in inspect.signature(function).parameters
    }
    assert (
        set(baseline.JUDGED_ON)
        == takes
        == {name for name in baseline.QUESTIONS if "as_of" in db.query_params(name)}
    )


def test_the_list_searched_and_cut_as_the_bench_asks(frames, fixture_db):
    start, end = WINDOWS["across-the-year"]
    columns = ANSWERS["opinions_list"][1]
    for extra in ({"limit": 2}, {"search": "nạo vét", "limit": 100}, {"search": "DUONG"}):
        ours, sql = both(frames, fixture_db, "opinions_list", start, end, None, **extra)
        assert records(ours, None, columns) == records(sql, None, columns), extra
    ours, _ = both(frames, fixture_db, "opinions_list", start, end, None, search="nao vet")
    assert list(ours["opinion_id"]) == ["O1"]
