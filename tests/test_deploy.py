"""The server kit in deploy/ (docs/OPERATIONS.md): the Caddyfile validates with Debian's caddy, the
systemd units verify (or, without systemd-analyze, parse and name programs that exist), and the
backup and restore scripts, run as the timer and an operator run them, give back the same rows."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
from pathlib import Path

import duckdb

from cellboard import auth, sessions
from cellboard.data import store

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = ("cellboard@.service", "cellboard.target", "cellboard-backup.service", "cellboard-backup.timer")
INSTALLED_AT = "/opt/cellboard"  # where docs/OPERATIONS.md puts the code; here, this checkout


def caddy(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Debian's caddy (make test installs it) with its storage and config in a temporary folder,
    so `tls internal` makes its authority there and nothing is fetched."""
    home = tmp_path / "caddy-home"
    home.mkdir(exist_ok=True)
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        **(env or {}),
    }
    return subprocess.run(
        ["caddy", *args], capture_output=True, text=True, env=environment, timeout=60, check=False
    )


def test_the_caddyfile_validates_and_proxies_as_documented(tmp_path):
    site = {
        "CELLBOARD_SITE": "dashboard.tinhuy.lan",
        "CELLBOARD_UPSTREAMS": "127.0.0.1:8501 127.0.0.1:8502 127.0.0.1:8503",
    }
    checked = caddy(
        tmp_path, "validate", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile", env=site
    )
    assert checked.returncode == 0, checked.stderr
    assert "Valid configuration" in checked.stdout + checked.stderr

    adapted = caddy(
        tmp_path, "adapt", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile", env=site
    )
    assert adapted.returncode == 0, adapted.stderr
    config = json.loads(adapted.stdout)
    server = config["apps"]["http"]["servers"]["srv0"]
    assert server["listen"] == [":443"]
    route = server["routes"][0]
    assert route["match"] == [{"host": ["dashboard.tinhuy.lan"]}]
    proxy = route["handle"][0]["routes"][0]["handle"][0]
    assert proxy["handler"] == "reverse_proxy"
    assert [upstream["dial"] for upstream in proxy["upstreams"]] == [
        "127.0.0.1:8501",
        "127.0.0.1:8502",
        "127.0.0.1:8503",
    ]
    assert proxy["load_balancing"]["selection_policy"] == {"policy": "cookie", "name": "cellboard_worker"}
    assert proxy["health_checks"]["active"]["uri"] == "/_stcore/health"
    assert proxy["health_checks"]["active"]["expect_status"] == 200
    assert proxy["health_checks"]["passive"]["fail_duration"] == 30 * 10**9  # nanoseconds
    assert proxy["load_balancing"]["try_duration"] == 5 * 10**9
    assert proxy["headers"]["request"]["set"]["X-Forwarded-Proto"] == ["{http.request.scheme}"]
    assert config["apps"]["pki"]["certificate_authorities"]["local"]["install_trust"] is False
    policy = config["apps"]["tls"]["automation"]["policies"][0]
    assert policy["subjects"] == ["dashboard.tinhuy.lan"]
    assert policy["issuers"] == [{"module": "internal"}]
    # the access log never holds the session cookie
    fields = config["logging"]["logs"]["log0"]["encoder"]["fields"]
    assert fields["request>headers>Cookie"] == {"filter": "delete"}
    assert fields["resp_headers>Set-Cookie"] == {"filter": "delete"}

    # the committee's own certificate instead: two files named in CELLBOARD_TLS
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    made = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=dashboard.tinhuy.lan", "-keyout", str(key), "-out", str(cert)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    provided = {**site, "CELLBOARD_TLS": f"{cert} {key}"}
    checked = caddy(
        tmp_path, "validate", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile", env=provided
    )
    assert checked.returncode == 0, checked.stderr
    adapted = json.loads(
        caddy(
            tmp_path, "adapt", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile", env=provided
        ).stdout
    )
    loaded = adapted["apps"]["tls"]["certificates"]["load_files"]
    assert loaded == [{"certificate": str(cert), "key": str(key), "tags": ["cert0"]}]
    # a missing certificate file is refused, so the check above means something
    missing = {**site, "CELLBOARD_TLS": f"{tmp_path / 'none.pem'} {key}"}
    refused = caddy(
        tmp_path, "validate", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile", env=missing
    )
    assert refused.returncode != 0


