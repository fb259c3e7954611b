"""A sign-in that lasts (issue 13), in Chromium against the app's ASGI entry (serve.py): the HTTP
login form, its HttpOnly cookie, and the session checked on every run.

One server over the tiny fixture for the module (restarted once, on the same port, by the first test).
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
import scopecheck
from browser import ROOT, AppServer, login, wait_for_app
from conftest import TEST_ACCOUNTS

from cellboard import auth, sessions
from cellboard.app import web

JAN_FEB = {"unit": "X1", "from": "2025-01-01", "to": "2025-02-28"}
PASSWORD = "mật-khẩu-phiên-1"


@pytest.fixture(scope="module")
def server(tmp_path_factory, fixture_db):
    users = tmp_path_factory.mktemp("sessions") / "accounts.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CELLBOARD_BCRYPT_ROUNDS", "4")
        for name, (role, unit) in TEST_ACCOUNTS.items():
            auth.add_account(
                name, role, unit, PASSWORD, actor="test", path=users, data_path=users.parent / "x"
            )
    # one row of a table at a time: the trend table's page picker is a fragment to act in
    (users.parent / "cellboard.toml").write_text("table_rows = 1\n", encoding="utf-8")
    with AppServer(
        fixture_db, users, {"CELLBOARD_SETTINGS": str(users.parent / "cellboard.toml")}
    ) as running:
        yield running


@pytest.fixture
def same_store(server, monkeypatch):
    """This process reads and writes the server's accounts store, with its session secret."""
    monkeypatch.setenv("CELLBOARD_USERS", str(server.users))
    monkeypatch.setenv("CELLBOARD_SECRETS", str(server.secrets))
    return server.users


@pytest.fixture
def context(browser):  # noqa: F811
    opened = browser.new_context(locale="vi-VN")
    opened.set_default_timeout(30_000)
    yield opened
    opened.close()


def signed_in(page) -> bool:
    wait_for_app(page)
    if "/login" in page.url:
        return False
    page.get_by_role("button", name="Đăng xuất").wait_for()
    return True


def on_login_form(page, notice: str | None = None) -> bool:
    page.wait_for_url("**/login?**")
    shown = page.inner_text("body")
    return "Tên đăng nhập" in shown and (notice is None or notice in shown)


def cli(*args: str, password: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cellboard", *args], cwd=ROOT, input=password, capture_output=True, text=True
    )


def test_a_sign_in_lasts_through_reload_a_new_tab_a_shared_link_and_a_restart(server, context):
    page = context.new_page()
    page.goto(server.url("participation", **JAN_FEB))
    assert on_login_form(page)
    assert "next=%2Fparticipation%3Funit%3DX1" in page.url  # the link's page and filters kept
    login(page, "x1", PASSWORD)
    assert page.url == server.url("participation", **JAN_FEB)
    assert signed_in(page)
    cookie = next(c for c in context.cookies() if c["name"] == sessions.COOKIE)
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["secure"]) == (
        True,
        "Lax",
        False,
    )  # plain HTTP here
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", cookie["value"])
    page.reload()
    assert signed_in(page) and page.url == server.url("participation", **JAN_FEB)
    other = context.new_page()  # a second tab, on another page, as a link from a chat would open it
    other.goto(server.url("rankings", unit="X1", **{"from": "2025-01-01", "to": "2025-06-30"}))
    assert signed_in(other) and "from=2025-01-01&to=2025-06-30" in other.url
    server.stop()
    server.start()  # the same port: the browser comes back to the same address
    page.reload()
    assert signed_in(page) and page.url == server.url("participation", **JAN_FEB)


def test_logout_in_one_tab_ends_the_other_at_its_next_action(server, context):
    first = context.new_page()
    first.goto(server.url("overview", **JAN_FEB))
    login(first, "x1", PASSWORD)
    second = context.new_page()
    second.goto(server.url("participation", **JAN_FEB))
    assert signed_in(second)
    first.get_by_role("button", name="Đăng xuất").click()
    assert on_login_form(first, "Đã đăng xuất.")
    second.get_by_role("link", name="Tổng quan").click()  # its next action
    assert on_login_form(second)
    assert "next=%2Foverview" in second.url
    second.goto(server.url("overview"))  # the cookie is no longer a session
    assert on_login_form(second)


def test_a_fragment_notices_a_logout_in_another_tab(server, context):
    first = context.new_page()
    first.goto(server.url("participation", **JAN_FEB))
    login(first, "x1", PASSWORD)
    second = context.new_page()
    second.goto(server.url("", **JAN_FEB))
    assert signed_in(second)
    second.get_by_text("Xem bảng số liệu").first.click()
    picker = second.get_by_label("Trang").first
    picker.fill("2")
    picker.press("Enter")  # the table's page: a fragment's rerun, with the session still valid
    wait_for_app(second)
    assert signed_in(second)
    first.get_by_role("button", name="Đăng xuất").click()
    assert on_login_form(first)
    picker.fill("1")
    picker.press("Enter")  # the fragment again: its guard finds the session ended
    assert on_login_form(second)


