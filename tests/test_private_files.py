"""Private by default (issue 17, finding 6).

Before: the database, its backups, the lock and written reports were 0644 (every local user could
read members' names and opinions), `make run` listened on every interface, and the first
administrator's password went to the server's output. Now what cellboard creates is 0600 (files)
and 0700 (folders) whatever the umask, `make run` binds 127.0.0.1 unless HOST says otherwise,
no other origin is let in, and no password reaches the server's output: the first administrator's
one-time password is shown on the terminal running `make run`, or set with `users passwd`.
"""

from __future__ import annotations

import io
import os
import pty
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tomllib
import urllib.request
from pathlib import Path

from browser import AppServer, login

from cellboard import auth
from cellboard.data import store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "data" / "example.xlsx"

# Every command that creates files, run in one process with the permissive umask 022 (so modes
# come from cellboard, not from the caller); folders are made by the commands themselves.
COMMANDS = r"""
import os, sys
os.umask(0o022)
from cellboard.data import backups
from cellboard.cli import main

def run(*argv):
    code = main(list(argv))
    if code:
        sys.exit(f"{argv}: exit {code}")

T = sys.argv[1]
real = f"{T}/data/real/cellboard.duckdb"
run("users", "add", "second", "--role", "admin", "--password-stdin")  # makes the accounts store
run("demo", "--scale", "S", "--db", f"{T}/demo/db/demo.duckdb")
run("init", "--db", real)
run("import", sys.argv[2], "--db", real)  # a copy beside the database, swapped in; a backup kept
run("backups", "restore", backups.list_backups(real)[0].name, "--db", real)  # and another
run("report", "--start", "2025-01-01", "--end", "2025-06-30", "--db", real, "--out", f"{T}/reports/2025/h1.xlsx")
"""


