"""Each named query against the tiny hand-made database (tests/fixture.py), exact rows.

The window is January-February 2025 unless a test says otherwise; the answers are worked out
by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cellboard import export
from cellboard.data import db

WINDOW = {"start": "2025-01-01", "end": "2025-02-28"}
D = dt.date


def rows(path, name, columns=None, **params):
    """The query's rows as plain dicts (dates ISO, missing values None), optionally some columns."""
    frame = db.run(name, params, path=path)
    records = json.loads(export.to_json(frame))
    if columns:
        records = [{key: record[key] for key in columns} for record in records]
    return records


def test_participation_trend(fixture_db):
    # January: M1 (C1: 4 on roll, m4 exempt, 2 present, m3 excused), M4 (C2: 2, 1 present, 1 absent),
    #   M6 (C4 counts: 10 expected, 1 exempt, 8 present, 1 excused) -> 11 present / (16 - 2)
    # February: M2 (C1 thematic: 3 present, 1 exempt), M3 (C1 extraordinary: 2 present, 1 excused,
    #   1 exempt), M5 (C3: 3 present) -> 8 / (11 - 2)
    assert rows(fixture_db, "participation_trend", **WINDOW) == [
        {
            "month": "2025-01-01",
            "meetings": 3,
            "expected": 16,
            "exempt": 2,
            "present": 11,
            "excused": 2,
            "absent": 1,
            "attendance_rate": pytest.approx(11 / 14),
        },
        {
            "month": "2025-02-01",
            "meetings": 3,
            "expected": 11,
            "exempt": 2,
            "present": 8,
            "excused": 1,
            "absent": 0,
            "attendance_rate": pytest.approx(8 / 9),
        },
    ]


def test_participation_trend_has_a_row_for_months_without_meetings(fixture_db):
    result = rows(
        fixture_db,
        "participation_trend",
        ["month", "meetings", "attendance_rate"],
        start="2024-12-01",
        end="2025-03-31",
        unit="X2",
    )
    assert result == [
        {"month": "2024-12-01", "meetings": 0, "attendance_rate": None},
        {"month": "2025-01-01", "meetings": 1, "attendance_rate": pytest.approx(8 / 9)},
        {"month": "2025-02-01", "meetings": 0, "attendance_rate": None},
        {"month": "2025-03-01", "meetings": 0, "attendance_rate": None},
    ]


def test_category_shares_against_a_year_earlier(fixture_db):
    # 2025 window: O1, O3 agriculture; O2 transport; O4 security -> 4. A year earlier: O5, O6 agriculture.
    assert rows(
        fixture_db, "category_shares", ["category", "opinions", "share", "opinions_prev", "delta"], **WINDOW
    ) == [
        {"category": "agriculture", "opinions": 2, "share": 0.5, "opinions_prev": 2, "delta": 0},
        {"category": "transport_construction", "opinions": 1, "share": 0.25, "opinions_prev": 0, "delta": 1},
        {"category": "security_order", "opinions": 1, "share": 0.25, "opinions_prev": 0, "delta": 1},
    ]


def test_opinion_response(fixture_db):
    # O1 answered 20/02, due at the next briefing 25/02: on time (26 days). O2 answered 01/03, due
    # 25/02: late (35 days). O3 raised 25/02, due 25/03, open: overdue on 31/03. O4 (a commune with
    # no briefings) raised 10/02, due 10/02 + 30 days = 12/03: overdue on 31/03.
    assert rows(
        fixture_db,
        "opinion_response",
        [
            "category",
            "opinions",
            "answered",
            "answered_on_time",
            "answered_late",
            "open",
            "overdue",
            "median_days_to_answer",
        ],
        as_of="2025-03-31",
        **WINDOW,
    ) == [
        {
            "category": "agriculture",
            "opinions": 2,
            "answered": 1,
            "answered_on_time": 1,
            "answered_late": 0,
            "open": 0,
            "overdue": 1,
            "median_days_to_answer": 26,
        },
        {
            "category": "transport_construction",
            "opinions": 1,
            "answered": 1,
            "answered_on_time": 0,
            "answered_late": 1,
            "open": 0,
            "overdue": 0,
            "median_days_to_answer": 35,
        },
        {
            "category": "security_order",
            "opinions": 1,
            "answered": 0,
            "answered_on_time": 0,
            "answered_late": 0,
            "open": 0,
            "overdue": 1,
            "median_days_to_answer": None,
        },
    ]


