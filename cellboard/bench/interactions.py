"""What a user waits for, per click: the bench's `interactions` fields (issue 15, item 1).

Measured for the benchmark only, never asserted in tests. Two sides of the same clicks:

- **server** (`server_*_ms`): the script run in AppTest, in this process, as the administrator and as
  the commune account (cellboard/bench/apptiming.py's way): *open* = the run after switching to the
  page from the page before it in the list, *rerun* = a run with nothing changed, *unit change* = the
  unit box set to another commune, *period change* = the year box of the half-year preset set to
  another year.
- **browser** (`browser_*_ms`): Debian's Chromium through Playwright against one server started as
  `make run` starts it (`streamlit run serve.py`, one process, jemalloc preloaded when the machine has
  it), direct HTTP, signed in through the HTTP login form. *Page switch* = a click on the page's
  sidebar link (`stSidebarNavLink`), coming from the page before it in the list; *period change* =
  another year chosen in the year box of the half-year preset.

"Settled" (issue 15): from the click (the pointerdown of the click that changes something) until the
app's root says its script is not running (`[data-testid="stApp"][data-test-script-state="notRunning"]`)
after having run, with no element marked stale (`[data-stale="true"]`), checked in the page every
50 ms, no fixed wait. A MutationObserver on the root's state attribute sees the run start however
short it is; the 50 ms check gives the end (so a figure is up to 50 ms late, never early).

Changes go to values the page has not shown in this process where the data allows it: the communes in
order of size, and the years walked back and forth (first half 2026, then 2025, ... 2021, then back
up), so a change asks its page's queries for a period they have not cached, unless another page or
the previous-period comparison of an earlier one asked the same. Medians of `runs` (5 in the bench;
`CELLBOARD_BENCH_QUICK=1`, used by tests/test_bench.py, takes 1 so `make test` only checks the fields).

Also measured: `first_load_ms` (a fresh browser context against the running, already visited server:
from the navigation's start through the login form's post until the first page has settled),
`server_peak_rss_mb` (the server's VmHWM once both accounts have visited every page) and `floor`
(cellboard/bench/floor.py: the same sidebar widgets and no data work, its rerun in AppTest and its
page switch in Chromium, measured in the same run).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

from cellboard import ROOT, allocator, text

RUNS = 5
QUICK_RUNS = 1
CHROMIUM = "/usr/bin/chromium"  # Debian's; never a downloaded one (docs/ARCHITECTURE.md)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]
TIMEOUT_MS = 120_000
FLOOR = ROOT / "cellboard" / "bench" / "floor.py"

# The pages of issue 15 in dashboard.PAGES' order: the dashboard's six and the write path's forms.
PAGES = (
    "overview",
    "participation",
    "opinions",
    "answers",
    "month",
    "corrections",
    "rankings",
    "supervision",
    "review",
)
FIELDS = (
    "server_open_ms",
    "server_rerun_ms",
    "server_unit_change_ms",
    "server_period_change_ms",
    "browser_switch_ms",
    "browser_period_change_ms",
)
# Fields that do not apply, and why (null in the output):
# - the month page has a month box and (for an administrator) a commune box of its own; it reads
#   neither the sidebar's period nor its unit, so those boxes' changes are not its interactions.
NO_PERIOD = {"month"}
NO_UNIT = {"month"}
# - a commune account's unit box holds its own commune only: there is no other commune to choose.
# - a page the role may not open (auth.PAGE_ROLES: the answers page is not a commune's) has no figure.
START = ("first_half", 2026)  # the half-year preset (set through the URL), its newest full half-year


def run_count() -> int:
    return QUICK_RUNS if os.environ.get("CELLBOARD_BENCH_QUICK") == "1" else RUNS


def median(samples: list[float]) -> float | None:
    return round(statistics.median(samples), 1) if samples else None


def start_url_params() -> dict[str, str]:
    year = START[1]
    return {"from": f"{year}-01-01", "to": f"{year}-06-30"}


def year_walk(years: list[int], start: int) -> Iterator[int]:
    """Years to change to, each different from the one before: from `start` down to the oldest,
    then back up to the newest, and so on."""
    ordered = sorted(years, reverse=True)
    if len(ordered) < 2:
        raise RuntimeError(f"the half-year preset offers {ordered}: no other year to change to")
    index, step = ordered.index(start), 1
    while True:
        if not 0 <= index + step < len(ordered):
            step = -step
        index += step
        yield ordered[index]


def preset_years() -> list[int]:
    """The years dashboard.py's half-year preset offers on this database (its preset_years)."""
    import datetime as dt

    from cellboard.data import db

    info = db.run("database_info").set_index("key")["value"]
    today = dt.date.today()
    first = info.get("first_meeting")
    oldest = min(today.year - 1, int(first[:4]) if isinstance(first, str) else today.year)
    return list(range(today.year, oldest - 1, -1))


