"""The Supervision page and its queries: visits by committee members against the rule for their level
(table visit_rule), cells nobody visited, coverage by commune.

Kinh Môn, January-June 2015 (tests/kinhmon.py): province member TU-01 visits once (February: complies
with the 6-monthly rule); district member HU-01 visits in February and May (complies with 3-monthly);
commune member XU-01 visits January-May but not June (short of the monthly rule). Every visit is to a
meeting of cell KM-HS-01, the only cell of the six that meets every month (KM-TT-01 meets once, in
March); the four other cells hold no meeting.
"""

from __future__ import annotations

import json

import apptools
import duckdb
import kinhmon
import pytest

from cellboard import export
from cellboard.data import db, store

H1_2015 = {"start": "2015-01-01", "end": "2015-06-30"}
# The page's window: 29 June instead of 30 keeps it off the "first half" preset, which the filter bar
# offers for the last 8 years only; no meeting falls on 30 June.
PAGE_H1_2015 = {"from": "2015-01-01", "to": "2015-06-29"}
FIXTURE_WINDOW = {"start": "2025-01-01", "end": "2025-02-28"}
PAGE = "pages/supervision.py"


@pytest.fixture(scope="module")
def kinhmon_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("kinhmon") / "kinhmon.duckdb"
    store.write_database(path, kinhmon.tables(), source="imported")
    return path


def rows(path, name, columns=None, **params):
    records = json.loads(export.to_json(db.run(name, params, path=path)))
    return [{key: record[key] for key in columns} for record in records] if columns else records


MEMBER_COLUMNS = ["person_id", "level", "interval_months", "required_visits", "visits", "intervals_visited",
                  "compliant", "last_visit", "cells_visited"]  # fmt: skip


def test_supervision_one_member_per_level_one_short(kinhmon_db):
    # 6 months: 1 interval of 6 for the province, 2 of 3 for the district, 6 of 1 for the commune
    assert rows(kinhmon_db, "supervision", MEMBER_COLUMNS, **H1_2015) == [
        {"person_id": "TU-01", "level": "province", "interval_months": 6, "required_visits": 1, "visits": 1,
         "intervals_visited": 1, "compliant": True, "last_visit": "2015-02-05", "cells_visited": 1},
        {"person_id": "HU-01", "level": "district", "interval_months": 3, "required_visits": 2, "visits": 2,
         "intervals_visited": 2, "compliant": True, "last_visit": "2015-05-05", "cells_visited": 1},
        {"person_id": "XU-01", "level": "commune", "interval_months": 1, "required_visits": 6, "visits": 5,
         "intervals_visited": 5, "compliant": False, "last_visit": "2015-05-05", "cells_visited": 1},
    ]  # fmt: skip


def test_supervision_intervals_start_at_the_windows_first_month(kinhmon_db):
    # February-July: the district's intervals are Feb-Apr (visit in February) and May-Jul (May): compliant.
    # March-August: Mar-May (May) and Jun-Aug (none): short. The province's single interval holds nothing.
    feb_jul = rows(kinhmon_db, "supervision", ["person_id", "required_visits", "compliant"],
                   start="2015-02-01", end="2015-07-31")  # fmt: skip
    mar_aug = rows(kinhmon_db, "supervision", ["person_id", "required_visits", "visits", "compliant"],
                   start="2015-03-01", end="2015-08-31")  # fmt: skip
    assert feb_jul[1] == {"person_id": "HU-01", "required_visits": 2, "compliant": True}
    assert mar_aug == [
        {"person_id": "TU-01", "required_visits": 1, "visits": 0, "compliant": False},
        {"person_id": "HU-01", "required_visits": 2, "visits": 1, "compliant": False},
        {"person_id": "XU-01", "required_visits": 6, "visits": 3, "compliant": False},
    ]


def test_the_rule_is_read_from_visit_rule(kinhmon_db, tmp_path):
    # Set the commune interval to 2 months in the one place it lives: XU-01 then needs one visit in each of
    # Jan-Feb, Mar-Apr and May-Jun, and has them (May).
    path = tmp_path / "rule.duckdb"
    path.write_bytes(kinhmon_db.read_bytes())
    con = duckdb.connect(str(path))
    con.execute("update visit_rule set interval_months = 2 where level = 'commune'")
    con.close()
    assert rows(path, "supervision", ["person_id", "required_visits", "compliant"], **H1_2015)[2] == {
        "person_id": "XU-01",
        "required_visits": 3,
        "compliant": True,
    }


