"""In Chromium: hostile names and crafted links are text on every page, and nothing is fetched from
anywhere but the app's own origin (issue 17, findings 3 and 7).

One server over the hostile fixture (tests/hostile.py), one browser context: an administrator opens
every page of the navigation, then a commune account follows a crafted link to the refusal box. Every
request the pages make is recorded; every one goes to http://127.0.0.1:PORT.
"""

from __future__ import annotations

import hostile
import pytest
from browser import AppServer, login, wait_for_app
from conftest import TEST_ACCOUNTS

from cellboard import auth, text

JAN_FEB = {"from": "2025-01-01", "to": "2025-02-28"}
PASSWORD = "mật-khẩu-trình-duyệt-2"

# What the page's DOM holds that was made from markup: links and images pointing away, tags made
# from the names' <b>b</b>, **x** and [a](...), anything carrying a URL of evil.example.
FROM_MARKUP = """() => {
  const found = [];
  const urlAttributes = ["href", "src", "xlink:href", "srcset", "action", "formaction", "poster", "style"];
  for (const el of document.querySelectorAll("*")) {
    for (const name of urlAttributes) {
      const value = el.getAttribute(name);
      if (value && !value.startsWith("#") && (value.includes("evil.example") || value.includes("onerror"))) {
        found.push(`${el.tagName} ${name}=${value}`);
      }
    }
    const tag = el.tagName.toLowerCase();
    const own = (el.textContent || "").trim();
    if (["b", "strong", "em", "a"].includes(tag) && ["x", "b", "a", "h", "i"].includes(own)) {
      found.push(`${tag} made from a name: ${own}`);
    }
    if (tag === "img" && !(el.getAttribute("src") || "").match(/^(data:|blob:|\\/|\\.\\/|http:\\/\\/127\\.0\\.0\\.1)/)) {
      found.push(`img ${el.getAttribute("src")}`);
    }
  }
  return found;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("origin")
    data = hostile.write(folder / "hostile.duckdb")
    users = folder / "accounts.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CELLBOARD_BCRYPT_ROUNDS", "4")
        for name in ("admin", "x1"):
            role, unit = TEST_ACCOUNTS[name]
            auth.add_account(name, role, unit, PASSWORD, actor="test", path=users, data_path=data)
    with AppServer(data, users) as running:
        yield running


def shown(page) -> str:
    wait_for_app(page)
    return page.inner_text("body").replace(text.WORD_JOINER, "")


def test_every_page_shows_hostile_names_as_text_and_fetches_only_from_its_origin(server, browser):  # noqa: F811
    origin = server.url()  # http://127.0.0.1:PORT/
    context = browser.new_context(locale="vi-VN")
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on("websocket", lambda socket: requested.append(socket.url))
    try:
        page.goto(server.url("participation", unit="X1", cell="C3", opinion="O3", **JAN_FEB))
        login(page, "admin", PASSWORD)
        links = [
            link.inner_text().strip().split("\n")[-1]
            for link in page.locator("[data-testid='stSidebarNavLink']").all()
        ]
        assert len(links) == 12, links  # every page of dashboard.PAGES: an administrator opens them all
        # the app's own icon, inline (a ":material/...:" icon points the browser at fonts.gstatic.com)
        favicon = page.evaluate("document.querySelector(\"link[rel='shortcut icon']\").href")
        assert favicon.startswith("data:image/svg+xml;base64,")
        for label in links:
            page.locator("[data-testid='stSidebarNavLink']", has_text=label).first.click()
            page.locator("h1", has_text=label).first.wait_for()  # the page asked for is drawing
            body = shown(page)
            assert "This app has encountered an error" not in body, label
            assert page.evaluate(FROM_MARKUP) == [], label
            # the unit's name, as sent, in the header (the monthly report asks for a commune first)
            if label not in ("Tài khoản", "Đổi mật khẩu", "Báo cáo tháng"):
                assert f"Đơn vị: {hostile.NAMES['X1']}" in body, label
            if label == "Xếp hạng chi bộ":  # a cell's history: its name in the heading and the legend
                assert f"Lịch sử của {hostile.NAMES['C3']} qua sáp nhập" in body
                # Plotly draws after the run has finished: wait for the legend's text, shown as text
                page.locator(".js-plotly-plot svg text", has_text="<b>b</b>").first.wait_for()

        # a commune account follows a crafted link: the refusal box and the link warning, as text
        commune = browser.new_context(locale="vi-VN")  # a browser of its own: not the administrator's
        commune.on("request", lambda request: requested.append(request.url))
        other = commune.new_page()
        other.set_default_timeout(30_000)
        other.on("websocket", lambda socket: requested.append(socket.url))
        other.goto(server.url("overview", unit=hostile.REFUSAL_LINK_UNIT, **{"from": hostile.BAD_DATE_LINK}))
        login(other, "x1", PASSWORD)
        body = shown(other)
        assert f"Từ chối: đơn vị «{hostile.REFUSAL_LINK_UNIT}»" in body
        assert f"Ngày «{hostile.BAD_DATE_LINK}»" in body
        assert other.evaluate(FROM_MARKUP) == []
        commune.close()
    finally:
        context.close()
    sockets = origin.replace("http://", "ws://", 1)
    outside = sorted({url for url in requested if not url.startswith((origin, sockets))})
    assert len(requested) > 20 and outside == []
