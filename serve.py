"""The app's ASGI entry: `streamlit run serve.py` (what `make run` and the server kit start).

It serves dashboard.py with the login and logout routes and the session gate (cellboard/app/web.py),
and gives every worker the same cookie secret (from the secrets file: cellboard/settings.py), so that
any worker behind the proxy accepts any browser's session.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

import duckdb
import streamlit as st
from starlette.middleware import Middleware
from streamlit import config
from streamlit.runtime.pages_manager import PagesManager

from cellboard import ROOT, allocator, auth, settings
from cellboard.app import web
from cellboard.data import db, store

allocator.arrow_through_malloc()
config.set_option("server.cookieSecret", settings.secrets().cookie_secret)
# The pages are declared with st.navigation in dashboard.py. Left to itself, Streamlit would take the
# pages/ folder beside it for the old multipage mode until a first run declares them, and run a page
# file directly (without dashboard.py's gate) or list the folder's files in the sidebar.
PagesManager.uses_pages_directory = False


@asynccontextmanager
async def lifespan(app):
    auth.migrate()  # the accounts store at this version before the first login
    auth.ensure_admin()  # a first start: `admin`, with no password yet; says how to set one
    upgrade_database()
    yield


def upgrade_database() -> None:
    """A database of an older schema version is brought up to this one before the first page opens
    (store.migrate: a new file from its rows, the old one kept under backups/); one it cannot read is
    left for the pages to explain."""
    path = db.db_path()
    try:
        if path.exists() and store.file_version(path)[0] in store.MIGRATIONS:
            store.migrate(path)
    except (duckdb.Error, store.WriteError, OSError) as error:
        print(f"cellboard: {path} was not migrated: {db.first_line(error)}", flush=True)


app = st.App(
    ROOT / "dashboard.py",
    routes=web.ROUTES,
    middleware=[Middleware(web.SessionGate)],
    lifespan=lifespan,
)
