"""The Answers page in Chromium against the served app (serve.py): a department account signs in, lands
on its page, answers one opinion, and the answer is still there after a reload (it is in the database
file every process reads, not in the browser's session)."""

from __future__ import annotations

import datetime as dt

import fixture
from browser import login, wait_for_app  # the fixtures browser and served: conftest.py
from playwright.sync_api import expect

from cellboard import auth
from cellboard.data import db


def test_a_department_answers_an_opinion_and_it_stays_after_a_reload(
    served, browser, tmp_path, accounts_store
):  # noqa: F811
    path = fixture.write(tmp_path / "fixture.duckdb")  # this test writes: a file of its own
    auth.add_account(
        "kt_x1",
        "department",
        "X1",
        accounts_store.password,
        actor="test",
        data_path=path,
        department="Phòng Kinh tế",
    )
    server = served(path)
    page = browser.new_page(viewport={"width": 1400, "height": 2600})
    try:
        page.goto(server.url())
        login(page, "kt_x1", accounts_store.password)
        # its home is the Answers page: O3 and O6 overdue, O1 and O2 answered
        page.get_by_role("heading", name="Trả lời ý kiến").wait_for()
        assert page.locator("[data-testid='stException']").count() == 0
        wait_for_app(page)
        # the groups' counts are drawn after the heading: wait for them (exactly one match, strict)
        page.get_by_text("Quá hạn (2)").wait_for()
        assert "Phòng Kinh tế" in page.inner_text("body")
        # pick O3 in the picker (its text as text: the <script> is not run)
        page.get_by_label("Ý kiến đang xem").click()
        page.get_by_role("option", name="<script>alert(1)</script> Đê bao bị sạt", exact=False).click()
        wait_for_app(page)
        page.get_by_label("Nội dung trả lời").wait_for()
        page.get_by_label("Nội dung trả lời").fill("Đã đắp lại đoạn đê bị sạt")
        page.get_by_role("button", name="Ghi trả lời").click()
        page.get_by_text("Đã ghi trả lời").first.wait_for()
        wait_for_app(page)
        expect(page.get_by_text("Đã trả lời (3)")).to_have_count(1)
        assert "opinion=O3" in page.url
        # after a reload: the answer, its history, the groups, from the file
        page.reload()
        wait_for_app(page)
        page.get_by_text("Đã trả lời (3)").wait_for()
        answer = page.locator("[data-testid='stText']", has_text="Đã đắp lại đoạn đê bị sạt")
        answer.wait_for()
        assert answer.is_visible()
        expect(page.get_by_text("Quá hạn (1)")).to_have_count(1)
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        page.close()
    written = db.run("opinion_history", {"opinion": "O3"}, path=path)
    assert list(zip(written["account"], written["action"], written["note"], strict=True)) == [
        ("kt_x1", "answered", "Đã đắp lại đoạn đê bị sạt")
    ]
    assert list(written["answered_on"].dt.date) == [dt.date.today()]