def test_supervision_scope(kinhmon_db):
    # a commune's subtree holds its own committee member only
    assert [r["person_id"] for r in rows(kinhmon_db, "supervision", unit="KM-HS", **H1_2015)] == ["XU-01"]
    assert rows(kinhmon_db, "supervision", unit="KM-AP", **H1_2015) == []


def test_cells_not_visited(kinhmon_db, fixture_db):
    # Kinh Môn: only KM-HS-01 was visited; KM-TT-01 met once (March) unvisited, the others never met
    assert rows(
        kinhmon_db, "cells_not_visited", ["cell_id", "commune_id", "meetings", "last_visit"], **H1_2015
    ) == [
        {"cell_id": "KM-TT-01", "commune_id": "KM-TT", "meetings": 1, "last_visit": None},
        {"cell_id": "KM-TT-02", "commune_id": "KM-TT", "meetings": 0, "last_visit": None},
        {"cell_id": "KM-AP-01", "commune_id": "KM-AP", "meetings": 0, "last_visit": None},
        {"cell_id": "KM-AP-02", "commune_id": "KM-AP", "meetings": 0, "last_visit": None},
        {"cell_id": "KM-HS-02", "commune_id": "KM-HS", "meetings": 0, "last_visit": None},
    ]
    # in the second half nobody visits: KM-HS-01 is listed too, last visited on 05/05/2015
    second_half = rows(kinhmon_db, "cells_not_visited", ["cell_id", "last_visit"], start="2015-07-01",
                       end="2015-12-31")  # fmt: skip
    assert {"cell_id": "KM-HS-01", "last_visit": "2015-05-05"} in second_half and len(second_half) == 6
    # the fixture: visits to M1 (C1) and M5 (C3); C2 existed in January (merged into C3 on 01/02), C4 met
    assert rows(fixture_db, "cells_not_visited", ["cell_id", "meetings"], **FIXTURE_WINDOW) == [
        {"cell_id": "C4", "meetings": 1},
        {"cell_id": "C2", "meetings": 1},
    ]


def test_visit_coverage_by_commune(kinhmon_db, fixture_db):
    columns = ["commune_id", "cells", "cells_met", "cells_visited", "coverage", "visits", "meetings_visited",
               "visitors"]  # fmt: skip
    # Hiệp Sơn: KM-HS-01 met 6 times, visited at 5 meetings (Jan-May) by 8 member-visits of 3 members
    assert rows(kinhmon_db, "visit_coverage_by_commune", columns, **H1_2015) == [
        {"commune_id": "KM-TT", "cells": 2, "cells_met": 1, "cells_visited": 0, "coverage": 0.0, "visits": 0,
         "meetings_visited": 0, "visitors": 0},
        {"commune_id": "KM-AP", "cells": 2, "cells_met": 0, "cells_visited": 0, "coverage": 0.0, "visits": 0,
         "meetings_visited": 0, "visitors": 0},
        {"commune_id": "KM-HS", "cells": 2, "cells_met": 1, "cells_visited": 1, "coverage": 0.5, "visits": 8,
         "meetings_visited": 5, "visitors": 3},
    ]  # fmt: skip
    # the fixture: Xã An Bình's three cells of the window, C1 (M1: K1, K2, K3) and C3 (M5: K3) visited
    assert rows(fixture_db, "visit_coverage_by_commune", columns, **FIXTURE_WINDOW) == [
        {"commune_id": "X2", "cells": 1, "cells_met": 1, "cells_visited": 0, "coverage": 0.0, "visits": 0,
         "meetings_visited": 0, "visitors": 0},
        {"commune_id": "X1", "cells": 3, "cells_met": 3, "cells_visited": 2, "coverage": pytest.approx(2 / 3),
         "visits": 4, "meetings_visited": 2, "visitors": 3},
    ]  # fmt: skip


# ---- the page ---------------------------------------------------------------------------------------


def open_page(app_on, path, **url):
    at = app_on(path, **url).run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def member_table(at):
    return apptools.shown(next(frame for frame in at.dataframe if "Họ và tên" in frame.value.columns))


