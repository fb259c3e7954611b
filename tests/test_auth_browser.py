"""Login, roles and scope in a real browser: the app served by Streamlit, Debian's Chromium.

One server over the tiny fixture for the module, freshly started, so the first request is the one
that used to slip past the entry script (Streamlit's old pages/-folder mode on a new server).
"""

from __future__ import annotations

import pytest
import scopecheck
from browser import AppServer, Runs, download_of, login, wait_for_app
from conftest import TEST_ACCOUNTS

from cellboard import auth

JAN_FEB = {"from": "2025-01-01", "to": "2025-02-28"}
PASSWORD = "mật-khẩu-trình-duyệt-1"


@pytest.fixture(scope="module")
def server(tmp_path_factory, fixture_db):
    users = tmp_path_factory.mktemp("browser") / "accounts.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CELLBOARD_BCRYPT_ROUNDS", "4")
        for name, (role, unit) in TEST_ACCOUNTS.items():
            auth.add_account(
                name,
                role,
                unit,
                PASSWORD,
                actor="test",
                path=users,
                data_path=users.parent / "no-data.duckdb",
            )
    with AppServer(fixture_db, users) as running:
        yield running


@pytest.fixture
def page(browser):  # noqa: F811
    context = browser.new_context(locale="vi-VN", accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()


def body(page) -> str:
    wait_for_app(page)
    return page.inner_text("body")


def texts_leaked(shown: str, account: str) -> list[str]:
    _, texts = scopecheck.forbidden(account)
    return [value for value in texts if value in shown]


def unit_options(page) -> list[str]:
    """The options of the sidebar's unit picker (the selectbox after the period's)."""
    picker = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").nth(1)
    picker.locator("input").click()
    page.keyboard.press("ArrowDown")
    options = page.locator("[role='listbox'] [role='option']")
    options.first.wait_for()
    found = [option.inner_text().strip() for option in options.all()]
    page.keyboard.press("Escape")
    return found


def nav_links(page) -> list[str]:
    # the label is the last line; the icon's name comes first
    return [
        link.inner_text().strip().split("\n")[-1]
        for link in page.locator("[data-testid='stSidebarNavLink']").all()
    ]


def test_a_commune_account_in_the_browser(server, page):
    # a link straight to a page, on a server nobody has visited yet: the login form, nothing else
    page.goto(server.url("participation", unit="X1", **JAN_FEB))
    page.wait_for_url("**/login?**")  # the login form, an HTTP page in front of the app
    before = page.inner_text("body")
    assert "Đăng nhập" in before
    assert "Xã An Bình" not in before and "Phường Đông Hải" not in before and "Tỉnh Thử Nghiệm" not in before
    assert not page.locator("[data-testid='stSidebarNavLink']").count()

    login(page, "x1", PASSWORD)
    assert "/participation" in page.url and "unit=X1" in page.url
    assert unit_options(page) == ["Xã An Bình"]
    links = nav_links(page)
    assert "Sinh hoạt & tham dự" in links and "Đổi mật khẩu" in links
    assert "Tài khoản" not in links and "Dữ liệu" not in links
    # every page the account may open, through the sidebar: only its own commune
    for label in links:
        page.locator("[data-testid='stSidebarNavLink']", has_text=label).first.click()
        page.wait_for_timeout(300)
        shown = body(page)
        assert "Xã An Bình" in shown or label == "Đổi mật khẩu", label
        assert texts_leaked(shown, "x1") == [], label
        assert "This app has encountered an error" not in shown, label

    # the address of the accounts page is not the accounts page
    page.goto(server.url("accounts"))
    shown = body(page)
    assert "Thêm tài khoản" not in shown and "Danh sách tài khoản" not in shown


def test_a_link_to_another_commune_is_refused(server, page):
    page.goto(server.url("overview", unit="X2", **JAN_FEB))
    login(page, "x1", PASSWORD)
    shown = body(page)
    assert "Từ chối: đơn vị «X2»" in shown
    assert texts_leaked(shown, "x1") == []
    assert "unit=X2" in page.url  # the link stays as sent


def test_an_administrator_sees_everything_and_a_download_is_audited(server, page):
    runs = Runs(page)
    page.goto(server.url("", **JAN_FEB))
    login(page, "admin", PASSWORD)
    links = nav_links(page)
    assert "Tài khoản" in links and "Dữ liệu" in links
    assert unit_options(page) == ["Toàn bộ", "Tỉnh Thử Nghiệm", "Phường Đông Hải", "Xã An Bình"]

    page.get_by_text("Xem bảng số liệu").first.click()
    # the chart's table is built by the rerun the opening starts: click its own download once drawn
    opened = page.locator("[data-testid='stExpander']").first
    opened.locator("[data-testid='stDataFrame']").wait_for()
    wait_for_app(page)
    mark = runs.mark()
    download = download_of(page, opened.get_by_role("button", name="Tải CSV"))
    assert download.suggested_filename.endswith(".csv")
    rows = []
    for _ in range(100):  # written when the file is made: wait for it, up to 20 s
        rows = [r for r in auth.audit_log(path=server.users) if r["action"] == "download"]
        if rows:
            break
        page.wait_for_timeout(200)
    row = rows[0]
    assert row["account"] == "admin" and row["details"]["filters"]["from"] == "2025-01-01"
    assert runs.reruns(mark) == []  # the file is made and audited without running the page again

    # tables keep numbers as numbers (issue 16): the monthly trend's table sorts 8 before 11
    grid = page.locator("[data-testid='stDataFrame']").last
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 40, box["y"] + 52)  # a cell: the grid's accessible table fills in
    headers = grid.locator("th")
    # the grid draws on a canvas: click along its header row until "Có mặt" is the sorted column
    for x in range(20, int(box["width"]), 35):
        page.mouse.click(box["x"] + x, box["y"] + 17)
        page.wait_for_timeout(300)  # the accessible table follows the canvas a moment later
        if "↑ Có mặt" in headers.all_inner_texts():
            break
    assert "↑ Có mặt" in headers.all_inner_texts()
    # present: 11 in January, 8 in February; sorted up as numbers (as text "11" would come first)
    assert grid.locator("td[aria-colindex='5']").all_inner_texts() == ["8", "11"]

    page.locator("[data-testid='stSidebarNavLink']", has_text="Tài khoản").first.click()
    page.wait_for_timeout(300)
    shown = body(page)
    assert "Danh sách tài khoản" in shown and "Thêm tài khoản" in shown  # (the list itself is a canvas)