def test_opinion_response_before_anything_is_due(fixture_db):
    result = rows(
        fixture_db, "opinion_response", ["category", "open", "overdue"], as_of="2025-03-01", **WINDOW
    )
    assert result == [
        {"category": "agriculture", "open": 1, "overdue": 0},
        {"category": "transport_construction", "open": 0, "overdue": 0},
        {"category": "security_order", "open": 1, "overdue": 0},
    ]


def test_cell_ranking(fixture_db):
    # C1: 3 meetings, 7 present / (12 - 3 exempt); met in both months; a thematic meeting in Q1;
    #   visited in January only -> score .4*7/9 + .3*1 + .2*1 + .1*1/2. The only cell with 3 meetings.
    # C2 existed on 15/01 only (merged into C3 on 01/02); C3 from 01/02 (exists on 15/02);
    # C4 met in January only.
    result = rows(
        fixture_db,
        "cell_ranking",
        [
            "commune_id",
            "cell_id",
            "meetings",
            "attendance_rate",
            "regularity",
            "thematic_coverage",
            "score",
            "is_ranked",
            "rank_in_commune",
            "months_existed",
            "merged_into",
        ],
        **WINDOW,
    )
    assert result == [
        {
            "commune_id": "X2",
            "cell_id": "C4",
            "meetings": 1,
            "attendance_rate": pytest.approx(8 / 9),
            "regularity": 0.5,
            "thematic_coverage": 0.0,
            "score": pytest.approx(0.4 * 8 / 9 + 0.3 * 0.5),
            "is_ranked": False,
            "rank_in_commune": None,
            "months_existed": 2,
            "merged_into": None,
        },
        {
            "commune_id": "X1",
            "cell_id": "C1",
            "meetings": 3,
            "attendance_rate": pytest.approx(7 / 9),
            "regularity": 1.0,
            "thematic_coverage": 1.0,
            "score": pytest.approx(0.4 * 7 / 9 + 0.3 + 0.2 + 0.1 * 0.5),
            "is_ranked": True,
            "rank_in_commune": 1,
            "months_existed": 2,
            "merged_into": None,
        },
        {
            "commune_id": "X1",
            "cell_id": "C3",
            "meetings": 1,
            "attendance_rate": 1.0,
            "regularity": 1.0,
            "thematic_coverage": 0.0,
            "score": pytest.approx(0.4 + 0.3 + 0.1),
            "is_ranked": False,
            "rank_in_commune": None,
            "months_existed": 1,
            "merged_into": None,
        },
        {
            "commune_id": "X1",
            "cell_id": "C2",
            "meetings": 1,
            "attendance_rate": 0.5,
            "regularity": 1.0,
            "thematic_coverage": 0.0,
            "score": pytest.approx(0.4 * 0.5 + 0.3),
            "is_ranked": False,
            "rank_in_commune": None,
            "months_existed": 1,
            "merged_into": "C3",
        },
    ]


COUNTED = ["cell_id", "months_met", "months_existed", "quarters_thematic", "quarters_existed", "visit_months"]


def test_cell_ranking_judges_only_the_months_and_quarters_that_are_over(fixture_db):
    # January to June 2025 judged on 20/02: only January is over (C1 met and was visited, C2 met; C3
    # began in February); no quarter is over. Attendance still counts every meeting of the window.
    half = {"start": "2025-01-01", "end": "2025-06-30", "unit": "X1"}
    assert rows(fixture_db, "cell_ranking", [*COUNTED, "meetings"], as_of="2025-02-20", **half) == [
        {"cell_id": "C1", "months_met": 1, "months_existed": 1, "quarters_thematic": 0, "quarters_existed": 0,
         "visit_months": 1, "meetings": 3},
        {"cell_id": "C3", "months_met": 0, "months_existed": 0, "quarters_thematic": 0, "quarters_existed": 0,
         "visit_months": 0, "meetings": 1},
        {"cell_id": "C2", "months_met": 1, "months_existed": 1, "quarters_thematic": 0, "quarters_existed": 0,
         "visit_months": 0, "meetings": 1},
    ]  # fmt: skip
    # judged after the half year: every month and quarter of the cells' lives counts
    assert rows(fixture_db, "cell_ranking", COUNTED, as_of="2025-07-01", **half) == [
        {"cell_id": "C1", "months_met": 2, "months_existed": 6, "quarters_thematic": 1, "quarters_existed": 2,
         "visit_months": 1},
        {"cell_id": "C3", "months_met": 1, "months_existed": 5, "quarters_thematic": 0, "quarters_existed": 2,
         "visit_months": 1},
        {"cell_id": "C2", "months_met": 1, "months_existed": 1, "quarters_thematic": 0, "quarters_existed": 1,
         "visit_months": 0},
    ]  # fmt: skip


