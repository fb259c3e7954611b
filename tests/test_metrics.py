"""The pooled figures (cellboard/data/metrics.py) and the rules (cellboard/rules.py), each defined once.

Exact values on the fixture (tests/fixture.py), January-February 2025, worked out by hand; the queries'
own rates agree with the module's; no other Python file spells a pooled rate or a rule's value.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from cellboard import rules
from cellboard.data import db, figures, metrics
from cellboard.data.periods import Period

ROOT = Path(__file__).resolve().parent.parent
WINDOW = {"start": dt.date(2025, 1, 1), "end": dt.date(2025, 2, 28)}


@pytest.fixture(scope="module")
def answers(fixture_db):
    def run(name, **params):
        return db.run(name, {**WINDOW, **params}, path=fixture_db)

    return {
        "trend": run("participation_trend"),
        "cells": run("cell_ranking"),  # judged today: every month and quarter of the window is over
        "response": run("opinion_response", as_of=dt.date(2025, 3, 31)),
        "response_early": run("opinion_response", as_of=dt.date(2025, 3, 1)),
        "communes": run("commune_summary", as_of=dt.date(2025, 3, 1)),
        "ratings": run("rating_distribution", start=dt.date(2024, 1, 1)),  # 2024 and 2025
        "supervision": run("supervision"),
        "coverage": run("visit_coverage_by_commune"),
    }


def values(series: pd.Series) -> list:
    return [None if pd.isna(value) else value for value in series]


def test_each_figure_from_counts():
    assert metrics.attendance_rate(11, 16, 2) == 11 / 14  # exempt members outside the denominator
    assert metrics.regularity(5, 6) == 5 / 6
    assert metrics.thematic_coverage(1, 4) == 0.25
    assert metrics.visit_coverage(2, 6) == 1 / 3
    assert metrics.on_time_rate(1, 4, 2) == 0.5  # opinions still open (not yet due) left out
    assert metrics.grade_share(1, 3) == 1 / 3
    assert metrics.ratio(58, 156) == 58 / 156
    # nothing to divide by: no figure, not 0
    assert metrics.attendance_rate(0, 3, 3) is None
    assert metrics.on_time_rate(0, 2, 2) is None
    assert metrics.regularity(0, 0) is None
    assert metrics.ATTENDANCE.of({"present": 8, "expected": 10, "exempt": 1}) == 8 / 9


def test_attendance_pooled_over_months_not_averaged(answers):
    # January 11 / (16 - 2), February 8 / (11 - 2): pooled 19 / 23, not the mean of 11/14 and 8/9
    trend = answers["trend"]
    assert metrics.ATTENDANCE.pooled(trend) == 19 / 23
    assert values(metrics.ATTENDANCE.per_row(trend)) == [11 / 14, 8 / 9]
    assert values(metrics.ATTENDANCE.per_row(trend)) == pytest.approx(values(trend["attendance_rate"]))
    assert metrics.ATTENDANCE.pooled(trend.iloc[0:0]) is None


def test_regularity_thematic_and_visit_coverage_pooled_over_cells(answers):
    # months met / existed: C4 1/2, C1 2/2, C3 1/1, C2 1/1; thematic quarters: C1's only, of 4 cell-quarters;
    # visited months: C1 in January (M1), C3 in February (M5)
    cells = answers["cells"]
    assert metrics.REGULARITY.pooled(cells) == 5 / 6
    assert metrics.THEMATIC_COVERAGE.pooled(cells) == 1 / 4
    assert metrics.VISIT_COVERAGE.pooled(cells) == 2 / 6
    for rate in (metrics.REGULARITY, metrics.THEMATIC_COVERAGE, metrics.VISIT_COVERAGE, metrics.ATTENDANCE):
        assert values(rate.per_row(cells)) == pytest.approx(values(cells[rate.name])), rate.name
    by_commune = metrics.pool(
        cells, ["commune_id"], [metrics.REGULARITY, metrics.THEMATIC_COVERAGE], cells=("cell_id", "count")
    )
    assert by_commune.to_dict("records") == [
        {"commune_id": "X2", "cells": 1, "months_met": 1, "months_existed": 2, "quarters_thematic": 0,
         "quarters_existed": 1, "regularity": 0.5, "thematic_coverage": 0.0},
        {"commune_id": "X1", "cells": 3, "months_met": 4, "months_existed": 4, "quarters_thematic": 1,
         "quarters_existed": 3, "regularity": 1.0, "thematic_coverage": 1 / 3},
    ]  # fmt: skip


def test_answered_on_time_leaves_out_opinions_not_yet_due(answers):
    # judged 31/03: O1 on time, O2 late, O3 and O4 overdue -> 1 / 4
    assert metrics.ON_TIME.pooled(answers["response"]) == 0.25
    # judged 01/03: O3 (due 25/03) and O4 (due 12/03) still open -> 1 / (4 - 2)
    early = answers["response_early"]
    assert metrics.ON_TIME.pooled(early) == 0.5
    # agriculture 1 / (2 - 1), transport 0 / 1, security nothing due yet
    assert values(metrics.ON_TIME.per_row(early)) == [1.0, 0.0, None]
    # the query's own rate is the same definition: Phường Đông Hải 0 / (1 - 1), Xã An Bình 1 / (3 - 1)
    communes = answers["communes"]
    assert values(communes["on_time_rate"]) == values(metrics.ON_TIME.per_row(communes)) == [None, 0.5]
    assert values(communes["attendance_rate"]) == pytest.approx(values(metrics.ATTENDANCE.per_row(communes)))


def test_excellent_and_compliant_shares(answers):
    ratings = answers["ratings"]
    # 2025: C1 excellent, C3 good, C4 complete; 2024: C1 and C2 good
    assert metrics.excellent_share(ratings[ratings["year"] == 2025]) == 1 / 3
    assert metrics.excellent_share(ratings[ratings["year"] == 2024]) == 0.0
    assert metrics.excellent_share(ratings.iloc[0:0]) is None
    # K1 and K3 kept the visits rule, K2 did not
    assert metrics.compliant_share(answers["supervision"]) == 2 / 3
    # cells visited: Xã An Bình C1 (M1) and C3 (M5) of C1-C3, Phường Đông Hải none of C4 -> 2 / 4
    coverage = answers["coverage"]
    assert metrics.CELLS_VISITED.pooled(coverage) == 0.5
    assert values(metrics.CELLS_VISITED.per_row(coverage)) == values(coverage["coverage"])


def test_the_headline_figures_are_the_modules(fixture_db, answers):
    def run(name, **params):
        return db.run(name, params, path=fixture_db)

    now = figures.headline(run, Period(WINDOW["start"], WINDOW["end"]), None)
    assert now["attendance_rate"] == 19 / 23
    assert (now["regularity"], now["thematic_coverage"]) == (5 / 6, 1 / 4)
    assert now["answered_on_time"] == 0.25  # judged today: nothing is open any more
    assert (now["rating_year"], now["excellent_share"]) == (2025, 1 / 3)


def test_a_units_headline_from_the_whole_trees_cells_is_the_units_own(fixture_db):
    """The Overview cuts a unit's cell_ranking rows from the whole tree's (figures.cells_within); the
    figures, and the rows the page lists, are those of asking for the unit."""

    def run(name, **params):
        return db.run(name, params, path=fixture_db)

    period = Period(WINDOW["start"], WINDOW["end"])
    columns = ["cell_id", "attendance_rate", "meetings", "is_ranked", "months_met", "months_existed"]
    for unit in ["P", "X1", "X2", "C1", "C3"]:
        cells = run("unit_cells", unit=unit)

        def cut(of: Period, cells=cells) -> pd.DataFrame:
            return figures.cells_within(run("cell_ranking", start=of.start, end=of.end), cells)

        asked, from_whole = figures.compare(run, period, unit), figures.compare(run, period, unit, cut)
        assert from_whole.current_values == asked.current_values, unit
        assert from_whole.previous_values == asked.previous_values, unit
        assert from_whole.year_values == asked.year_values, unit
        own = run("cell_ranking", **WINDOW, unit=unit)[columns].reset_index(drop=True)
        assert cut(period)[columns].reset_index(drop=True).equals(own), unit
    # X1 holds C1-C3: its cut keeps those three in the whole tree's order
    assert cut(period)["cell_id"].tolist() == ["C3"]
    x1 = figures.cells_within(run("cell_ranking", **WINDOW), run("unit_cells", unit="X1"))
    assert sorted(x1["cell_id"]) == ["C1", "C2", "C3"]


def test_a_communes_attendance_from_its_cells_is_commune_summarys(fixture_db):
    """The Overview takes the previous period's attendance of each commune from the cells it asked
    for (figures.attendance_by_commune), not from commune_summary: the same rates, for every unit and
    for windows with and without meetings."""

    def run(name, **params):
        return db.run(name, params, path=fixture_db)

    windows = [WINDOW, {"start": dt.date(2024, 7, 1), "end": dt.date(2024, 12, 31)}]
    rates = {}
    for window in windows:
        for unit in ["P", "X1", "X2", "C1", "C3"]:
            summary = run("commune_summary", **window, unit=unit, as_of=None)
            pooled = figures.attendance_by_commune(run("cell_ranking", **window, unit=unit))
            both = summary[["commune_id", "attendance_rate"]].merge(
                pooled, on="commune_id", suffixes=("", "_pooled")
            )
            assert len(both) == len(summary), (window, unit)
            assert both["attendance_rate_pooled"].tolist() == pytest.approx(
                both["attendance_rate"].astype(float).tolist(), nan_ok=True
            ), (window, unit)
            rates[(window["start"], unit)] = dict(
                zip(both["commune_id"], both["attendance_rate_pooled"], strict=True)
            )
    # X1's cells in the fixture's window: C1 7 present of 12 expected (3 exempt), C2 1 of 2, C3 3 of 3
    assert rates[(WINDOW["start"], "X1")] == pytest.approx({"X1": (7 + 1 + 3) / (12 - 3 + 2 + 3)})


def test_the_score_and_its_weights(answers):
    c1 = answers["cells"][answers["cells"]["cell_id"] == "C1"]
    parts = metrics.score_parts(c1).iloc[0]
    expected = {
        "attendance_rate": 0.4 * 7 / 9,
        "regularity": 0.3,
        "thematic_coverage": 0.2,
        "visit_coverage": 0.05,
    }
    assert {c: parts[c + "_points"] for c in metrics.SCORE_WEIGHTS} == pytest.approx(expected)
    assert math.isclose(sum(expected.values()), parts["score"])
    shares = metrics.weight_shares(
        {"w_attendance": 0.7, "w_regularity": 0.3, "w_thematic": 0.2, "w_visits": 0.1}
    )
    assert shares == pytest.approx({"w_attendance": 0.7 / 1.3, "w_regularity": 0.3 / 1.3,
                                    "w_thematic": 0.2 / 1.3, "w_visits": 0.1 / 1.3})  # fmt: skip
    assert metrics.weight_shares(dict.fromkeys(shares, 0.0)) == dict.fromkeys(shares)


def test_the_queries_use_the_rules(answers):
    cells = answers["cells"]
    assert cells[list(rules.DEFAULT_WEIGHTS)].drop_duplicates().to_dict("records") == [rules.DEFAULT_WEIGHTS]
    assert list(cells["is_ranked"]) == list(cells["meetings"] >= rules.MIN_MEETINGS_TO_RANK)
    assert rules.query_parameters(("start", "min_meetings_to_rank", "default_w_visits")) == {
        "min_meetings_to_rank": 3,
        "default_w_visits": 0.1,
    }


RULE_VALUES = re.compile(r"[<>]=?\s*(0\.9|0\.90|0\.8|0\.80|3)\b(?!\.)|\b0\.[1-4]\s*\*")
COUNTS = {column for rate in metrics.RATES.values() for column in rate.counts} | {"excellent", "compliant"}


def rate_spelled(node: ast.AST) -> bool:
    """A division over a rate's counts, or a helper dividing two numbers (ratio, share, ...)."""
    if isinstance(node, ast.FunctionDef):
        return node.name.strip("_") in {"ratio", "share", "pooled_rate", "on_time_rate", "rate"}
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)):
        return False
    words = {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return bool(words & COUNTS or names & (COUNTS | {"on_time", "judged"}))


def test_no_python_file_spells_a_pooled_rate_or_a_rules_value():
    own = {ROOT / "cellboard" / "data" / "metrics.py", ROOT / "cellboard" / "rules.py"}
    # the benchmark's pandas baseline is a separate implementation on purpose (tests/test_baseline.py);
    # the demo's shapes are not rules
    files = [
        path
        for path in [*ROOT.glob("cellboard/**/*.py"), *ROOT.glob("pages/*.py")]
        if path not in own and path.name != "baseline.py" and not path.name.startswith("demo")
    ]
    offenders = []
    for path in files:
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        offenders += [
            f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
            for number, line in enumerate(lines, start=1)
            if RULE_VALUES.search(line.split("#")[0])
        ]
        offenders += [
            f"{path.relative_to(ROOT)}:{node.lineno}: {lines[node.lineno - 1].strip()}"
            for node in ast.walk(ast.parse(source))
            if rate_spelled(node)
        ]
    assert offenders == []
