"""Login, roles and scope in the app (AppTest over the tiny fixture).

The matrix runs every account of conftest.TEST_ACCOUNTS (one per role, and both communes) on every
page of dashboard.PAGES: a page the role may not open is not in the navigation and its address
shows something else; a commune account never receives a string of the other commune, in what
the page draws or in any file it offers for download.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import apptools
import pytest
import scopecheck
from conftest import TEST_ACCOUNTS
from streamlit.util import calc_hash

from cellboard import auth, sessions
from cellboard.app import ui, web
from cellboard.text import VI

JAN_FEB = {"from": "2025-01-01", "to": "2025-02-28"}
PAGES = scopecheck.dashboard_pages()


def stem(page: str) -> str:
    return page.rsplit("/", 1)[-1].removesuffix(".py")


def on_page(at) -> str:
    """The page file the last run showed ("pages/x.py"; "" for the login form)."""
    registered = at._registered_pages.get(at._finished_page_script_hash, {})
    script = registered.get("script_path")
    return f"pages/{Path(script).name}" if script else ""


def open_address(at, page: str):
    """Ask for a page by its address, as a browser would (whether or not the navigation holds it)."""
    at._page_hash = calc_hash(stem(page))
    return at.run()


@pytest.fixture
def offered(monkeypatch) -> list[tuple[str, bytes]]:
    """Every file a download button offers during the test: (file name, bytes)."""
    # the review's chart images are pictures, read by no scope check: build it without them (no
    # browser at that path), 3 s less a page (tests/test_report.py covers the charts)
    monkeypatch.setenv("CELLBOARD_CHART_BROWSER", "/nonexistent/chromium")
    return apptools.recorded_downloads(monkeypatch, made=True)


def login_way_only(at, next_path: str | None = None, notice: str | None = None) -> None:
    """Nothing of the data: the title, a notice, and the way to the HTTP login form (a button and the
    script that goes there at once), which comes back to `next_path`."""
    assert not at.exception
    assert not at.text_input and not at.metric and not at.dataframe and not at.get("plotly_chart")
    assert not at.selectbox
    shown = list(scopecheck.app_strings(at))
    everything = set().union(*scopecheck.forbidden("x1"), *scopecheck.forbidden("x2"))
    assert not [s for s in shown if any(value in s for value in everything if len(value) > 3)]
    assert not [s for s in shown if "Tỉnh Thử Nghiệm" in s or "Xã An Bình" in s]
    (button,) = at.get("link_button")
    assert button.proto.label == VI.t("login_title")
    address = button.proto.url
    assert address.startswith("/login?next=")
    (script,) = at.get("html")
    assert script.proto.body == f"<script>window.location.replace({json.dumps(address)})</script>"
    if next_path is not None:
        assert parse_qs(urlsplit(address).query)["next"] == [next_path]
    assert parse_qs(urlsplit(address).query).get("notice") == ([notice] if notice else None)


# ---- every role on every page -------------------------------------------------------------------


@pytest.mark.parametrize("page", [entry[0] for entry in PAGES])
@pytest.mark.parametrize("account", list(TEST_ACCOUNTS))
def test_every_account_on_every_page(app_on, fixture_db, offered, account, page):
    role, unit = TEST_ACCOUNTS[account]
    at = app_on(fixture_db, as_account=account, **JAN_FEB).run()
    assert not at.exception
    if not auth.may_open(role, page):
        with pytest.raises(ValueError):
            at.switch_page(page)  # not in the navigation
        open_address(at, page)
        assert not at.exception
        assert on_page(at) != page
        return
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert on_page(at) == page
    if role == "commune":
        assert at.selectbox(key="f_unit").options == [{"X1": "Xã An Bình", "X2": "Phường Đông Hải"}[unit]]
        assert scopecheck.leaks_in(scopecheck.app_strings(at), account) == []
        for file_name, data in offered:
            assert scopecheck.leaks_in(scopecheck.download_strings(data, file_name), account) == [], file_name


@pytest.mark.parametrize("account", list(TEST_ACCOUNTS))
def test_the_navigation_lists_only_the_roles_pages(app_on, fixture_db, account):
    role, _ = TEST_ACCOUNTS[account]
    at = app_on(fixture_db, as_account=account, **JAN_FEB).run()
    listed = {info["url_pathname"] or "overview" for info in at._registered_pages.values()}
    assert listed == {stem(entry[0]) for entry in auth.pages_for(role, PAGES)}


def test_an_administrator_sees_every_commune(app_on, fixture_db):
    at = app_on(fixture_db, **JAN_FEB).run()
    assert at.selectbox(key="f_unit").options[:3] == ["Toàn bộ", "Tỉnh Thử Nghiệm", "\u2003Phường Đông Hải"]
    assert {m.label: m.value for m in at.metric}["Số buổi sinh hoạt"] == "6"


def test_a_commune_account_sees_its_communes_figures(app_on, fixture_db):
    at = app_on(fixture_db, as_account="x2", **JAN_FEB).run()
    assert {m.label: m.value for m in at.metric}["Số buổi sinh hoạt"] == "1"  # C4's meeting M6
    assert at.selectbox(key="f_cell").options == ["—", "Chi bộ khu phố 1"]


# ---- before and at the login ------------------------------------------------------------------


@pytest.mark.parametrize("page", [None] + [entry[0] for entry in PAGES])
def test_nothing_is_shown_before_login(app_on, fixture_db, page):
    at = app_on(fixture_db, as_account=None, unit="X1", **JAN_FEB)
    at = at.run() if page is None else open_address(at.run(), page)
    # the way to the login comes back to the page asked for, with the link's filters
    where = "/" if page is None else f"/{stem(page)}"
    login_way_only(at, f"{where}?unit=X1&from=2025-01-01&to=2025-02-28")


def test_a_session_expires_after_eight_idle_hours(app_on, fixture_db):
    at = app_on(fixture_db, as_account=None, **JAN_FEB)
    at.session_state[ui.TOKEN_KEY] = sessions.start(
        "x1", now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=8, minutes=1)
    )
    at.run()
    login_way_only(at, notice="expired")
    assert at.info[0].value == VI.t("login_notice_expired")
    assert [(r["account"], r["action"]) for r in auth.audit_log(limit=1)] == [("x1", "session_expired")]


def test_a_disabled_account_loses_its_session(app_on, fixture_db):
    at = app_on(fixture_db, as_account="x1", **JAN_FEB).run()
    assert at.metric
    auth.set_disabled("x1", True, actor="admin")
    at.run()
    login_way_only(at, notice="ended")


def test_logout(app_on, fixture_db):
    at = app_on(fixture_db, as_account="x1", **JAN_FEB).run()
    token = at.session_state[ui.TOKEN_KEY]
    at.button(key="logout").click().run()
    login_way_only(at, notice="signed_out")
    assert at.info[0].value == VI.t("login_notice_signed_out")
    assert sessions.check(token).reason == "unknown"  # ended on the server: for every tab
    assert [(r["account"], r["action"]) for r in auth.audit_log(limit=1)] == [("x1", "session_end")]


def test_the_first_start_creates_an_administrator(app_on, fixture_db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CELLBOARD_USERS", str(tmp_path / "empty.sqlite"))  # no accounts at all
    at = app_on(fixture_db, as_account=None).run()
    printed = capsys.readouterr()
    # the server prints no password (its output goes to logs), only how to set one, once
    assert printed.out == "" and auth.SET_FIRST_PASSWORD in printed.err
    login_way_only(at)
    # the login form says how to set the first password (cellboard/app/web.py)
    assert VI.t("login_first_admin", name="admin") in web.form(VI, "/", notices=web.notices(VI, None))
    auth.set_password("admin", "mat-khau-dau-tien", actor="cli:root")  # what `users passwd` does
    assert auth.authenticate("admin", "mat-khau-dau-tien").reason == "ok"  # what the login form does
    assert web.notices(VI, None) == []  # said until the first login
    at.run()
    assert capsys.readouterr() == ("", "")  # said once


# ---- scope in the app ------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["X2", "C4", "P", "NO-SUCH"])
def test_a_link_to_a_unit_outside_the_scope_is_refused(app_on, fixture_db, unit):
    at = app_on(fixture_db, as_account="x1", unit=unit, **JAN_FEB).run()
    assert not at.exception
    assert [e.value for e in at.error] == [VI.t("scope_refused", unit=unit.replace("-", "\\-"))]  # as text
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
    assert at.query_params["unit"] == unit  # the link is left as it was: nothing narrowed silently
    assert scopecheck.leaks_in(scopecheck.app_strings(at), "x1") == []
    # picking a unit from the list (only the account's own) lifts the block
    at.selectbox(key="f_cell").set_value("C1").run()
    assert not at.error
    assert {m.label: m.value for m in at.metric}["Số buổi sinh hoạt"] == "3"


def test_an_administrator_link_to_any_unit_works(app_on, fixture_db):
    at = app_on(fixture_db, unit="X2", **JAN_FEB).run()
    assert not at.error
    assert {m.label: m.value for m in at.metric}["Số buổi sinh hoạt"] == "1"


def test_a_download_click_makes_its_file_and_is_audited_with_its_filters_without_a_rerun(
    app_on, fixture_db, monkeypatch
):
    handed = apptools.recorded_downloads(monkeypatch, made=False)
    at = app_on(fixture_db, as_account="x1", **JAN_FEB).run()
    assert not at.exception
    # a click asks the server for the file only: the page does not run again (ui.audited)
    assert at.get("download_button") and all(b.proto.ignore_rerun for b in at.get("download_button"))

    def downloads() -> list[dict]:
        return [row for row in auth.audit_log() if row["action"] == "download"]

    assert downloads() == []  # drawing the page audits nothing
    name, make = next((name, make) for name, make in handed if name.endswith(".csv"))
    assert make().startswith(b"\xef\xbb\xbf")  # what Streamlit calls on the click: the CSV, with its BOM
    (row,) = downloads()
    assert row["account"] == "x1" and row["details"]["file"] == name
    assert row["details"]["filters"]["from"] == "2025-01-01" and row["details"]["scope"] == "X1"
    make()
    assert len(downloads()) == 2  # each click


# ---- the accounts and password pages -------------------------------------------------------------


def test_administrators_add_reset_disable_and_enable_accounts(app_on, fixture_db):
    at = app_on(fixture_db).run()
    at.switch_page("pages/accounts.py").run()
    assert not at.exception
    assert set(at.dataframe[0].value[VI.t("accounts_name")]) == set(TEST_ACCOUNTS)

    at.text_input(key="acc_name").input("xa.moi")
    at.selectbox(key="acc_role").set_value("commune")
    at.selectbox(key="acc_unit").set_value("X2")
    at.text_input(key="acc_password").input("mat-khau-moi-1")
    at.text_input(key="acc_again").input("mat-khau-moi-1")
    at.button(key="FormSubmitter:account_add-" + VI.t("accounts_add")).click().run()
    assert not at.exception
    assert at.success[0].value == VI.t("accounts_added", name="xa\\.moi")  # the name as text, not markdown
    assert auth.scope_for_account("xa.moi").root == "X2"

    at.text_input(key="acc_name").input("sai")  # a commune account without a unit is refused
    at.selectbox(key="acc_role").set_value("commune")
    at.selectbox(key="acc_unit").set_value(None)
    at.text_input(key="acc_password").input("mat-khau-moi-1")
    at.text_input(key="acc_again").input("mat-khau-moi-1")
    at.button(key="FormSubmitter:account_add-" + VI.t("accounts_add")).click().run()
    assert at.error and auth.get_account("sai") is None

    at.selectbox(key="reset_name").set_value("xa.moi")
    at.text_input(key="reset_password").input("mat-khau-khac-2")
    at.text_input(key="reset_again").input("mat-khau-khac-2")
    at.button(key="FormSubmitter:account_reset-" + VI.t("accounts_reset")).click().run()
    assert auth.authenticate("xa.moi", "mat-khau-khac-2").reason == "ok"

    at.selectbox(key="disable_name").set_value("xa.moi").run()
    at.button(key="disable_toggle").click().run()
    assert auth.get_account("xa.moi").disabled
    at.selectbox(key="disable_name").set_value("xa.moi").run()
    at.button(key="disable_toggle").click().run()
    assert not auth.get_account("xa.moi").disabled

    audit = at.dataframe[-1].value
    # the actions by name, in the locale (the log holds their codes)
    assert {"Thêm tài khoản", "Đặt lại mật khẩu", "Khóa tài khoản", "Mở lại tài khoản"} <= set(
        audit[VI.t("accounts_action")]
    )
    assert "admin" in set(audit[VI.t("accounts_name")])
    assert "Khóa tài khoản" in at.selectbox(key="audit_action").options


def test_the_accounts_page_refuses_others_even_when_asked_for(app_on, fixture_db):
    at = app_on(fixture_db, as_account="province").run()
    open_address(at, "pages/accounts.py")
    assert on_page(at) == "pages/overview.py"
    assert VI.t("accounts_add") not in [tab.label for tab in at.tabs]


def test_everyone_changes_their_own_password(app_on, fixture_db, accounts_store):
    at = app_on(fixture_db, as_account="x2").run()
    at.switch_page("pages/password.py").run()
    assert not at.exception
    submit = "FormSubmitter:password_form-" + VI.t("password_submit")
    at.text_input(key="pw_current").input("not-the-password")
    at.text_input(key="pw_new").input("mat-khau-moi-1")
    at.text_input(key="pw_again").input("mat-khau-moi-1")
    at.button(key=submit).click().run()
    assert at.error and auth.authenticate("x2", accounts_store.password).reason == "ok"

    at.text_input(key="pw_current").input(accounts_store.password)
    at.text_input(key="pw_new").input("mat-khau-moi-1")
    at.text_input(key="pw_again").input("mat-khau-moi-1")
    at.button(key=submit).click().run()
    assert at.success[0].value == VI.t("password_changed")
    assert auth.authenticate("x2", "mat-khau-moi-1").reason == "ok"
    at.run()  # this session carries on
    assert "login_name" not in [box.key for box in at.text_input]


def test_the_data_page_imports_for_administrators_only(app_on, fixture_db):
    for account, may_import in (("admin", True), ("province", False), ("board", False)):
        at = app_on(fixture_db, as_account=account, **JAN_FEB).run()
        at.switch_page("pages/data.py").run()
        assert not at.exception, account
        uploaders = [w for w in at.get("file_uploader") if w.proto.id.endswith("data_upload")]
        assert bool(uploaders) == may_import, account
        refused = [i.value for i in at.info if "Chỉ quản trị viên được nhập số liệu" in i.value]
        assert bool(refused) != may_import, account
        # what every one of them sees: the units not reported and the data-quality warnings
        assert {"Chưa báo cáo", "Cảnh báo chất lượng số liệu"} <= {h.value for h in at.subheader}, account
