"""Shared test set-up: the AppTest pages fix (docs/ARCHITECTURE.md), the fixture database, cache clearing."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixture  # noqa: E402

from cellboard.app import ui  # noqa: E402
from cellboard.data import db  # noqa: E402

pytest_plugins = ["browser"]  # the served app and one Chromium, shared by every module

_original_init = PagesManager.__init__


def _init_without_pages_directory(self, *args, **kwargs):
    # AppTest resets uses_pages_directory before each run and then finds pages/, so reruns would
    # run the page file alone, skipping dashboard.py. The app uses st.navigation: say so.
    _original_init(self, *args, **kwargs)
    PagesManager.uses_pages_directory = False


PagesManager.__init__ = _init_without_pages_directory


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory) -> Path:
    return fixture.write(tmp_path_factory.mktemp("fixture") / "fixture.duckdb")


@pytest.fixture(autouse=True)
def isolated_accounts(tmp_path_factory, monkeypatch):
    """Every test writes accounts and audit rows to a store of its own, never data/accounts.sqlite."""
    monkeypatch.setenv("CELLBOARD_USERS", str(tmp_path_factory.mktemp("accounts") / "accounts.sqlite"))
    monkeypatch.setenv("CELLBOARD_BCRYPT_ROUNDS", "4")
    # the session secret (cellboard/settings.py): one for the whole run, never ~/.config's
    monkeypatch.setenv("CELLBOARD_SECRETS", str(tmp_path_factory.getbasetemp() / "secrets" / "secrets.toml"))


@pytest.fixture(autouse=True)
def fresh_caches():
    st.cache_data.clear()
    ui.clear_caches()
    yield
    db.close_all()


# Accounts every AppTest can sign in as (name: role, unit of tests/fixture.py).
TEST_ACCOUNTS = {
    "admin": ("admin", None),
    "province": ("standing_committee", "P"),
    "board": ("organisation_board", "P"),
    "x1": ("commune", "X1"),
    "x2": ("commune", "X2"),
}


@pytest.fixture
def accounts_store(tmp_path, monkeypatch) -> SimpleNamespace:
    """A fresh accounts store (CELLBOARD_USERS) holding TEST_ACCOUNTS, all with the same password."""
    from cellboard import auth

    monkeypatch.setenv("CELLBOARD_BCRYPT_ROUNDS", "4")  # bcrypt's cheapest cost keeps tests fast
    path = tmp_path / "accounts.sqlite"
    monkeypatch.setenv("CELLBOARD_USERS", str(path))
    password = f"mật-khẩu-thử-{secrets.token_hex(4)}"
    for name, (role, unit) in TEST_ACCOUNTS.items():
        # units are those of tests/fixture.py; no data file is consulted here
        auth.add_account(name, role, unit, password, actor="test", data_path=tmp_path / "no-data.duckdb")
    return SimpleNamespace(path=path, password=password, accounts=TEST_ACCOUNTS)


@pytest.fixture
def app_on(monkeypatch, accounts_store):
    """An AppTest of the dashboard over a given database file, signed in as `as_account` (an
    administrator unless told; None = nobody has logged in, so the login form shows)."""
    from streamlit.testing.v1 import AppTest

    from cellboard import auth

    def make(path: Path, as_account: str | None = "admin", **query: str) -> AppTest:
        monkeypatch.setenv("CELLBOARD_DB", str(path))
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        for key, value in query.items():
            at.query_params[key] = value
        if as_account is not None:
            for key, value in ui.session_values(auth.get_account(as_account)).items():
                at.session_state[key] = value
        return at

    return make
