"""The Supervision page in Chromium against the served app (serve.py): one section at a time, chosen
by the row of buttons under the four figures (issue 15), and the members' table a fragment whose
filters rerun it alone.

What the server sends the tab is read off the websocket (Streamlit's ForwardMsg): each run ends with
a script_finished message saying whether the whole page ran or a fragment alone, and the elements a
run draws come as deltas (a table's rows with them). AppTest reruns the whole script, so
fragment-only behaviour is tested here.
"""

from __future__ import annotations

from browser import (  # the fixtures browser and served: conftest.py
    FRAGMENT_RUN,
    WHOLE_RUN,
    Runs,
    charts_drawn,
    login,
    section_button,
    wait_for_app,
)
from streamlit import dataframe_util

JAN_FEB = {"from": "2025-01-01", "to": "2025-02-28"}


def names_sent(runs: Runs, since: int) -> list[list[str]]:
    """The names column of each members' table the server sent since the mark."""
    tables = []
    for element in runs.elements(since):
        if element.WhichOneof("type") == "dataframe":
            frame = dataframe_util.convert_arrow_bytes_to_pandas_df(element.dataframe.arrow_data.data)
            if "Họ và tên" in frame.columns:
                tables.append(list(frame["Họ và tên"]))
    return tables


def test_in_chromium_the_members_filter_is_a_fragment_and_the_buttons_switch_sections(
    served, browser, fixture_db, accounts_store
):  # noqa: F811
    server = served(fixture_db)
    page = browser.new_page(viewport={"width": 1400, "height": 2000})
    runs = Runs(page)
    try:
        page.goto(server.url("supervision", **JAN_FEB))
        login(page, "admin", accounts_store.password)
        page.get_by_text("Dự sinh hoạt của từng cấp ủy viên").wait_for(timeout=30_000)
        wait_for_app(page)
        assert page.locator("[data-testid='stException']").count() == 0
        members = page.locator("[data-testid='stMetric']").filter(has_text="Cấp ủy viên theo dõi")
        assert members.locator("[data-testid='stMetricValue']").inner_text() == "3"
        assert section_button(page, "Cấp ủy viên và quy định").get_attribute("aria-checked") == "true"
        assert charts_drawn(page) == 1  # compliance by level, no other chart
        tile = page.locator("[data-testid='stMetric']").first.element_handle()

        # only those short of the rule: the members' table alone reruns, with K2 only
        mark = runs.mark()
        page.get_by_text("Chỉ người chưa đạt").click()
        page.wait_for_url("**short=1**", timeout=30_000)
        assert runs.wait_for_end(mark) == [FRAGMENT_RUN]
        assert names_sent(runs, mark) == [["Ngô Thị Xã"]]
        drawn = runs.kinds(mark)
        assert "metric" not in drawn and "plotly_chart" not in drawn
        assert tile.evaluate("element => element.isConnected")  # the figure drawn before is still there

        # a section button: the whole page runs, the cells nobody visited are drawn, the members gone
        mark = runs.mark()
        section_button(page, "Chi bộ chưa ai dự").click()
        page.get_by_text("Chi bộ chưa được cấp ủy viên nào dự sinh hoạt trong kỳ").wait_for(timeout=30_000)
        assert WHOLE_RUN in runs.wait_for_end(mark)
        assert runs.kinds(mark).count("metric") == 4
        assert page.get_by_text("Dự sinh hoạt của từng cấp ủy viên").count() == 0
        assert page.locator(".js-plotly-plot").count() == 0
        # the coverage: its chart
        section_button(page, "Được dự theo xã/phường").click()
        page.get_by_text("Chi bộ được cấp ủy dự sinh hoạt, theo xã/phường").wait_for(timeout=30_000)
        wait_for_app(page)
        assert charts_drawn(page) == 1
        # back to the members: the filter the URL kept still holds
        section_button(page, "Cấp ủy viên và quy định").click()
        page.get_by_text("Dự sinh hoạt của từng cấp ủy viên").wait_for(timeout=30_000)
        wait_for_app(page)
        assert "short=1" in page.url
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        page.close()