def communes_by_size() -> list[str]:
    from cellboard.data import db

    tree = db.run("unit_tree")
    communes = tree[tree["kind"] == "commune"].sort_values(["cells", "unit_id"], ascending=[False, True])
    return [str(unit) for unit in communes["unit_id"]]


# ---- accounts ----------------------------------------------------------------------------------


def make_accounts(folder: Path, path: Path, commune: str) -> tuple[str, dict[str, tuple[str, str | None]]]:
    """An administrator and a commune account in a new accounts store under `folder`; -> password,
    {name: (role, unit)}. bcrypt at the app's own cost (12), so the first load's login costs what a
    real one does (tests lower it through CELLBOARD_BCRYPT_ROUNDS; apptiming sets 4)."""
    from cellboard import auth

    os.environ["CELLBOARD_USERS"] = str(folder / "accounts.sqlite")
    os.environ["CELLBOARD_DB"] = str(path)
    password = f"bench-{secrets.token_hex(8)}"
    accounts = {"bench-admin": ("admin", None), "bench-commune": ("commune", commune)}
    before = os.environ.pop("CELLBOARD_BCRYPT_ROUNDS", None)
    try:
        for name, (role, unit) in accounts.items():
            auth.add_account(name, role, unit, password, actor="bench", data_path=path)
    finally:
        if before is not None:
            os.environ["CELLBOARD_BCRYPT_ROUNDS"] = before
    return password, accounts


def pages_of(role: str) -> list[str]:
    from cellboard import auth

    return [stem for stem in PAGES if auth.may_open(role, f"pages/{stem}.py")]


# ---- server side: AppTest ----------------------------------------------------------------------


def _timed_run(at) -> float:
    started = time.perf_counter()
    at.run()
    return (time.perf_counter() - started) * 1000


def server_times(account_name: str, communes: list[str], years: list[int], runs: int) -> dict[str, dict]:
    """server_open/rerun/unit_change/period_change_ms of every page the account may open."""
    from streamlit.testing.v1 import AppTest

    from cellboard import auth
    from cellboard.app import ui
    from cellboard.bench import apptiming

    apptiming.as_served()  # reruns through dashboard.py, each script compiled once
    account = auth.get_account(account_name)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update(start_url_params())
    for key, value in ui.session_values(account).items():
        at.session_state[key] = value
    at.run()  # imports, the first page
    pages = pages_of(account.role)
    at.switch_page(f"pages/{pages[-1]}.py").run()  # the first open comes from the last page
    exceptions = {stem: 0 for stem in pages}

    def check(stem: str) -> None:
        exceptions[stem] += len(at.exception)

    opens: dict[str, list[float]] = {stem: [] for stem in pages}
    for _ in range(runs):  # each page opened from the one before it, as a user goes down the list
        for stem in pages:
            at.switch_page(f"pages/{stem}.py")
            opens[stem].append(_timed_run(at))
            check(stem)
    walk = year_walk(years, at.selectbox(key="f_year").value)
    results = {}
    for stem in pages:
        at.switch_page(f"pages/{stem}.py")
        at.run()
        reruns = []
        for _ in range(runs):
            reruns.append(_timed_run(at))
            check(stem)
        unit_changes = []
        if account.role != "commune" and stem not in NO_UNIT:
            at.selectbox(key="f_unit").set_value(communes[0]).run()
            for commune in communes[1 : runs + 1]:
                at.selectbox(key="f_unit").set_value(commune)
                unit_changes.append(_timed_run(at))
                check(stem)
            at.selectbox(key="f_unit").set_value(None).run()  # back to the whole tree
        period_changes = []
        if stem not in NO_PERIOD:
            for _ in range(runs):
                at.selectbox(key="f_year").set_value(next(walk))
                period_changes.append(_timed_run(at))
                check(stem)
        results[stem] = {
            "server_open_ms": median(opens[stem]),
            "server_rerun_ms": median(reruns),
            "server_unit_change_ms": median(unit_changes),
            "server_period_change_ms": median(period_changes),
            "exceptions": exceptions[stem],
        }
    return results


def floor_rerun_ms(runs: int) -> float:
    from streamlit.testing.v1 import AppTest

    from cellboard.bench import apptiming

    apptiming.as_served()  # measured as the app's pages are
    at = AppTest.from_file(str(FLOOR), default_timeout=60)
    at.run()
    at.run()
    return median([_timed_run(at) for _ in range(max(runs, 5))])


