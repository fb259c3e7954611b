"""Sessions that last: a signed-in browser's random token, checked on every request and rerun (issue 13).

A login (the app's HTTP login route) calls `start`, which returns a random token of 256 bits for the
browser's HttpOnly cookie (`COOKIE`); the accounts store keeps only its HMAC-SHA256 under the session
secret (settings.secrets(), shared by every worker), so neither the store nor a backup of it lets
anyone sign in. `check` finds the session by that hash (one indexed read), and ends it when it has
been idle longer than `idle_hours` or lived longer than `lifetime_days` (cellboard.toml), or when its
account was disabled, removed or had its password changed (the account's version moved on). "Last
seen" is written only when the stored one is older than `seen_every_minutes`, so most checks write
nothing. `end` is a logout; `end_all` ends an account's sessions (`users logout NAME`, the Accounts
page). Starts, ends and the expiries and endings a check notices are audited.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

from cellboard import auth, settings

COOKIE = "cellboard_session"
MAX_TOKEN = 256  # characters; a token is 43 (token_urlsafe(32)): anything longer is no token of ours


@dataclass(frozen=True)
class Checked:
    account: auth.Account | None  # the signed-in account when the session is valid
    reason: str | None  # None (valid), "missing", "unknown", "expired" or "ended"


digest = settings.token_digest  # what the store keeps of a token


def _limits(now: dt.datetime) -> tuple[str, str]:
    """(last seen before this: idle too long, started before this: too old), as stored stamps."""
    found = settings.load()
    return (
        auth._stamp(now - dt.timedelta(hours=found.idle_hours)),
        auth._stamp(now - dt.timedelta(days=found.lifetime_days)),
    )


def _purge(con, now: dt.datetime) -> None:
    """Forget the sessions no browser came back to within their time (inside a write transaction);
    those still open are audited as expired (the ended ones were audited when they were ended)."""
    idle, old = _limits(now)
    rows = con.execute(
        "select account, count(*) from session where (last_seen < ? or created_at < ?) and ended is null "
        "group by account",
        (idle, old),
    ).fetchall()
    con.execute("delete from session where last_seen < ? or created_at < ?", (idle, old))
    for account, count in rows:
        auth._audit(con, account, "session_expired", {"reason": "unused", "sessions": count}, now)


def start(name: str, *, now: dt.datetime | None = None, path: Path | None = None) -> str:
    """A new session for an account that has just signed in; -> its token (for the cookie only)."""
    name = auth.normalise_name(name)
    token = secrets.token_urlsafe(32)
    hashed = digest(token)
    moment = auth._now(now)
    with auth._connect(path, write=True) as con:
        row = con.execute("select version, disabled from account where name = ?", (name,)).fetchone()
        if row is None or row[1]:
            raise auth.AccountError(
                f"Tài khoản «{name}» không có hoặc đã bị khóa. / Account «{name}» is missing or disabled."
            )
        _purge(con, moment)
        stamp = auth._stamp(moment)
        con.execute(
            "insert into session (token_hash, account, version, created_at, last_seen) values (?, ?, ?, ?, ?)",
            (hashed, name, row[0], stamp, stamp),
        )
        auth._audit(con, name, "session_start", {}, moment)
    return token


def _close(hashed: str, account: str, action: str, reason: str, now: dt.datetime, path) -> None:
    """Delete a session a check found over; audited by the check that deletes it, so once."""
    with auth._connect(path, write=True) as con:
        if con.execute("delete from session where token_hash = ?", (hashed,)).rowcount:
            auth._audit(con, account, action, {"reason": reason}, now)


def check(token: str | None, *, now: dt.datetime | None = None, path: Path | None = None) -> Checked:
    """The account of a valid session, or why there is none."""
    if not token:
        return Checked(None, "missing")
    if not isinstance(token, str) or len(token) > MAX_TOKEN:
        return Checked(None, "unknown")
    hashed = digest(token)
    moment = auth._now(now)
    with auth._connect(path) as con:
        row = con.execute(
            "select s.account, s.version, s.created_at, s.last_seen, s.ended, a.name, a.role, a.unit_id, "
            "a.department, a.disabled, a.version, a.created_at, a.last_login, f.locked_until from session s "
            "left join account a on a.name = s.account left join login_failure f on f.name = s.account "
            "where s.token_hash = ?",
            (hashed,),
        ).fetchone()
    if row is None:
        return Checked(None, "unknown")
    name, version, created_at, last_seen, ended = row[:5]
    account = None if row[5] is None else auth._account(row[5:13], row[13])
    if ended is not None:  # ended for this browser by a password change, a disable, `users logout`
        _close(hashed, name, "session_ended", ended, moment, path)
        return Checked(None, "ended")
    idle, old = _limits(moment)
    if last_seen < idle or created_at < old:
        _close(hashed, name, "session_expired", "idle" if last_seen < idle else "lifetime", moment, path)
        return Checked(None, "expired")
    if account is None or account.disabled or account.version != version:
        why = "account_remove" if account is None else "account_disable" if account.disabled else "version"
        _close(hashed, name, "session_ended", why, moment, path)
        return Checked(None, "ended")
    seen = auth._stamp(moment - dt.timedelta(minutes=settings.load().seen_every_minutes))
    if last_seen < seen:
        with auth._connect(path, write=True) as con:
            con.execute(
                "update session set last_seen = ? where token_hash = ? and last_seen < ?",
                (auth._stamp(moment), hashed, auth._stamp(moment)),
            )
    return Checked(account, None)


def end(token: str | None, *, reason: str = "logout", path: Path | None = None) -> None:
    """End one session (a logout: every tab of that browser at its next action)."""
    if not token or not isinstance(token, str) or len(token) > MAX_TOKEN:
        return
    hashed = digest(token)
    with auth._connect(path, write=True) as con:
        row = con.execute("select account from session where token_hash = ?", (hashed,)).fetchone()
        if row is not None:
            con.execute("delete from session where token_hash = ?", (hashed,))
            auth._audit(con, row[0], "session_end", {"reason": reason})


def end_all(name: str, *, actor: str, keep: str | None = None, path: Path | None = None) -> int:
    """End every open session of the account but `keep`'s; audited with the count. -> how many ended.
    Each browser is told at its next check (reason "ended")."""
    return auth.end_sessions(name, actor=actor, keep=keep, path=path)


def open_counts(*, now: dt.datetime | None = None, path: Path | None = None) -> dict[str, int]:
    """Each account's sessions still within their time (the Accounts page's count)."""
    idle, old = _limits(auth._now(now))
    with auth._connect(path) as con:
        rows = con.execute(
            "select account, count(*) from session where last_seen >= ? and created_at >= ? and ended is null "
            "group by account",
            (idle, old),
        ).fetchall()
    return dict(rows)
