"""The Rankings page's sections and fragments, in Chromium against the served app (serve.py).

Everything under the page's heading is a fragment (the score, its weights, the section buttons and
the chosen section), and the ranking section a fragment inside it: a weight's change reruns the
outer one, a drill-down click the inner one alone. The websocket's messages say which run a click
started and which elements it sent (tests/browser.py, Runs).
"""

from __future__ import annotations

from browser import Runs, login, wait_for_app  # the fixtures browser and served: conftest.py
from playwright.sync_api import expect
from test_participation_browser import JAN_FEB, section_button


def test_weights_sections_and_a_drill_down_rerun_only_their_fragments(
    served, browser, fixture_db, accounts_store
):  # noqa: F811
    server = served(fixture_db)
    page = browser.new_page(viewport={"width": 1366, "height": 2000})
    runs = Runs(page)
    plots = page.locator(".js-plotly-plot")
    try:
        page.goto(server.url("rankings", **JAN_FEB))
        login(page, "admin", accounts_store.password)
        page.get_by_text("Chi bộ điểm cao nhất và thấp nhất mỗi xã/phường").first.wait_for(timeout=30_000)
        wait_for_app(page)
        expect(plots).to_have_count(2)  # the ranking section: top and bottom, one commune's ranking
        assert page.get_by_text("Chi bộ cần giúp đỡ", exact=True).count() == 0
        title = page.locator("h1").first
        title.evaluate("node => { node.dataset.kept = 'yes' }")

        # a weight moved with the keyboard (0.40 -> 0.45): the outer fragment reruns, nothing above it
        page.locator("[data-testid='stExpander'] summary", has_text="Trọng số các thành phần").click()
        thumb = page.locator("[data-testid='stMain'] [data-testid='stSlider'] input[type='range']").first
        thumb.wait_for(state="attached")
        since = runs.mark()
        thumb.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_url("**w_attendance=0.45**", timeout=30_000)
        runs.wait_for_end(since)
        outer = runs.reruns(since)[0]
        assert len(runs.reruns(since)) == 1 and outer != ""  # a fragment's rerun
        # nothing outside a fragment was sent (the ranking's elements carry its own fragment's id)
        assert runs.kinds(since) and "" not in runs.fragments(since) and outer in runs.fragments(since)
        assert "slider" in runs.kinds(since) and runs.kinds(since).count("plotly_chart") == 2
        # 0.45 / (0.45 + 0.3 + 0.2 + 0.1)
        page.get_by_text("42,9% × Tỷ lệ đảng viên dự sinh hoạt", exact=False).first.wait_for()

        # a click on a commune in the top and bottom chart: the ranking section alone reruns
        since = runs.mark()
        plots.nth(0).locator(".points .point").first.click(force=True)
        page.wait_for_url("**commune=**", timeout=30_000)
        runs.wait_for_end(since)
        inner = runs.reruns(since)[0]
        assert len(runs.reruns(since)) == 1 and inner not in ("", outer)
        assert set(runs.fragments(since)) == {inner}
        assert "slider" not in runs.kinds(since)  # the weights were not drawn again
        assert runs.kinds(since).count("plotly_chart") == 2

        # a cell's bar: its history, still in the ranking section alone
        since = runs.mark()
        plots.nth(1).locator(".bars .point path").first.click(force=True)
        page.wait_for_url("**cell=**", timeout=30_000)
        runs.wait_for_end(since)
        page.get_by_text("qua sáp nhập", exact=False).first.wait_for()
        assert runs.reruns(since) == [inner] and "slider" not in runs.kinds(since)
        expect(plots).to_have_count(3)

        # the section buttons: cells that need help, then the ratings (within the outer fragment)
        since = runs.mark()
        section_button(page, "Chi bộ cần hỗ trợ").click()
        runs.wait_for_end(since)
        page.get_by_text("Chi bộ cần giúp đỡ", exact=True).first.wait_for()
        assert runs.reruns(since) == [outer]
        expect(plots).to_have_count(0)
        assert "section=" in page.url and "w_attendance=0.45" in page.url
        section_button(page, "Xếp loại").click()
        page.get_by_text("Xếp loại chi bộ theo xã/phường và năm").first.wait_for()
        wait_for_app(page)
        expect(plots).to_have_count(1)
        assert page.locator("h1[data-kept='yes']").count() == 1  # the title's node, untouched
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        page.close()