def unit_entries(text: str) -> list[tuple[str, str, str]]:
    """(section, key, value) of a unit file, in order (keys repeat: Environment=)."""
    entries, section = [], ""
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        entries.append((section, key.strip(), value.strip()))
    return entries


def environment(entries) -> dict[str, str]:
    return dict(value.split("=", 1) for section, key, value in entries if key == "Environment")


def test_the_units_verify_and_start_what_exists(tmp_path):
    # Installed, the code is /opt/cellboard; here it is this checkout, so every program a unit starts
    # must exist in it (its .venv's python, deploy/backup.sh).
    texts = {
        name: (DEPLOY / name).read_text(encoding="utf-8").replace(INSTALLED_AT, str(ROOT)) for name in UNITS
    }
    parsed = {name: unit_entries(text) for name, text in texts.items()}

    worker = parsed["cellboard@.service"]
    (start,) = [value for section, key, value in worker if key == "ExecStart"]
    assert start.split() == [
        f"{ROOT}/.venv/bin/python", "-m", "streamlit", "run", "serve.py",
        "--server.port", "%i", "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    (workdir,) = [value for section, key, value in worker if key == "WorkingDirectory"]
    assert Path(workdir) == ROOT and (ROOT / "serve.py").is_file()
    assert os.access(f"{ROOT}/.venv/bin/python", os.X_OK)
    worker_env = environment(worker)
    assert worker_env == {
        "CELLBOARD_DB": "/var/lib/cellboard/cellboard.duckdb",
        "CELLBOARD_USERS": "/var/lib/cellboard/accounts.sqlite",
        "CELLBOARD_SETTINGS": "/etc/cellboard/cellboard.toml",
        "CELLBOARD_SECRETS": "/var/lib/cellboard/secrets/secrets.toml",
        "HOME": "/var/lib/cellboard",
        "PYTHONUNBUFFERED": "1",
    }
    assert ("Service", "User", "cellboard") in worker and ("Service", "NoNewPrivileges", "yes") in worker
    assert ("Install", "WantedBy", "cellboard.target") in worker
    assert ("Unit", "PartOf", "cellboard.target") in worker

    backup = parsed["cellboard-backup.service"]
    (run,) = [value for section, key, value in backup if key == "ExecStart"]
    assert run == f"{ROOT}/deploy/backup.sh" and os.access(run, os.X_OK)
    backup_env = environment(backup)
    # the backup reads the very files the workers serve
    assert {key: backup_env[key] for key in ("CELLBOARD_DB", "CELLBOARD_USERS")} == {
        key: worker_env[key] for key in ("CELLBOARD_DB", "CELLBOARD_USERS")
    }
    assert backup_env["CELLBOARD_BACKUP_DIR"] == "/var/backups/cellboard"
    # the operator's wrapper (/usr/local/bin/cellboard) works on the same files as the services
    wrapper = (DEPLOY / "cellboard").read_text(encoding="utf-8")
    exported = dict(re.findall(r"^export (\w+)=(\S+)$", wrapper, re.M))
    services = {**worker_env, **backup_env}
    del services["PYTHONUNBUFFERED"]
    assert exported == services
    assert os.access(DEPLOY / "cellboard", os.X_OK) and f"CODE={INSTALLED_AT}" in wrapper
    assert ("Timer", "OnCalendar", "*-*-* 02:30:00") in parsed["cellboard-backup.timer"]
    assert ("Timer", "Persistent", "true") in parsed["cellboard-backup.timer"]

    analyze = shutil.which("systemd-analyze")
    if analyze is None:  # the parse above is the check; systemd's own below where it is installed
        return
    for name, text in texts.items():
        (tmp_path / name.replace("@.", "@8501.")).write_text(text, encoding="utf-8")
    verified = subprocess.run(
        [analyze, "verify", *(str(tmp_path / name.replace("@.", "@8501.")) for name in UNITS)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    # systemd-analyze exits 0 on an unknown key or a bad value, only warning: no warning at all
    assert (verified.returncode, verified.stderr.strip(), verified.stdout.strip()) == (0, "", "")


def database_rows(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            table: con.table(table).order("all").fetchall()
            for table in ("unit", "member", "meeting", "opinion", "import_batch")
        }
    finally:
        con.close()


def account_rows(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(
            "select name, role, unit_id, password_hash, disabled, version from account order by name"
        ).fetchall()
    finally:
        con.close()


def run_script(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(DEPLOY / script), *args],
        capture_output=True, text=True, timeout=120, check=False, env={**os.environ, **env},
    )  # fmt: skip


def test_backup_and_restore_give_back_both_stores(tmp_path, fixture_db, accounts_store, monkeypatch):
    monkeypatch.setenv("CELLBOARD_SECRETS", str(tmp_path / "secrets" / "secrets.toml"))
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    database = data / "cellboard.duckdb"
    shutil.copyfile(fixture_db, database)
    backups = tmp_path / "nightly"
    env = {
        "CELLBOARD_DB": str(database),
        "CELLBOARD_USERS": str(accounts_store.path),
        "CELLBOARD_BACKUP_DIR": str(backups),
        "CELLBOARD_BACKUP_DAYS": "14",
    }
    # two earlier nights: one past the 14 days, one within them
    backups.mkdir(mode=0o700)
    (backups / "20200101T023000Z").mkdir()
    signed_in = sessions.start("x1")  # a browser signed in when the backup is made
    saved_rows, saved_accounts = database_rows(database), account_rows(accounts_store.path)
    assert len(saved_accounts) == 5 and len(saved_rows["member"]) > 0

    made = run_script("backup.sh", env=env)
    assert made.returncode == 0, made.stderr
    (stamp,) = [p.name for p in backups.iterdir()]  # the 2020 one went: older than 14 days
    assert re.fullmatch(r"\d{8}T\d{6}Z", stamp)
    assert sorted(p.name for p in (backups / stamp).iterdir()) == ["accounts.sqlite", "cellboard.duckdb"]
    assert stat.S_IMODE((backups / stamp).stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in (backups / stamp).iterdir()} == {0o600}
    assert "removed, older than 14 days: 20200101T023000Z" in made.stdout
    assert "5 tài khoản / accounts" in made.stdout
    # its log: paths and counts, no password, hash or secret
    assert accounts_store.password not in made.stdout + made.stderr
    assert "$2b$" not in made.stdout + made.stderr
    assert run_script("restore.sh", "--list", env=env).stdout.split() == [stamp]

    # then the day goes on: rows deleted from the database, accounts changed
    with store.draft(database, "import") as draft:
        draft.con.execute("delete from opinion")
        draft.publish()
    auth.remove_account("x2", actor="test")
    later = sessions.start("province")
    auth.set_password("x1", "một-mật-khẩu-khác", actor="test")
    auth.add_account(
        "x3", "commune", "X1", "mật-khẩu-mới-3", actor="test", data_path=tmp_path / "none.duckdb"
    )
    assert database_rows(database)["opinion"] == [] and account_rows(accounts_store.path) != saved_accounts

    restored = run_script("restore.sh", stamp, env=env)
    assert restored.returncode == 0, restored.stderr
    assert database_rows(database) == saved_rows
    assert account_rows(accounts_store.path) == saved_accounts
    assert accounts_store.password not in restored.stdout + restored.stderr
    # the files it replaced are kept: the database among its own backups (backups restore NAME
    # undoes it), the accounts store beside itself
    assert [p.name.rsplit("-", 1)[-1] for p in store.list_backups(database)][-1] == "restore.duckdb"
    (before,) = accounts_store.path.parent.glob("accounts.sqlite.before-restore-*")
    assert [row[0] for row in account_rows(before)] == ["admin", "board", "province", "x1", "x3"]
    # every session ends, the one saved in the backup too (it may have been ended since)
    assert "1 phiên đăng nhập đã kết thúc / sessions ended" in restored.stdout
    assert [sessions.check(token).reason for token in (signed_in, later)] == ["unknown", "unknown"]
    (row,) = auth.audit_log(limit=1)
    assert (row["action"], row["details"]) == ("accounts_restored", {"backup": stamp, "sessions_ended": 1})

    # a backup that is not whole replaces nothing
    (backups / stamp / "accounts.sqlite").unlink()
    refused = run_script("restore.sh", stamp, env=env)
    assert refused.returncode == 1 and "missing" in refused.stderr
    assert account_rows(accounts_store.path) == saved_accounts
