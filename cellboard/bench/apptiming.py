"""Server-side render times of each page in AppTest, for the benchmark (never for tests)."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as _app_test
from streamlit.testing.v1 import local_script_runner as _local_script_runner

from cellboard import ROOT
from cellboard.app import ui
from cellboard.data import periods

_original_init = PagesManager.__init__


def _through_the_entry(self, *args, **kwargs):
    # AppTest would otherwise run page files alone on reruns (docs/ARCHITECTURE.md): the app uses st.navigation.
    _original_init(self, *args, **kwargs)
    PagesManager.uses_pages_directory = False


_SCRIPTS = ScriptCache()


def as_served() -> None:
    """AppTest runs as the server does: through dashboard.py, and with one script cache. AppTest makes
    a new ScriptCache at every run, so each run would compile dashboard.py and the page again (20 to
    35 ms each, with Streamlit's magic); the server compiles each script once for all its sessions."""
    PagesManager.__init__ = _through_the_entry
    _app_test.ScriptCache = _local_script_runner.ScriptCache = lambda: _SCRIPTS


def page_times(path: Path, period: periods.Period, warm_runs: int = 5) -> dict[str, dict[str, float]]:
    """Cold (caches cleared) and warm (median of reruns) render time of every page, as an administrator."""
    from cellboard import auth

    pages = [
        "pages/overview.py",
        "pages/participation.py",
        "pages/opinions.py",
        "pages/rankings.py",
        "pages/supervision.py",
        "pages/review.py",
        "pages/data.py",
    ]

    as_served()
    folder = tempfile.mkdtemp(prefix="bench-accounts-")
    os.environ["CELLBOARD_DB"] = str(path)
    os.environ["CELLBOARD_USERS"] = str(Path(folder) / "accounts.sqlite")
    os.environ.setdefault("CELLBOARD_BCRYPT_ROUNDS", "4")
    auth.add_account("bench", "admin", None, "bench-password-123", actor="bench")
    session = ui.session_values(auth.get_account("bench"))
    results = {}
    for page in pages:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.query_params["from"], at.query_params["to"] = period.start.isoformat(), period.end.isoformat()
        for key, value in session.items():
            at.session_state[key] = value
        at.run()
        at.switch_page(page)
        st.cache_data.clear()
        ui.clear_caches()  # the queries' answers and the drawn figures
        started = time.perf_counter()
        at.run()
        cold = (time.perf_counter() - started) * 1000
        samples = []
        for _ in range(warm_runs):
            started = time.perf_counter()
            at.run()
            samples.append((time.perf_counter() - started) * 1000)
        name = Path(page).stem
        results[name] = {
            "cold_ms": round(cold, 1),
            "warm_ms": round(statistics.median(samples), 1),
            "exceptions": len(at.exception),
        }
    return results