def test_cell_ranking_uses_the_weights_given(fixture_db):
    result = rows(
        fixture_db,
        "cell_ranking",
        ["cell_id", "score", "w_attendance"],
        unit="C1",
        w_attendance=1,
        w_regularity=0,
        w_thematic=0,
        w_visits=0,
        **WINDOW,
    )
    assert result == [{"cell_id": "C1", "score": pytest.approx(7 / 9), "w_attendance": 1.0}]


def test_supervision(fixture_db):
    # Two months: the province member needs 1 visit (6-monthly), commune members 2 (monthly).
    assert rows(
        fixture_db,
        "supervision",
        ["person_id", "level", "required_visits", "visits", "compliant", "last_visit"],
        **WINDOW,
    ) == [
        {
            "person_id": "K1",
            "level": "province",
            "required_visits": 1,
            "visits": 1,
            "compliant": True,
            "last_visit": "2025-01-10",
        },
        {
            "person_id": "K3",
            "level": "commune",
            "required_visits": 2,
            "visits": 2,
            "compliant": True,
            "last_visit": "2025-02-20",
        },
        {
            "person_id": "K2",
            "level": "commune",
            "required_visits": 2,
            "visits": 1,
            "compliant": False,
            "last_visit": "2025-01-10",
        },
    ]


def test_opinions_list_newest_first_with_status(fixture_db):
    assert rows(
        fixture_db,
        "opinions_list",
        ["opinion_id", "commune", "cell", "due_on", "status"],
        as_of="2025-03-31",
        **WINDOW,
    ) == [
        {
            "opinion_id": "O3",
            "commune": "Xã An Bình",
            "cell": "Chi bộ thôn Đoàn Kết",
            "due_on": "2025-03-25",
            "status": "overdue",
        },
        {
            "opinion_id": "O4",
            "commune": "Phường Đông Hải",
            "cell": "Chi bộ khu phố 1",
            "due_on": "2025-03-12",
            "status": "overdue",
        },
        {
            "opinion_id": "O1",
            "commune": "Xã An Bình",
            "cell": "Chi bộ thôn Đông",
            "due_on": "2025-02-25",
            "status": "answered_on_time",
        },
        {
            "opinion_id": "O2",
            "commune": "Xã An Bình",
            "cell": "Chi bộ thôn Tây",
            "due_on": "2025-02-25",
            "status": "answered_late",
        },
    ]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("duong lien thon", ["O2"]),
        ("ĐƯỜNG", ["O2"]),
        ("tam dao", ["O2"]),
        ("  Tam   Đảo ", ["O2"]),  # trimmed, a run of spaces typed as one
        ("nao vet", ["O1"]),
        ("de", ["O3", "O1"]),  # "Đê bao", "Đề nghị": đ folds to d
        ("<script>", ["O3"]),
        ("%", []),  # no wildcard: the text is matched literally
        ("", ["O3", "O4", "O1", "O2"]),
    ],
)
def test_opinions_list_text_search_folds_accents_case_and_d(fixture_db, search, expected):
    result = rows(fixture_db, "opinions_list", ["opinion_id"], text=search, as_of="2025-03-31", **WINDOW)
    assert [row["opinion_id"] for row in result] == expected


@pytest.mark.parametrize(
    "category", ["agriculture", "Sản xuất nông nghiệp, thủy lợi", "san xuat nong nghiep, thuy loi"]
)
def test_opinions_list_category_by_code_or_name(fixture_db, category):
    result = rows(fixture_db, "opinions_list", ["opinion_id"], category=category, **WINDOW)
    assert [row["opinion_id"] for row in result] == ["O3", "O1"]


def test_opinions_list_text_is_kept_verbatim(fixture_db):
    texts = {row["opinion_id"]: row["text"] for row in rows(fixture_db, "opinions_list", **WINDOW)}
    assert texts["O3"] == "<script>alert(1)</script> Đê bao bị sạt"
    assert texts["O4"] == "=1+1 trộm cắp vặt"


def test_commune_summary(fixture_db):
    assert rows(
        fixture_db,
        "commune_summary",
        [
            "commune_id",
            "cells",
            "meetings",
            "present",
            "attendance_rate",
            "opinions",
            "answered_on_time",
            "overdue",
            "open",
            "on_time_rate",
        ],
        as_of="2025-03-31",
        **WINDOW,
    ) == [
        {
            "commune_id": "X2",
            "cells": 1,
            "meetings": 1,
            "present": 8,
            "attendance_rate": pytest.approx(8 / 9),
            "opinions": 1,
            "answered_on_time": 0,
            "overdue": 1,
            "open": 0,
            "on_time_rate": 0.0,
        },
        {
            "commune_id": "X1",
            "cells": 3,
            "meetings": 5,
            "present": 11,
            "attendance_rate": pytest.approx(11 / 14),
            "opinions": 3,
            "answered_on_time": 1,
            "overdue": 1,
            "open": 0,
            "on_time_rate": pytest.approx(1 / 3),
        },
    ]


