"""The command line runs on jemalloc when the machine has it (`make test` installs it), never hands
the preload to its child processes, and CELLBOARD_MALLOC=system keeps glibc's malloc."""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys

from cellboard import ROOT, allocator

# what a `python -m cellboard` process sees once it chose its allocator, and what its child sees
PROBE = """
import json, os, subprocess, sys
from cellboard import allocator
allocator.use_jemalloc()
child = subprocess.run([sys.executable, "-c", "from cellboard import allocator; print(allocator.in_use())"],
                       capture_output=True, text=True, check=True)
print(json.dumps({"self": allocator.in_use(), "preload": os.environ.get("LD_PRELOAD"),
                  "marker": os.environ.get("CELLBOARD_PRELOADED"), "child": child.stdout.strip()}))
"""


def probe(**env: str) -> dict:
    clean = {
        k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", allocator.MARKER, "CELLBOARD_MALLOC")
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_command_runs_on_jemalloc_when_installed_and_its_children_do_not_inherit_it():
    expected = "jemalloc" if allocator.jemalloc_library() else "glibc"
    assert probe() == {"self": expected, "preload": None, "marker": None, "child": "glibc"}


def test_cellboard_malloc_system_keeps_glibc():
    assert probe(CELLBOARD_MALLOC="system") == {
        "self": "glibc",
        "preload": None,
        "marker": None,
        "child": "glibc",
    }


def test_a_users_own_preload_stays_for_the_children():
    # only the library this package added is taken out again
    libm = sorted(glob.glob("/lib/*/libm.so.6") + glob.glob("/usr/lib/*/libm.so.6"))[0]
    expected = "jemalloc" if allocator.jemalloc_library() else "glibc"
    assert probe(LD_PRELOAD=libm) == {"self": expected, "preload": libm, "marker": None, "child": "glibc"}
