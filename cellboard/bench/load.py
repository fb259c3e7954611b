"""Load, measured: `python -m cellboard loadtest` (issue 13, item 5; docs/OPERATIONS.md).

Virtual users sign in once, then every 5-15 s (random, seeded) change the period, the commune or the
page, as a person reading the dashboard does. Each user is an asyncio task speaking Streamlit's own
websocket protocol (`/_stcore/stream`: the BackMsg `rerun_script` a browser sends, with its query
string, page and widget values; the ForwardMsg stream back), with the protobuf classes of the
installed Streamlit, so every action is a real script run on the server, measured from sending it to
the server's `script_finished`.

Why not browsers: a headless Chromium context costs a few hundred MiB and a good share of a core to
lay out and draw what the server sends; tens of them on this 2-core machine would take the CPU the
workers need and measure themselves. Why not Locust: it would add a dependency and still need this
protocol code. Plain asyncio in one process is cheap: the smoke run (3 users, 20 s) takes 0.2 s of CPU
beyond its 1 s of start-up, and the `websockets` client comes with Streamlit (no new dependency). The
cost of the choice: the driver binds to Streamlit's internal protocol (Streamlit is pinned in
requirements.txt), so after a Streamlit upgrade tests/test_loadtest.py must pass again before figures
are trusted; and it times the server's side of an action (the run and the messages it sends), not a
browser drawing them.

Counted: an **action** is one change, timed from sending it until the app reports that script run
finished (FINISHED_SUCCESSFULLY; a run the app stops early to rerun is not the end). An **error** is
an exception the app shows (an Exception element, or a script that does not compile), a failed HTTP
request, a websocket error or an action that gets no answer within ACTION_TIMEOUT. A **dropped
session** is a websocket the server closed, or the login page sent back mid-run. Sign-in times (from
the first request to the first page's run finished) are reported apart (login_p50_ms), not in the
action percentiles; server_rss_mb is the largest sum of the --server-pid processes' resident memory
read every RSS_EVERY seconds, in MiB. A user signed in over HTTP logs out when the run ends.

Load goes only to loopback (any other host is refused), and the run stops by itself after the
seconds asked for, with a hard timeout on top.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import ipaddress
import json
import math
import random
import ssl
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

THINK_SECONDS = (5.0, 15.0)  # a person's pause between two changes
ACTION_TIMEOUT = 60.0  # an action without an answer by then is an error
LOGIN_TIMEOUT = 60.0
ARRIVAL_SECONDS = 0.5  # users arrive one after another, this far apart (all within a quarter of the run):
# a committee does not sign in at one instant, and 60 bcrypt checks at once would be a login storm, not reading
RSS_EVERY = 0.25  # seconds between two readings of the workers' memory
OVER_SECONDS = 2.0  # users_at_p95_over_2s
# the pages a reader moves between, by URL path ("" is the default page, the Overview, at the root); the
# Data, Accounts and Password pages are work, not reading
READING_PAGES = ("", "participation", "opinions", "rankings", "supervision", "review")
PERIOD_KEY, UNIT_KEY = "f_preset", "f_unit"  # the sidebar's selectboxes (their widget keys in dashboard.py)
FIELDS = (
    "users",
    "seconds",
    "actions",
    "errors",
    "dropped_sessions",
    "login_p50_ms",
    "p50_ms",
    "p95_ms",
    "max_ms",
    "server_rss_mb",
)


class Refused(ValueError):
    """A URL the load may not go to."""


class Dropped(Exception):
    """The server closed the session, or sent the login page back."""


# ---- the target ---------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    scheme: str  # http or https
    host: str
    port: int
    base: str  # a path prefix the app is served under ("" at the root)
    ssl_context: ssl.SSLContext | None

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.netloc}"

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def stream_url(self) -> str:
        return f"{'wss' if self.scheme == 'https' else 'ws'}://{self.netloc}{self.base}/_stcore/stream"


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def target(url: str, cacert: Path | None = None, insecure: bool = False) -> Target:
    """The server at URL, refused unless it is on this machine's loopback."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"--url: «{url}» không phải http(s)://máy:cổng / is not http(s)://host:port")
    if not is_loopback(parts.hostname):
        raise Refused(
            f"--url: chỉ thử tải trên máy này (127.0.0.1, ::1, localhost), không phải «{parts.hostname}» / "
            f"load goes to loopback only (127.0.0.1, ::1, localhost), not «{parts.hostname}»"
        )
    context = None
    if parts.scheme == "https":
        context = ssl.create_default_context(cafile=str(cacert) if cacert else None)
        if insecure:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return Target(parts.scheme, parts.hostname, port, parts.path.rstrip("/"), context)


