"""The Opinions page and the queries it builds on, on the Kinh Môn workbook (tests/kinhmon.py) and the
tiny fixture (tests/fixture.py).

Kinh Môn 2015, worked out from kinhmon's rules (the k-th opinion of a category, k = 0, 1, ...):
- raised on the 20th of month (k mod 12) + 1 by cell CELLS[k mod 6]; a recommendation when k is odd;
  written when k mod 5 == 0; answered after 10 days (on time) when k mod 4 is 0 or 1, after 40 days
  (late) when k mod 4 == 2, never when k mod 4 == 3; text TEMPLATES[category][k mod 3].
- Due: the district's next briefing, the 20th of the next month. So the unanswered ones (k mod 4 == 3)
  are raised in April, August and December only (k mod 12 in 3, 7, 11).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import apptools
import duckdb
import fixture
import kinhmon
import openpyxl
import pytest
from streamlit.delta_generator import DeltaGenerator
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1.element_tree import Block, Widget

from cellboard import export, text
from cellboard.data import db, periods, store

YEAR_2015 = {"start": "2015-01-01", "end": "2015-12-31"}
AS_OF = "2016-06-01"
# The page's window for 2015, a link the filter bar opens as the year preset for 2015
PAGE_2015 = {"from": "2015-01-01", "to": "2015-12-31"}
FIXTURE_WINDOW = {"start": "2025-01-01", "end": "2025-02-28"}
JAN_FEB = {"from": "2025-01-01", "to": "2025-02-28"}
PAGE = "pages/opinions.py"
ROOT = Path(__file__).resolve().parent.parent
D = dt.date


@pytest.fixture(scope="module")
def kinhmon_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("kinhmon") / "kinhmon.duckdb"
    store.write_database(path, kinhmon.tables(), source="imported")
    return path


def rows(path, name, columns=None, **params):
    """The query's rows as plain dicts (dates ISO, missing values None), optionally some columns."""
    records = json.loads(export.to_json(db.run(name, params, path=path)))
    return [{key: record[key] for key in columns} for record in records] if columns else records


def ids(path, **params) -> list[str]:
    return [row["opinion_id"] for row in rows(path, "opinions_list", **params)]


def kinhmon_2015():
    frame = kinhmon.opinions()
    return frame[frame["raised_on"].map(lambda day: day.year == 2015)]


# ---- accent folding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Đường Tam Đảo", "duong tam dao"),
        ("ĐẢNG ĐOÀN", "dang doan"),
        ("đê điều", "de dieu"),
        ("Nạo vét", "nao vet"),
    ],
)
def test_fold_turns_d_and_accents_into_plain_letters(raw, folded):
    assert text.fold(raw) == folded


def test_the_stored_folded_text_is_the_python_fold_of_every_opinion(kinhmon_db):
    con = db.reader(kinhmon_db)
    stored = con.execute(
        "select o.text, f.text_folded from opinion o join opinion_facts f using (opinion_id)"
    ).fetchall()
    con.close()
    assert len(stored) == 156 + 187
    assert all(folded == text.fold(raw) for raw, folded in stored)


# ---- opinions_list: search, filters, paging ---------------------------------------------------------


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("nao vet", 20),  # agriculture's first template: k mod 3 == 0 of 58
        ("NẠO VÉT", 20),
        # "Đường liên thôn" 16, "chiếu sáng đường" 15, "ven đường" 4, and "bồi dưỡng" 3 (party work)
        ("duong", 38),
        ("ĐƯỜNG", 38),
        ("đường", 38),  # đ folds to d on both sides, so "đường" also finds "dưỡng"
        ("đường liên thôn", 16),
        ("Duong Lien Thon", 16),
        ("giong lua vu xuan", 19),  # agriculture's second template: k mod 3 == 1 of 58
        ("đồng tâm", 29),  # cell KM-HS-01's place (k mod 6 == 0): 10 + 8 + 2 + 3 + 2 + 2 + 2
        ("%", 0),
    ],
)
def test_search_folds_accents_case_and_d(kinhmon_db, search, expected):
    found = ids(kinhmon_db, text=search, **YEAR_2015)
    # the same count by folding in Python over the workbook's rows
    reference = kinhmon_2015()["text"].map(lambda t: text.fold(search) in text.fold(t)).sum()
    assert len(found) == expected == reference


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("agriculture", 58),
        ("transport_construction", 46),
        ("Giao thông - xây dựng", 46),
        ("tai nguyen, moi truong", 11),
        ("DỊCH VỤ", 17),
        ("social_policy", 10),
        ("security_order", 7),
        ("party_work", 7),
        ("other", 0),
    ],
)
def test_category_filter_counts(kinhmon_db, category, expected):
    assert len(ids(kinhmon_db, category=category, **YEAR_2015)) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # k even: 29 + 23 + 6 + 9 + 5 + 4 + 4
        ({"kind": "reflection"}, 80),
        ({"kind": "recommendation"}, 76),
        # k mod 5 == 0: 12 + 10 + 3 + 4 + 2 + 2 + 2
        ({"channel": "written"}, 35),
        # k mod 4 in (0, 1): 30 + 24 + 6 + 9 + 6 + 4 + 4; k mod 4 == 2: 14 + 11 + 3 + 4 + 2 + 2 + 2
        ({"status": "answered_on_time"}, 83),
        ({"status": "answered_late"}, 38),
        ({"status": "overdue"}, 35),
        ({"status": "open"}, 0),
        # transport 46 + services 17
        ({"department": "Phòng Kinh tế và Hạ tầng"}, 63),
        # cells KM-HS-01 and 02: k mod 6 in (0, 1) of 58
        ({"commune": "KM-HS", "category": "agriculture"}, 20),
        # ... and of those, k mod 3 == 0 (k mod 6 == 0): 10
        ({"commune": "KM-HS", "category": "agriculture", "text": "nao vet"}, 10),
        (
            {"category": "agriculture", "status": "overdue", "kind": "recommendation"},
            14,
        ),  # k mod 4 == 3 is odd
        ({"opinion": "YK-2015-agriculture-03"}, 1),
    ],
)
def test_filters_combine(kinhmon_db, params, expected):
    assert len(ids(kinhmon_db, as_of=AS_OF, **params, **YEAR_2015)) == expected


