"""The Cell rankings page and its queries: the bottom decile, cells that need help, a cell's history
across a merge; the page in AppTest (the weights shown are the weights used, adjustable and reset,
drill-downs by simulated chart clicks, the URL round trip) and in a real Chromium.
"""

from __future__ import annotations

import datetime as dt

import apptools
import fixture
import numpy as np
import pandas as pd
import pytest
from browser import login, wait_for_app

# one definition of a simulated chart click, and the half-year fixture, shared with the Participation tests
from test_participation import (  # noqa: F401
    JAN_FEB,
    WINDOW,
    asked_queries,
    chart,
    chart_keys,
    click_chart,
    half_year_db,
    open_section,
    rows,
)

from cellboard import charts, text
from cellboard.data import db, store

PAGE = "pages/rankings.py"
DEFAULT_WEIGHTS = {"w_attendance": 0.4, "w_regularity": 0.3, "w_thematic": 0.2, "w_visits": 0.1}
# the meeting sheet's columns of a meeting reported by counts, in the rows' order below
MEETING_COLUMNS = [
    "meeting_id",
    "cell_id",
    "held_on",
    "kind",
    "expected",
    "present",
    "excused",
    "absent",
    "exempt",
]


@pytest.fixture(scope="module")
def ten_cells_db(tmp_path_factory):
    """One commune of ten cells K0-K9 that each met (counts only) in January, February and March 2025,
    K<i> with 10 - i of 10 present; and K10 that met once with nobody present."""
    units = [("P", "Tỉnh Mười", "province", None), ("X", "Xã Mười", "commune", "P")]
    units += [(f"K{i}", f"Chi bộ số {i:02d}", "cell", "X") for i in range(11)]
    meetings = [
        (f"K{i}-{month}", f"K{i}", dt.date(2025, month, 10), "regular", 10, 10 - i, 0, i, 0)
        for i in range(10)
        for month in (1, 2, 3)
    ] + [("K10-1", "K10", dt.date(2025, 1, 10), "regular", 10, 0, 0, 10, 0)]
    tables = {
        "unit": pd.DataFrame(units, columns=["unit_id", "name", "kind", "parent_id"], dtype=object),
        "meeting": pd.DataFrame(
            meetings,
            columns=MEETING_COLUMNS,
            dtype=object,
        ),
    }
    path = tmp_path_factory.mktemp("ten_cells") / "ten_cells.duckdb"
    store.write_database(path, tables, source="imported")
    return path


def open_page(app_on, path, **url):
    at = app_on(path, **url).run()
    return at.switch_page(PAGE).run()


def score_line(at) -> str:
    return next(block.value for block in at.markdown if block.value.startswith("**Điểm tổng hợp**"))


def sliders(at) -> dict[str, float]:
    return {key: at.slider(key=f"weight_{key}").value for key in DEFAULT_WEIGHTS}


# ---- the queries ---------------------------------------------------------------------------------


def test_cell_ranking_marks_the_bottom_decile_of_ranked_cells(ten_cells_db):
    window = {"start": "2025-01-01", "end": "2025-03-31"}
    result = rows(
        ten_cells_db,
        "cell_ranking",
        ["cell_id", "is_ranked", "rank_in_commune", "is_bottom_decile"],
        **window,
    )
    # K9 has the lowest score of the ten ranked cells (cume_dist 0.1); K10 scores lower but met once.
    assert [r["cell_id"] for r in result if r["is_bottom_decile"]] == ["K9"]
    assert {r["cell_id"]: r["rank_in_commune"] for r in result}["K9"] == 10
    assert {r["cell_id"]: r["is_ranked"] for r in result}["K10"] is False


def test_no_bottom_decile_among_fewer_than_ten_ranked_cells(ten_cells_db, fixture_db):
    # the fixture ranks only C1; in February-March the ten cells met twice each, so none is ranked
    assert not any(r["is_bottom_decile"] for r in rows(fixture_db, "cell_ranking", **WINDOW))
    two_months = rows(ten_cells_db, "cell_ranking", start="2025-02-01", end="2025-03-31")
    assert not any(r["is_bottom_decile"] or r["is_ranked"] for r in two_months)