# ---- HTTP (the login, the page) -----------------------------------------------------


class Browser:
    """What a browser keeps between requests: the cookies (the session's, the proxy's sticky one)."""

    def __init__(self, where: Target):
        self.where = where
        self.cookies: dict[str, str] = {}

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, bytes]:
        """One request (no redirect followed); keeps the cookies it sets. Blocking: run it in a thread."""
        where = self.where
        if where.scheme == "https":
            con = http.client.HTTPSConnection(where.host, where.port, timeout=30, context=where.ssl_context)
        else:
            con = http.client.HTTPConnection(where.host, where.port, timeout=30)
        headers = {"Host": where.netloc, "Origin": where.origin, "User-Agent": "cellboard-loadtest"}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            con.request(method, where.base + path, body=body, headers=headers)
            answer = con.getresponse()
            content = answer.read()
            for value in answer.headers.get_all("Set-Cookie") or ():
                jar = SimpleCookie()
                jar.load(value)
                for name, morsel in jar.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return answer.status, content
        finally:
            con.close()


def has_login_form(where: Target) -> bool:
    """Whether the server answers with its login form (GET /login: cellboard/app/web.py)."""
    status, content = Browser(where).request("GET", "/login")
    return status == 200 and b'name="password"' in content


# ---- the websocket session ----------------------------------------------------------


def _proto():
    # the installed Streamlit's own message classes (imported when a run starts: it is a big import)
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    return BackMsg, ForwardMsg


@dataclass
class Widget:
    id: str
    options: list[str]


@dataclass
class Screen:
    """What the last script run showed that a user acts on."""

    widgets: dict[str, Widget] = field(default_factory=dict)  # selectboxes by key (the id's last part)
    # widget id -> whether the entry script drew it (the sidebar), not the page
    shown: dict[str, bool] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)  # url path -> page script hash
    page: str = ""  # the current page's script hash
    query: str = ""  # the URL's query string as the app last set it
    to_login: bool = False  # the run showed the way to the login form (a link or a redirect to /login)
    exceptions: int = 0


def widget_key(widget_id: str) -> str:
    # "$$ID-<hash>-<key>": the key a script gave the widget
    return widget_id.split("-", 2)[2] if widget_id.startswith("$$ID-") and widget_id.count("-") >= 2 else ""