# ---- the served app ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`streamlit run SCRIPT` on 127.0.0.1, one process, started as `make run` starts the app:
    jemalloc preloaded when the machine has it (and CELLBOARD_MALLOC is not `system`). The file
    watcher is off (the one difference): other work editing the tree must not disturb the timing."""

    def __init__(self, script: str, env: dict[str, str], log: Path, *, preload: bool = True):
        self.script, self.extra_env, self.log, self.preload = script, env, log, preload
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> Server:
        env = {**os.environ, **self.extra_env}
        library = allocator.jemalloc_library()
        if self.preload and library and os.environ.get("CELLBOARD_MALLOC", "jemalloc") != "system":
            env["LD_PRELOAD"] = library
            env[allocator.MARKER] = library
        command = [
            sys.executable, "-m", "streamlit", "run", self.script,
            "--server.headless=true", f"--server.port={self.port}", "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
        ]  # fmt: skip
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited ({self.process.returncode}):\n{self.output()}")
            try:
                with urllib.request.urlopen(self.url("_stcore/health"), timeout=2) as answer:
                    if answer.read().strip() == b"ok":
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"streamlit did not answer on port {self.port}:\n{self.output()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def url(self, path: str = "", **params: str) -> str:
        query = f"?{urlencode(params)}" if params else ""
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}{query}"

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def peak_rss_mb(self) -> float:
        """The server process's peak resident memory (VmHWM)."""
        with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
        raise RuntimeError("no VmHWM in /proc/PID/status")


# ---- browser side ------------------------------------------------------------------------------

# Installed in every document of a context before its own scripts. window.__cb.settled is set (once
# per arm) by the 50 ms check to performance.now() when, after a run was seen (the root's state
# attribute left notRunning, or the server's script_finished message arrived; once armed, only after
# the click), the root says notRunning and nothing is stale; t0 is the first pointerdown after arming
# (the measured click).
SETTLE_JS = """
(() => {
  const running = new Set(["running", "rerunRequested", "stopRequested"]);
  const cb = { armed: false, ran: false, t0: null, settled: null, settledEpoch: null };
  cb.arm = () => { cb.armed = true; cb.ran = false; cb.t0 = null; cb.settled = null; cb.settledEpoch = null; };
  // once armed, only a run after the click counts: a late message of the run before it is not the click's
  const sawRun = () => { if (!cb.armed || cb.t0 !== null) cb.ran = true; };
  window.__cb = cb;
  const root = () => document.querySelector('[data-testid="stApp"]');
  const state = () => { const app = root(); return app ? app.getAttribute("data-test-script-state") : null; };
  new MutationObserver((records) => {
    const seen = records.map((record) => record.oldValue);
    seen.push(state());
    if (seen.some((value) => running.has(value))) sawRun();
  }).observe(document, {
    subtree: true, attributes: true, attributeOldValue: true, attributeFilter: ["data-test-script-state"],
  });
  // A run too short for React to draw its "running" state is seen on the websocket instead: the
  // server's ForwardMsg script_finished (field 6, a varint), read from each binary frame's top level.
  const finishes = (bytes) => {
    let at = 0;
    const varint = () => { let value = 0, shift = 0, byte;
      do { byte = bytes[at++]; value += (byte & 127) * 2 ** shift; shift += 7; } while (byte & 128 && at < bytes.length);
      return value; };
    while (at < bytes.length) {
      const key = varint(), field = Math.floor(key / 8), wire = key % 8;
      if (wire === 0) { varint(); if (field === 6) return true; }
      else if (wire === 2) { at += varint(); }
      else if (wire === 1) { at += 8; } else if (wire === 5) { at += 4; } else { return false; }
    }
    return false;
  };
  const Native = window.WebSocket;
  const Watched = function (...args) {
    const socket = new Native(...args);
    socket.addEventListener("message", (event) => {
      if (event.data instanceof ArrayBuffer && finishes(new Uint8Array(event.data))) sawRun();
    });
    return socket;
  };
  Watched.prototype = Native.prototype;
  Object.assign(Watched, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  window.WebSocket = Watched;
  document.addEventListener("pointerdown", () => { if (cb.t0 === null) cb.t0 = performance.now(); }, true);
  setInterval(() => {
    if (running.has(state())) sawRun();
    if (cb.settled !== null || !cb.ran || state() !== "notRunning") return;
    if (document.querySelector('[data-stale="true"]')) return;
    cb.settled = performance.now();
    cb.settledEpoch = performance.timeOrigin + cb.settled;
  }, 50);
})();
"""