def test_overdue_and_open_are_judged_on_as_of(kinhmon_db):
    # On 01/01/2016 the December opinions (due 20/01/2016) are open: k = 11, 23, 35, 47 of agriculture.
    assert len(ids(kinhmon_db, category="agriculture", status="open", as_of="2016-01-01", **YEAR_2015)) == 4
    assert (
        len(ids(kinhmon_db, category="agriculture", status="overdue", as_of="2016-01-01", **YEAR_2015)) == 10
    )


def test_paging_with_limit_and_offset(kinhmon_db):
    everything = rows(kinhmon_db, "opinions_list", as_of=AS_OF, **YEAR_2015)
    pages = [
        rows(kinhmon_db, "opinions_list", as_of=AS_OF, limit=50, offset=o, **YEAR_2015)
        for o in range(0, 200, 50)
    ]
    assert [len(page) for page in pages] == [50, 50, 50, 6]
    assert [r["opinion_id"] for page in pages for r in page] == [r["opinion_id"] for r in everything]
    assert {r["matches"] for page in pages for r in page} == {156}
    # newest first
    assert everything[0]["raised_on"] == "2015-12-20" and everything[-1]["raised_on"] == "2015-01-20"


def test_the_command_line_and_the_library_agree(kinhmon_db):
    answer = subprocess.run(
        [sys.executable, "-m", "cellboard", "query", "opinions_list", "--db", str(kinhmon_db), "--format", "json",
         "--param", "start=2015-01-01", "--param", "end=2015-12-31", "--param", "text=nao vet"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    printed = json.loads(answer.stdout)
    assert len(printed) == 20
    assert [r["opinion_id"] for r in printed] == ids(kinhmon_db, text="nao vet", **YEAR_2015)


# ---- answer tracking --------------------------------------------------------------------------------


def test_opinion_response_by_hand(kinhmon_db):
    # per category: on time k mod 4 in (0, 1), late k mod 4 == 2, overdue k mod 4 == 3 (all due by 2016-06);
    # answers take 10 days (on time) or 40 (late): more 10s than 40s, so the median is 10.
    assert rows(
        kinhmon_db, "opinion_response",
        ["category", "opinions", "answered_on_time", "answered_late", "open", "overdue", "median_days_to_answer"],
        as_of=AS_OF, **YEAR_2015,
    ) == [
        {"category": "agriculture", "opinions": 58, "answered_on_time": 30, "answered_late": 14, "open": 0,
         "overdue": 14, "median_days_to_answer": 10},
        {"category": "transport_construction", "opinions": 46, "answered_on_time": 24, "answered_late": 11,
         "open": 0, "overdue": 11, "median_days_to_answer": 10},
        {"category": "environment", "opinions": 11, "answered_on_time": 6, "answered_late": 3, "open": 0,
         "overdue": 2, "median_days_to_answer": 10},
        {"category": "services", "opinions": 17, "answered_on_time": 9, "answered_late": 4, "open": 0,
         "overdue": 4, "median_days_to_answer": 10},
        {"category": "social_policy", "opinions": 10, "answered_on_time": 6, "answered_late": 2, "open": 0,
         "overdue": 2, "median_days_to_answer": 10},
        {"category": "security_order", "opinions": 7, "answered_on_time": 4, "answered_late": 2, "open": 0,
         "overdue": 1, "median_days_to_answer": 10},
        {"category": "party_work", "opinions": 7, "answered_on_time": 4, "answered_late": 2, "open": 0,
         "overdue": 1, "median_days_to_answer": 10},
    ]  # fmt: skip


def test_opinion_response_on_new_years_day_holds_december_open(kinhmon_db):
    # December's unanswered (k mod 12 == 11): agriculture 11, 23, 35, 47; transport 11, 23, 35; services 11
    result = rows(
        kinhmon_db, "opinion_response", ["category", "open", "overdue"], as_of="2016-01-01", **YEAR_2015
    )
    assert result == [
        {"category": "agriculture", "open": 4, "overdue": 10},
        {"category": "transport_construction", "open": 3, "overdue": 8},
        {"category": "environment", "open": 0, "overdue": 2},
        {"category": "services", "open": 1, "overdue": 3},
        {"category": "social_policy", "open": 0, "overdue": 2},
        {"category": "security_order", "open": 0, "overdue": 1},
        {"category": "party_work", "open": 0, "overdue": 1},
    ]


def test_opinion_response_by_department(kinhmon_db):
    result = rows(
        kinhmon_db, "opinion_response_by_department",
        ["assigned_to", "opinions", "answered_on_time", "answered_late", "open", "overdue", "median_days_to_answer"],
        as_of=AS_OF, **YEAR_2015,
    )  # fmt: skip
    by_name = {row.pop("assigned_to"): row for row in result}
    # transport and services share the department: 46 + 17, on time 24 + 9, late 11 + 4, overdue 11 + 4
    assert by_name["Phòng Kinh tế và Hạ tầng"] == {
        "opinions": 63, "answered_on_time": 33, "answered_late": 15, "open": 0, "overdue": 15,
        "median_days_to_answer": 10,
    }  # fmt: skip
    assert by_name["Phòng Nông nghiệp và PTNT"]["overdue"] == 14
    assert by_name["Công an huyện"] == {
        "opinions": 7,
        "answered_on_time": 4,
        "answered_late": 2,
        "open": 0,
        "overdue": 1,
        "median_days_to_answer": 10,
    }
    assert sum(row["opinions"] for row in by_name.values()) == 156


def test_overdue_opinions_oldest_first(kinhmon_db):
    result = rows(kinhmon_db, "overdue_opinions", as_of=AS_OF, **YEAR_2015)
    # April's (k mod 12 == 3): 5 + 4 + 1 + 2 + 1 + 1 + 1 due 20/05; August's (k mod 12 == 7): 5 + 4 + 1 + 1 + 1
    # due 20/09; December's (k mod 12 == 11): 4 + 3 + 1 due 20/01/2016.
    assert [r["due_on"] for r in result] == ["2015-05-20"] * 15 + ["2015-09-20"] * 12 + ["2016-01-20"] * 8
    assert result[0]["days_overdue"] == (D(2016, 6, 1) - D(2015, 5, 20)).days == 378
    limited = rows(
        kinhmon_db, "overdue_opinions", as_of=AS_OF, limit=3, department="Công an huyện", **YEAR_2015
    )
    assert [r["opinion_id"] for r in limited] == ["YK-2015-security_order-03"]


# ---- category shares, trend, communes ----------------------------------------------------------------


def comparison_params(start: dt.date, end: dt.date) -> dict[str, dt.date]:
    period = periods.Period(start, end)
    previous, year = periods.previous_period(period), periods.year_earlier(period)
    return {"start": start, "end": end, "prev_start": previous.start, "prev_end": previous.end,
            "year_start": year.start, "year_end": year.end}  # fmt: skip


def test_category_comparison_2015_against_2014(kinhmon_db):
    # a whole year: the previous period and the year earlier are both 2014 (187 opinions, 31 more)
    result = rows(
        kinhmon_db, "category_comparison",
        ["category", "opinions", "share", "opinions_prev", "change_prev", "direction_prev", "opinions_year",
         "direction_year"],
        **comparison_params(D(2015, 1, 1), D(2015, 12, 31)),
    )  # fmt: skip
    now, before = kinhmon.CATEGORY_COUNTS[2015], kinhmon.CATEGORY_COUNTS[2014]
    assert result == [
        {"category": code, "opinions": now[code], "share": pytest.approx(now[code] / 156),
         "opinions_prev": before[code], "change_prev": now[code] - before[code], "direction_prev": "down",
         "opinions_year": before[code], "direction_year": "down"}
        for code in now
    ]  # fmt: skip
    assert text.VI.pct(result[0]["share"]) == "37,2%"  # 58 of 156 (docs/DOMAIN.md)


def test_category_comparison_of_a_half_year(kinhmon_db):
    # H2 2015 against H1 2015 (the previous period) and H2 2014 (a year earlier), counted in Python
    frame = kinhmon.opinions()

    def count(code, start, end):
        return int(
            ((frame["category"] == code) & (frame["raised_on"] >= start) & (frame["raised_on"] <= end)).sum()
        )

    result = rows(kinhmon_db, "category_comparison", **comparison_params(D(2015, 7, 1), D(2015, 12, 31)))
    for row in result:
        code = row["category"]
        assert row["opinions"] == count(code, D(2015, 7, 1), D(2015, 12, 31))
        assert row["opinions_prev"] == count(code, D(2015, 1, 1), D(2015, 6, 30))
        assert row["opinions_year"] == count(code, D(2014, 7, 1), D(2014, 12, 31))
    agriculture = result[0]
    # agriculture: 58 = 4 x 12 + 10, so July-October hold 5 and November-December 4: 28; H1 30; H2 2014 34
    assert (agriculture["opinions"], agriculture["opinions_prev"], agriculture["opinions_year"]) == (
        28,
        30,
        34,
    )
    assert (agriculture["direction_prev"], agriculture["direction_year"]) == ("down", "down")
    total_now = sum(row["opinions"] for row in result)
    total_prev = sum(row["opinions_prev"] for row in result)
    # H1 2015: each category's months 1-6 (services: 2 in January-May, 1 in June): 30 + 24 + 6 + 11 + 6 + 6 + 6
    assert (total_now, total_prev) == (156 - 89, 89)
    assert agriculture["share_change_prev"] == pytest.approx(28 / total_now - 30 / total_prev)


def test_opinion_trend_has_every_month_for_every_category(kinhmon_db):
    result = rows(
        kinhmon_db, "opinion_trend", ["month", "category", "opinions"], start="2015-07-01", end="2015-12-31"
    )
    party = [r["opinions"] for r in result if r["category"] == "party_work"]
    assert party == [1, 0, 0, 0, 0, 0]  # k = 6 in July; k < 7
    agriculture = [r["opinions"] for r in result if r["category"] == "agriculture"]
    assert agriculture == [5, 5, 5, 5, 4, 4]
    assert [r["month"] for r in result[:7]] == ["2015-07-01"] * 7


def test_opinions_by_commune_category(kinhmon_db):
    result = rows(
        kinhmon_db, "opinions_by_commune_category", ["commune_id", "category", "opinions"], **YEAR_2015
    )
    agriculture = [(r["commune_id"], r["opinions"]) for r in result if r["category"] == "agriculture"]
    # two cells per commune: k mod 6 in (4, 5) for the town, (2, 3) for An Phụ, (0, 1) for Hiệp Sơn
    assert agriculture == [("KM-TT", 18), ("KM-AP", 20), ("KM-HS", 20)]
    assert sum(r["opinions"] for r in result) == 156


# ---- recurring matters ------------------------------------------------------------------------------


def test_recurring_matters_of_kinhmon(kinhmon_db):
    result = rows(kinhmon_db, "recurring_opinions", start="2015-07-01", end="2015-12-31", since="2015-01-01")
    dredging = [r for r in result if r["commune_id"] == "KM-HS" and r["category"] == "agriculture"
                and r["term"] == "kênh mương"]  # fmt: skip
    # cell KM-HS-01 (k mod 6 == 0) always raises "Đề nghị nạo vét kênh mương nội đồng thôn Đồng Tâm":
    # k = 0, 6, ..., 54 -> 10 times, in January and July, none unanswered (k is even)
    assert dredging == [{
        "commune_id": "KM-HS", "commune": "Xã Hiệp Sơn", "category": "agriculture",
        "name_vi": "Sản xuất nông nghiệp, thủy lợi", "name_en": "Agriculture and irrigation", "term": "kênh mương",
        "shared_words": "nạo vét kênh mương nội đồng", "opinions": 10, "cells": 1, "months": 2,
        "first_raised": "2015-01-20", "last_raised": "2015-07-20", "in_window": 5, "unanswered": 0,
        "example_opinion_id": "YK-2015-agriculture-54",
        "example_text": "Đề nghị nạo vét kênh mương nội đồng thôn Đồng Tâm",
    }]  # fmt: skip
    # the place names are left out of the shared words
    assert not [
        r for r in result if "đồng tâm" in (r["shared_words"] or "") or "tư lạc" in (r["shared_words"] or "")
    ]
    # counted in the window only, the same matter was raised 5 times, all in July
    window_only = rows(kinhmon_db, "recurring_opinions", start="2015-07-01", end="2015-12-31")
    assert not [r for r in window_only if r["commune_id"] == "KM-HS" and r["term"] == "kênh mương"
                and r["category"] == "agriculture" and r["months"] < 2 and r["cells"] < 2]  # fmt: skip


def test_recurring_matters_across_cells_and_spellings(tmp_path):
    # The fixture's O1 (C1, 25/01) "Đề nghị nạo vét kênh mương thôn Đông", and two more: C3 on 25/02 and
    # C2 on 25/01 typed without accents. All three share "kênh mương" and "nạo vét" (accents folded).
    tables = fixture.tables()
    extra = [
        ("O7", D(2025, 2, 25), "C3", "B2", "agriculture", "reflection", "meeting",
         "Kênh mương thôn Đoàn Kết cần nạo vét gấp", "Phòng Kinh tế", None, None),
        ("O8", D(2025, 1, 25), "C2", "B1", "agriculture", "recommendation", "written",
         "De nghi nao vet kenh muong", "Phòng Kinh tế", D(2025, 2, 1), "Đã nạo vét"),
    ]  # fmt: skip
    tables["opinion"] = fixture._frame(
        fixture.OPINIONS + extra,
        "opinion_id raised_on unit_id briefing_id category kind channel text assigned_to answered_on answer",
    )
    path = tmp_path / "recurring.duckdb"
    store.write_database(path, tables, source="imported")
    assert rows(path, "recurring_opinions", **FIXTURE_WINDOW) == [{
        "commune_id": "X1", "commune": "Xã An Bình", "category": "agriculture",
        "name_vi": "Sản xuất nông nghiệp, thủy lợi", "name_en": "Agriculture and irrigation", "term": "kênh mương",
        "shared_words": "kênh mương · nạo vét", "opinions": 3, "cells": 3, "months": 2,
        "first_raised": "2025-01-25", "last_raised": "2025-02-25", "in_window": 3, "unanswered": 1,
        "example_opinion_id": "O7", "example_text": "Kênh mương thôn Đoàn Kết cần nạo vét gấp",
    }]  # fmt: skip
    # a commune account's scope (X2) holds none of them
    assert rows(path, "recurring_opinions", unit="X2", **FIXTURE_WINDOW) == []

    # the latest opinion's text is read from opinion_text (schema.sql): a write changing O7's text, or
    # adding a later opinion, brings it along, as a rebuild would
    db.close_all()
    con = store.connect(str(path))
    con.execute("begin")
    store.apply_rows(con, {"opinion": fixture._frame(
        [("O7", D(2025, 2, 25), "C3", "B2", "agriculture", "reflection", "meeting",
          "Kênh mương thôn Đoàn Kết cần nạo vét ngay", "Phòng Kinh tế", None, None),
         ("O9", D(2025, 2, 26), "C1", "B2", "agriculture", "reflection", "meeting",
          "Nạo vét kênh mương trước mùa mưa", "Phòng Kinh tế", None, None)],
        "opinion_id raised_on unit_id briefing_id category kind channel text assigned_to answered_on answer",
    )})  # fmt: skip
    con.execute("commit")
    written = con.execute("select opinion_key, raised_on, text from opinion_text order by all").fetchall()
    store.rebuild_derived(con)
    assert (
        con.execute("select opinion_key, raised_on, text from opinion_text order by all").fetchall()
        == written
    )
    assert con.execute(
        "select o.text from opinion_text o join opinion_facts f using (opinion_key) where f.opinion_id = 'O7'"
    ).fetchall() == [("Kênh mương thôn Đoàn Kết cần nạo vét ngay",)]
    con.close()
    db.close_all()
    [matter] = rows(path, "recurring_opinions", **FIXTURE_WINDOW)
    assert (
        matter["opinions"],
        matter["last_raised"],
        matter["example_opinion_id"],
        matter["example_text"],
    ) == (4, "2025-02-26", "O9", "Nạo vét kênh mương trước mùa mưa")


def test_recurring_matter_term_ties_go_to_the_term_more_common_in_the_scope(tmp_path):
    # O1 (C1, 25/01) "Đề nghị nạo vét kênh mương thôn Đông" and O7 (C3, 25/02) share three terms in
    # Xã An Bình's agriculture, each held by both: "nạo vét", "vét kênh", "kênh mương". O8 (C4, Phường
    # Đông Hải) holds "nạo vét" too: across the whole tree "nạo vét" is held 3 times, the others twice,
    # so the matter is filed under it; within Xã An Bình alone all three are held twice and the first
    # alphabetically wins ("kenh muong" < "nao vet" < "vet kenh", folded).
    tables = fixture.tables()
    extra = [
        ("O7", D(2025, 2, 25), "C3", "B2", "agriculture", "reflection", "meeting",
         "Nạo vét kênh mương gấp", "Phòng Kinh tế", None, None),
        ("O8", D(2025, 2, 10), "C4", None, "agriculture", "reflection", "meeting",
         "Nạo vét ao tù", "Phòng Kinh tế", None, None),
    ]  # fmt: skip
    tables["opinion"] = fixture._frame(
        fixture.OPINIONS + extra,
        "opinion_id raised_on unit_id briefing_id category kind channel text assigned_to answered_on answer",
    )
    path = tmp_path / "ties.duckdb"
    store.write_database(path, tables, source="imported")
    matter = {
        "commune_id": "X1", "commune": "Xã An Bình", "category": "agriculture",
        "name_vi": "Sản xuất nông nghiệp, thủy lợi", "name_en": "Agriculture and irrigation", "term": "nạo vét",
        "shared_words": "nạo vét kênh mương", "opinions": 2, "cells": 2, "months": 2,
        "first_raised": "2025-01-25", "last_raised": "2025-02-25", "in_window": 2, "unanswered": 1,
        "example_opinion_id": "O7", "example_text": "Nạo vét kênh mương gấp",
    }  # fmt: skip
    assert rows(path, "recurring_opinions", **FIXTURE_WINDOW) == [matter]
    assert rows(path, "recurring_opinions", unit="P", **FIXTURE_WINDOW) == [matter]
    assert rows(path, "recurring_opinions", unit="X1", **FIXTURE_WINDOW) == [{**matter, "term": "kênh mương"}]


def test_two_opinions_whose_ids_share_a_duckdb_hash_stay_two(tmp_path):
    # The opinions are keyed by id_key (macros.sql), not DuckDB's hash(): these two ids of the L bench
    # share a hash() value. Keyed by it, the two were one opinion filed under one matter only.
    a, b = "YK-X06103-202201-01", "YK-X06193-202204-01"
    # a: C3 (Xã An Bình) in February, with the fixture's O1 (C1, January) under "kênh mương"; b: C4 (Phường Đông Hải) in
    # January, with the fixture's O4 (C4, 10/02: "=1+1 trộm cắp vặt") in February
    tables = fixture.tables()
    extra = [
        (a, D(2025, 2, 25), "C3", "B2", "agriculture", "reflection", "meeting",
         "Kênh mương thôn Đoàn Kết cần nạo vét gấp", "Phòng Kinh tế", None, None),
        (b, D(2025, 1, 12), "C4", None, "security_order", "reflection", "meeting",
         "Tình trạng trộm cắp vặt tái diễn", "Công an phường", None, None),
    ]  # fmt: skip
    tables["opinion"] = fixture._frame(
        fixture.OPINIONS + extra,
        "opinion_id raised_on unit_id briefing_id category kind channel text assigned_to answered_on answer",
    )
    path = tmp_path / "collide.duckdb"
    store.write_database(path, tables, source="imported")
    con = duckdb.connect(str(path), read_only=True)
    keys = "select hash($a) = hash($b), count(distinct opinion_key) from opinion_facts where opinion_id in ($a, $b)"
    assert con.execute(keys, {"a": a, "b": b}).fetchone() == (True, 2)
    con.close()
    columns = [
        "commune_id",
        "category",
        "term",
        "shared_words",
        "opinions",
        "cells",
        "months",
        "example_opinion_id",
    ]
    assert rows(path, "recurring_opinions", columns, **FIXTURE_WINDOW) == [
        {"commune_id": "X1", "category": "agriculture", "term": "kênh mương", "shared_words": "kênh mương · nạo vét",
         "opinions": 2, "cells": 2, "months": 2, "example_opinion_id": a},
        {"commune_id": "X2", "category": "security_order", "term": "cắp vặt", "shared_words": "trộm cắp vặt",
         "opinions": 2, "cells": 1, "months": 2, "example_opinion_id": "O4"},
    ]  # fmt: skip


def test_no_matter_recurs_in_the_fixture(fixture_db):
    assert rows(fixture_db, "recurring_opinions", **FIXTURE_WINDOW) == []


# ---- the page in AppTest ----------------------------------------------------------------------------


class ChartClick(Widget):
    """A plotly chart's selection, as the browser sends it after a click (AppTest has no chart clicks)."""

    def __init__(self, element, points: list[dict]):
        self.proto, self.root, self.type = element.proto, element.root, "plotly_chart"
        self.id, self.key, self.disabled = element.proto.id, element.key, False
        self._value = points

    @property
    def value(self):
        return self._value

    @property
    def _widget_state(self) -> WidgetState:
        state = WidgetState(id=self.id)
        state.string_value = json.dumps(
            {"selection": {"points": self._value, "point_indices": [0], "box": [], "lasso": []}}
        )
        return state


def click(at, chart_key: str, points: list[dict]):
    """Click a chart: its selection state goes with the next run, as the frontend would send it."""

    def swap(block) -> bool:
        for index, child in list(block.children.items()):
            if getattr(child, "type", None) == "plotly_chart" and getattr(child, "key", None) == chart_key:
                block.children[index] = ChartClick(child, points)
                return True
            if isinstance(child, Block) and swap(child):
                return True
        return False

    assert swap(at._tree), f"no chart {chart_key}"
    return at.run()


def open_page(app_on, path, **url):
    at = app_on(path, **url).run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def open_section(at, section: str):
    """A click on one of the section buttons under the headline figures."""
    at.segmented_control(key="section").set_value(section).run()
    assert not at.exception, at.exception
    return at


def matches_shown(at) -> str:
    return next(c.value for c in at.caption if c.value.endswith("ý kiến phù hợp"))


def opinion_list(at):
    """The list's table: the first one with the text column."""
    return next(frame.value for frame in at.dataframe if "Nội dung" in frame.value.columns)


def test_the_page_shows_the_2015_figures(app_on, kinhmon_db):
    at = open_page(app_on, kinhmon_db, **PAGE_2015)
    shown = {m.label: (m.value, m.delta) for m in at.metric}
    # 156 opinions, 31 fewer than 2014 (docs/DOMAIN.md); 83 on time; 35 overdue; 38 late
    assert shown["Ý kiến, kiến nghị"] == ("156", "-31")
    assert shown["Trả lời đúng hạn"][0] == "53,2%"
    assert shown["Quá hạn chưa trả lời"][0] == "35"
    assert shown["Trả lời trễ hạn"][0] == "38"
    assert all(m.help for m in at.metric)
    # the bars of this period hold the query's counts
    bars = apptools.figure(at, 0)["data"][2]
    assert apptools.values(bars["x"]) == list(kinhmon.CATEGORY_COUNTS[2015].values())
    at = open_section(at, "list")
    assert matches_shown(at) == "156 ý kiến phù hợp"
    assert len(opinion_list(at)) == 50


def test_a_click_on_a_category_bar_filters_the_list(app_on, kinhmon_db):
    at = open_page(app_on, kinhmon_db, **PAGE_2015)
    at = click(at, "chart_category_comparison", [
        {"curve_number": 2, "point_number": 2, "point_index": 2, "x": 11, "y": "Tài nguyên, môi trường",
         "customdata": "environment"},
    ])  # fmt: skip
    assert not at.exception
    assert at.segmented_control(key="section").value == "list"  # the click opens the list
    assert at.query_params["category"] == "environment"
    assert at.selectbox(key="opt_category").value == "environment"
    assert matches_shown(at) == "11 ý kiến phù hợp"
    assert set(opinion_list(at)["Lĩnh vực"]) == {"Tài nguyên, môi trường"}


def test_a_click_on_the_treemap_filters_by_commune_and_category(app_on, kinhmon_db):
    at = open_section(open_page(app_on, kinhmon_db, **PAGE_2015), "by_commune")
    at = click(
        at, "chart_opinions_by_commune_category", [{"id": "KM-HS", "label": "Xã Hiệp Sơn", "parent": ""}]
    )
    assert at.query_params["commune"] == "KM-HS"
    assert at.segmented_control(key="section").value == "list"  # the click opens the list
    # the commune's two cells (k mod 6 in 0, 1): 20 + 16 + 4 + 6 + 4 + 3 + 3
    assert matches_shown(at) == "56 ý kiến phù hợp"
    at = open_section(at, "by_commune")  # back to the treemap, for a click on one of its leaves
    at = click(at, "chart_opinions_by_commune_category", [{"id": "KM-HS|agriculture", "parent": "KM-HS"}])
    assert at.query_params["category"] == "agriculture"
    assert matches_shown(at) == "20 ý kiến phù hợp"


def test_the_search_box_agrees_with_the_query(app_on, kinhmon_db):
    at = open_section(open_page(app_on, kinhmon_db, **PAGE_2015), "list")
    at.text_input(key="opt_q").input("nao vet").run()
    assert at.query_params["q"] == "nao vet"
    assert matches_shown(at) == "20 ý kiến phù hợp"
    shown = opinion_list(at)
    assert list(shown["Nội dung"]) == [
        r["text"]
        for r in rows(kinhmon_db, "opinions_list", text="nao vet", start="2015-01-01", end="2015-12-31")
    ]
    assert all("nạo vét" in value for value in shown["Nội dung"])


def test_filters_from_a_link_reopen_the_view(app_on, kinhmon_db):
    at = open_page(app_on, kinhmon_db, category="agriculture", status="overdue", dept="Phòng Nông nghiệp và PTNT",
                   **PAGE_2015)  # fmt: skip
    at = open_section(at, "list")  # (AppTest seeds no URL into the bound section buttons; Chromium does)
    assert at.selectbox(key="opt_status").value == "overdue"
    assert matches_shown(at) == "14 ý kiến phù hợp"
    assert set(opinion_list(at)["Tình trạng"]) == {"Quá hạn chưa trả lời"}
    next(button for button in at.button if button.label == "Bỏ mọi bộ lọc").click().run()
    assert matches_shown(at) == "156 ý kiến phù hợp"
    assert "category" not in at.query_params and "status" not in at.query_params


def test_pages_of_fifty(app_on, kinhmon_db):
    at = open_section(open_page(app_on, kinhmon_db, page="4", **PAGE_2015), "list")
    assert len(opinion_list(at)) == 6
    assert "Trang 4/4" in [c.value for c in at.caption]
    at.number_input(key="opt_page").set_value(2).run()
    assert at.query_params["page"] == "2"
    assert len(opinion_list(at)) == 50
    at.selectbox(key="opt_kind").set_value("reflection").run()  # a new filter: back to the first page
    assert "page" not in at.query_params
    assert matches_shown(at) == "80 ý kiến phù hợp"


def test_the_detail_shows_html_as_text(app_on, fixture_db):
    at = open_page(app_on, fixture_db, opinion="O3", **JAN_FEB)
    assert at.segmented_control(key="section").value == "list"  # a link to one opinion opens the list
    shown = [element.value for element in at.text]
    assert "<script>alert(1)</script> Đê bao bị sạt" in shown
    assert "(chưa có trả lời)" in shown
    assert not [m.value for m in at.markdown if "<script" in m.value]
    fields = next(frame.value for frame in at.dataframe if "Thông tin" in frame.value.columns)
    values = dict(zip(fields.iloc[:, 0], fields.iloc[:, 1], strict=True))
    # O3: raised 25/02 by C3 at Xã An Bình, due at the next briefing 25/03, unanswered
    assert values["Hạn trả lời"] == "25/03/2025"
    assert values["Nơi nêu"] == "Chi bộ thôn Đoàn Kết — Xã An Bình"


def test_the_list_downloads_neutralise_formulas(app_on, fixture_db, monkeypatch):
    offered = {}
    original = DeltaGenerator.download_button

    def recording(self, label, data, file_name=None, *args, **kwargs):
        offered[file_name] = data() if callable(data) else data
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", recording)
    open_section(open_page(app_on, fixture_db, **JAN_FEB), "list")
    csv_text = offered["opinions_list.csv"].decode("utf-8")
    assert csv_text.startswith("\ufeff")
    assert "'=1+1 trộm cắp vặt" in csv_text and "<script>alert(1)</script>" in csv_text
    sheet = openpyxl.load_workbook(io.BytesIO(offered["opinions_list.xlsx"])).active
    texts = [
        cell for cell in sheet.iter_rows() for cell in cell if cell.value and "trộm cắp" in str(cell.value)
    ]
    assert [(cell.value, cell.data_type) for cell in texts] == [("'=1+1 trộm cắp vặt", "s")]
    assert sheet.max_row == 1 + 4  # every matching opinion of the window, not one page


def test_the_page_in_english_and_in_an_empty_period(app_on, fixture_db):
    at = open_page(app_on, fixture_db, lang="en", **JAN_FEB)
    assert "Opinions by category, against the previous period and a year earlier" in [
        s.value for s in at.subheader
    ]
    at = open_section(open_page(app_on, fixture_db, **{"from": "2030-01-01", "to": "2030-02-28"}), "list")
    assert matches_shown(at) == "0 ý kiến phù hợp"


# ---- one section at a time (issue 15) -----------------------------------------------------------------


def chart_keys(at) -> list[str]:
    return [element.key for element in at.get("plotly_chart")]


@pytest.fixture
def queries_run(monkeypatch) -> list[str]:
    """The names of the queries the app runs (each once per cache entry: the caches start empty)."""
    asked: list[str] = []
    original = db.run

    def recording(name, *args, **kwargs):
        asked.append(name)
        return original(name, *args, **kwargs)

    monkeypatch.setattr(db, "run", recording)
    return asked


def test_only_the_chosen_section_runs(app_on, fixture_db, queries_run):
    at = app_on(fixture_db, **JAN_FEB).run()
    queries_run.clear()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    # the default section, categories: its chart; its query and the headline figures' only
    assert at.segmented_control(key="section").value == "categories"
    assert at.segmented_control(key="section").options == [
        "Theo lĩnh vực", "Theo xã/phường", "Diễn biến theo tháng", "Danh sách ý kiến", "Theo dõi trả lời", "Vấn đề lặp lại",
    ]  # fmt: skip
    assert chart_keys(at) == ["chart_category_comparison"]
    # opinion_response three times: this period, the previous one, a year earlier (the tiles)
    assert sorted(queries_run) == sorted(["opinion_response"] * 3 + ["category_comparison"])
    assert len(at.metric) == 4
    loc = text.Locale("vi")
    drawn = {
        "by_commune": (
            ["chart_opinions_by_commune_category"],
            ["op_treemap_title"],
            ["opinions_by_commune_category"],
        ),
        "trend": (["chart_opinion_trend"], ["op_trend_title"], ["opinion_trend"]),
        "list": ([], ["op_list_title"], ["opinion_response_by_department", "opinions_list"]),
        "response": (
            ["chart_opinion_response", "chart_opinion_response_by_department"],
            ["op_response_title"],
            ["overdue_opinions"],  # by department already asked for by the list
        ),
        "recurring": ([], ["op_recurring_title"], ["recurring_opinions"]),
        "categories": (["chart_category_comparison"], ["op_shares_title"], []),
    }
    for section, (keys, headers, asked) in drawn.items():
        queries_run.clear()
        open_section(at, section)
        assert chart_keys(at) == keys, section
        assert [header.value for header in at.main.subheader] == [loc.t(key) for key in headers], section
        assert queries_run == asked, section
        assert len(at.metric) == 4, section
    # the list's table is drawn only in its section
    assert not [frame for frame in at.dataframe if "Nội dung" in frame.value.columns]
    open_section(at, "list")
    assert len(opinion_list(at)) == 4  # O1-O4 raised in January and February 2025


def test_the_sections_in_english(app_on, fixture_db):
    at = open_page(app_on, fixture_db, lang="en", **JAN_FEB)
    assert at.segmented_control(key="section").options == [
        "By category", "By commune", "Month by month", "The list", "Answers", "Recurring matters",
    ]  # fmt: skip


def test_a_links_filters_survive_a_section_it_does_not_draw(app_on, kinhmon_db):
    # a link to the categories with the list's filters: they stay in the URL and the list opens with them
    at = open_page(app_on, kinhmon_db, category="environment", page="1", since="year", **PAGE_2015)
    assert at.segmented_control(key="section").value == "categories"
    assert (at.query_params["category"], at.query_params["since"]) == ("environment", "year")
    open_section(at, "list")
    assert matches_shown(at) == "11 ý kiến phù hợp"
    open_section(at, "recurring")
    assert at.segmented_control(key="opt_since").value == "year"