class Session:
    """One virtual user's websocket to /_stcore/stream, read by a task of its own."""

    def __init__(self, where: Target, cookies: str, browser: Browser | None = None):
        self.where, self.cookies = where, cookies
        self.browser = browser  # signed in over HTTP: logs out at the end (GET /logout)
        self.BackMsg, self.ForwardMsg = _proto()
        self.screen = Screen()
        # each widget's value as the browser would hold it: the default it was drawn with, the value the
        # app set (set_value), or the one this user chose; sent with every rerun, as the browser does
        self.values: dict[str, tuple[str, object]] = {}
        self.main_script = ""
        self.cached: set[str] = set()  # hashes of the cacheable messages received (a browser's cache)
        self.finished: asyncio.Queue[int] = asyncio.Queue()
        self.closed_by_server = False
        self.failure: BaseException | None = None
        self.ws = None
        self.reader: asyncio.Task | None = None

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        headers = {"Origin": self.where.origin, "User-Agent": "cellboard-loadtest"}
        if self.cookies:
            headers["Cookie"] = self.cookies
        self.ws = await connect(
            self.where.stream_url,
            subprotocols=["streamlit"],
            additional_headers=headers,
            ssl=self.where.ssl_context,
            max_size=None,  # a table's message can be larger than the library's 1 MiB default
            open_timeout=30,
        )
        self.reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(BaseException):
                await self.reader
        if self.browser is not None:  # the session ends, as a person's logout ends it (not timed)
            with contextlib.suppress(OSError, http.client.HTTPException):
                await asyncio.to_thread(self.browser.request, "GET", "/logout")

    async def _read(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for data in self.ws:
                message = self.ForwardMsg()
                message.ParseFromString(data)
                self._take(message)
        except ConnectionClosed:
            pass
        except Exception as error:  # a broken frame, TLS: the session is lost
            self.failure = error
        self.closed_by_server = self.failure is None
        self.finished.put_nowait(-1)

    def _take(self, message) -> None:
        ForwardMsg = self.ForwardMsg
        if message.metadata.cacheable and message.hash:
            self.cached.add(message.hash)
        kind = message.WhichOneof("type")
        screen = self.screen
        if kind == "new_session":  # a run starts: what the last one showed is gone
            screen.widgets.clear()
            screen.shown.clear()
            screen.to_login = False
            self.main_script = message.new_session.main_script_hash
        elif kind == "navigation":
            screen.pages = {page.url_pathname: page.page_script_hash for page in message.navigation.app_pages}
            screen.page = message.navigation.page_script_hash
        elif kind == "page_info_changed":
            screen.query = message.page_info_changed.query_string
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            self._element(message.delta.new_element, message.metadata.active_script_hash == self.main_script)
        elif kind == "session_event" and message.session_event.WhichOneof("type") == (
            "script_compilation_exception"
        ):
            screen.exceptions += 1
        elif kind == "script_finished" and message.script_finished in (
            ForwardMsg.FINISHED_SUCCESSFULLY,
            ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
        ):
            self.finished.put_nowait(message.script_finished)

    def _value(self, widget_id: str, main: bool, field_name: str, set_value: bool, value, default) -> None:
        if set_value:
            self.values[widget_id] = (field_name, value)
        elif widget_id not in self.values and default is not None:
            self.values[widget_id] = (field_name, default)
        self.screen.shown[widget_id] = main

    def _element(self, element, main: bool) -> None:
        screen = self.screen
        kind = element.WhichOneof("type")
        if kind == "exception" and not element.exception.is_warning:
            screen.exceptions += 1
        elif kind == "selectbox":
            box = element.selectbox
            options = list(box.options)
            default = (
                options[box.default] if box.HasField("default") and 0 <= box.default < len(options) else None
            )
            value = box.raw_value if box.HasField("raw_value") else None
            self._value(box.id, main, "string_value", box.set_value, value, default)
            screen.widgets[widget_key(box.id)] = Widget(box.id, options)
        elif kind == "button_group":  # the language switch
            group = element.button_group
            default = [group.options[i].content for i in group.default if i < len(group.options)]
            self._value(
                group.id, main, "string_array_value", group.set_value, list(group.raw_values), default
            )
        elif kind == "date_input":
            dates = element.date_input
            self._value(
                dates.id, main, "string_array_value", dates.set_value, list(dates.value), list(dates.default)
            )
        elif kind in ("link_button", "html"):
            to = element.link_button.url if kind == "link_button" else element.html.body
            screen.to_login = screen.to_login or f"{self.where.base}/login?" in to

    def showing_login(self) -> bool:
        return self.screen.to_login

    def current(self, widget_id: str) -> object:
        return self.values.get(widget_id, ("", None))[1]

    async def run(self, *, page: str = "", page_name: str = "", widgets=()) -> float:
        """Ask for a script run, as a browser does: the widgets' values (only the entry script's on a
        page change, where the query string is left to the app) with the changed ones (`widgets`: (id,
        proto field, value)). Seconds until the run finished.
        Raises Dropped, ConnectionError, TimeoutError, RuntimeError (an exception shown)."""
        while not self.finished.empty():  # a finish nobody waited for (a fragment's, a late one)
            if self.finished.get_nowait() == -1:
                raise self._lost()
        changing_page = bool(page) and page != self.screen.page
        for widget_id, field_name, value in widgets:
            self.values[widget_id] = (field_name, value)
        back = self.BackMsg()
        state = back.rerun_script
        state.query_string = "" if changing_page else self.screen.query
        state.page_script_hash = page
        state.page_name = page_name
        state.cached_message_hashes.extend(sorted(self.cached))
        sent = [
            (widget_id, *self.values[widget_id])
            for widget_id, main in self.screen.shown.items()
            if self.current(widget_id) is not None and (main or not changing_page)
        ]
        for widget_id, field_name, value in sent:
            entry = state.widget_states.widgets.add()
            entry.id = widget_id
            if field_name == "string_array_value":
                entry.string_array_value.data.extend(value)
            else:
                setattr(entry, field_name, value)
        exceptions_before = self.screen.exceptions
        started = time.perf_counter()
        try:
            await self.ws.send(back.SerializeToString())
        except Exception as error:  # closed under us: the reader says by whom
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self.reader), 5)
            raise self._lost(None if self.reader.done() else error) from error
        status = await asyncio.wait_for(self.finished.get(), ACTION_TIMEOUT)
        seconds = time.perf_counter() - started
        if status == -1:
            raise self._lost()
        if status != self.ForwardMsg.FINISHED_SUCCESSFULLY or self.screen.exceptions > exceptions_before:
            raise RuntimeError("the app showed an exception")
        return seconds

    def _lost(self, error: BaseException | None = None) -> BaseException:
        if self.closed_by_server and error is None:
            return Dropped("the server closed the websocket")
        return ConnectionError(f"websocket: {error or self.failure}")