def wait_settled(page) -> None:
    try:
        page.wait_for_function(
            "() => window.__cb && window.__cb.settled !== null", polling=50, timeout=TIMEOUT_MS
        )
    except Exception as error:
        seen = page.evaluate(
            """() => ({url: location.href, ran: window.__cb && window.__cb.ran,
            state: document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state'),
            stale: document.querySelectorAll('[data-stale="true"]').length})"""
        )
        raise RuntimeError(f"the app did not settle: {seen}") from error


REPEATED = {"clicks": 0}  # clicks that started no run (see clicked), done again


def clicked(page, make_click: Callable[[], Callable[[], None]], attempts: int = 3) -> None:
    """Arm, click, and wait until the app has settled after a run. A click that starts no run (none
    seen in 5 s, neither the root's running state nor the server's script_finished message) measures
    nothing: it is made again (`make_click` finds the element afresh, opening the list again) and
    counted in `interaction_repeated_clicks`. Before script_finished was watched, 25 of about 215
    clicks of an M run were counted so: runs too short for React to draw the running state."""
    for attempt in range(attempts):
        click = make_click()
        page.evaluate("() => window.__cb.arm()")
        click()
        try:
            page.wait_for_function("() => window.__cb.ran", polling=50, timeout=5_000)
        except Exception:
            if attempt + 1 == attempts:
                raise
            REPEATED["clicks"] += 1
            continue
        wait_settled(page)
        return


def timed_click(page, make_click: Callable[[], Callable[[], None]]) -> float:
    """Milliseconds from the click's pointerdown until the app has settled."""
    clicked(page, make_click)
    elapsed = page.evaluate("() => window.__cb.settled - window.__cb.t0")
    if elapsed is None or elapsed <= 0:
        raise RuntimeError("the click was not seen before the app settled")
    return elapsed


def untimed(page, make_click: Callable[[], Callable[[], None]]) -> None:
    clicked(page, make_click)


def new_page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1440, "height": 1000})
    context.add_init_script(SETTLE_JS)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return context, page


def nav_link(page, stem: str):
    """The sidebar link of a page (the default page's link is the root address)."""
    links = page.locator("[data-testid='stSidebarNavLink']")
    hrefs = links.evaluate_all("(all) => all.map((a) => new URL(a.href).pathname.replace(/^\\/+/, ''))")
    wanted = [i for i, href in enumerate(hrefs) if href == stem]
    if not wanted:
        wanted = [i for i, href in enumerate(hrefs) if href == ""]
        if stem != "overview" or not wanted:
            raise RuntimeError(f"no sidebar link to {stem}: {hrefs}")
    return links.nth(wanted[0])


def choose(page, key: str, label: str) -> Callable[[], None]:
    """The click on `label` in the selectbox of widget `key`, its list opened first (untimed)."""
    page.locator(f".st-key-{key} [data-testid='stSelectbox'] input").click()
    page.keyboard.press("ArrowDown")  # the whole list (a click alone may leave it closed)
    option = page.locator("[role='listbox'] [role='option']", has_text=label).first
    option.wait_for()
    return option.click


def sign_in(page, server: Server, name: str, password: str) -> None:
    """The login form (an HTTP page), posted as a person does; returns once the app has settled."""
    page.goto(server.url("", **start_url_params()))
    page.wait_for_url("**/login**")
    page.fill("#name", name)
    page.fill("#password", password)
    page.locator("button[type='submit']").click()
    wait_settled(page)


def switch_times(page, pages: list[str], runs: int) -> dict[str, list[float]]:
    """Each page's sidebar link clicked `runs` times, each time coming from the page before it."""
    samples: dict[str, list[float]] = {stem: [] for stem in pages}
    for _ in range(runs):
        for stem in pages:
            samples[stem].append(timed_click(page, lambda stem=stem: nav_link(page, stem).click))
    return samples


YEAR_BOX = ".st-key-f_year [data-testid='stSelectbox'] input"


