"""The Corrections page in Chromium against the served app (serve.py): the organisation board corrects a
meeting's topic through the form (preview, then save), the correction is still there after a reload
(it is in the database file every process reads, not in the browser's session), and its undo from the
history brings the original back, again checked after a reload."""

from __future__ import annotations

import fixture
from browser import login, wait_for_app  # the fixtures browser and served: conftest.py
from playwright.sync_api import expect

from cellboard.data import db

TOPIC = "Học tập Nghị quyết Đại hội"


def topic_of(path) -> object:
    found = db.run(
        "meetings_to_correct", {"meeting": "M1", "start": "2025-01-01", "end": "2025-01-31"}, path=path
    )
    return found["topic"].iloc[0]


def test_a_correction_and_its_undo_through_the_page_stay_after_a_reload(
    served, browser, tmp_path, accounts_store
):  # noqa: F811
    path = fixture.write(tmp_path / "fixture.duckdb")  # this test writes: a file of its own
    server = served(path)
    page = browser.new_page(viewport={"width": 1400, "height": 3200})
    try:
        page.goto(server.url("corrections", meeting="M1", **{"from": "2025-01-01", "to": "2025-02-28"}))
        login(page, "board", accounts_store.password)
        page.get_by_text("Buổi sinh hoạt ngày 10/01/2025 — Chi bộ thôn Đông").wait_for()
        assert page.locator("[data-testid='stException']").count() == 0
        expect(page.get_by_text("Buổi sinh hoạt này chưa được sửa lần nào.")).to_have_count(1)  # drawn below

        # the form: a topic, a preview of what changes, then save
        page.get_by_label("Chủ đề").fill(TOPIC)
        page.get_by_role("button", name="Xem trước thay đổi").click()
        page.get_by_text("Những gì sẽ thay đổi").wait_for()
        wait_for_app(page)
        assert topic_of(path) is None  # a preview writes nothing
        page.get_by_role("button", name="Lưu sửa đổi").click()
        page.get_by_text("Đã lưu sửa đổi (1 dòng thay đổi).").wait_for()
        wait_for_app(page)
        assert topic_of(path) == TOPIC

        # after a reload: the stored topic fills the form, the history names the write
        page.reload()
        wait_for_app(page)
        page.get_by_text("Buổi sinh hoạt ngày 10/01/2025 — Chi bộ thôn Đông").wait_for()
        expect(page.get_by_label("Chủ đề")).to_have_value(TOPIC)
        expect(page.get_by_text(" · board · Sửa")).to_have_count(1)

        # undo from the history
        page.get_by_role("button", name="Hoàn tác").click()
        page.get_by_text("Đã hoàn tác lần ghi lúc").wait_for()
        wait_for_app(page)
        assert topic_of(path) is None

        page.reload()
        wait_for_app(page)
        page.get_by_text("Buổi sinh hoạt ngày 10/01/2025 — Chi bộ thôn Đông").wait_for()
        expect(page.get_by_label("Chủ đề")).to_have_value("")
        expect(page.get_by_text(" · board · Hoàn tác")).to_have_count(1)
        expect(page.get_by_text("Đã được hoàn tác.")).to_have_count(1)
        expect(page.get_by_role("button", name="Hoàn tác")).to_have_count(1)  # the undo itself may be undone
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        page.close()
    written = db.run("meeting_history", {"meeting": "M1"}, path=path)
    assert list(zip(written["account"], written["action"], written["field"], strict=True)) == [
        ("board", "undo", "topic"),
        ("board", "correct", "topic"),
    ]