def test_a_wrong_password_in_the_browser(served, accounts_store, fixture_db, page):  # noqa: F811
    server = served(fixture_db)  # a server of its own, over the `accounts_store` accounts
    page.goto(server.url())
    page.wait_for_url("**/login?**")
    page.get_by_label("Tên đăng nhập").fill("board")
    page.get_by_label("Mật khẩu").fill("not-the-password")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.").wait_for()
    assert "Tỉnh Thử Nghiệm" not in page.inner_text("body")
    login(page, "board", accounts_store.password)
    assert unit_options(page) == ["Tỉnh Thử Nghiệm", "Phường Đông Hải", "Xã An Bình"]


def test_switching_the_language_relabels_the_sidebars_choices_and_keeps_the_period(server, page):
    runs = Runs(page)
    page.goto(server.url("", **{"from": "2025-01-01", "to": "2025-12-31"}))
    login(page, "admin", PASSWORD)
    # the preset box; what it shows chosen is its input's value
    preset = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first
    assert preset.locator("input").input_value() == "Cả năm"
    mark = runs.mark()
    page.get_by_text("English", exact=True).click()
    runs.wait_for_end(mark)
    # a choice shows its label in the browser's state: the switch sends every choice again, relabelled
    assert preset.locator("input").input_value() == "Year"
    page.locator("[data-testid='stSidebarNavLink']", has_text="Participation").click()
    page.wait_for_url("**/participation**")
    wait_for_app(page)
    assert "from=2025-01-01" in page.url and "to=2025-12-31" in page.url  # the period kept
    assert preset.locator("input").input_value() == "Year"
