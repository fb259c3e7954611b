"""`python -m cellboard loadtest` (cellboard/bench/load.py): the smoke run `make test` makes (3 users,
20 s, the S demo) through Caddy (deploy/Caddyfile's site, tests/https_kit.py) in front of two workers on
loopback, what counts as an error or a dropped session, loopback only, and the figures' arithmetic.

Speed is not asserted (it lives in docs/OPERATIONS.md); what is checked is that every field is there,
that the users signed in and acted, and that nothing failed or was dropped.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from browser import ROOT, AppServer, free_port
from https_kit import Proxy
from test_cli import cli

from cellboard import auth, sessions
from cellboard.bench import load

FIELDS = [
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
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Caddy in front of two workers over the S demo, with an administrator `admin`, for the module:
    (proxy, workers, password)."""
    folder = tmp_path_factory.mktemp("load")
    data, users = folder / "s.duckdb", folder / "accounts.sqlite"
    done = cli("demo", "--scale", "S", "--db", str(data))
    assert done.returncode == 0, done.stderr
    password = f"mật-khẩu-thử-{secrets.token_hex(4)}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CELLBOARD_USERS", str(users))
        patch.setenv("CELLBOARD_BCRYPT_ROUNDS", "4")
        auth.add_account("admin", "admin", None, password, actor="test", data_path=data)
    workers = [AppServer(data, users), AppServer(data, users)]
    try:
        with ThreadPoolExecutor(2) as starting:  # the two start side by side
            list(starting.map(AppServer.start, workers))
        proxy = Proxy(folder / "caddy", [worker.port for worker in workers])
        try:
            yield proxy, workers, password
        finally:
            proxy.stop()
    finally:
        for worker in workers:
            worker.stop()


def access_log(proxy: Proxy) -> list[dict]:
    entries = [json.loads(line) for line in proxy.output().splitlines() if line.startswith("{")]
    return [entry for entry in entries if entry.get("logger", "").startswith("http.log.access")]