def current_year(page) -> int:
    """The half-year preset's year. The period change is defined within that preset: should the page
    have come up with another one (the year box absent), the preset is chosen first, untimed."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    year_box = page.locator(YEAR_BOX)
    try:
        year_box.wait_for(timeout=15_000)
    except PlaywrightTimeout:
        untimed(page, lambda: choose(page, "f_preset", text.VI.coded("preset", START[0])))
        year_box.wait_for()
    return int(year_box.input_value())


def period_change_times(page, pages: list[str], years: list[int], runs: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {}
    walk = None
    for stem in pages:
        if stem in NO_PERIOD:
            continue
        untimed(page, lambda stem=stem: nav_link(page, stem).click)
        if walk is None:
            walk = year_walk(years, current_year(page))
        samples[stem] = []
        for _ in range(runs):
            year = str(next(walk))
            samples[stem].append(timed_click(page, lambda year=year: choose(page, "f_year", year)))
    return samples


def browser_times(browser, server: Server, name: str, password: str, years: list[int], runs: int):
    """browser_switch_ms and browser_period_change_ms of every page the account may open."""
    from cellboard import auth

    pages = pages_of(auth.get_account(name).role)
    context, page = new_page(browser)
    try:
        sign_in(page, server, name, password)
        untimed(page, lambda: nav_link(page, pages[-1]).click)  # the first switch comes from the last page
        switches = switch_times(page, pages, runs)
        periods = period_change_times(page, pages, years, runs)
    finally:
        context.close()
    return {
        stem: {
            "browser_switch_ms": median(switches.get(stem, [])),
            "browser_period_change_ms": median(periods.get(stem, [])),
        }
        for stem in pages
    }


def first_load_ms(browser, server: Server, name: str, password: str, runs: int) -> float:
    """A fresh context each time (no cookie, nothing cached): from the navigation's start, through
    the login form, until the first page has settled."""
    samples = []
    for _ in range(runs):
        context, page = new_page(browser)
        try:
            started = time.time() * 1000
            sign_in(page, server, name, password)
            samples.append(page.evaluate("() => window.__cb.settledEpoch") - started)
        finally:
            context.close()
    return median(samples)


def floor_switch_ms(browser, server: Server, runs: int) -> float:
    from cellboard.bench import floor

    context, page = new_page(browser)
    try:
        page.goto(server.url(""))
        wait_settled(page)
        stems = [stem for stem in floor.PAGES if stem in PAGES]  # the pages the app's are timed on
        untimed(page, lambda: nav_link(page, stems[-1]).click)
        samples = []
        for _ in range(runs):
            for stem in stems:
                samples.append(timed_click(page, lambda stem=stem: nav_link(page, stem).click))
        return median(samples)
    finally:
        context.close()


# ---- all of it ---------------------------------------------------------------------------------


def chromium():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    return playwright, playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def measure(path: Path, commune: str) -> dict:
    """Every field of issue 15's item 1 for the database at `path` (the bench's, read only)."""
    runs = run_count()
    saved = {key: os.environ.get(key) for key in ("CELLBOARD_USERS", "CELLBOARD_DB")}
    with tempfile.TemporaryDirectory(prefix="bench-interactions-") as folder:
        folder = Path(folder)
        try:
            password, accounts = make_accounts(folder, path, commune)
            communes = communes_by_size()
            years = preset_years()
            admin, commune_account = accounts
            server = {name: server_times(name, communes, years, runs) for name in accounts}
            floor_rerun = floor_rerun_ms(runs)
            playwright, browser = chromium()
            app = Server(
                "serve.py",
                {
                    "CELLBOARD_DB": str(path),
                    "CELLBOARD_USERS": str(folder / "accounts.sqlite"),
                    "CELLBOARD_SECRETS": str(folder / "secrets.toml"),
                },
                folder / "server.log",
            )
            floor_server = Server(str(FLOOR.relative_to(ROOT)), {}, folder / "floor.log")
            try:
                app.start()
                seen = {name: browser_times(browser, app, name, password, years, runs) for name in accounts}
                peak = app.peak_rss_mb()  # both accounts have visited every page they may open
                first_load = first_load_ms(browser, app, admin, password, max(runs, 1))
                app.stop()
                floor_server.start()
                floor_switch = floor_switch_ms(browser, floor_server, runs)
            finally:
                app.stop()
                floor_server.stop()
                browser.close()
                playwright.stop()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    def table(name: str) -> dict[str, dict]:
        out = {}
        for stem in PAGES:  # every page listed; null where the role may not open it
            entry = {field: None for field in FIELDS}
            entry.update(server[name].get(stem, {}))
            entry.update(seen[name].get(stem, {}))
            out[stem] = entry
        return out

    return {
        "interactions": table(admin),
        "interactions_commune": table(commune_account),
        "first_load_ms": first_load,
        "server_peak_rss_mb": peak,
        "floor": {"server_rerun_ms": floor_rerun, "browser_switch_ms": floor_switch},
        "interaction_runs": runs,
        "interaction_repeated_clicks": REPEATED["clicks"],
    }
