"""The serving settings (cellboard.toml) and the secrets every worker shares (issue 13).

Settings: `CELLBOARD_SETTINGS` if set, else `cellboard.toml` at the repository root (committed, every
key present with its default and a comment). `load()` reads it again whenever the file changes, so a
running worker takes a new idle time or lifetime at its next check.

Secrets: `CELLBOARD_SECRETS` if set, else ~/.config/cellboard/secrets.toml, outside the repository.
Made on first use: Streamlit's `server.cookieSecret` and the key that hashes session tokens
(token_digest), in a 0600 file in a 0700 folder (cellboard/private.py). Several workers starting at
once agree on one file: each writes its candidate to a file of its own and links it into place, which
only one link can do (like O_EXCL); the others read the winner's. `rotate_secrets()` replaces both:
every session ends (its stored hash no longer matches any cookie) and the workers are to be restarted
(Streamlit reads its cookie secret once). `python -m cellboard.settings rotate-secrets` runs it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import os
import secrets as random_source
import stat
import sys
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path

from cellboard import ROOT, private

DEFAULT_SETTINGS = ROOT / "cellboard.toml"
SECRETS_NAME = Path(".config") / "cellboard" / "secrets.toml"


class SettingsError(ValueError):
    """The settings or secrets file is wrong (bilingual message, names the file)."""


@dataclass(frozen=True)
class Settings:
    idle_hours: float = 8  # a session unused this long ends
    lifetime_days: float = 7  # a session ends this long after its login, used or not
    seen_every_minutes: float = 5  # how often a session's "last seen" is written
    https: bool = False  # cookies Secure even without a proxy saying X-Forwarded-Proto: https
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")  # who may say X-Forwarded-Proto: https
    workers: int = 0  # app workers behind the proxy; 0 = the machine's cores
    table_rows: int = 200  # rows a table shows at a time; a longer one gets page and sort pickers


@dataclass(frozen=True)
class Secrets:
    cookie_secret: str  # Streamlit's server.cookieSecret, the same on every worker
    session_secret: bytes  # the HMAC key of session tokens (32 bytes)

    def __repr__(self) -> str:  # never in a log or a traceback
        return "Secrets(cookie_secret=…, session_secret=…)"


def settings_path() -> Path:
    env = os.environ.get("CELLBOARD_SETTINGS")
    return Path(env) if env else DEFAULT_SETTINGS


def secrets_path() -> Path:
    env = os.environ.get("CELLBOARD_SECRETS")
    return Path(env) if env else Path.home() / SECRETS_NAME


# ---- settings ------------------------------------------------------------------------

_FIELDS = {field.name: field for field in dataclasses.fields(Settings)}
_lock = threading.Lock()
_loaded: dict[str, tuple[tuple, object]] = {}  # path -> (the file's identity when read, what was read)


def _identity(path: Path) -> tuple | None:
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return (found.st_ino, found.st_mtime_ns, found.st_ctime_ns, found.st_size)  # ctime: a chmod too


def _bad(path: Path, vi: str, en: str) -> SettingsError:
    return SettingsError(f"{path}: {vi} / {en}")


def _value(path: Path, key: str, value: object) -> object:
    kind = _FIELDS[key].type  # a string: annotations are not evaluated here
    if kind == "bool":
        if not isinstance(value, bool):
            raise _bad(path, f"«{key}» phải là true hoặc false", f"«{key}» must be true or false")
        return value
    if kind == "tuple[str, ...]":
        if not (isinstance(value, list) and all(isinstance(item, str) and item for item in value)):
            raise _bad(path, f"«{key}» phải là một danh sách địa chỉ", f"«{key}» must be a list of addresses")
        return tuple(value)
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _bad(path, f"«{key}» phải là một số nguyên ≥ 0", f"«{key}» must be a whole number ≥ 0")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise _bad(path, f"«{key}» phải là một số dương", f"«{key}» must be a positive number")
    return float(value)


def _read_settings(path: Path) -> Settings:
    try:
        with path.open("rb") as file:
            found = tomllib.load(file)
    except FileNotFoundError:
        return Settings()
    except tomllib.TOMLDecodeError as error:
        raise _bad(path, f"không đọc được ({error})", f"cannot be read ({error})") from None
    unknown = sorted(set(found) - set(_FIELDS))
    if unknown:
        listed = ", ".join(unknown)
        raise _bad(path, f"khóa không biết: {listed}", f"unknown keys: {listed}")
    return Settings(**{key: _value(path, key, value) for key, value in found.items()})


def load() -> Settings:
    """The settings, read again when the file changes (a missing file gives the defaults)."""
    path = settings_path()
    identity = _identity(path)
    held = _loaded.get(str(path))
    if held is not None and held[0] == identity:
        return held[1]
    with _lock:
        loaded = _read_settings(path)
        _loaded[str(path)] = (identity, loaded)
    return loaded


# ---- secrets -------------------------------------------------------------------------


def _new_secrets() -> Secrets:
    return Secrets(random_source.token_urlsafe(32), random_source.token_bytes(32))


def _secrets_text(found: Secrets) -> bytes:
    return (
        "# cellboard's secrets, readable by their owner only; never commit. To replace them (every session\n"
        "# ends): python -m cellboard.settings rotate-secrets\n"
        f'cookie_secret = "{found.cookie_secret}"\n'
        f'session_secret = "{found.session_secret.hex()}"\n'
    ).encode("ascii")


def _read_secrets(path: Path) -> Secrets:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise _bad(
            path,
            f"người khác đọc được tệp khóa bí mật (quyền {mode:o}): chạy chmod 600 rồi đổi khóa",
            f"the secrets file is open to others (mode {mode:o}): chmod 600 it, then rotate the secrets",
        )
    try:
        with path.open("rb") as file:
            found = tomllib.load(file)
        cookie, session = found["cookie_secret"], bytes.fromhex(found["session_secret"])
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError):
        raise _bad(path, "tệp khóa bí mật bị hỏng", "the secrets file is damaged") from None
    if not isinstance(cookie, str) or len(cookie) < 32 or len(session) < 32:
        raise _bad(path, "khóa bí mật quá ngắn", "a secret is too short")
    return Secrets(cookie, session)


def _candidate(path: Path, found: Secrets) -> Path:
    """The secrets written whole to a 0600 file of this process's own beside `path`."""
    private.make_dir(path.parent)
    candidate = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    fd = private.create(candidate, os.O_WRONLY | os.O_TRUNC)
    with os.fdopen(fd, "wb") as out:
        out.write(_secrets_text(found))
        out.flush()
        os.fsync(out.fileno())
    return candidate