def test_commune_summary_leaves_opinions_not_yet_due_out_of_the_on_time_rate(fixture_db):
    # On 01/03: O3 (due 25/03) and O4 (due 12/03) are open, not late.
    assert rows(
        fixture_db, "commune_summary", ["commune_id", "open", "on_time_rate"], as_of="2025-03-01", **WINDOW
    ) == [
        {"commune_id": "X2", "open": 1, "on_time_rate": None},
        {"commune_id": "X1", "open": 1, "on_time_rate": 0.5},
    ]


def test_rating_distribution(fixture_db):
    assert rows(
        fixture_db,
        "rating_distribution",
        ["commune_id", "year", "grade", "cells", "share"],
        start="2024-01-01",
        end="2025-12-31",
    ) == [
        {"commune_id": "X2", "year": 2025, "grade": "complete", "cells": 1, "share": 1.0},
        {"commune_id": "X1", "year": 2024, "grade": "good", "cells": 2, "share": 1.0},
        {"commune_id": "X1", "year": 2025, "grade": "excellent", "cells": 1, "share": 0.5},
        {"commune_id": "X1", "year": 2025, "grade": "good", "cells": 1, "share": 0.5},
    ]


def test_unit_cells(fixture_db):
    assert rows(fixture_db, "unit_cells", unit="X1") == [{"cell_id": c} for c in ("C1", "C2", "C3")]
    assert rows(fixture_db, "unit_cells", unit="C4") == [{"cell_id": "C4"}]
    assert [r["cell_id"] for r in rows(fixture_db, "unit_cells")] == ["C1", "C2", "C3", "C4"]


def test_unit_tree_in_vietnamese_order(fixture_db):
    assert [(r["unit_id"], r["depth"], r["cells"]) for r in rows(fixture_db, "unit_tree")] == [
        ("P", 0, 4),
        ("X2", 1, 1),
        ("C4", 2, 1),
        ("X1", 1, 3),
        ("C3", 2, 1),
        ("C1", 2, 1),
        ("C2", 2, 1),
    ]
    assert [r["unit_id"] for r in rows(fixture_db, "unit_tree", unit="X1")] == ["X1", "C3", "C1", "C2"]


def test_unit_in_scope(fixture_db):
    assert rows(fixture_db, "unit_in_scope", unit="C1", root="X1") == [{"in_scope": True}]
    assert rows(fixture_db, "unit_in_scope", unit="C4", root="X1") == [{"in_scope": False}]


def test_database_info(fixture_db):
    info = {r["key"]: r["value"] for r in rows(fixture_db, "database_info")}
    assert info["source"] == "imported"
    assert info["first_meeting"] == "2025-01-08"
    assert info["last_meeting"] == "2025-02-25"
    assert (info["meetings"], info["opinions"], info["units"]) == ("6", "6", "7")


def test_meeting_stats_from_rows_and_from_counts(fixture_db):
    con = db.reader(fixture_db)
    stats = con.execute(
        "select meeting_id, expected, exempt, present, excused, absent, away, work, from_counts "
        "from meeting_stats order by meeting_id"
    ).fetchall()
    assert stats == [
        ("M1", 4, 1, 2, 1, 0, 1, 0, False),
        ("M2", 4, 1, 3, 0, 0, 0, 0, False),
        ("M3", 4, 1, 2, 1, 0, 0, 1, False),
        ("M4", 2, 0, 1, 0, 1, 0, 0, False),
        ("M5", 3, 0, 3, 0, 0, 0, 0, False),
        ("M6", 10, 1, 8, 1, 0, 0, 0, True),
    ]


