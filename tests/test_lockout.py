"""The lockout holds under concurrent logins (issue 17, finding 2).

Before: the lock was read, bcrypt checked and the failure counted in three steps, so 40 logins at
once had all 39 wrong passwords checked and the right one let in while the account showed locked.
Now a login takes one of the name's MAX_FAILURES places before bcrypt, in the transaction that
reads the lock (auth._verify). Real SQLite store, real bcrypt (cost 8, so checks overlap), real
threads and real processes. Every wrong password bcrypt checked leaves an audit row
(login_failed, wrong_password): those rows count the checks.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cellboard import auth

NAME = "xa.thu"
RIGHT = "mat-khau-dung-1"
WRONG = "mat-khau-sai-1"
CONCURRENT = 40


@pytest.fixture
def store(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "accounts.sqlite"
    monkeypatch.setenv("CELLBOARD_USERS", str(path))
    monkeypatch.setenv("CELLBOARD_BCRYPT_ROUNDS", "8")  # ~15 ms a check: concurrent checks overlap
    auth.add_account(NAME, "commune", "X1", RIGHT, actor="t", data_path=Path("/none"))
    return path


def wrong_checks(path: Path) -> list[dict]:
    """The audit rows of wrong passwords bcrypt checked, oldest first (with their audit id)."""
    rows = [row for row in reversed(auth.audit_log(path=path)) if row["account"] == NAME]
    return [
        {"id": row["id"], **row["details"]}
        for row in rows
        if row["action"] == "login_failed" and row["details"].get("reason") == "wrong_password"
    ]


def attempt_rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as con:
        return con.execute("select failed from login_attempt where name = ?", (NAME,)).fetchall()


def check_storm(path: Path, reasons: list[str]) -> None:
    """What 39 wrong passwords and the right one, all at once, may leave: exact per outcome."""
    right, wrongs = reasons[0], reasons[1:]
    checks = wrong_checks(path)
    audit = [row for row in reversed(auth.audit_log(path=path)) if row["account"] == NAME]
    assert not [row for row in audit if row["details"].get("reason") in ("busy", "superseded", "unsettled")]
    lock_row = next(row for row in audit if "locked_until" in row["details"])
    if right == "locked":
        # the right password came after the lock: refused; exactly MAX_FAILURES wrong ones checked
        assert len(checks) == auth.MAX_FAILURES
        assert sorted(check["failures"] for check in checks) == [1, 2, 3, 4, 5]  # each counted once
        assert sorted(wrongs) == ["locked"] * (CONCURRENT - auth.MAX_FAILURES) + ["wrong"] * (
            auth.MAX_FAILURES - 1
        )
        refusal = next(
            row for row in audit if row["action"] == "login_failed" and row["details"]["reason"] == "locked"
        )
        assert refusal["id"] > lock_row["id"]
    else:
        # the right password took a place before the lock: in, and the count started again after it
        # (as one login after another); the attempts begun before it count for nothing
        assert right == "ok"
        success = next(row for row in audit if row["action"] == "login")
        assert lock_row["id"] > success["id"]
        before = [check for check in checks if check["id"] < success["id"]]
        assert len(before) <= auth.MAX_FAILURES - 1
        assert auth.MAX_FAILURES <= len(checks) <= 2 * auth.MAX_FAILURES - 1
    # either way the name ends locked with MAX_FAILURES failures, nothing in flight, and the right
    # password is refused until an administrator's reset
    assert attempt_rows(path) == [(1,)] * auth.MAX_FAILURES
    assert auth.get_account(NAME, path=path).locked_until is not None
    assert auth.authenticate(NAME, RIGHT, path=path).reason == "locked"
    assert len(wrong_checks(path)) == len(checks)  # a locked name checks no password at all
    auth.set_password(NAME, RIGHT, actor="admin", path=path)
    assert auth.authenticate(NAME, RIGHT, path=path).reason == "ok"
    assert attempt_rows(path) == []


def test_forty_logins_from_threads_check_at_most_five_passwords(store):
    barrier = threading.Barrier(CONCURRENT)

    def login(password: str) -> str:
        barrier.wait()
        return auth.authenticate(NAME, password, path=store).reason

    with ThreadPoolExecutor(CONCURRENT) as pool:
        reasons = list(pool.map(login, [RIGHT] + [WRONG] * (CONCURRENT - 1)))
    check_storm(store, reasons)


def _login_in_process(path: str, password: str, barrier, results, index: int) -> None:
    barrier.wait()
    results[index] = auth.authenticate(NAME, password, path=Path(path)).reason


def test_forty_logins_from_processes_check_at_most_five_passwords(store):
    context = multiprocessing.get_context("fork")  # the children share nothing but the store's file
    barrier = context.Barrier(CONCURRENT)
    results = context.Manager().list([""] * CONCURRENT)
    passwords = [RIGHT] + [WRONG] * (CONCURRENT - 1)
    processes = [
        context.Process(target=_login_in_process, args=(str(store), password, barrier, results, index))
        for index, password in enumerate(passwords)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    assert [process.exitcode for process in processes] == [0] * CONCURRENT
    check_storm(store, list(results))


def test_the_right_password_waits_for_the_wrong_ones_in_flight_and_is_refused_if_they_lock(store):
    now = auth._now()
    for _ in range(auth.MAX_FAILURES - 1):
        assert auth.authenticate(NAME, WRONG, path=store, now=now).reason == "wrong"
    # a fifth wrong password is being checked (its place taken, bcrypt not done yet)
    with auth._connect(store, write=True) as con:
        attempt, row = auth._begin_attempt(con, NAME, "login", now)
    answer: list[auth.LoginResult] = []
    waiting = threading.Thread(
        target=lambda: answer.append(auth.authenticate(NAME, RIGHT, path=store, now=now))
    )
    waiting.start()
    time.sleep(0.5)
    assert waiting.is_alive() and answer == []  # no place free: it waits rather than check
    with auth._connect(store, write=True) as con:
        settled = auth._settle_attempt(con, NAME, "login", attempt, row, False, now)
    assert settled.reason == "locked"
    waiting.join(10)
    assert [result.reason for result in answer] == ["locked"]
    assert len(wrong_checks(store)) == auth.MAX_FAILURES


def test_the_right_password_before_wrong_ones_still_in_flight_lets_in_and_they_count_after_it(store):
    now = auth._now()
    with auth._connect(store, write=True) as con:
        early = auth._begin_attempt(con, NAME, "login", now)  # began before the right password
    assert auth.authenticate(NAME, RIGHT, path=store, now=now).reason == "ok"
    with auth._connect(store, write=True) as con:
        late = auth._begin_attempt(con, NAME, "login", now)  # began after it
        assert auth._settle_attempt(con, NAME, "login", early[0], early[1], False, now).reason == "wrong"
        assert auth._settle_attempt(con, NAME, "login", late[0], late[1], False, now).reason == "wrong"
    # both count after the success, as if they had come after it (the one in flight kept its place)
    assert [(check["failures"]) for check in wrong_checks(store)] == [1, 2]
    with sqlite3.connect(store) as con:
        assert con.execute("select failures, locked_until from login_failure").fetchall() == [(2, None)]


def test_the_right_password_from_several_browsers_at_once_lets_each_in(store):
    # one account, signed in from several browsers at the same moment (a commune's staff, a second
    # tab): a success frees its own place, not the places of the others still being checked
    barrier = threading.Barrier(auth.MAX_FAILURES)

    def login(_: int) -> str:
        barrier.wait()
        return auth.authenticate(NAME, RIGHT, path=store).reason

    with ThreadPoolExecutor(auth.MAX_FAILURES) as pool:
        assert list(pool.map(login, range(auth.MAX_FAILURES))) == ["ok"] * auth.MAX_FAILURES
    assert attempt_rows(store) == []


def test_a_place_left_by_a_process_that_died_counts_as_a_failure(store):
    now = auth._now()
    with auth._connect(store, write=True) as con:
        auth._begin_attempt(con, NAME, "login", now)  # ...and the process died before settling it
    later = now + auth.dt.timedelta(seconds=auth.ATTEMPT_SECONDS + 1)
    assert auth.authenticate(NAME, WRONG, path=store, now=later).reason == "wrong"
    assert auth.get_account(NAME, path=store) is not None
    with sqlite3.connect(store) as con:
        assert con.execute("select failures from login_failure").fetchall() == [(2,)]
    unsettled = [row for row in auth.audit_log(path=store) if row["details"].get("reason") == "unsettled"]
    assert [row["details"] for row in unsettled] == [{"attempts": 1, "failures": 1, "reason": "unsettled"}]
