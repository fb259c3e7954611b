"""End to end through the server kit: Debian's Caddy with deploy/Caddyfile's site (HTTPS by its own
authority, sticky workers, X-Forwarded-Proto) in front of two workers (`streamlit run serve.py`), and
a Chromium that trusts that authority by pinning its key, never by ignoring certificate errors.

Everything listens on 127.0.0.1 only, on free ports; Caddy keeps its authority in a temporary folder,
installs no trust and has no admin endpoint; all of it stops at the end of the module.
"""

from __future__ import annotations

import json
import urllib.parse

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, AppServer, _running, chromium, login, wait_for_app
from https_kit import STICKY, Proxy, sticky_value

SESSION = "cellboard_session"  # cellboard/sessions.py
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def kit(tmp_path_factory, fixture_db):
    """Two workers sharing the accounts store and the secrets, behind Caddy; a pinned Chromium."""
    from cellboard import auth

    folder = tmp_path_factory.mktemp("kit")
    users = folder / "accounts.sqlite"
    password = "mật-khẩu-qua-https-1"
    auth.add_account("admin", "admin", None, password, actor="test", path=users, data_path=fixture_db)
    env = {"CELLBOARD_SECRETS": str(folder / "secrets" / "secrets.toml")}
    workers = [AppServer(fixture_db, users, env), AppServer(fixture_db, users, env)]
    proxy = None
    pinned = None
    try:
        for worker in workers:
            worker.start()
        proxy = Proxy(folder / "caddy", [worker.port for worker in workers])
        chromium()  # the test session's Playwright, which launches the pinned browser too
        pinned = _running["playwright"].chromium.launch(
            executable_path=CHROMIUM,
            args=[*CHROMIUM_ARGS, f"--ignore-certificate-errors-spki-list={','.join(proxy.pins())}"],
            headless=True,
        )
        yield workers, proxy, pinned, password
    finally:
        if pinned is not None:
            pinned.close()
        if proxy is not None:
            proxy.stop()
        for worker in workers:
            worker.stop()


def test_a_browser_not_trusting_caddys_authority_is_refused(kit, browser):
    _, proxy, _, _ = kit
    page = browser.new_page()
    try:
        with pytest.raises(Exception, match="ERR_CERT_AUTHORITY_INVALID"):
            page.goto(proxy.url(), timeout=TIMEOUT_MS)
    finally:
        page.close()


def test_sign_in_over_https_on_sticky_workers_and_any_worker_keeps_the_session(kit):
    workers, proxy, pinned, password = kit
    names = {sticky_value(worker.port): worker for worker in workers}

    context = pinned.new_context()
    page = context.new_page()
    link = proxy.url("participation?unit=X1&from=2025-01-01&to=2025-02-28")
    page.goto(link, timeout=TIMEOUT_MS)
    login(page, "admin", password, timeout=TIMEOUT_MS)
    assert page.url == link  # back on the link's page and filters, over HTTPS
    assert "Xã An Bình" in page.inner_text("body")
    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    session = cookies[SESSION]
    # Secure because the worker was told the request came over HTTPS (X-Forwarded-Proto from Caddy)
    assert (session["secure"], session["httpOnly"], session["sameSite"]) == (True, True, "Lax")
    first = names[cookies[STICKY]["value"]]  # the cookie names one of the two workers

    # a reload stays on the same worker, signed in
    page.reload(timeout=TIMEOUT_MS)
    wait_for_app(page, TIMEOUT_MS)
    assert "/login" not in page.url and "Xã An Bình" in page.inner_text("body")
    assert {c["name"]: c["value"] for c in context.cookies()}[STICKY] == sticky_value(first.port)

    # other browsers are spread over both workers (Caddy picks at random for a browser without the cookie)
    seen = {first.port}
    for _ in range(12):
        other = pinned.new_context()
        probe = other.new_page()  # through Chromium (Playwright's own HTTP client pins nothing)
        answer = probe.goto(proxy.url("_stcore/health"), timeout=TIMEOUT_MS)
        assert (answer.status, probe.inner_text("body").strip()) == (200, "ok")
        seen.add(names[{c["name"]: c["value"] for c in other.cookies()}[STICKY]].port)
        other.close()
        if len(seen) == 2:
            break
    assert seen == {worker.port for worker in workers}

    # the browser's worker goes down: Caddy sends it to the other, which accepts the same session
    first.stop()
    page.goto(link, timeout=TIMEOUT_MS)
    wait_for_app(page, TIMEOUT_MS)
    assert page.url == link and "Xã An Bình" in page.inner_text("body")
    (second,) = [worker for worker in workers if worker is not first]
    assert {c["name"]: c["value"] for c in context.cookies()}[STICKY] == sticky_value(second.port)

    # Caddy's access log has the login's POST, without its cookie, and nothing secret at all
    logged = proxy.output()
    access = [json.loads(line) for line in logged.splitlines() if '"http.log.access' in line]
    posts = [entry for entry in access if entry["request"]["method"] == "POST"]
    assert [entry["request"]["uri"].split("?")[0] for entry in posts] == ["/login"]
    assert all("Cookie" not in entry["request"]["headers"] for entry in access)
    assert all("Set-Cookie" not in entry.get("resp_headers", {}) for entry in access)
    assert session["value"] not in logged
    assert password not in logged and urllib.parse.quote(password) not in logged
    context.close()
