"""The Participation page and its queries: exact rows on tiny databases, the page in AppTest (shown
figures against the named queries, a drill-down by simulated chart clicks, the URL round trip) and in
a real Chromium.

Chart clicks in AppTest (streamlit 1.67): a plotly chart with on_select is a widget whose state is
the selection event as JSON. AppTest does not model it (it is an UnknownElement), so `click_chart`
adds that widget state by the element's id to the widget states of the next run, exactly as the
browser sends it: {"selection": {"points": [{"customdata": id, ...}], ...}}. Callbacks then run as
they do in the app.
"""

from __future__ import annotations

import base64
import datetime as dt
import json

import apptools
import fixture
import numpy as np
import pandas as pd
import pytest
from browser import login, wait_for_app

from cellboard import auth, export, text
from cellboard.data import db, store

JAN_FEB = {"from": "2025-01-01", "to": "2025-02-28"}
WINDOW = {"start": "2025-01-01", "end": "2025-02-28"}
HALF = {"start": "2025-01-01", "end": "2025-06-30"}
PAGE = "pages/participation.py"

# Four more meetings of C1 (Chi bộ thôn Đông) from March to June 2025, on top of tests/fixture.py:
# m3 is absent in March and excused (away) in April, so of m3's last 6 meetings (M2, M3, M7-M10)
# 3 are absences (M3 work, M7 no reason, M8 away); C1's monthly rate is below 90 % from January to
# April (2/3, 5/6, 2/3, 2/3) and 100 % in May and June.
EXTRA_MEETINGS = [
    ("M7", "C1", dt.date(2025, 3, 12), "regular", None, None, None, None, None),
    ("M8", "C1", dt.date(2025, 4, 10), "regular", None, None, None, None, None),
    ("M9", "C1", dt.date(2025, 5, 10), "thematic", None, None, None, None, None),
    ("M10", "C1", dt.date(2025, 6, 10), "regular", None, None, None, None, None),
]
EXTRA_ATTENDANCE = [
    ("M7", "m1", "present", None),
    ("M7", "m2", "present", None),
    ("M7", "m3", "absent", None),
    ("M7", "m4", "exempt", None),
    ("M8", "m1", "present", None),
    ("M8", "m2", "present", None),
    ("M8", "m3", "excused", "away"),
    ("M8", "m4", "exempt", None),
    ("M9", "m1", "present", None),
    ("M9", "m2", "present", None),
    ("M9", "m3", "present", None),
    ("M9", "m4", "exempt", None),
    ("M10", "m1", "present", None),
    ("M10", "m2", "present", None),
    ("M10", "m3", "present", None),
    ("M10", "m4", "exempt", None),
]


@pytest.fixture(scope="module")
def half_year_db(tmp_path_factory):
    """tests/fixture.py plus C1's meetings of March-June 2025 (EXTRA_MEETINGS)."""
    tables = fixture.tables()
    tables["meeting"] = pd.concat(
        [tables["meeting"], pd.DataFrame(EXTRA_MEETINGS, columns=tables["meeting"].columns, dtype=object)],
        ignore_index=True,
    )
    tables["attendance"] = pd.concat(
        [
            tables["attendance"],
            pd.DataFrame(EXTRA_ATTENDANCE, columns=tables["attendance"].columns, dtype=object),
        ],
        ignore_index=True,
    )
    path = tmp_path_factory.mktemp("half_year") / "half_year.duckdb"
    store.write_database(path, tables, source="imported")
    return path


def rows(path, name, columns=None, scope=db.EVERYTHING, **params):
    frame = db.run(name, params, path=path, scope=scope)
    records = json.loads(export.to_json(frame))
    if columns:
        records = [{key: record[key] for key in columns} for record in records]
    return records