def test_cell_rankings_month_flags_follow_writes_as_a_full_rebuild_finds_them(tmp_path):
    # meeting_stats' met_after, visit_after and thematic_first (schema.sql) are written for all of a
    # cell's meetings when one of them, or the cell's life, changes: after each write they hold what a
    # rebuild would, and cell_ranking counts the months of a window starting mid-month from them
    d = dt.date
    units = pd.DataFrame(
        [("P", "Tỉnh", "province", None), ("X", "Xã", "commune", "P"), ("C1", "Chi bộ 1", "cell", "X")],
        columns=["unit_id", "name", "kind", "parent_id"],
    )
    meetings = [
        ("A1", "C1", d(2025, 1, 6), "regular", 4, 4, 0, 0, 0),
        ("A2", "C1", d(2025, 1, 20), "thematic", 4, 3, 1, 0, 0),
        ("A3", "C1", d(2025, 2, 10), "extraordinary", 4, 2, 0, 2, 0),
        ("A4", "C1", d(2025, 3, 3), "regular", 4, 4, 0, 0, 0),
    ]
    path = tmp_path / "flags.duckdb"
    store.write_database(
        path,
        {
            "unit": units,
            "meeting": pd.DataFrame(meetings, columns=MEETING_COLUMNS, dtype=object),
            "committee_member": pd.DataFrame(
                {"person_id": ["V"], "full_name": ["Ủy viên"], "level": ["commune"], "unit_id": ["X"]}
            ),
            "visit": pd.DataFrame({"meeting_id": ["A2", "A3"], "person_id": "V"}),
        },
        source="imported",
    )

    def flags() -> list[tuple]:
        return fixture.as_rebuilt(
            path, "select meeting_id, met_after, visit_after, thematic_first from meeting_stats order by 1"
        )

    def write(**tables: pd.DataFrame) -> None:
        fixture.apply(path, **tables)

    def counted(start: str) -> dict:
        columns = ["meetings", "months_met", "months_existed", "visit_months", "quarters_thematic"]
        return rows(path, "cell_ranking", columns, start=start, end="2025-03-31", as_of="2025-04-01")[0]

    # January is met by A1 (and A2, whose met_after is A1's day), visited by A2; February only by A3's
    # visit (an extraordinary meeting); March by A4; the quarter is thematic by A2
    assert flags() == [
        ("A1", d(2024, 12, 31), None, False),
        ("A2", d(2025, 1, 6), d(2024, 12, 31), True),
        ("A3", None, d(2025, 1, 31), False),
        ("A4", d(2025, 2, 28), None, False),
    ]
    # from 15 January, A2 still meets and is visited in January; from the 21st January is neither
    assert counted("2025-01-15") == {
        "meetings": 3,
        "months_met": 2,
        "months_existed": 3,
        "visit_months": 2,
        "quarters_thematic": 1,
    }
    assert counted("2025-01-21") == {
        "meetings": 2,
        "months_met": 1,
        "months_existed": 3,
        "visit_months": 1,
        "quarters_thematic": 1,
    }
    # A2 withdrawn: the quarter has no thematic meeting left; a meeting before A1 takes its place as
    # January's first (A1 not written, its flag follows)
    withdrawn = pd.DataFrame([(*meetings[1], "Nhập trùng")], columns=[*MEETING_COLUMNS, "withdrawn_reason"])
    write(meeting=withdrawn)
    write(
        meeting=pd.DataFrame([("A0", "C1", d(2025, 1, 3), "regular", 4, 4, 0, 0, 0)], columns=MEETING_COLUMNS)
    )
    assert flags() == [
        ("A0", d(2024, 12, 31), None, False),
        ("A1", d(2025, 1, 3), None, False),
        ("A3", None, d(2025, 1, 31), False),
        ("A4", d(2025, 2, 28), None, False),
    ]
    assert counted("2025-01-01") == {
        "meetings": 4,
        "months_met": 2,
        "months_existed": 3,
        "visit_months": 1,
        "quarters_thematic": 0,
    }
    # C1 dissolved on 10 February (its last month January: it did not exist on the 15th): no meeting
    # changed, February's visit and March's meeting no longer count for it
    write(unit=units.assign(valid_to=[None, None, d(2025, 2, 10)]))
    assert flags() == [
        ("A0", d(2024, 12, 31), None, False),
        ("A1", d(2025, 1, 3), None, False),
        ("A3", None, None, False),
        ("A4", None, None, False),
    ]
    assert counted("2025-01-01") == {
        "meetings": 4,
        "months_met": 1,
        "months_existed": 1,
        "visit_months": 0,
        "quarters_thematic": 0,
    }