# ---- a virtual user -----------------------------------------------------------------


@dataclass
class Tally:
    actions_ms: list[float] = field(default_factory=list)
    login_ms: list[float] = field(default_factory=list)
    errors: int = 0
    dropped: int = 0


async def login(where: Target, name: str, password: str) -> Session:
    """Sign in as a browser does: POST /login (the session cookie, and the proxy's sticky one), GET the
    page it sends back to, open the websocket with the cookies, and wait for the first page's run."""
    browser = Browser(where)
    status, _ = await asyncio.to_thread(
        browser.request, "POST", "/login", {"name": name, "password": password, "next": "/", "lang": "vi"}
    )
    if status != 303:
        raise PermissionError(f"POST /login: HTTP {status}")
    status, _ = await asyncio.to_thread(browser.request, "GET", "/")
    if status != 200:
        raise PermissionError(f"GET / after the login: HTTP {status}")
    session = Session(where, browser.cookie_header(), browser)
    await session.open()
    try:
        await session.run()
        if session.showing_login():
            raise PermissionError("the app asked for a login again")
    except BaseException:
        await session.close()
        raise
    return session


def next_action(rng: random.Random, session: Session) -> tuple[str, dict]:
    """A change a reader makes: the period, the commune or the page (what the screen offers)."""
    screen, current = session.screen, session.current
    choices = []
    for kind, key in (("period", PERIOD_KEY), ("commune", UNIT_KEY)):
        widget = screen.widgets.get(key)
        if widget and len(widget.options) > 1:
            choices.append(kind)
    pages = [path for path in READING_PAGES if path in screen.pages and screen.pages[path] != screen.page]
    if pages:
        choices.append("page")
    if not choices:
        return "rerun", {"page": screen.page}
    kind = rng.choice(choices)
    if kind == "page":
        path = rng.choice(pages)
        return kind, {"page": screen.pages[path], "page_name": path}
    widget = screen.widgets[PERIOD_KEY if kind == "period" else UNIT_KEY]
    value = rng.choice(
        [option for option in widget.options if option != current(widget.id)] or widget.options
    )
    return kind, {"page": screen.page, "widgets": [(widget.id, "string_value", value)]}