def test_users_logout_and_a_password_change_end_the_accounts_sessions(server, context, same_store):
    page = context.new_page()
    page.goto(server.url("overview", **JAN_FEB))
    login(page, "x2", PASSWORD)
    done = cli("users", "logout", "x2")
    assert done.returncode == 0, done.stderr
    page.get_by_role("link", name="Sinh hoạt & tham dự").click()
    assert on_login_form(page)
    login(page, "x2", PASSWORD)
    assert signed_in(page)
    done = cli("users", "passwd", "x2", "--password-stdin", password="mật-khẩu-mới-2\n")
    assert done.returncode == 0, done.stderr
    page.get_by_role("link", name="Tổng quan").click()
    assert on_login_form(page)


def test_a_forged_or_expired_cookie_gets_the_login_form(server, context, same_store):
    page = context.new_page()
    context.add_cookies([{"name": sessions.COOKIE, "value": "A" * 43, "url": server.url()}])
    page.goto(server.url("overview"))
    assert on_login_form(page)
    assert not [c for c in context.cookies() if c["name"] == sessions.COOKIE]  # the bad cookie removed
    # a session idle for longer than the settings allow (8 hours)
    stale = sessions.start("board", now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=9))
    context.add_cookies([{"name": sessions.COOKIE, "value": stale, "url": server.url()}])
    page.goto(server.url("overview"))
    assert on_login_form(page, "Phiên làm việc đã hết hạn")
    rows = [r for r in auth.audit_log(path=same_store) if r["account"] == "board"]  # newest first
    assert [r["action"] for r in rows][:2] == ["session_expired", "session_start"]


def post_login(server, **fields: str) -> tuple[int, dict, str]:
    request = urllib.request.Request(server.url("login"), data=urlencode(fields).encode(), method="POST")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers), refused.read().decode()


def test_the_login_route_refuses_in_the_language_asked_and_goes_only_to_local_pages(server):
    status, headers, page = post_login(server, name="x1", password="sai", next="/overview", lang="en")
    assert status == 401 and "set-cookie" not in {k.lower() for k in headers}
    assert '<p class="error" role="alert">Wrong account name or password.</p>' in page
    assert 'value="x1"' in page and '<html lang="en">' in page
    status, headers, _ = post_login(server, name="x1", password=PASSWORD, next="//evil.example/x")
    assert (status, headers["location"]) == (303, "/")  # never another site
    status, headers, _ = post_login(server, name="x1", password=PASSWORD, next="/rankings?unit=X1")
    assert (status, headers["location"]) == (303, "/rankings?unit=X1")
    # the markup of a name typed in is shown as text
    _, _, page = post_login(server, name='"><script>x</script>', password="sai-1234")
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page


def test_wrong_passwords_are_audited_and_five_lock_the_login(server):
    for _ in range(auth.MAX_FAILURES):
        status, _, _ = post_login(server, name="province", password="không-phải-mật-khẩu")
        assert status == 401
    status, _, page = post_login(server, name="province", password=PASSWORD)  # right, but locked
    assert status == 401 and "tài khoản tạm khóa 15 phút" in page
    rows = [r for r in auth.audit_log(path=server.users) if r["account"] == "province"]  # newest first
    assert [(r["action"], r["details"].get("reason")) for r in rows] == [
        ("login_failed", "locked"),
        *[("login_failed", "wrong_password")] * auth.MAX_FAILURES,
    ]


def test_the_login_form_in_english_keeps_the_link(server):
    with urllib.request.urlopen(
        server.url("login", next="/opinions?unit=X1", lang="en"), timeout=30
    ) as answer:
        page = answer.read().decode()
    assert '<label for="name">Account name</label>' in page and '<html lang="en">' in page
    assert '<input type="hidden" name="next" value="/opinions?unit=X1">' in page
    assert 'href="/login?next=%2Fopinions%3Funit%3DX1&amp;lang=vi">Tiếng Việt</a>' in page


def test_a_link_to_the_first_page_by_its_name_opens_it_at_the_root(server, context):
    assert Path(scopecheck.dashboard_pages()[0][0]).stem == web.HOME  # the default page, served at /
    page = context.new_page()
    page.goto(server.url("overview", **JAN_FEB))
    login(page, "x1", PASSWORD)
    assert page.url == server.url("", **JAN_FEB) and signed_in(page)
    assert "Page not found" not in page.inner_text("body")
    page.goto(server.url("overview", **JAN_FEB))  # signed in already
    assert page.url == server.url("", **JAN_FEB) and signed_in(page)