def test_cell_history_across_a_merge(fixture_db):
    columns = ["cell_id", "generation", "relation", "month", "meetings", "attendance_rate"]
    # C3 was formed from C2 (merged into it on 01/02/2025)
    assert rows(fixture_db, "cell_history", columns, cell="C3", **WINDOW) == [
        {
            "cell_id": "C2",
            "generation": 1,
            "relation": "predecessor",
            "month": "2025-01-01",
            "meetings": 1,
            "attendance_rate": 0.5,
        },
        {
            "cell_id": "C3",
            "generation": 0,
            "relation": "cell",
            "month": "2025-02-01",
            "meetings": 1,
            "attendance_rate": 1.0,
        },
    ]
    # from C2 the lineage goes forward to C3
    assert [(r["cell_id"], r["relation"]) for r in rows(fixture_db, "cell_history", cell="C2", **WINDOW)] == [
        ("C2", "cell"),
        ("C3", "successor"),
    ]
    # a cell without merges has only its own months; outside the subtree nothing
    assert [r["month"] for r in rows(fixture_db, "cell_history", cell="C1", **WINDOW)] == [
        "2025-01-01",
        "2025-02-01",
    ]
    assert rows(fixture_db, "cell_history", cell="C3", unit="X2", **WINDOW) == []


def test_needs_help_joins_runs_below_target_and_the_bottom_decile(ten_cells_db):
    window = {"start": "2025-01-01", "end": "2025-03-31"}
    ranking = db.run("cell_ranking", window, path=ten_cells_db)
    running = db.run("cells_needing_help", {**window, "target": 0.9}, path=ten_cells_db)
    # K2-K9 were below 90 % all three months; K9 is also the bottom decile
    assert list(running["cell_id"]) == [f"K{i}" for i in range(9, 1, -1)]
    table = charts.needs_help_table(text.VI, ranking, running)
    assert list(table["cell_id"]) == [f"K{i}" for i in range(9, 1, -1)]
    assert table.loc[0, "why"] == "Dưới chỉ tiêu 3 tháng liên tiếp; Thuộc 10% điểm thấp nhất"
    assert table.loc[1, "why"] == "Dưới chỉ tiêu 3 tháng liên tiếp"


# ---- the page ------------------------------------------------------------------------------------


def test_the_page_shows_the_default_weights_it_used(app_on, fixture_db):
    at = open_page(app_on, fixture_db, commune="X1", **JAN_FEB)
    assert not at.exception
    ranking = db.run("cell_ranking", WINDOW, path=fixture_db)
    used = ranking.iloc[0][list(DEFAULT_WEIGHTS)].to_dict()
    assert used == DEFAULT_WEIGHTS  # the defaults documented in queries/cell_ranking.sql
    assert sliders(at) == used
    assert "40,0% × Tỷ lệ đảng viên dự sinh hoạt + 30,0% × Tỷ lệ sinh hoạt đều đặn" in score_line(at)
    # Xã An Bình is ranked: C1 (3 meetings) first; C2 and C3 have too few meetings
    bars = chart(at, "chart_cell_ranking")
    ids = apptools.values(bars["data"][0]["customdata"])
    assert ids == ["C1", "C3", "C2"]
    score = ranking.set_index("cell_id").loc["C1", "score"]
    assert sum(apptools.values(trace["x"])[0] for trace in bars["data"][:4]) == pytest.approx(score)
    assert bars["layout"]["yaxis"]["ticktext"] == [
        "1. Chi bộ thôn Đông",
        "Chi bộ thôn Đoàn Kết",
        "Chi bộ thôn Tây",
    ]
    no_data = bars["data"][4]["text"]
    assert no_data == [None, "Chưa đủ số liệu (1 buổi)", "Chưa đủ số liệu (1 buổi)"]


def test_weights_from_the_url_are_the_weights_used_and_shown(app_on, fixture_db):
    weights = {"w_attendance": "1", "w_regularity": "0", "w_thematic": "0", "w_visits": "0"}
    at = open_page(app_on, fixture_db, unit="X1", **weights, **JAN_FEB)
    assert not at.exception
    assert sliders(at) == {"w_attendance": 1.0, "w_regularity": 0.0, "w_thematic": 0.0, "w_visits": 0.0}
    assert score_line(at).startswith("**Điểm tổng hợp** = 100,0% × Tỷ lệ đảng viên dự sinh hoạt + 0,0% ×")
    bars = chart(at, "chart_cell_ranking")
    assert apptools.values(bars["data"][0]["x"])[0] == pytest.approx(7 / 9)  # C1: its attendance rate alone
    assert bars["data"][5]["text"][0] == text.VI.pct(7 / 9) == "77,8%"