def loadtest(*args: str, password: str = "", timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cellboard", "loadtest", *args],
        cwd=ROOT,
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def on_a_loop_of_its_own(coroutine):
    """asyncio.run on a thread of its own: a browser test run earlier in this process (Playwright's
    sync API) leaves an event loop running on the main thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_smoke_run_three_users_twenty_seconds_through_caddy(site):
    proxy, workers, password = site
    args = ["--url", proxy.url(), "--cacert", str(proxy.cacert), "--users", "3", "--seconds", "20"]
    args += ["--account", "admin", "--password-stdin", "--json", "--server-pid"]
    args += [str(worker.process.pid) for worker in workers]
    done = loadtest(*args, password=password)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert list(result) == FIELDS
    assert (result["users"], result["seconds"]) == (3, 20)
    logs = "".join(worker.output() for worker in workers)
    assert (result["errors"], result["dropped_sessions"]) == (0, 0), done.stderr + logs
    assert result["actions"] > 0
    assert 0 < result["login_p50_ms"] < 60_000
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"] < 60_000
    assert 50 < result["server_rss_mb"] < 4096  # a Streamlit worker holds ~100 MiB before any user
    # through Caddy: each user's login, websocket and logout are in its access log
    asked = [(entry["request"]["method"], entry["request"]["uri"]) for entry in access_log(proxy)]
    assert asked.count(("POST", "/login")) == 3
    assert asked.count(("GET", "/_stcore/stream")) == 3
    assert asked.count(("GET", "/logout")) == 3


def test_a_session_ended_mid_run_is_sent_back_to_the_login(site, monkeypatch):
    proxy, workers, password = site
    monkeypatch.setenv("CELLBOARD_USERS", str(workers[0].users))
    monkeypatch.setenv("CELLBOARD_SECRETS", str(workers[0].secrets))

    async def scenario() -> tuple[bool, int, bool]:
        user = await load.login(load.target(proxy.url(), proxy.cacert), "admin", password)
        before = user.showing_login()
        ended = await asyncio.to_thread(sessions.end_all, "admin", actor="test")  # `users logout admin`
        await user.run(page=user.screen.page)
        after = user.showing_login()
        await user.close()
        return before, ended, after

    # one session ended: the smoke run's users logged out when it ended
    assert on_a_loop_of_its_own(scenario()) == (False, 1, True)


def test_a_wrong_password_is_an_error_and_no_action(site):
    proxy, _, password = site
    done = loadtest(
        "--url", proxy.url(), "--cacert", str(proxy.cacert), "--users", "1", "--seconds", "1",
        "--password-stdin", "--json", password="not-" + password,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["errors"], result["actions"], result["login_p50_ms"], result["p95_ms"]) == (
        1,
        0,
        None,
        None,
    )
    assert result["server_rss_mb"] is None  # no --server-pid


def test_load_goes_to_loopback_only():
    for url in ("http://127.0.0.1:8501", "https://localhost/app", "http://[::1]:80", "http://127.1.2.3"):
        assert load.is_loopback(load.target(url).host), url
    for url in ("http://10.0.0.5:8501", "https://example.org", "http://192.168.1.2", "http://[2001:db8::1]/"):
        with pytest.raises(load.Refused):
            load.target(url)
    done = loadtest("--url", "http://10.0.0.5:8501", "--password-stdin", password="x")
    assert done.returncode == 2
    assert "loopback only" in done.stderr and done.stdout == ""


def test_percentiles_are_nearest_rank_and_the_sweep_names_the_first_level_over_two_seconds():
    values = [float(v) for v in range(1, 21)]  # 1 .. 20 ms
    assert (load.percentile(values, 0.5), load.percentile(values, 0.95)) == (10.0, 19.0)
    assert load.percentile([7.0], 0.95) == 7.0 and load.percentile([], 0.5) is None
    tally = load.Tally(actions_ms=[300.0, 100.0, 200.0], login_ms=[900.0, 700.0], errors=1, dropped=2)
    assert load.figures(3, 20, tally, 3 * 2**20 // 2) == {
        "users": 3,
        "seconds": 20,
        "actions": 3,
        "errors": 1,
        "dropped_sessions": 2,
        "login_p50_ms": 700.0,
        "p50_ms": 200.0,
        "p95_ms": 300.0,
        "max_ms": 300.0,
        "server_rss_mb": 1.5,
    }
    levels = [
        {"users": 10, "p95_ms": 900.0},
        {"users": 30, "p95_ms": 2000.1},
        {"users": 60, "p95_ms": 4000.0},
    ]
    assert load.first_over(levels) == 30
    assert load.first_over(levels[:1]) is None
    assert load.first_over([{"users": 10, "p95_ms": None}, {"users": 30, "p95_ms": 2000.0}]) is None


BOOM_APP = """
import streamlit as st

if st.selectbox("period", ["calm", "boom"], key="f_preset") == "boom":
    raise ValueError("boom")
st.write("calm")
"""


def test_an_exception_shown_is_an_error_and_a_websocket_the_server_closes_is_a_dropped_session(tmp_path):
    script = tmp_path / "boom.py"
    script.write_text(BOOM_APP, encoding="utf-8")
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(script), "--server.headless=true",
        f"--server.port={port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    async def session() -> tuple[float, str, str]:
        where = load.target(f"http://127.0.0.1:{port}")
        for _ in range(150):  # until the server answers
            try:
                await asyncio.to_thread(load.Browser(where).request, "GET", "/_stcore/health")
                break
            except OSError:
                await asyncio.sleep(0.1)
        user = load.Session(where, "")
        await user.open()
        first = await user.run()
        box = user.screen.widgets["f_preset"]
        with pytest.raises(RuntimeError) as shown:
            await user.run(widgets=[(box.id, "string_value", "boom")])
        server.terminate()
        await asyncio.to_thread(server.wait, 30)  # gone, so the websocket is closed
        with pytest.raises(load.Dropped) as dropped:
            await user.run(widgets=[(box.id, "string_value", "calm")])
        await user.close()
        return first, str(shown.value), str(dropped.value)

    try:
        first, shown, dropped = on_a_loop_of_its_own(session())
    finally:
        server.kill()
        server.wait(timeout=10)
    assert 0 < first < load.ACTION_TIMEOUT
    assert (shown, dropped) == ("the app showed an exception", "the server closed the websocket")
