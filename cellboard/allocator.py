"""jemalloc for the processes that run query after query (the app server, the CLI, the bench), when
this machine has it.

DuckDB 2.0's Python wheel keeps a jemalloc of its own for its data (vectors, hash tables, the file's
blocks), but every other allocation of a query (its plan, expressions, results handed to Python),
and of pandas, pyarrow and Python itself, goes through the process's malloc. glibc's gets slower
as one process runs query after query: recurring_opinions measured 20 ms in a fresh process and
24 ms after 200 runs, whatever malloc's tunables said; with jemalloc it stays at 19 ms
(docs/PERFORMANCE.md, "The allocator"). A server process lives for weeks, so this is the app's
speed, not only the benchmark's.

LD_PRELOAD only works when a process starts, so `python -m cellboard` executes itself again once
with it, and `make run` starts the server with it. The preload is then taken out of the
environment, so child processes (Chromium for chart images) start with their own allocator.
CELLBOARD_MALLOC=system keeps glibc's malloc (to compare, or if jemalloc ever misbehaves).
"""

from __future__ import annotations

import glob
import os
import sys

MARKER = "CELLBOARD_PRELOADED"  # the library this package put in LD_PRELOAD, to take it out again


def jemalloc_library() -> str | None:
    """Debian's libjemalloc2 (`make run` and `make test` install it), whatever the architecture."""
    found = sorted(glob.glob("/usr/lib/*/libjemalloc.so.2") + glob.glob("/usr/lib/libjemalloc.so.2"))
    return found[0] if found else None


def in_use() -> str:
    """The allocator this process runs on: "jemalloc" or "glibc"."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            return "jemalloc" if "libjemalloc" in maps.read() else "glibc"
    except OSError:
        return "glibc"


def use_jemalloc() -> None:
    """Re-execute this command with jemalloc preloaded, once, when it is wanted and available;
    otherwise (or in the re-executed process) just keep the preload from child processes."""
    library = jemalloc_library()
    wanted = os.environ.get("CELLBOARD_MALLOC", "jemalloc") != "system"
    if wanted and library and sys.platform == "linux" and MARKER not in os.environ and in_use() == "glibc":
        env = dict(os.environ)
        env["LD_PRELOAD"] = " ".join(filter(None, [library, env.get("LD_PRELOAD")]))
        env[MARKER] = library
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, sys.orig_argv, env)
    forget_preload()


def forget_preload() -> None:
    """Take the library this package preloaded out of LD_PRELOAD, so children do not inherit it."""
    library = os.environ.pop(MARKER, None)
    if not library:
        return
    rest = [entry for entry in os.environ.get("LD_PRELOAD", "").split() if entry != library]
    if rest:
        os.environ["LD_PRELOAD"] = " ".join(rest)
    else:
        os.environ.pop("LD_PRELOAD", None)


def arrow_through_malloc() -> None:
    """pyarrow's buffers (the answers' text columns) from the process's malloc, jemalloc in the
    server, instead of the mimalloc pyarrow bundles: one allocator keeping freed memory, not two.
    The server's peak after the bench's walk at L was 15 MiB lower (docs/PERFORMANCE.md, "Memory")."""
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())
