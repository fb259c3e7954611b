"""The Data page's worker: an import in its own process (`python -m cellboard.ingest FOLDER`)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cellboard.ingest import changes
from cellboard.ingest.reading import set_progress
from cellboard.ingest.writing import ImportResult, import_uploads

# ---- the Data page's worker: an import in its own process --------------------------------------------
# The page writes the uploads to a private folder and runs `python -m cellboard.ingest FOLDER`;
# reading and checking (CPU, memory) then never stall the server that answers the other users,
# and the process ends with its memory. Progress lines go to stderr; the result is pickled.

WORKER_FILES = "files"
WORKER_NAMES = "names.json"
WORKER_RESULT = "result.pickle"


def write_worker_folder(folder: Path, files: Sequence[tuple[str, bytes]]) -> None:
    """The uploads as the worker reads them (numbered files: a name from a browser is never a path)."""
    (folder / WORKER_FILES).mkdir(mode=0o700)
    for index, (_, content) in enumerate(files):
        (folder / WORKER_FILES / str(index)).write_bytes(content)
    (folder / WORKER_NAMES).write_text(json.dumps([name for name, _ in files]), encoding="utf-8")


def worker_command(
    folder: Path,
    db_path: Path,
    dry_run: bool,
    account: str | None,
    writer: changes.Writer | None = None,
    expect: str | None = None,
    overwrite_edits: bool = False,
) -> list[str]:
    command = [sys.executable, "-m", "cellboard.ingest", str(folder), "--db", str(db_path)]
    if dry_run:
        command.append("--dry-run")
    if account:
        command += ["--account", account]
    if writer is not None:  # whose rights and scope apply (a commune's month): as JSON, never a shell word
        command += ["--writer", json.dumps(dataclasses.asdict(writer), ensure_ascii=False)]
    if expect:
        command += ["--expect", expect]
    if overwrite_edits:
        command.append("--overwrite-edits")
    return command


@dataclass
class WorkerFailure:
    """The worker ended without a result (killed, out of memory): its exit code and last words."""

    code: int
    detail: str


def run_in_worker(
    files: Sequence[tuple[str, bytes]],
    db_path: Path,
    *,
    dry_run: bool,
    account: str | None = None,
    progress=None,
    poll: float = 0.25,
    writer: changes.Writer | None = None,
    expect: str | None = None,
    overwrite_edits: bool = False,
) -> ImportResult | WorkerFailure:
    """import_uploads in a process of its own; `progress(seconds, last line)` is called while it runs.
    Leaving early (an exception from `progress`: the page rerun or left) kills it: nothing is
    half-written (store.draft)."""
    import pickle
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cellboard-import-") as name:  # 0700
        folder = Path(name)
        write_worker_folder(folder, files)
        log = folder / "progress.log"
        with log.open("wb") as stderr:
            # the package found wherever the server was started from; relative paths as the server has them
            package_root = str(Path(__file__).resolve().parents[2])
            path_now = os.environ.get("PYTHONPATH")
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, path_now]))}
            worker = subprocess.Popen(
                worker_command(folder, Path(db_path), dry_run, account, writer, expect, overwrite_edits),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
            started = time.monotonic()
            try:
                while worker.poll() is None:
                    time.sleep(poll)
                    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
                    if progress is not None and lines:
                        progress(time.monotonic() - started, lines[-1])
            finally:
                if worker.poll() is None:
                    worker.kill()
                    worker.wait()
        result = folder / WORKER_RESULT
        if not result.exists():
            last = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:]
            return WorkerFailure(worker.returncode, " ".join(last))
        return pickle.loads(result.read_bytes())  # written by our own worker, in our own folder


def worker_main(argv: Sequence[str] | None = None) -> int:
    import pickle

    parser = argparse.ArgumentParser(prog="python -m cellboard.ingest")
    parser.add_argument("folder")
    parser.add_argument("--db", required=True)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--account")
    parser.add_argument("--writer")
    parser.add_argument("--expect")
    parser.add_argument("--overwrite-edits", action="store_true")
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    names = json.loads((folder / WORKER_NAMES).read_text(encoding="utf-8"))
    files = [(name, (folder / WORKER_FILES / str(i)).read_bytes()) for i, name in enumerate(names)]
    set_progress(lambda message: print(message, file=sys.stderr, flush=True))
    writer = changes.Writer(**json.loads(args.writer)) if args.writer else None
    result = import_uploads(
        files,
        args.db,
        dry_run=args.dry_run,
        account=args.account,
        writer=writer,
        expect=args.expect,
        overwrite_edits=args.overwrite_edits,
    )
    result.process = os.getpid()
    partial = folder / (WORKER_RESULT + ".part")
    partial.write_bytes(pickle.dumps(result))
    partial.replace(folder / WORKER_RESULT)
    return 0 if result.ok else 1
