"""The review's charts: the app's plotly figures rendered to PNG by kaleido with Debian's chromium.

Where no browser can be started the report is still built, with tables only and a line saying so. Set
CELLBOARD_CHART_BROWSER to a browser's path to choose it (a path that does not exist turns charts off: the
no-browser path, testable without uninstalling chromium).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from concurrent.futures import Future, ThreadPoolExecutor

CHART_BROWSER_ENV = "CELLBOARD_CHART_BROWSER"
CHART_WIDTH, CHART_MAX_HEIGHT = 1000, 900  # pixels (drawn at twice that), placed 16 cm wide in the DOCX
CHART_TIMEOUT = 120  # seconds for the browser to start and draw every chart


class ChartDrawer:
    """Draws plotly figures to PNG with kaleido in one chromium session. The browser starts at once, on a
    thread of its own (the caller may be inside an event loop: Streamlit, tests), so its seconds of start-up
    pass while the queries run; `draw` hands it the figures. Without a browser `draw` raises (kaleido's
    ChromeNotFoundError); `close` ends the session when nothing is drawn."""

    def __init__(self) -> None:
        self._figures: Future = Future()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-charts")
        self._images = self._pool.submit(lambda: asyncio.run(self._session()))

    async def _session(self) -> list[bytes]:
        import kaleido

        browser = os.environ.get(CHART_BROWSER_ENV) or None
        options = {"path": browser} if browser else {}
        async with kaleido.Kaleido(n=1, mathjax=False, **options) as renderer:
            figure_list = await asyncio.wrap_future(self._figures)
            return [await renderer.calc_fig(figure, opts=_chart_size(figure)) for figure in figure_list]

    def draw(self, figure_list: list) -> list[bytes]:
        self._figures.set_result(figure_list)
        try:
            return self._images.result(timeout=CHART_TIMEOUT)
        finally:
            self._pool.shutdown(wait=False)

    def close(self) -> None:
        """End the session with nothing drawn, and wait for the browser to stop: left to the process's
        exit, a browser still starting prints its own traceback (a report refused for a bad database)."""
        if not self._figures.done():
            self._figures.set_result([])
        # no browser, or it failed: nothing was to be drawn anyway
        with contextlib.suppress(Exception):
            self._images.result(timeout=CHART_TIMEOUT)
        self._pool.shutdown(wait=False)


def _chart_size(figure) -> dict:
    height = figure.layout.height or 450
    return {"format": "png", "width": CHART_WIDTH, "height": min(int(height), CHART_MAX_HEIGHT), "scale": 2}