def click_chart(at, key: str, point_id: str):
    """Click the bar (point) whose customdata is `point_id` on the chart with this key, and rerun."""
    chart = next(element for element in at.get("plotly_chart") if element.key == key)
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = chart.proto.id
    state.string_value = json.dumps(
        {
            "selection": {
                "points": [{"customdata": point_id, "curve_number": 0, "point_index": 0}],
                "point_indices": [0],
                "box": [],
                "lasso": [],
            },
        }
    )
    return at._run(states)


def chart(at, key: str) -> dict:
    element = next(element for element in at.get("plotly_chart") if element.key == key)
    return json.loads(element.proto.spec)


def grid(array) -> np.ndarray:
    """A plotly 2-D array (a heat map's z) as numpy: plotly 7 sends {"dtype", "bdata", "shape"}."""
    if isinstance(array, dict) and "bdata" in array:
        flat = np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
        return flat.reshape([int(n) for n in str(array["shape"]).split(",")])
    return np.array(array, dtype=float)


def chart_keys(at) -> list[str]:
    return [element.key for element in at.get("plotly_chart")]


def metrics(at) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def open_page(app_on, path, **url):
    at = app_on(path, **url).run()
    return at.switch_page(PAGE).run()


def open_section(at, section: str):
    """A click on the section's button (the row under the headline figures), and the rerun."""
    return at.segmented_control(key="section").set_value(section).run()


SECTIONS = ["communes", "heatmap", "regularity", "absences"]


def every_sections_tables(at) -> list[pd.DataFrame]:
    """The tables of every section (the charts' tables opened), a section at a time."""
    tables = []
    for section in SECTIONS:
        open_section(at, section)
        apptools.open_tables(at)
        assert not at.exception
        tables += [frame.value for frame in at.dataframe]
    return tables


# ---- the queries ---------------------------------------------------------------------------------