async def virtual_user(
    number: int, where: Target, account: tuple[str, str], start_at: float, stop_at: float, seed: int,
    tally: Tally,
) -> None:  # fmt: skip
    rng = random.Random(seed * 100_003 + number)
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    started = time.perf_counter()
    try:
        session = await asyncio.wait_for(login(where, *account), LOGIN_TIMEOUT)
    except (Dropped, PermissionError, ConnectionError, OSError, TimeoutError, RuntimeError) as error:
        tally.errors += 1
        print(f"user {number}: login: {error}", file=sys.stderr)
        return
    except Exception as error:  # the websocket library's handshake errors and the like
        tally.errors += 1
        print(f"user {number}: login: {error!r}", file=sys.stderr)
        return
    tally.login_ms.append((time.perf_counter() - started) * 1000)
    try:
        while True:
            pause = rng.uniform(*THINK_SECONDS)
            if time.monotonic() + pause >= stop_at:  # stays connected to the end, as a reader does
                await asyncio.sleep(max(0.0, stop_at - time.monotonic()))
                break
            await asyncio.sleep(pause)
            kind, request = next_action(rng, session)
            try:
                seconds = await session.run(**request)
            except Dropped as dropped:
                tally.dropped += 1
                print(f"user {number}: {kind}: {dropped}", file=sys.stderr)
                return
            except (TimeoutError, RuntimeError, ConnectionError) as error:
                tally.errors += 1
                print(f"user {number}: {kind}: {error or type(error).__name__}", file=sys.stderr)
                if session.ws is None or session.reader.done():
                    return
                continue
            if session.showing_login():
                tally.dropped += 1
                print(f"user {number}: {kind}: the login page came back", file=sys.stderr)
                return
            tally.actions_ms.append(seconds * 1000)
    finally:
        await session.close()


# ---- memory of the workers ----------------------------------------------------------


def rss_bytes(pid: int) -> int:
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) * 1024
    return 0


async def watch_rss(pids: list[int], peak: list[int]) -> None:
    """The largest sum of the workers' resident memory seen, read every RSS_EVERY seconds."""
    while True:
        total = 0
        for pid in pids:
            with contextlib.suppress(OSError):
                total += rss_bytes(pid)
        peak[0] = max(peak[0], total)
        await asyncio.sleep(RSS_EVERY)


# ---- a run and its figures ----------------------------------------------------------