def test_a_slider_moves_the_weight_into_the_url_and_reset_brings_the_defaults_back(app_on, fixture_db):
    at = open_page(app_on, fixture_db, unit="X1", **JAN_FEB)
    at.slider(key="weight_w_visits").set_value(0.5).run()
    assert not at.exception
    assert at.query_params["w_visits"] == "0.5"
    expected = db.run("cell_ranking", {**WINDOW, "unit": "X1", "w_visits": 0.5}, path=fixture_db)
    assert expected.loc[0, "w_visits"] == 0.5
    assert "35,7% × Được cấp ủy dự sinh hoạt" in score_line(at)  # 0.5 / (0.4 + 0.3 + 0.2 + 0.5)
    bars = chart(at, "chart_cell_ranking")
    assert sum(apptools.values(trace["x"])[0] for trace in bars["data"][:4]) == pytest.approx(
        expected.loc[0, "score"]
    )
    at.button[0].click().run()  # reset
    assert not at.exception
    assert not any(key.startswith("w_") for key in at.query_params)
    assert sliders(at) == DEFAULT_WEIGHTS


@pytest.mark.parametrize(
    ("weights", "notice"),
    [
        ({"w_visits": "lots"}, "«lots»"),
        ({"w_attendance": "2"}, "«2»"),
        ({"w_attendance": "0", "w_regularity": "0", "w_thematic": "0", "w_visits": "0"}, "đều bằng 0"),
    ],
)
def test_bad_weights_in_the_url_fall_back_to_the_defaults(app_on, fixture_db, weights, notice):
    at = open_page(app_on, fixture_db, **weights, **JAN_FEB)
    assert not at.exception
    assert any(notice in warning.value for warning in at.warning)
    assert sliders(at) == DEFAULT_WEIGHTS
    assert not any(key.startswith("w_") for key in at.query_params)


def test_clicks_pick_a_commune_and_a_cell_whose_history_shows_its_predecessor(app_on, fixture_db):
    at = open_page(app_on, fixture_db, **JAN_FEB)
    extremes = chart(at, "chart_top_bottom_cells")
    assert apptools.values(extremes["data"][2]["customdata"]) == ["X2", "X1"]
    click_chart(at, "chart_top_bottom_cells", "X2")
    assert not at.exception
    assert at.query_params["commune"] == "X2"
    assert apptools.values(chart(at, "chart_cell_ranking")["data"][0]["customdata"]) == ["C4"]

    at.selectbox(key="opt_commune").set_value("X1").run()
    click_chart(at, "chart_cell_ranking", "C3")
    assert not at.exception
    assert at.query_params["cell"] == "C3"
    history = chart(at, "chart_cell_history")
    names = [trace["name"] for trace in history["data"]]
    assert names[:2] == ["Chi bộ thôn Tây (tiền thân)", "Chi bộ thôn Đoàn Kết (chi bộ đang xem)"]
    assert names[2] == "Cả Xã An Bình"
    assert any("được lập từ: Chi bộ thôn Tây" in caption.value for caption in at.caption)
    # C3 was formed on 01/02/2025: its history starts 6 months earlier, 01/08/2024
    assert any(caption.value == "Kỳ: 01/08/2024 – 28/02/2025" for caption in at.caption)
    # the commune's line runs on across the merge, as participation_trend of X1 answers
    trend = db.run(
        "participation_trend", {"start": "2024-08-01", "end": "2025-02-28", "unit": "X1"}, path=fixture_db
    )
    assert np.allclose(apptools.values(history["data"][2]["y"]), trend["attendance_rate"], equal_nan=True)
    assert list(trend["attendance_rate"].dropna()) == pytest.approx([3 / 5, 8 / 9])


def test_only_the_chosen_section_is_drawn(app_on, fixture_db, monkeypatch):
    asked = asked_queries(monkeypatch)
    at = app_on(fixture_db, **JAN_FEB).run()
    asked.clear()  # the queries of the page opened first (the overview), not this one's
    at.switch_page(PAGE).run()
    assert not at.exception
    # not the queries of the cells that need help or of the ratings
    assert not {"cells_needing_help", "rating_distribution"} & set(asked)
    loc = text.Locale("vi")
    # the default section, the ranking: its two charts; the score and the weights above the buttons
    assert at.segmented_control(key="section").value == "ranking"
    assert chart_keys(at) == ["chart_top_bottom_cells", "chart_cell_ranking"]
    assert [header.value for header in at.main.subheader] == []
    assert len(sliders(at)) == 4
    open_section(at, "needs_help")
    assert not at.exception
    assert "cells_needing_help" in asked  # its query runs once its section is opened
    assert chart_keys(at) == []
    assert [header.value for header in at.main.subheader] == [loc.t("needs_help_title")]
    # the rule's months (rules.MONTHS_BELOW_TARGET_FOR_HELP, 3) in its help, not a number of the text's
    assert "dưới chỉ tiêu 90% từ 3 tháng liên tiếp" in at.main.subheader[0].proto.help
    assert len(sliders(at)) == 4 and "× Tỷ lệ đảng viên dự sinh hoạt" in score_line(at)
    open_section(at, "ratings")
    assert not at.exception
    assert chart_keys(at) == ["chart_rating_distribution"]
    assert [header.value for header in at.main.subheader] == [loc.t("ratings_title")]
    assert len(sliders(at)) == 4
    # a weight changed in another section holds when the ranking is opened again
    at.slider(key="weight_w_visits").set_value(0.5).run()
    assert at.query_params["w_visits"] == "0.5"
    open_section(at, "ranking")
    assert chart_keys(at) == ["chart_top_bottom_cells", "chart_cell_ranking"]
    assert "35,7% × Được cấp ủy dự sinh hoạt" in score_line(at)  # 0.5 / (0.4 + 0.3 + 0.2 + 0.5)


