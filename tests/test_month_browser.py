"""Month report (pages/month.py) in a real Chromium: a commune account signs in, submits a meeting by
form (preview, then save) and sees it on Participation after a reload (tests/browser.py's server
over a copy of tests/fixture.py: the write swaps the file the server reads)."""

from __future__ import annotations

import datetime as dt

import fixture
from browser import login, wait_for_app

from cellboard.data import db

TIMEOUT = 30_000


def metric(page, label: str) -> str:
    """The value of the metric tile with this label."""
    tile = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return tile.locator("[data-testid='stMetricValue']").inner_text()


def test_a_commune_submits_a_meeting_and_sees_it_on_participation(served, browser, tmp_path, accounts_store):  # noqa: F811
    path = fixture.write(tmp_path / "month.duckdb")
    server = served(path)
    today = dt.date.today()
    month = {"from": today.replace(day=1).isoformat(), "to": today.isoformat(), "unit": "X1"}
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    try:
        # Participation this month, before: Xã An Bình has no meeting yet
        page.goto(server.url("participation", **month))
        login(page, "x1", accounts_store.password)
        page.get_by_text("Tỷ lệ đảng viên dự sinh hoạt").first.wait_for(timeout=TIMEOUT)
        assert metric(page, "Tỷ lệ đảng viên dự sinh hoạt") == "–"

        # the month report: this month, the first cell (Chi bộ thôn Đoàn Kết), today, its roll of
        # three members pre-filled present
        page.goto(server.url("month"))
        wait_for_app(page)
        page.get_by_text("Ghi một buổi sinh hoạt").first.wait_for(timeout=TIMEOUT)
        assert metric(page, "Chi bộ chưa sinh hoạt") == "2"
        page.get_by_role("button", name="Xem trước").click()
        page.get_by_text("Sẽ ghi:").first.wait_for(timeout=TIMEOUT)
        wait_for_app(page)
        page.get_by_role("button", name="Ghi", exact=True).click()
        page.get_by_text("Đã ghi buổi sinh hoạt").first.wait_for(timeout=TIMEOUT)
        wait_for_app(page)
        assert metric(page, "Chi bộ chưa sinh hoạt") == "1"
        assert page.locator("[data-testid='stException']").count() == 0
        meeting_id = f"C3-{today:%Y%m%d}-regular-1"
        stored = db.run("cell_meetings", {"start": today, "end": today, "cell": "C3"}, path=path)
        assert stored[["meeting_id", "expected", "present"]].values.tolist() == [[meeting_id, 3, 3]]

        # Participation after a reload: the meeting counts (3 present of 3)
        page.goto(server.url("participation", **month))
        wait_for_app(page)
        page.get_by_text("Tỷ lệ đảng viên dự sinh hoạt").first.wait_for(timeout=TIMEOUT)
        assert metric(page, "Tỷ lệ đảng viên dự sinh hoạt") == "100,0%"
        assert metric(page, "Số buổi sinh hoạt") == "1"
        page.reload()
        wait_for_app(page)
        page.get_by_text("Tỷ lệ đảng viên dự sinh hoạt").first.wait_for(timeout=TIMEOUT)
        assert metric(page, "Tỷ lệ đảng viên dự sinh hoạt") == "100,0%"
    finally:
        page.close()