def percentile(values: list[float], share: float) -> float | None:
    """Nearest rank: the smallest value with at least `share` of all at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def figures(users: int, seconds: float, tally: Tally, rss_peak: int | None) -> dict:
    return {
        "users": users,
        "seconds": seconds,
        "actions": len(tally.actions_ms),
        "errors": tally.errors,
        "dropped_sessions": tally.dropped,
        "login_p50_ms": rounded(percentile(tally.login_ms, 0.5)),
        "p50_ms": rounded(percentile(tally.actions_ms, 0.5)),
        "p95_ms": rounded(percentile(tally.actions_ms, 0.95)),
        "max_ms": rounded(max(tally.actions_ms, default=None)),
        "server_rss_mb": None if rss_peak is None else round(rss_peak / 2**20, 1),
    }


def first_over(levels: list[dict], limit_ms: float = OVER_SECONDS * 1000) -> int | None:
    """The fewest users whose p95 went over the limit (users_at_p95_over_2s), or None."""
    over = [level["users"] for level in levels if level["p95_ms"] is not None and level["p95_ms"] > limit_ms]
    return min(over, default=None)


async def measure(
    where: Target, users: int, seconds: float, account: tuple[str, str], pids: list[int], seed: int
) -> dict:
    tally = Tally()
    peak = [0]
    watcher = asyncio.create_task(watch_rss(pids, peak)) if pids else None
    now = time.monotonic()
    stop_at = now + seconds
    ramp = min(ARRIVAL_SECONDS * users, seconds / 4)
    tasks = [
        asyncio.create_task(virtual_user(n, where, account, now + ramp * n / users, stop_at, seed, tally))
        for n in range(users)
    ]
    # the users stop starting actions at stop_at; one in flight may take ACTION_TIMEOUT to answer
    hard_stop = seconds + LOGIN_TIMEOUT + ACTION_TIMEOUT + 10
    done, pending = await asyncio.wait(tasks, timeout=hard_stop)
    for task in pending:
        task.cancel()
        tally.errors += 1
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        if task.exception() is not None:
            tally.errors += 1
            print(f"user: {task.exception()!r}", file=sys.stderr)
    if watcher is not None:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
    return figures(users, seconds, tally, peak[0] if pids else None)


async def loadtest(
    where: Target,
    levels: list[int],
    seconds: float,
    account: tuple[str, str],
    pids: list[int],
    seed: int,
) -> list[dict]:
    return [await measure(where, users, seconds, account, pids, seed) for users in levels]


def as_lines(results: list[dict]) -> str:
    head = "users  actions  errors  dropped  login p50  p50 ms  p95 ms  max ms  server MiB"
    rows = [head]
    for r in results:
        cells = [r[f] if r[f] is not None else "-" for f in FIELDS]
        rows.append(
            "{:>5}  {:>7}  {:>6}  {:>7}  {:>9}  {:>6}  {:>6}  {:>6}  {:>10}".format(*cells[:1], *cells[2:])
        )
    return "\n".join(rows)


def cli_loadtest(args: argparse.Namespace) -> int:
    def usage(message: str) -> int:
        print(message, file=sys.stderr)
        return 2

    try:
        where = target(args.url, Path(args.cacert) if args.cacert else None, args.insecure)
    except Refused as refused:
        return usage(str(refused))
    if args.sweep:
        try:
            levels = [int(part) for part in args.sweep.split(",")]
        except ValueError:
            return usage(f"--sweep: «{args.sweep}» không phải dãy số / is not a list of numbers (10,30,60)")
    else:
        levels = [args.users]
    if min(levels) < 1 or args.seconds <= 0:
        return usage("--users, --sweep, --seconds: phải lớn hơn 0 / must be more than 0")
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        return usage(
            "Cần mật khẩu của tài khoản: --password-stdin (một dòng) / "
            "the account's password is needed: --password-stdin (one line)"
        )
    for pid in args.server_pid or ():
        if not Path(f"/proc/{pid}/status").exists():
            return usage(f"--server-pid: không có tiến trình {pid} / no process {pid}")
    try:  # the server answers (and its certificate is trusted) before any user starts
        if not has_login_form(where):
            print(
                f"Không thấy trang đăng nhập / no login form at {where.origin}{where.base}/login",
                file=sys.stderr,
            )
            return 1
    except (OSError, http.client.HTTPException) as error:
        print(f"Không kết nối được tới / cannot reach {args.url}: {error}", file=sys.stderr)
        return 1
    account = (args.account, password)
    pids = list(args.server_pid or ())
    results = asyncio.run(loadtest(where, levels, args.seconds, account, pids, args.seed))
    if args.sweep:
        result: dict | list = {"levels": results, "users_at_p95_over_2s": first_over(results)}
    else:
        result = results[0]
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(as_lines(results))
        if args.sweep:
            print(f"users_at_p95_over_2s: {result['users_at_p95_over_2s'] or '-'}")
    return 0