def test_the_page_shows_who_met_the_rule(app_on, kinhmon_db):
    at = open_page(app_on, kinhmon_db, **PAGE_H1_2015)
    shown = {m.label: m.value for m in at.metric}
    assert shown == {
        "Cấp ủy viên theo dõi": "3",
        "Đạt quy định dự sinh hoạt": "66,7%",  # 2 of 3
        "Chi bộ chưa được dự": "5",
        "Tỷ lệ chi bộ được dự": "16,7%",  # 1 of 6
    }
    assert all(m.help for m in at.metric)
    table = member_table(at)
    expected = rows(kinhmon_db, "supervision", start="2015-01-01", end="2015-06-29")
    assert list(table["Họ và tên"]) == [r["full_name"] for r in expected]
    assert list(table["Kết quả"]) == ["Đạt", "Đạt", "Chưa đạt"]
    assert list(table["Số lần phải dự"]) == ["1", "2", "6"]
    assert list(table["Số lần đã dự"]) == ["1", "2", "5"]
    assert any("6 tháng" in c.value and "1 tháng" in c.value for c in at.caption)  # the rule, from visit_rule
    english = open_page(app_on, kinhmon_db, lang="en", **PAGE_H1_2015)
    (rule,) = [c.value for c in english.caption if "every interval" in c.value]
    assert "Province 6 months, District 3 months, Commune 1 month." in rule  # one month, not "1 months"


def test_only_those_short_of_the_rule(app_on, kinhmon_db):
    at = open_page(app_on, kinhmon_db, **PAGE_H1_2015)
    at.toggle(key="opt_short").set_value(True).run()
    assert at.query_params["short"] == "1"
    assert list(member_table(at)["Họ và tên"]) == ["Trần Văn Xã"]
    at = open_page(app_on, kinhmon_db, level="district", **PAGE_H1_2015)
    assert list(member_table(at)["Họ và tên"]) == ["Lê Thị Huyện"]


def test_the_page_in_english_with_nobody_to_follow(app_on, fixture_db):
    at = open_page(app_on, fixture_db, lang="en", unit="X2", **{"from": "2025-01-01", "to": "2025-02-28"})
    assert [m.value for m in at.metric][:2] == ["0", "–"]
    assert "No committee member is assigned within this unit." in [i.value for i in at.info]


# ---- one section at a time (issue 15) -----------------------------------------------------------------


def open_section(at, section: str):
    """A click on one of the section buttons under the headline figures."""
    at.segmented_control(key="section").set_value(section).run()
    assert not at.exception, at.exception
    return at


def chart_keys(at) -> list[str]:
    return [element.key for element in at.get("plotly_chart")]


def test_only_the_chosen_section_is_drawn(app_on, kinhmon_db):
    at = open_page(app_on, kinhmon_db, **PAGE_H1_2015)
    assert at.segmented_control(key="section").value == "members"
    assert at.segmented_control(key="section").options == [
        "Cấp ủy viên và quy định", "Được dự theo xã/phường", "Chi bộ chưa ai dự",
    ]  # fmt: skip
    # the default section, members: compliance by level and the members' table, nothing else
    assert chart_keys(at) == ["chart_supervision_by_level"]
    assert [h.value for h in at.main.subheader] == [
        "Cấp ủy viên đạt quy định, theo cấp", "Dự sinh hoạt của từng cấp ủy viên",
    ]  # fmt: skip
    assert len(member_table(at)) == 3
    at = open_section(at, "coverage")
    assert chart_keys(at) == ["chart_visit_coverage_by_commune"]
    assert [h.value for h in at.main.subheader] == ["Chi bộ được cấp ủy dự sinh hoạt, theo xã/phường"]
    assert not [frame for frame in at.dataframe if "Họ và tên" in frame.value.columns]
    at = open_section(at, "not_visited")
    assert chart_keys(at) == []
    assert [h.value for h in at.main.subheader] == ["Chi bộ chưa được cấp ủy viên nào dự sinh hoạt trong kỳ"]
    # the five cells nobody visited (test_cells_not_visited), KM-TT-01 first: it met once
    unvisited = apptools.shown(next(frame for frame in at.dataframe if "Chi bộ" in frame.value.columns))
    assert len(unvisited) == 5
    # the four figures stay above every section
    assert {m.label: m.value for m in at.metric}["Chi bộ chưa được dự"] == "5"
    at = open_section(at, "members")
    assert list(member_table(at)["Kết quả"]) == ["Đạt", "Đạt", "Chưa đạt"]


def test_a_links_options_survive_a_section_it_does_not_draw(app_on, kinhmon_db):
    at = open_page(app_on, kinhmon_db, level="district", short="1", **PAGE_H1_2015)
    at = open_section(at, "coverage")
    assert (at.query_params["level"], at.query_params["short"]) == ("district", "1")
    at = open_section(at, "members")
    assert member_table(at).empty  # the district's member met the rule: none short of it
    at.toggle(key="opt_short").set_value(False).run()
    assert list(member_table(at)["Họ và tên"]) == ["Lê Thị Huyện"]