def test_the_view_reopens_from_its_url(app_on, fixture_db):
    url = {"commune": "X1", "cell": "C3", "w_thematic": "0.5", **JAN_FEB}
    at = open_page(app_on, fixture_db, **url)
    assert not at.exception
    assert at.selectbox(key="opt_commune").value == "X1"
    assert "chart_cell_history" in chart_keys(at)
    assert at.slider(key="weight_w_thematic").value == 0.5
    at.switch_page("pages/participation.py").run()
    at.switch_page(PAGE).run()
    assert dict(at.query_params) == url
    assert at.slider(key="weight_w_thematic").value == 0.5


def test_cells_that_need_help_and_ratings(app_on, half_year_db):  # noqa: F811
    at = open_page(app_on, half_year_db, **{"from": "2025-01-01", "to": "2025-06-30"})
    assert not at.exception
    open_section(at, "needs_help")
    table = next(frame.value for frame in at.dataframe if "Lý do cần giúp đỡ" in frame.value.columns)
    assert list(table["Chi bộ"]) == ["Chi bộ thôn Đông"]
    assert list(table["Lý do cần giúp đỡ"]) == ["Dưới chỉ tiêu 4 tháng liên tiếp"]
    # ratings: the period's years and the year before (2024-2025), as rating_distribution answers
    ratings = db.run("rating_distribution", {"start": "2024-01-01", "end": "2025-06-30"}, path=half_year_db)
    open_section(at, "ratings")
    drawn = chart(at, "chart_rating_distribution")
    shares = {
        (trace["name"], trace["xaxis"]): apptools.values(trace["x"])
        for trace in drawn["data"]
        if len(apptools.values(trace["x"]))
    }
    assert shares[("Hoàn thành tốt nhiệm vụ", "x")] == pytest.approx([1.0])  # 2024: X1 both good
    assert shares[("Hoàn thành xuất sắc nhiệm vụ", "x2")] == pytest.approx([0.5])  # 2025: X1 one of two
    assert shares[("Hoàn thành nhiệm vụ", "x2")] == pytest.approx([1.0])  # 2025: X2 complete
    assert sorted(ratings["share"]) == pytest.approx([0.5, 0.5, 1.0, 1.0])


def test_a_period_without_meetings_ranks_nobody(app_on, fixture_db):
    at = open_page(app_on, fixture_db, commune="X1", **{"from": "2019-01-01", "to": "2019-06-30"})
    assert not at.exception
    assert chart(at, "chart_cell_ranking")["data"][4]["text"] == ["Chưa đủ số liệu (0 buổi)"] * 2
    open_section(at, "needs_help")
    assert any("Không có chi bộ nào cần giúp đỡ" in block.value for block in at.success)


# ---- in a real browser ---------------------------------------------------------------------------


def test_the_page_opens_from_a_link_in_chromium(served, browser, fixture_db, accounts_store):  # noqa: F811
    server = served(fixture_db)
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        page.goto(server.url("rankings", unit="X1", cell="C3", w_attendance="0.7", **JAN_FEB))
        login(page, "admin", accounts_store.password)
        page.get_by_text("Lịch sử của Chi bộ thôn Đoàn Kết qua sáp nhập").first.wait_for(timeout=30_000)
        wait_for_app(page)
        assert page.get_by_text("Đơn vị: Xã An Bình").count() >= 1
        assert page.locator("[data-testid='stException']").count() == 0
        assert "w_attendance=0.7" in page.url
        # 0.7 / (0.7 + 0.3 + 0.2 + 0.1): the weights are divided by their sum
        assert page.get_by_text("53,8% × Tỷ lệ đảng viên dự sinh hoạt", exact=False).count() >= 1
    finally:
        page.close()
