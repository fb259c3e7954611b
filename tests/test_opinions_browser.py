"""The Opinions page in Chromium against the served app (serve.py): one section at a time, chosen by
the row of buttons under the headline figures (issue 15), the list a fragment whose search box and
row pick rerun it alone, and a bar click that filters the list and opens it.

What the server sends the tab is read off the websocket (Streamlit's ForwardMsg): each run ends with
a script_finished message saying whether the whole page ran or a fragment alone, and the elements a
run draws come as deltas. AppTest reruns the whole script, so fragment-only behaviour is tested here.
"""

from __future__ import annotations

from browser import (  # the fixtures browser and served: conftest.py
    FRAGMENT_RUN,
    WHOLE_RUN,
    Runs,
    login,
    section_button,
    wait_for_app,
)

JAN_FEB = {"from": "2025-01-01", "to": "2025-02-28"}


def test_in_chromium_the_list_is_a_fragment_and_the_buttons_switch_sections(
    served, browser, fixture_db, accounts_store
):  # noqa: F811
    server = served(fixture_db)
    page = browser.new_page(viewport={"width": 1400, "height": 2400})
    runs = Runs(page)
    try:
        page.goto(server.url("opinions", **JAN_FEB))
        login(page, "admin", accounts_store.password)
        # the list's button (the default section, the categories, draws no list)
        assert page.get_by_text("4 ý kiến phù hợp", exact=True).count() == 0
        section_button(page, "Danh sách ý kiến").click()
        page.get_by_text("4 ý kiến phù hợp", exact=True).wait_for(timeout=30_000)
        wait_for_app(page)
        tile = page.locator("[data-testid='stMetric']").first.element_handle()
        assert page.locator("[data-testid='stMetricValue']").first.inner_text() == "4"
        assert (
            page.locator("[data-testid='stHeading']", has_text="Ý kiến theo tháng và lĩnh vực").count() == 0
        )

        # the search box: the list alone reruns (no headline figure sent again), the URL keeps it
        mark = runs.mark()
        search = page.get_by_role("textbox", name="Tìm trong nội dung")
        search.fill("trộm cắp")
        search.press("Enter")
        page.get_by_text("1 ý kiến phù hợp", exact=True).wait_for(timeout=30_000)
        assert runs.wait_for_end(mark) == [FRAGMENT_RUN]
        drawn = runs.kinds(mark)
        assert "dataframe" in drawn and "metric" not in drawn and "plotly_chart" not in drawn
        page.wait_for_url("**q=tr**", timeout=30_000)
        assert tile.evaluate("element => element.isConnected")  # the tile drawn before is still there

        # picking the list's only row (its selection box, left of the first data row) opens O4 in
        # detail, again within the fragment
        mark = runs.mark()
        grid = page.locator("[data-testid='stDataFrame']").first
        grid.evaluate("element => element.scrollIntoView({block: 'center'})")
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)
        page.wait_for_url("**opinion=O4**", timeout=30_000)
        page.locator("[data-testid='stText']", has_text="=1+1 trộm cắp vặt").wait_for(timeout=30_000)
        assert runs.wait_for_end(mark) == [FRAGMENT_RUN]
        assert "metric" not in runs.kinds(mark)
        assert tile.evaluate("element => element.isConnected")

        # a section button: the whole page runs, the trend is drawn and the list is gone
        mark = runs.mark()
        section_button(page, "Diễn biến theo tháng").click()
        page.locator("[data-testid='stHeading']", has_text="Ý kiến theo tháng và lĩnh vực").wait_for(
            timeout=30_000
        )
        assert WHOLE_RUN in runs.wait_for_end(mark)
        drawn = runs.kinds(mark)
        assert drawn.count("metric") == 4 and drawn.count("plotly_chart") == 1
        assert section_button(page, "Diễn biến theo tháng").get_attribute("aria-checked") == "true"
        assert page.get_by_text("1 ý kiến phù hợp", exact=True).count() == 0
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        page.close()


def test_in_chromium_html_stays_text_and_a_bar_click_filters(served, browser, fixture_db, accounts_store):  # noqa: F811
    server = served(fixture_db)
    page = browser.new_page(viewport={"width": 1400, "height": 2400})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        # a link to one opinion opens the list, where it is shown in detail
        page.goto(server.url("opinions", opinion="O3", **JAN_FEB))
        login(page, "admin", accounts_store.password)
        shown = page.locator("[data-testid='stText']", has_text="<script>alert(1)</script> Đê bao bị sạt")
        shown.wait_for(timeout=30_000)
        assert shown.is_visible()
        assert page.locator("script", has_text="alert(1)").count() == 0
        assert page.locator("[data-testid='stException']").count() == 0
        assert section_button(page, "Danh sách ý kiến").get_attribute("aria-checked") == "true"
        # the categories' button: the bars
        wait_for_app(page)
        section_button(page, "Theo lĩnh vực").click()
        page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
        wait_for_app(page)
        # a real click on this period's bar of "An ninh trật tự" (the third category, the third trace)
        bars = page.locator(".js-plotly-plot").first.locator("g.trace.bars").nth(2).locator("g.point path")
        bar = bars.nth(2)
        bar.evaluate("element => element.scrollIntoView({block: 'center'})")
        # measured once nothing below the chart is still being drawn (it would move the bar)
        page.wait_for_function("!document.querySelector('[data-stale=\"true\"]')", timeout=30_000)
        wait_for_app(page)
        box = bar.bounding_box()
        # plotly's drag layer takes the pointer: move over the bar (hover), then click there
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_url("**category=security_order**", timeout=30_000)
        wait_for_app(page)
        # the click opened the list, filtered
        page.get_by_text("1 ý kiến phù hợp", exact=True).wait_for(timeout=30_000)
        assert section_button(page, "Danh sách ý kiến").get_attribute("aria-checked") == "true"
        assert "opinion=" not in page.url
        # picking the list's only row (its selection box, left of the first data row) opens O4 in detail
        grid = next(
            frame for frame in page.locator("[data-testid='stDataFrame']").all()
            if frame.bounding_box() and frame.bounding_box()["height"] < 120
        )  # fmt: skip
        grid.evaluate("element => element.scrollIntoView({block: 'center'})")
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)
        page.wait_for_url("**opinion=O4**", timeout=30_000)
        page.locator("[data-testid='stText']", has_text="=1+1 trộm cắp vặt").wait_for(timeout=30_000)
        assert page.locator("[data-testid='stException']").count() == 0
        assert dialogs == []
    finally:
        page.close()
