"""The Participation page's sections and its drill-down fragment, in Chromium against the served app
(serve.py). AppTest reruns the whole script on every interaction; only a browser shows what a
fragment changes: here the websocket's messages are read (Streamlit's own protobuf messages), so the
test sees which run a click started (a fragment's carries its id) and which elements that run sent
(a fragment's run sends its own elements only, never the headline figures above it).
"""

from __future__ import annotations

from browser import Runs, login, wait_for_app  # the fixtures browser and served: conftest.py
from playwright.sync_api import expect

JAN_FEB = {"from": "2025-01-01", "to": "2025-02-28"}


def section_button(page, label: str):
    """A button of the row that picks the page's section."""
    return page.locator("[data-testid='stButtonGroup'] button", has_text=label)


def test_sections_and_a_drill_down_that_reruns_only_its_section(served, browser, fixture_db, accounts_store):  # noqa: F811
    server = served(fixture_db)
    page = browser.new_page(viewport={"width": 1366, "height": 2000})
    runs = Runs(page)
    try:
        # the absences section, under the headline figures and the trend; its address reopens it
        page.goto(server.url("participation", **JAN_FEB))
        login(page, "admin", accounts_store.password)
        page.get_by_text("So sánh các xã/phường").first.wait_for(timeout=30_000)
        section_button(page, "Vắng mặt").click()
        page.wait_for_url("**section=**", timeout=30_000)
        page.reload()
        page.get_by_text("Đảng viên thường xuyên vắng").first.wait_for(timeout=30_000)
        wait_for_app(page)
        assert "section=" in page.url
        # a fresh page load fetches each element's code as it first needs it: wait for the figures
        expect(page.locator("[data-testid='stMetric']")).to_have_count(4)
        expect(page.locator(".js-plotly-plot")).to_have_count(2)  # the trend, the absence reasons
        assert page.get_by_text("So sánh các xã/phường").count() == 0

        # a section button: the communes, a whole run (the headline figures are sent again)
        since = runs.mark()
        section_button(page, "Xã và chi bộ").click()
        runs.wait_for_end(since)
        page.get_by_text("So sánh các xã/phường").first.wait_for()
        assert runs.reruns(since) == [""]
        assert runs.kinds(since).count("metric") == 4
        assert "section=" not in page.url  # the default section: not in the URL
        assert page.get_by_text("Đảng viên thường xuyên vắng").count() == 0
        expect(page.locator(".js-plotly-plot")).to_have_count(2)  # the trend and the communes compared

        # a click on Xã An Bình's bar (lowest first): the fragment alone reruns, draws the commune's
        # cells, and sends nothing of the page above it (no headline figure, no trend)
        title = page.locator("h1").first
        title.evaluate("node => { node.dataset.kept = 'yes' }")
        since = runs.mark()
        page.locator(".js-plotly-plot").nth(1).locator(".bars .point path").first.click(force=True)
        page.wait_for_url("**commune=X1**", timeout=30_000)
        runs.wait_for_end(since)
        page.get_by_text("Các chi bộ của Xã An Bình").first.wait_for()
        assert len(runs.reruns(since)) == 1 and runs.reruns(since)[0] != ""  # a fragment's rerun
        assert runs.kinds(since) and set(runs.fragments(since)) == {runs.reruns(since)[0]}
        assert "metric" not in runs.kinds(since)
        assert runs.kinds(since).count("plotly_chart") == 2  # the communes' chart again, the cells' chart
        expect(page.locator(".js-plotly-plot")).to_have_count(3)
        assert page.locator("h1[data-kept='yes']").count() == 1  # the title's node, untouched
        assert page.locator("[data-testid='stMetric']").count() == 4

        # a cell's bar: its meetings, again in the fragment alone
        since = runs.mark()
        page.locator(".js-plotly-plot").nth(2).locator(".bars .point path").first.click(force=True)
        page.wait_for_url("**cell=C2**", timeout=30_000)
        runs.wait_for_end(since)
        page.get_by_text("Các buổi sinh hoạt của Chi bộ thôn Tây").first.wait_for()
        assert len(runs.reruns(since)) == 1 and runs.reruns(since)[0] != ""
        assert "metric" not in runs.kinds(since)
        expect(page.locator(".js-plotly-plot")).to_have_count(4)

        # the regularity section; a click on a commune there opens the communes section at it
        since = runs.mark()
        section_button(page, "Tính đều đặn").click()
        runs.wait_for_end(since)
        page.get_by_text("Sinh hoạt đều đặn và chuyên đề theo xã/phường").first.wait_for()
        assert "section=" in page.url
        expect(page.locator(".js-plotly-plot")).to_have_count(2)
        since = runs.mark()
        page.locator(".js-plotly-plot").nth(1).locator(".points .point").last.click(force=True)
        page.get_by_text("So sánh các xã/phường").first.wait_for(timeout=30_000)
        wait_for_app(page)
        assert "section=" not in page.url
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        page.close()
