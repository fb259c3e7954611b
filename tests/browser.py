"""Browser tests' helpers: the app served by Streamlit on a free port, and Debian's Chromium (docs/ARCHITECTURE.md).

Use from a test module:

    from browser import browser, login, served, wait_for_app  # noqa: F401  (browser, served: fixtures)

    def test_something(served, browser, fixture_db, accounts_store):  # noqa: F811
        server = served(fixture_db)                  # CELLBOARD_DB and CELLBOARD_USERS set for it
        page = browser.new_page()
        page.goto(server.url("overview", unit="X1", **{"from": "2025-01-01", "to": "2025-02-28"}))
        login(page, "x1", accounts_store.password)   # the login form, then the page asked for
        assert "Xã An Bình" in page.inner_text("body")

The accounts are conftest.TEST_ACCOUNTS (admin, province, board, x1, x2), all with
`accounts_store.password`. Tables (st.dataframe) draw on a canvas: their cells are not page text.
For a module-wide server, use `AppServer(db, users)` as a context manager (tests/test_auth_browser.py).

`served(db, users=None, env=None)` starts `streamlit run serve.py` in its own process group
(accounts from the `accounts_store` fixture unless `users` is given), waits for /_stcore/health and
stops it after the test. `browser` is one Chromium per test session. The server's output is in
`server.log` (a temporary file).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import tempfile
from pathlib import Path

import pytest
from google.protobuf.message import DecodeError
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from cellboard.bench.interactions import Server, free_port  # noqa: F401 (the tests take free_port from here)

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]
TIMEOUT_MS = 30_000


class AppServer(Server):
    """`streamlit run serve.py` (the app's ASGI entry) on 127.0.0.1 at a free port, over the given files:
    the bench's server (cellboard/bench/interactions.py), on the system allocator."""

    def __init__(self, db: Path, users: Path, env: dict[str, str] | None = None):
        self.db, self.users = Path(db), Path(users)
        # the session secret beside the accounts (never ~/.config's), the same after a restart
        self.secrets = self.users.with_name("secrets.toml")
        files = {
            "CELLBOARD_DB": str(self.db),
            "CELLBOARD_USERS": str(self.users),
            "CELLBOARD_BCRYPT_ROUNDS": os.environ.get("CELLBOARD_BCRYPT_ROUNDS", "4"),
            "CELLBOARD_SECRETS": str(self.secrets),
        }
        log = Path(tempfile.mkstemp(prefix="streamlit-", suffix=".log")[1])
        super().__init__("serve.py", {**files, **(env or {})}, log, preload=False)


@pytest.fixture
def served(request):
    """served(db, users=None, env=None) -> a started AppServer, stopped after the test."""
    started: list[AppServer] = []

    def start(db: Path, users: Path | None = None, env: dict[str, str] | None = None) -> AppServer:
        if users is None:
            users = request.getfixturevalue("accounts_store").path
        server = AppServer(db, users, env).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
        server.log.unlink(missing_ok=True)


_running: dict[str, object] = {}


def chromium():
    """The one headless Chromium of this process (Debian's, never a downloaded one).

    One per process, not per fixture: test modules import the `browser` fixture, and a second
    sync Playwright started beside the first fails ("Sync API inside the asyncio loop").
    """
    if "browser" not in _running:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        _running["playwright"] = playwright
        _running["browser"] = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        atexit.register(_close_chromium)
    return _running["browser"]


def _close_chromium() -> None:
    browser = _running.pop("browser", None)
    if browser is not None:
        browser.close()
    playwright = _running.pop("playwright", None)
    if playwright is not None:
        playwright.stop()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium, shared by every test module of the session."""
    return chromium()


SETTLED = """() => document.querySelector("[data-testid='stApp'][data-test-script-state='notRunning']")
    && !document.querySelector("[data-stale='true']")"""


def wait_for_app(page, timeout: int = TIMEOUT_MS) -> None:
    """Until the page has settled as the bench defines it: the script run has finished (Streamlit
    marks the app `data-test-script-state`) and no element is left stale from an earlier run (a
    rerun's elements are swapped in one by one, so a page read mid-way mixes two runs)."""
    page.wait_for_function(SETTLED, timeout=timeout, polling=50)


def charts_drawn(page, timeout: int = TIMEOUT_MS) -> int:
    """How many Plotly charts the page shows, once the first is drawn: Streamlit loads Plotly after
    the run that sends a chart has finished, so a settled page may not show it yet."""
    page.locator(".js-plotly-plot").first.wait_for(timeout=timeout)
    return page.locator(".js-plotly-plot").count()


def download_of(page, button, attempts: int = 3):
    """The download a click on `button` starts. A click that lands while a rerun draws the button
    again starts none (seen under a loaded `make test`), so the page is let settle and the click
    made again, up to `attempts` times."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(attempts):
        try:
            with page.expect_download(timeout=15_000) as download:
                button.click()
            return download.value
        except PlaywrightTimeout:
            if attempt + 1 == attempts:
                raise
            wait_for_app(page)
    raise AssertionError("unreachable")


def login(page, name: str, password: str, timeout: int = TIMEOUT_MS) -> None:
    """Fill in the login form (the HTTP page every address without a session is sent to) and wait
    for the app page it comes back to."""
    page.wait_for_url("**/login**", timeout=timeout)
    page.get_by_label("Tên đăng nhập").or_(page.get_by_label("Account name")).first.fill(
        name, timeout=timeout
    )
    page.get_by_label("Mật khẩu").or_(page.get_by_label("Password")).first.fill(password)
    page.get_by_role("button", name="Đăng nhập").or_(page.get_by_role("button", name="Log in")).first.click()
    page.wait_for_url(lambda url: "/login" not in url, timeout=timeout)
    wait_for_app(page, timeout)


# ---- what the server sends a tab (Streamlit's ForwardMsg), for fragment-only behaviour ----------

WHOLE_RUN = ForwardMsg.FINISHED_SUCCESSFULLY
FRAGMENT_RUN = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY


class Runs:
    """The messages of the page's Streamlit websocket, from a mark on: the runs the browser asked for
    (their fragment ids, "" for a whole run), the runs' ends and the elements the server sent (with
    the fragment each belongs to)."""

    def __init__(self, page):
        self.page = page
        self.messages: list[ForwardMsg] = []
        self.asked: list[tuple[int, str]] = []  # (messages received by then, the rerun's fragment id)
        page.on("websocket", self._attach)

    def _attach(self, socket) -> None:
        socket.on("framereceived", self._received)
        socket.on("framesent", self._sent)

    def _received(self, payload) -> None:
        if isinstance(payload, bytes | bytearray):
            with contextlib.suppress(DecodeError):
                self.messages.append(ForwardMsg.FromString(bytes(payload)))

    def _sent(self, payload) -> None:
        if isinstance(payload, bytes | bytearray):
            with contextlib.suppress(DecodeError):
                message = BackMsg.FromString(bytes(payload))
                if message.WhichOneof("type") == "rerun_script":
                    self.asked.append((len(self.messages), message.rerun_script.fragment_id))

    def mark(self) -> int:
        return len(self.messages)

    def reruns(self, since: int) -> list[str]:
        """The fragment ids of the runs asked for since the mark ("" for a whole run)."""
        return [fragment for at, fragment in self.asked if at >= since]

    def ends(self, since: int) -> list[int]:
        return [m.script_finished for m in self.messages[since:] if m.HasField("script_finished")]

    def new_elements(self, since: int) -> list:
        return [
            m.delta for m in self.messages[since:] if m.HasField("delta") and m.delta.HasField("new_element")
        ]

    def elements(self, since: int) -> list:
        return [delta.new_element for delta in self.new_elements(since)]

    def fragments(self, since: int) -> list[str]:
        """The fragment each element sent since the mark belongs to ("" outside any)."""
        return [delta.fragment_id for delta in self.new_elements(since)]

    def kinds(self, since: int) -> list[str]:
        return [element.WhichOneof("type") for element in self.elements(since)]

    def wait_for_end(self, since: int, timeout_ms: int = 30_000) -> list[int]:
        """The ends of the runs since the first the browser asked for after the mark, once one has
        ended (and the app shows it): a late end of a run before the mark is not taken for it."""
        waited = 0
        while not self._ended(since):
            assert waited < timeout_ms, f"no run ended: asked {self.reruns(since)}"
            self.page.wait_for_timeout(50)
            waited += 50
        wait_for_app(self.page)
        return self.ends(self._first_asked(since))

    def _first_asked(self, since: int) -> int:
        return next((at for at, _ in self.asked if at >= since), len(self.messages))

    def _ended(self, since: int) -> bool:
        return bool(self.reruns(since)) and bool(self.ends(self._first_asked(since)))


def section_button(page, label: str):
    """One of the buttons that pick a page's section (a segmented control: radios in a radio group)."""
    return page.get_by_role("radio", name=label, exact=True)