def test_commune_month_attendance(fixture_db):
    # Phường Đông Hải (X2): M6 in January (8 present / (10 - 1)), nothing in February.
    # Xã An Bình (X1): January M1 + M4 = 3 present / (6 - 1); February M2 + M3 + M5 = 8 / (11 - 2).
    assert rows(fixture_db, "commune_month_attendance", **WINDOW) == [
        {
            "commune_id": "X2",
            "commune": "Phường Đông Hải",
            "month": "2025-01-01",
            "meetings": 1,
            "expected": 10,
            "exempt": 1,
            "present": 8,
            "excused": 1,
            "absent": 0,
            "attendance_rate": pytest.approx(8 / 9),
        },
        {
            "commune_id": "X2",
            "commune": "Phường Đông Hải",
            "month": "2025-02-01",
            "meetings": 0,
            "expected": 0,
            "exempt": 0,
            "present": 0,
            "excused": 0,
            "absent": 0,
            "attendance_rate": None,
        },
        {
            "commune_id": "X1",
            "commune": "Xã An Bình",
            "month": "2025-01-01",
            "meetings": 2,
            "expected": 6,
            "exempt": 1,
            "present": 3,
            "excused": 1,
            "absent": 1,
            "attendance_rate": pytest.approx(3 / 5),
        },
        {
            "commune_id": "X1",
            "commune": "Xã An Bình",
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


def test_commune_month_attendance_is_continuous_across_a_merge(fixture_db):
    # C2 met in January and merged into C3, which met in February: the commune has both months.
    result = rows(
        fixture_db,
        "commune_month_attendance",
        ["month", "meetings"],
        unit="X1",
        start="2025-01-01",
        end="2025-02-28",
    )
    assert result == [{"month": "2025-01-01", "meetings": 2}, {"month": "2025-02-01", "meetings": 3}]


def test_absence_reasons(fixture_db):
    # X2 reports counts only: its one absence has no reason. X1: m3 excused (away) at M1 and (work) at
    # M3, m6 absent without a reason at M4. On 28/02 X1's cells hold m1-m4 (C1) and m5-m7 (C3); m3 is away.
    assert rows(fixture_db, "absence_reasons", **WINDOW) == [
        {
            "commune_id": "X2",
            "commune": "Phường Đông Hải",
            "meetings": 1,
            "absences": 1,
            "excused": 1,
            "absent": 0,
            "away": 0,
            "illness": 0,
            "work": 0,
            "other_reason": 0,
            "reason_not_given": 1,
            "members": 0,
            "members_away": 0,
            "away_share": None,
        },
        {
            "commune_id": "X1",
            "commune": "Xã An Bình",
            "meetings": 5,
            "absences": 3,
            "excused": 2,
            "absent": 1,
            "away": 1,
            "illness": 0,
            "work": 1,
            "other_reason": 0,
            "reason_not_given": 1,
            "members": 7,
            "members_away": 1,
            "away_share": pytest.approx(1 / 7),
        },
    ]


def test_chronic_absentees(half_year_db, fixture_db):
    assert rows(fixture_db, "chronic_absentees", **WINDOW) == []  # nobody missed 3 meetings
    assert rows(half_year_db, "chronic_absentees", **HALF) == [
        {
            "member_id": "m3",
            "full_name": "Lê Văn Cường",
            "cell_id": "C1",
            "cell": "Chi bộ thôn Đông",
            "commune_id": "X1",
            "commune": "Xã An Bình",
            "meetings_counted": 6,
            "absences": 3,
            "excused": 2,
            "absent": 1,
            "away": 1,
            "illness": 0,
            "work": 1,
            "other_reason": 0,
            "last_meeting": "2025-06-10",
            "last_absence": "2025-04-10",
            "membership_status": "away",
        },
    ]


def test_chronic_absentees_only_count_the_last_six_meetings(half_year_db):
    # From February on, m3's meetings are M2, M3, M7-M10: still 3 absences. From March: M7-M10, 2.
    assert [
        r["absences"] for r in rows(half_year_db, "chronic_absentees", start="2025-02-01", end="2025-06-30")
    ] == [3]
    assert rows(half_year_db, "chronic_absentees", start="2025-03-01", end="2025-06-30") == []


def test_chronic_absentees_hide_names_unless_allowed(half_year_db):
    hidden = rows(
        half_year_db,
        "chronic_absentees",
        ["member_id", "full_name", "cell_id", "absences"],
        scope=db.Scope(names=False),
        **HALF,
    )
    assert hidden == [{"member_id": None, "full_name": None, "cell_id": "C1", "absences": 3}]


def test_chronic_absentees_follow_writes_and_count_a_subtree_s_marks_of_a_member_who_moved(
    half_year_db, tmp_path, monkeypatch
):
    # member_mark carries each mark's 5 marks before it and the membership status that day: a write
    # derives all of its members' marks again, and a membership written their statuses, as a full
    # rebuild would. A member whose marks in the window lie in two cells is counted, when a subtree
    # is asked, on the subtree's marks alone.
    from cellboard.ingest import changes

    monkeypatch.setenv("CELLBOARD_USERS", str(tmp_path / "accounts.sqlite"))
    monkeypatch.setenv("CELLBOARD_BCRYPT_ROUNDS", "4")
    path = tmp_path / "moved.duckdb"
    path.write_bytes(half_year_db.read_bytes())
    columns = ["cell_id", "meetings_counted", "absences", "excused", "absent", "away", "illness", "work"]
    columns += ["last_meeting", "last_absence", "membership_status"]

    def marks_as_rebuilt() -> bool:
        fixture.as_rebuilt(path, "select * from member_mark order by all")  # asserts they are equal
        return True

    # M9 (10/05) corrected: m3 absent. From March, m3's meetings M7-M10 hold 3 absences (M7, M8, M9)
    board = changes.Writer("board", "organisation_board", None)
    corrected = {"meeting_id": "M9", "cell_id": "C1", "held_on": dt.date(2025, 5, 10), "kind": "thematic"}
    marks = [{"member_id": "m3", "status": "absent", "reason": None}]
    changes.save_meeting(path, board, {**corrected, "topic": None, "marks": marks})
    march = {"start": "2025-03-01", "end": "2025-06-30"}
    assert rows(path, "chronic_absentees", columns, **march) == [
        {
            "cell_id": "C1",
            "meetings_counted": 4,
            "absences": 3,
            "excused": 1,
            "absent": 2,
            "away": 1,
            "illness": 0,
            "work": 0,
            "last_meeting": "2025-06-10",
            "last_absence": "2025-05-10",
            "membership_status": "away",
        }
    ]
    assert marks_as_rebuilt()

    # m3 active in C1 from 01/06: the status on the latest meeting's day (10/06) follows the roll
    fixture.apply(
        path,
        membership=pd.DataFrame(
            [
                ("m3", "C1", dt.date(2020, 1, 1), dt.date(2025, 5, 31), "away"),
                ("m3", "C1", dt.date(2025, 6, 1), None, "active"),
            ],
            columns=["member_id", "cell_id", "from_date", "to_date", "status"],
        ),
    )
    assert rows(path, "chronic_absentees", ["membership_status"], **march) == [
        {"membership_status": "active"}
    ]
    assert marks_as_rebuilt()

    # m3 absent at a meeting of C3 on 20/06: of m3's last 6 (M3, M7-M10, M11) 5 are absences, the
    # latest in C3, where m3 has no membership
    fixture.apply(
        path,
        meeting=pd.DataFrame(
            [("M11", "C3", dt.date(2025, 6, 20), "regular")],
            columns=["meeting_id", "cell_id", "held_on", "kind"],
        ),
        attendance=pd.DataFrame(
            [("M11", "m3", "absent", None)], columns=["meeting_id", "member_id", "status", "reason"]
        ),
    )
    assert marks_as_rebuilt()
    everywhere = {
        "cell_id": "C3",
        "meetings_counted": 6,
        "absences": 5,
        "excused": 2,
        "absent": 3,
        "away": 1,
        "illness": 0,
        "work": 1,
        "last_meeting": "2025-06-20",
        "last_absence": "2025-06-20",
        "membership_status": None,
    }
    assert rows(path, "chronic_absentees", columns, **HALF) == [everywhere]
    assert rows(path, "chronic_absentees", columns, unit="X1", **HALF) == [everywhere]  # both cells in it
    # C1 alone: m3's last 6 there are M2, M3, M7-M10, 4 absences (M3 work, M7, M8 away, M9)
    assert rows(path, "chronic_absentees", columns, unit="C1", **HALF) == [
        {
            "cell_id": "C1",
            "meetings_counted": 6,
            "absences": 4,
            "excused": 2,
            "absent": 2,
            "away": 1,
            "illness": 0,
            "work": 1,
            "last_meeting": "2025-06-10",
            "last_absence": "2025-05-10",
            "membership_status": "active",
        }
    ]
    assert rows(path, "chronic_absentees", columns, unit="C3", **HALF) == []  # one meeting there


def test_cell_meetings_include_the_cells_merged_into_it(fixture_db):
    columns = [
        "meeting_id",
        "cell_id",
        "generation",
        "held_on",
        "kind",
        "present",
        "attendance_rate",
        "visits",
    ]
    assert rows(fixture_db, "cell_meetings", columns, cell="C3", **WINDOW) == [
        {
            "meeting_id": "M4",
            "cell_id": "C2",
            "generation": 1,
            "held_on": "2025-01-15",
            "kind": "regular",
            "present": 1,
            "attendance_rate": 0.5,
            "visits": 0,
        },
        {
            "meeting_id": "M5",
            "cell_id": "C3",
            "generation": 0,
            "held_on": "2025-02-20",
            "kind": "regular",
            "present": 3,
            "attendance_rate": 1.0,
            "visits": 1,
        },
    ]
    # C2's own meetings do not include its successor's
    assert [r["meeting_id"] for r in rows(fixture_db, "cell_meetings", cell="C2", **WINDOW)] == ["M4"]


def test_cell_meetings_stay_in_the_subtree(fixture_db):
    assert rows(fixture_db, "cell_meetings", cell="C1", unit="X2", **WINDOW) == []


def test_cells_needing_help(half_year_db, fixture_db):
    # C1 was below 90 % from January to April (4 months running); C2 and C4 one month each.
    # C1 over the half-year: 17 present of 7 meetings x 3 expected (exempt m4 left out).
    assert rows(half_year_db, "cells_needing_help", target=0.9, **HALF) == [
        {
            "commune_id": "X1",
            "commune": "Xã An Bình",
            "cell_id": "C1",
            "cell": "Chi bộ thôn Đông",
            "months_with_meetings": 6,
            "months_below_target": 4,
            "longest_run_below_target": 4,
            "run_ended": "2025-04-01",
            "attendance_rate": pytest.approx(17 / 21),
            "lowest_month_rate": pytest.approx(2 / 3),
        },
    ]
    assert rows(fixture_db, "cells_needing_help", target=0.9, **WINDOW) == []  # two months cannot run 3
    assert rows(half_year_db, "cells_needing_help", target=None, **HALF) == []  # no target, nobody below


def test_a_month_without_a_meeting_breaks_the_run(half_year_db):
    # Below target in March and April only when the window starts in March: a run of 2.
    assert rows(half_year_db, "cells_needing_help", target=0.9, start="2025-03-01", end="2025-06-30") == []


# ---- the page ------------------------------------------------------------------------------------


def test_the_page_shows_the_units_figures_from_the_named_queries(app_on, fixture_db):
    at = open_page(app_on, fixture_db, unit="X1", **JAN_FEB)
    assert not at.exception
    shown = metrics(at)
    trend = db.run("participation_trend", {**WINDOW, "unit": "X1"}, path=fixture_db)
    cells = db.run("cell_ranking", {**WINDOW, "unit": "X1"}, path=fixture_db)
    # 11 present / (17 - 3 exempt); regularity 4 / 4 months; thematic 1 / 3 quarters
    assert trend["present"].sum() / (trend["expected"].sum() - trend["exempt"].sum()) == pytest.approx(
        11 / 14
    )
    assert shown["Tỷ lệ đảng viên dự sinh hoạt"] == "78,6%"
    assert cells["months_met"].sum() == cells["months_existed"].sum() == 4
    assert shown["Tỷ lệ sinh hoạt đều đặn"] == "100,0%"
    assert shown["Tỷ lệ sinh hoạt chuyên đề"] == "33,3%"
    assert any("Xã An Bình" in block.value for block in at.markdown)
    # one commune: its cells are shown straight away, lowest first, with cell_ranking's rates
    assert apptools.values(chart(at, "chart_cell_attendance")["data"][0]["x"]) == pytest.approx(
        [0.5, 7 / 9, 1.0]
    )
    assert apptools.values(chart(at, "chart_cell_attendance")["data"][0]["customdata"]) == ["C2", "C1", "C3"]


def test_the_charts_draw_what_the_queries_answer(app_on, fixture_db):
    at = open_page(app_on, fixture_db, **JAN_FEB)
    assert not at.exception
    apptools.open_tables(at)  # each chart's table, as "show the table" opens it
    communes = db.run("commune_summary", {**WINDOW, "as_of": "2025-03-31"}, path=fixture_db)
    bars = chart(at, "chart_commune_attendance")["data"][0]
    by_id = dict(zip(communes["commune_id"], communes["attendance_rate"], strict=True))
    assert apptools.values(bars["customdata"]) == ["X1", "X2"]  # lowest first
    assert apptools.values(bars["x"]) == pytest.approx([by_id["X1"], by_id["X2"]])
    # every chart has its table: the trend's lists the months the chart draws
    assert list(apptools.shown(at.dataframe[0])["Tỷ lệ dự"]) == ["78,6%", "88,9%"]
    open_section(at, "heatmap")
    apptools.open_tables(at)
    monthly = db.run("commune_month_attendance", WINDOW, path=fixture_db)
    heat = chart(at, "chart_commune_month_attendance")["data"][0]
    expected = monthly.pivot(index="commune_id", columns="month", values="attendance_rate").loc[["X2", "X1"]]
    assert apptools.values(heat["y"]) == ["X2", "X1"]
    assert np.allclose(grid(heat["z"]), expected.to_numpy(dtype=float), equal_nan=True)
    matrix = apptools.shown(next(frame for frame in at.dataframe if "01/2025" in frame.value.columns))
    assert matrix.to_dict("records") == [  # the heat map's table: a row per commune, a column per month
        {"Xã/phường": "Phường Đông Hải", "01/2025": "88,9%", "02/2025": "–"},
        {"Xã/phường": "Xã An Bình", "01/2025": "60,0%", "02/2025": "88,9%"},
    ]
    open_section(at, "absences")
    reasons = chart(at, "chart_absence_reasons")["data"]
    assert apptools.values(reasons[0]["x"]) == [0, 1]  # away: X2 0, X1 1


def test_a_click_on_a_commune_then_on_a_cell_drills_down(app_on, fixture_db):
    at = open_page(app_on, fixture_db, **JAN_FEB)
    assert "chart_cell_attendance" not in chart_keys(at)
    click_chart(at, "chart_commune_attendance", "X1")
    assert not at.exception
    assert at.query_params["commune"] == "X1"
    assert at.selectbox(key="opt_commune").value == "X1"
    cells = db.run("cell_ranking", {**WINDOW, "unit": "X1"}, path=fixture_db).set_index("cell_id")
    bars = chart(at, "chart_cell_attendance")["data"][0]
    ids = apptools.values(bars["customdata"])
    assert apptools.values(bars["x"]) == pytest.approx(list(cells.loc[ids, "attendance_rate"]))

    click_chart(at, "chart_cell_attendance", "C3")
    assert not at.exception
    assert at.query_params["cell"] == "C3"
    meetings = db.run("cell_meetings", {**WINDOW, "cell": "C3"}, path=fixture_db)
    drawn = chart(at, "chart_cell_meetings")["data"][0]
    assert apptools.values(drawn["y"]) == pytest.approx(list(meetings["attendance_rate"]))  # M4 (C2), M5
    assert any("Chi bộ thôn Đoàn Kết" in block.value for block in at.markdown)

    open_section(at, "regularity")
    click_chart(at, "chart_commune_regularity", "X2")  # another chart of communes drills the same way
    assert at.query_params["commune"] == "X2" and "cell" not in at.query_params
    # ... and opens the communes section at that commune
    assert at.segmented_control(key="section").value == "communes"
    assert at.selectbox(key="opt_commune").value == "X2"
    assert "chart_cell_meetings" not in chart_keys(at)


def asked_queries(monkeypatch) -> list[str]:
    """The names of the queries the app runs from now on (db.run itself runs them, as always)."""
    asked, run = [], db.run

    def recorded(name, *args, **kwargs):
        asked.append(name)
        return run(name, *args, **kwargs)

    monkeypatch.setattr(db, "run", recorded)
    return asked


def test_only_the_chosen_section_is_drawn(app_on, fixture_db, monkeypatch):
    asked = asked_queries(monkeypatch)
    at = app_on(fixture_db, **JAN_FEB).run()
    asked.clear()  # the queries of the page opened first (the overview), not this one's
    at.switch_page(PAGE).run()
    assert not at.exception
    # the default section's queries run, no other section's (the caches start empty in every test)
    assert not {"commune_month_attendance", "absence_reasons", "chronic_absentees"} & set(asked)
    # the default section, communes: the trend above the buttons and the communes' chart, no other
    assert at.segmented_control(key="section").value == "communes"
    assert chart_keys(at) == ["chart_participation_trend", "chart_commune_attendance"]
    assert [header.value for header in at.main.subheader] == ["So sánh các xã/phường"]
    assert len(at.metric) == 4  # the headline figures stay above
    open_section(at, "heatmap")  # its query runs once its section is opened
    assert "commune_month_attendance" in asked
    assert not {"absence_reasons", "chronic_absentees"} & set(asked)
    drawn = {
        "heatmap": (["chart_participation_trend", "chart_commune_month_attendance"], ["heatmap_title"]),
        "regularity": (["chart_participation_trend", "chart_commune_regularity"], ["regularity_title"]),
        "absences": (
            ["chart_participation_trend", "chart_absence_reasons"],
            ["absence_title", "chronic_title"],
        ),
        "communes": (["chart_participation_trend", "chart_commune_attendance"], ["communes_compared"]),
    }
    loc = text.Locale("vi")
    for section, (keys, headers) in drawn.items():
        open_section(at, section)
        assert not at.exception
        assert chart_keys(at) == keys, section
        assert [header.value for header in at.main.subheader] == [loc.t(key) for key in headers]
        assert len(at.metric) == 4
    # (a link's section= opens its section: AppTest seeds no URL into bound widgets, Chromium does,
    # tests/test_participation_browser.py)


def test_the_drill_down_lives_in_the_url(app_on, fixture_db):
    at = open_page(app_on, fixture_db, commune="X1", cell="C1", **JAN_FEB)
    assert not at.exception
    assert at.selectbox(key="opt_commune").value == "X1"
    assert at.selectbox(key="opt_cell").value == "C1"
    assert apptools.values(chart(at, "chart_cell_meetings")["data"][0]["y"]) == pytest.approx(
        [2 / 3, 1.0, 2 / 3]
    )
    # picking another commune in the box moves the URL and clears the cell
    at.selectbox(key="opt_commune").set_value("X2").run()
    assert at.query_params["commune"] == "X2" and "cell" not in at.query_params
    # leaving the page and coming back keeps the view, and the URL says so again
    at.switch_page("pages/overview.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.query_params["commune"] == "X2"
    assert at.selectbox(key="opt_commune").value == "X2"
    assert dict(at.query_params) == {**JAN_FEB, "commune": "X2"}


def test_a_link_to_a_commune_outside_the_unit_is_cleared_with_a_notice(app_on, fixture_db):
    at = open_page(app_on, fixture_db, unit="X2", commune="X1", cell="C1", **JAN_FEB)
    assert not at.exception
    assert any("C1" in warning.value for warning in at.warning)
    assert "cell" not in at.query_params


def test_a_cell_picked_in_the_filter_bar_shows_its_meetings(app_on, fixture_db):
    at = open_page(app_on, fixture_db, unit="C3", **JAN_FEB)
    assert not at.exception
    assert "chart_commune_attendance" not in chart_keys(at)
    assert apptools.values(chart(at, "chart_cell_meetings")["data"][0]["y"]) == pytest.approx([0.5, 1.0])


def test_chronic_absentees_by_name_or_by_count(app_on, half_year_db, monkeypatch):
    url = {"from": "2025-01-01", "to": "2025-06-30", "unit": "X1"}
    at = open_section(open_page(app_on, half_year_db, **url), "absences")
    assert not at.exception
    listed = at.dataframe[-1].value
    assert list(listed["Họ và tên"]) == ["Lê Văn Cường"]
    monkeypatch.setitem(auth.ROLE_NAMES, "commune", False)  # a role that may not see names
    at = open_section(open_page(app_on, half_year_db, as_account="x1", **url), "absences")
    assert not at.exception
    counted = at.dataframe[-1].value
    assert "Họ và tên" not in counted.columns
    assert list(counted["Số đảng viên thường xuyên vắng"]) == [1]
    assert not any(
        "Lê Văn Cường" in str(value) for frame in at.dataframe for value in frame.value.to_numpy().ravel()
    )


def test_one_cell_chosen_names_the_rows_after_the_cell_not_its_commune(app_on, fixture_db):
    at = open_page(app_on, fixture_db, unit="C1", **JAN_FEB)
    assert not at.exception
    named = "Chi bộ thôn Đông (Xã An Bình)"
    tables = every_sections_tables(at)  # the charts' tables too
    with_communes = [table for table in tables if "commune" in table.columns or "Xã/phường" in table.columns]
    assert with_communes
    for table in with_communes:
        column = "commune" if "commune" in table.columns else "Xã/phường"
        assert set(table[column]) == {named}, table[column].tolist()
    # the whole commune still goes by its own name
    at = open_page(app_on, fixture_db, unit="X1", **JAN_FEB)
    tables = every_sections_tables(at)
    assert any("Xã An Bình" in set(table.get("commune", table.get("Xã/phường", []))) for table in tables)


def test_english(app_on, fixture_db):
    at = open_page(app_on, fixture_db, lang="en", unit="X1", **JAN_FEB)
    assert not at.exception
    assert metrics(at)["Attendance rate"] == "78.6%"
    headers = [header.value for header in at.subheader]
    assert "Cells of Xã An Bình" in headers and "Communes compared" not in headers  # one commune
    assert at.selectbox(key="opt_cell").label == "Cell in detail"


# ---- in a real browser ---------------------------------------------------------------------------


def test_opened_from_a_link_and_clicked_in_chromium(served, browser, fixture_db, accounts_store):  # noqa: F811
    server = served(fixture_db)
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        # a fresh server's first visitor, from a link: the login form, then the link's page
        page.goto(server.url("participation", unit="X1", cell="C1", **JAN_FEB))
        login(page, "admin", accounts_store.password)
        page.get_by_text("Các buổi sinh hoạt của Chi bộ thôn Đông").first.wait_for(timeout=30_000)
        wait_for_app(page)
        assert page.get_by_text("Đơn vị: Xã An Bình").count() >= 1
        assert page.locator("[data-testid='stException']").count() == 0
        assert "cell=C1" in page.url  # (commune= is not needed: the unit is one commune)

        # the whole tree: a click on Xã An Bình's bar (lowest first), then on its lowest cell's
        page.goto(server.url("participation", **JAN_FEB))  # still signed in (the session's cookie)
        wait_for_app(page)
        page.locator(".js-plotly-plot").nth(1).locator(".bars .point path").first.click(force=True)
        page.wait_for_url("**commune=X1**", timeout=30_000)
        wait_for_app(page)
        page.locator(".js-plotly-plot").nth(2).locator(".bars .point path").first.click(force=True)
        page.wait_for_url("**cell=C2**", timeout=30_000)
        page.get_by_text("Các buổi sinh hoạt của Chi bộ thôn Tây").first.wait_for(timeout=30_000)
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        page.close()


# ---- long bar charts: their ends drawn, every row in the table and the picker (issue 15) -----------


def test_a_bar_chart_draws_its_first_and_last_twenty_and_the_selected_row():
    from cellboard import charts

    frame = pd.DataFrame({"id": [f"c{n:02}" for n in range(45)], "rate": [n / 45 for n in range(45)]})
    assert charts.BARS_SHOWN == 40
    assert charts.ends(frame.head(40), "id").equals(frame.head(40))  # all fit: all drawn
    drawn = charts.ends(frame, "id")
    assert list(drawn["id"]) == [f"c{n:02}" for n in [*range(20), *range(25, 45)]]
    chosen = charts.ends(frame, "id", selected="c22")  # a selected row in the middle stays, in order
    assert list(chosen["id"]) == [f"c{n:02}" for n in [*range(20), 22, *range(25, 45)]]