def modes(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder` (relative path, with a / for folders) -> its mode."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix() + ("/" if path.is_dir() else "")
        found[name] = oct(stat.S_IMODE(path.stat().st_mode))
    return found


def test_every_file_and_folder_cellboard_creates_is_its_owners_only(tmp_path):
    env = {**os.environ, "CELLBOARD_USERS": str(tmp_path / "accounts" / "store" / "accounts.sqlite")}
    env["CELLBOARD_BCRYPT_ROUNDS"] = "4"
    done = subprocess.run(
        [sys.executable, "-c", COMMANDS, str(tmp_path), str(EXAMPLE)],
        cwd=ROOT,
        env=env,
        input="mat-khau-thu-hai\n",
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    found = modes(tmp_path)
    backup = re.compile(r"data/real/backups/cellboard-\d{8}T\d{12}-(import|restore)\.duckdb")
    kept = sorted(backup.fullmatch(name).group(1) for name in found if backup.fullmatch(name))
    assert kept == ["import", "restore"]
    assert {name for name in found if not backup.fullmatch(name)} == {
        "accounts/",
        "accounts/store/",
        "accounts/store/accounts.sqlite",
        "accounts/store/accounts.sqlite.lock",  # one process at a time migrates it
        "demo/",
        "demo/db/",
        "demo/db/demo.duckdb",
        "demo/db/demo.duckdb.lock",
        "data/",
        "data/real/",
        "data/real/backups/",
        "data/real/cellboard.duckdb",
        "data/real/cellboard.duckdb.lock",
        "reports/",
        "reports/2025/",
        "reports/2025/h1.xlsx",
    }
    assert {
        name: mode for name, mode in found.items() if mode != ("0o700" if name.endswith("/") else "0o600")
    } == {}


def test_the_write_ahead_logs_are_private_while_they_exist(tmp_path, fixture_db):
    path = tmp_path / "cellboard.duckdb"
    shutil.copyfile(fixture_db, path)
    before = os.umask(0o022)
    try:
        with store.draft(path) as draft:  # what an import writes into, for as long as it does
            draft.con.execute("create table scratch as select range as i from range(200000)")
            wal = Path(f"{draft.tmp}.wal")
            assert wal.exists()  # DuckDB made it itself
            assert (oct(draft.tmp.stat().st_mode & 0o777), oct(wal.stat().st_mode & 0o777)) == (
                "0o600",
                "0o600",
            )
        assert os.umask(0o022) == 0o022  # the umask the process had is back
        users = tmp_path / "accounts.sqlite"
        with auth._connect(users, write=True) as con:  # SQLite's journal, during a write
            auth._audit(con, "t", "check", {})
            # the store is in WAL mode (issue 13): its journal is the write-ahead log and its index
            journals = [Path(f"{users}-wal"), Path(f"{users}-shm")]
            assert [(journal.exists(), oct(journal.stat().st_mode & 0o777)) for journal in journals] == [
                (True, "0o600"),
                (True, "0o600"),
            ]
    finally:
        os.umask(before)


def make_dry_run(*variables: str) -> list[str]:
    """The commands `make run` would run (make -n), over an existing database so none is built."""
    listed = subprocess.run(
        ["make", "-n", "run", *variables], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    return listed.stdout.replace("\\\n", " ").splitlines()


def server_command(lines: list[str]) -> str:
    return next(line for line in lines if "streamlit run serve.py" in line)


def test_make_run_listens_on_this_machine_only_unless_told(fixture_db):
    line = server_command(make_dry_run(f"DB={fixture_db}"))
    assert re.findall(r"--server\.address=(\S+)", line) == ["127.0.0.1"]
    assert re.findall(r"--server\.port=(\S+)", line) == ["8501"]
    assert f"CELLBOARD_DB={fixture_db} " in line
    line = server_command(make_dry_run(f"DB={fixture_db}", "HOST=0.0.0.0", "PORT=8600"))
    assert re.findall(r"--server\.(address|port)=(\S+)", line) == [("address", "0.0.0.0"), ("port", "8600")]


def test_the_config_lets_no_other_origin_in():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["server"]
    # Streamlit 1.67: enableCORS is CORS *protection*; false would allow every origin
    assert (config["enableCORS"], config["corsAllowedOrigins"], config["enableXsrfProtection"]) == (
        True,
        [],
        True,
    )


def on_terminal(command: str, env: dict[str, str]) -> str:
    """Run a shell command with a real terminal as its stdin, stdout and stderr; what it showed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        ["bash", "-c", command], cwd=ROOT, env=env, stdin=follower, stdout=follower, stderr=follower
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the command closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.wait(60) == 0, shown
    return shown.decode("utf-8").replace("\r\n", "\n")


def test_make_run_shows_a_one_time_password_on_a_terminal_and_nowhere_else(tmp_path, fixture_db):
    users = tmp_path / "accounts.sqlite"
    env = {**os.environ, "CELLBOARD_USERS": str(users), "CELLBOARD_BCRYPT_ROUNDS": "4"}
    step = next(line for line in make_dry_run(f"DB={fixture_db}") if "first_admin_on_terminal" in line)
    # not a terminal (a service, output to a log): nothing shown, nothing made
    quiet = subprocess.run(
        ["bash", "-c", step],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    assert auth.list_accounts(path=users) == []
    # the server started meanwhile: `admin` with no password; then make run on a terminal
    assert auth.ensure_admin(path=users, out=io.StringIO()) is True
    shown = on_terminal(step, env)
    password = re.search(r"mật khẩu / password: (\S+)\n", shown).group(1)
    assert len(password) == 16 and "one-time password, shown only this once" in shown
    assert auth.authenticate("admin", password, path=users).reason == "ok"
    assert password.encode() not in users.read_bytes()
    assert on_terminal(step, env) == ""  # once


def test_a_first_start_of_the_server_prints_no_password(tmp_path, fixture_db, browser):  # noqa: F811
    users = tmp_path / "accounts" / "accounts.sqlite"  # no accounts at all
    with AppServer(fixture_db, users) as server:
        page = browser.new_context(locale="vi-VN").new_page()
        try:
            page.goto(server.url())
            page.wait_for_url("**/login?**")
            assert auth.SET_FIRST_PASSWORD in page.inner_text("body")  # the login page says how
            with sqlite3.connect(users) as con:
                assert con.execute("select name, password_hash from account").fetchall() == [("admin", "!")]
            # the server's output says how to set it, and holds no password: there is none yet
            output = server.output()
            assert (
                output.count(
                    "was created with no password. Set it on the server with: " + auth.SET_FIRST_PASSWORD
                )
                == 1
            )
            assert not re.search(r"(?i)(mật khẩu|password)\s*(/ password)?\s*:", output)
            # no other origin is let in (enableCORS=false would answer "*")
            asked = urllib.request.Request(
                server.url("_stcore/health"), headers={"Origin": "http://evil.example"}
            )
            with urllib.request.urlopen(asked, timeout=10) as answer:
                assert answer.headers.get("Access-Control-Allow-Origin") is None
            # the server kit's way: set it on the server, then log in
            subprocess.run(
                [sys.executable, "-m", "cellboard", "users", "passwd", "admin", "--password-stdin"],
                cwd=ROOT,
                env={**os.environ, "CELLBOARD_USERS": str(users), "CELLBOARD_BCRYPT_ROUNDS": "4"},
                input="mat-khau-may-chu-1\n",
                text=True,
                capture_output=True,
                check=True,
                timeout=60,
            )
            login(page, "admin", "mat-khau-may-chu-1")
            assert "Đăng xuất" in page.inner_text("[data-testid='stSidebar']")
            assert "mat-khau-may-chu-1" not in server.output()
        finally:
            page.context.close()
    assert {
        name: oct(stat.S_IMODE((tmp_path / name).stat().st_mode))
        for name in ("accounts", "accounts/accounts.sqlite")
    } == {
        "accounts": "0o700",
        "accounts/accounts.sqlite": "0o600",
    }
