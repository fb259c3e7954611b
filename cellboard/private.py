"""Files and folders readable by their owner only: 0600 files, 0700 folders (issue 17, finding 6).

The database, its backups, the write lock, the accounts store and written reports hold members'
names and opinions, so what cellboard creates is private to the user running it, whatever umask it
was started with. Where cellboard creates a file itself it asks for mode 0600; where a library
creates files of its own (DuckDB's database and write-ahead log), `owner_only()` narrows the
process's umask for as long as that library may create them. Folders and files that already exist
are left as they are: they were made by someone, for a reason.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
UMASK = 0o077  # what owner_only() takes away: every permission of the group and of others

_lock = threading.Lock()
_depth = 0
_saved: int | None = None


@contextlib.contextmanager
def owner_only() -> Iterator[None]:
    """Files and folders anything creates meanwhile are its owner's only (umask 077).

    The umask belongs to the process, not to a thread: while one thread is inside, files other
    threads create are private too (never less private). Nested and concurrent uses share one
    change, and the umask the process had comes back when the last one leaves.
    """
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = os.umask(UMASK)
            os.umask(_saved | UMASK)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                os.umask(_saved)
                _saved = None


def make_dir(path: str | os.PathLike) -> Path:
    """Create a folder and any missing parents as 0700; folders that exist are left alone."""
    path = Path(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:  # another process made it meanwhile: theirs, as they made it
            continue
        os.chmod(folder, DIR_MODE)  # mkdir's mode passes through the umask; 0700 whatever it is
    return path


def create(path: str | os.PathLike, flags: int = os.O_WRONLY) -> int:
    """Open a file for writing, creating it as 0600 (an existing one is made 0600 too); a descriptor."""
    fd = os.open(path, flags | os.O_CREAT, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    except BaseException:
        os.close(fd)
        raise
    return fd


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write a whole file that nobody but its owner may read, from its first byte on."""
    with os.fdopen(create(path, os.O_WRONLY | os.O_TRUNC), "wb") as out:
        out.write(data)


def copy_file(source: str | os.PathLike, target: str | os.PathLike) -> None:
    """Copy a file into a 0600 file: made first, so shutil (which would create it as 0666 & ~umask)
    only fills it, with its fast copy."""
    os.close(create(target))
    shutil.copyfile(source, target)
