"""Shared test set-up: the AppTest pages fix (STACK.md), the fixture database, cache clearing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixture  # noqa: E402

from cellboard import db  # noqa: E402

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
def fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    db.close_all()


@pytest.fixture
def app_on(monkeypatch):
    """An AppTest of the dashboard over a given database file."""
    from streamlit.testing.v1 import AppTest

    def make(path: Path, **query: str) -> AppTest:
        monkeypatch.setenv("CELLBOARD_DB", str(path))
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        for key, value in query.items():
            at.query_params[key] = value
        return at

    return make