def test_month_and_quarter_numbers_derived_for_cell_ranking(fixture_db):
    # year * 12 + month - 1 and year * 4 + quarter - 1 (macros.sql month_no, quarter_no)
    con = db.reader(fixture_db)
    stats = con.execute(
        "select meeting_id, month_no, quarter_no from meeting_stats order by meeting_id"
    ).fetchall()
    assert stats == [
        ("M1", 24300, 8100),
        ("M2", 24301, 8100),
        ("M3", 24301, 8100),
        ("M4", 24300, 8100),
        ("M5", 24301, 8100),
        ("M6", 24300, 8100),
    ]
    # a cell exists in a month when it exists on the 15th: C2 ends on 31/01/2025 (its last month
    # January), C3 starts on 01/02/2025 (its first month February); null = no limit
    facts = con.execute(
        "select cell_id, first_month, last_month, first_quarter, last_quarter from cell_facts order by cell_id"
    ).fetchall()
    assert facts == [
        ("C1", None, None, None, None),
        ("C2", None, 24300, None, 8100),
        ("C3", 24301, None, 8100, None),
        ("C4", None, None, None, None),
    ]


def test_every_query_opens_with_a_header_naming_its_parameters_and_columns():
    for name in db.query_names():
        header = db.query_text(name).split("\n", 1)[0]
        assert header.startswith(f"-- {name}:"), name
        assert "Columns:" in db.query_text(name), name


# ---- the shared terms (cellboard/data/macros.sql), on a reader's cursor ---------------------------


def macro_values(path, sql: str, **params) -> list[tuple]:
    cursor = db.reader(path)
    try:
        return cursor.execute(sql, params).fetchall()
    finally:
        cursor.close()


def test_the_scope_macros_give_the_subtree(fixture_db):
    assert macro_values(fixture_db, "select unit_id from scope_units($u) order by unit_id", u="X1") == [
        ("C1",),
        ("C2",),
        ("C3",),
        ("X1",),
    ]
    assert macro_values(fixture_db, "select count(*) from scope_units($u)", u=None) == [(7,)]
    assert macro_values(fixture_db, "select count(*) from scope_units('C4')") == [(1,)]
    assert macro_values(
        fixture_db,
        "select list(unit_id order by unit_id) filter (where in_scope(unit_id, $u)) from unit",
        u="X2",
    ) == [(["C4", "X2"],)]
    assert macro_values(fixture_db, "select bool_and(in_scope(unit_id, $u)) from unit", u=None) == [(True,)]
    # the two scope macros give the same subtree, for every root and for none
    assert macro_values(
        fixture_db,
        "select count(*) filter (where in_scope(u.unit_id, r.root) <> (u.unit_id in "
        "(select unit_id from scope_units(r.root)))), count(*) "
        "from unit u, (select unit_id as root from unit union all select null) r",
    ) == [(0, 7 * 8)]


def test_the_opinion_status_and_the_rates(fixture_db):
    assert macro_values(
        fixture_db,
        "select opinion_status(date '2025-02-25', $due, $as_of), "  # on the due day: on time
        "opinion_status(date '2025-02-26', $due, $as_of), "
        "opinion_status(null, $due, $as_of), "
        "opinion_status(null, date '2025-03-31', $as_of), "  # due on as_of: not overdue yet
        "on_time_rate(3, 5, 1), on_time_rate(0, 2, 2), attendance_rate(7, 12, 3), attendance_rate(0, 2, 2), "
        "rate(1, 4), rate(1, 0)",
        due=D(2025, 2, 25),
        as_of=D(2025, 3, 31),
    ) == [("answered_on_time", "answered_late", "overdue", "open", 0.75, None, 7 / 9, None, 0.25, None)]


def test_the_month_macros_follow_the_15th_rule(fixture_db):
    jan = 2025 * 12
    assert macro_values(
        fixture_db,
        "select month_no(date '2025-01-31'), quarter_no(date '2025-04-01'), "
        "first_month_existed(date '2025-01-15'), first_month_existed(date '2025-01-16'), "
        "last_month_existed(date '2025-01-15'), last_month_existed(date '2025-01-14'), "
        "existed_in_month(date '2025-01-15', null, date '2025-01-01'), "
        "existed_in_month(date '2025-01-16', null, date '2025-01-01'), "
        "existed_in_month(null, date '2025-01-14', date '2025-01-01'), "
        "existed_in_month(null, null, date '2025-01-01'), "
        "existed_between(date '2025-03-01', null, date '2025-01-01', date '2025-02-28'), "
        "existed_between(null, date '2025-01-01', date '2025-01-01', date '2025-02-28')",
    ) == [(jan, 2025 * 4 + 1, jan, jan + 1, jan, jan - 1, True, False, False, True, False, True)]
    assert macro_values(
        fixture_db, "select month from window_months($a, $b)", a="2024-12-31", b="2025-02-01"
    ) == [(D(2024, 12, 1),), (D(2025, 1, 1),), (D(2025, 2, 1),)]
    assert macro_values(fixture_db, "select fold('Đề nghị ĐƯỜNG Liên thôn')") == [
        ("de nghi duong lien thon",)
    ]