_secrets_held: dict[str, tuple[tuple, Secrets]] = {}


def secrets() -> Secrets:
    """The shared secrets, made on first use (0600, atomically: concurrent first uses agree)."""
    path = secrets_path()
    identity = _identity(path)
    held = _secrets_held.get(str(path))
    if held is not None and held[0] == identity:
        return held[1]
    if identity is None:
        candidate = _candidate(path, _new_secrets())
        try:
            os.link(candidate, path)  # fails if another process's file is there first: theirs it is
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
        identity = _identity(path)
    found = _read_secrets(path)
    _secrets_held[str(path)] = (identity, found)
    return found


def rotate_secrets(*, out=None) -> Secrets:
    """New secrets in place of the old (atomically). Every session ends; restart the workers."""
    path = secrets_path()
    fresh = _new_secrets()
    os.replace(_candidate(path, fresh), path)
    print(
        f"Đã thay khóa bí mật trong {path}: mọi phiên đăng nhập đã kết thúc, mọi người cần đăng nhập lại; "
        "hãy khởi động lại các tiến trình ứng dụng. / "
        f"The secrets in {path} are replaced: every session has ended and everyone must log in again; "
        "restart the app workers.",
        file=out or sys.stderr,
        flush=True,
    )
    return fresh


def token_digest(token: str) -> str:
    """What the accounts store keeps of a session token: HMAC-SHA256 under the session secret, in hex
    (cellboard/sessions.py; auth.py ends sessions by it too)."""
    return hmac.new(secrets().session_secret, token.encode("utf-8"), hashlib.sha256).hexdigest()


FIRST_PORT = 8501  # the first worker's port (deploy/cellboard@.service instances count up from it)


def worker_ports() -> list[int]:
    """The workers' ports: one per worker of the settings (0: one per processor core)."""
    count = load().workers or os.cpu_count() or 1
    return list(range(FIRST_PORT, FIRST_PORT + count))


COMMANDS = ("rotate-secrets", "worker-ports")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0] not in COMMANDS:
        print("python -m cellboard.settings rotate-secrets | worker-ports", file=sys.stderr)
        return 2
    if argv[0] == "worker-ports":
        print(" ".join(map(str, worker_ports())))
        return 0
    rotate_secrets()
    return 0


if __name__ == "__main__":
    sys.exit(main())
