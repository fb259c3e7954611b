"""The Participation page's sections and its drill-down fragment, in Chromium against the served app
(serve.py). AppTest reruns the whole script on every interaction; only a browser shows what a
fragment changes: here the websocket's messages are read (Streamlit's own protobuf messages), so the
test sees which run a click started (a fragment's carries its id) and which elements that run sent
(a fragment's run sends its own elements only, never the headline figures above it).
"""

from __future__ import annotations

from browser import login, wait_for_app  # the fixtures browser and served: conftest.py
from playwright.sync_api import expect
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

JAN_FEB = {"from": "2025-01-01", "to": "2025-02-28"}


class Wire:
    """The messages of a page's Streamlit websocket since the last `clear`: the reruns the browser
    asked for (their fragment ids, "" for a whole run) and the kinds of elements the server sent."""

    def __init__(self, page):
        self.page = page
        self.reruns: list[str] = []
        self.elements: list[str] = []
        self.fragment_deltas: list[str] = []
        self.finished = 0
        page.on("websocket", self._attach)

    def _attach(self, socket) -> None:
        if "_stcore/stream" in socket.url:
            socket.on("framesent", self._sent)
            socket.on("framereceived", self._received)

    def _sent(self, payload) -> None:
        if isinstance(payload, str):
            return
        message = BackMsg()
        message.ParseFromString(payload)
        if message.WhichOneof("type") == "rerun_script":
            self.reruns.append(message.rerun_script.fragment_id)

    def _received(self, payload) -> None:
        if isinstance(payload, str):
            return
        message = ForwardMsg()
        message.ParseFromString(payload)
        kind = message.WhichOneof("type")
        if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            self.elements.append(message.delta.new_element.WhichOneof("type"))
            self.fragment_deltas.append(message.delta.fragment_id)
        elif kind == "script_finished":
            self.finished += 1

    def clear(self) -> None:
        self.reruns, self.elements, self.fragment_deltas, self.finished = [], [], [], 0

    def wait_finished(self, timeout_ms: int = 30_000) -> None:
        """Until a run the browser asked for since `clear` has finished."""
        waited = 0
        while not (self.reruns and self.finished):
            if waited > timeout_ms:
                raise AssertionError(f"no run finished: reruns {self.reruns}, finished {self.finished}")
            self.page.wait_for_timeout(50)
            waited += 50
        wait_for_app(self.page)


def section_button(page, label: str):
    """A button of the row that picks the page's section."""
    return page.locator("[data-testid='stButtonGroup'] button", has_text=label)


def test_sections_and_a_drill_down_that_reruns_only_its_section(served, browser, fixture_db, accounts_store):  # noqa: F811
    server = served(fixture_db)
    page = browser.new_page(viewport={"width": 1366, "height": 2000})
    wire = Wire(page)
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
        wire.clear()
        section_button(page, "Xã và chi bộ").click()
        wire.wait_finished()
        page.get_by_text("So sánh các xã/phường").first.wait_for()
        assert wire.reruns == [""]
        assert wire.elements.count("metric") == 4
        assert "section=" not in page.url  # the default section: not in the URL
        assert page.get_by_text("Đảng viên thường xuyên vắng").count() == 0
        expect(page.locator(".js-plotly-plot")).to_have_count(2)  # the trend and the communes compared

        # a click on Xã An Bình's bar (lowest first): the fragment alone reruns, draws the commune's
        # cells, and sends nothing of the page above it (no headline figure, no trend)
        title = page.locator("h1").first
        title.evaluate("node => { node.dataset.kept = 'yes' }")
        wire.clear()
        page.locator(".js-plotly-plot").nth(1).locator(".bars .point path").first.click(force=True)
        page.wait_for_url("**commune=X1**", timeout=30_000)
        wire.wait_finished()
        page.get_by_text("Các chi bộ của Xã An Bình").first.wait_for()
        assert len(wire.reruns) == 1 and wire.reruns[0] != ""  # a fragment's rerun
        assert wire.elements and set(wire.fragment_deltas) == {wire.reruns[0]}
        assert "metric" not in wire.elements
        assert wire.elements.count("plotly_chart") == 2  # the communes' chart again, the cells' chart
        expect(page.locator(".js-plotly-plot")).to_have_count(3)
        assert page.locator("h1[data-kept='yes']").count() == 1  # the title's node, untouched
        assert page.locator("[data-testid='stMetric']").count() == 4

        # a cell's bar: its meetings, again in the fragment alone
        wire.clear()
        page.locator(".js-plotly-plot").nth(2).locator(".bars .point path").first.click(force=True)
        page.wait_for_url("**cell=C2**", timeout=30_000)
        wire.wait_finished()
        page.get_by_text("Các buổi sinh hoạt của Chi bộ thôn Tây").first.wait_for()
        assert len(wire.reruns) == 1 and wire.reruns[0] != ""
        assert "metric" not in wire.elements
        expect(page.locator(".js-plotly-plot")).to_have_count(4)

        # the regularity section; a click on a commune there opens the communes section at it
        wire.clear()
        section_button(page, "Tính đều đặn").click()
        wire.wait_finished()
        page.get_by_text("Sinh hoạt đều đặn và chuyên đề theo xã/phường").first.wait_for()
        assert "section=" in page.url
        expect(page.locator(".js-plotly-plot")).to_have_count(2)
        wire.clear()
        page.locator(".js-plotly-plot").nth(1).locator(".points .point").last.click(force=True)
        page.get_by_text("So sánh các xã/phường").first.wait_for(timeout=30_000)
        wait_for_app(page)
        assert "section=" not in page.url
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        page.close()
