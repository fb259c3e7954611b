"""The command line's import commands: `python -m cellboard import` and `python -m cellboard templates`."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from cellboard.data import db
from cellboard.ingest.templates import write_templates
from cellboard.ingest.writing import import_files

# ---- command line ------------------------------------------------------------------------------------


def cli_account() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def cli_import(args: argparse.Namespace) -> int:
    result = import_files(args.files, db.db_path(args.db), dry_run=args.dry_run, account=cli_account())
    print("\n".join(result.report_lines()))
    return 0 if result.ok else 1


def cli_templates(args: argparse.Namespace) -> int:
    written = write_templates(Path(args.dir))
    print(
        f"Đã ghi mẫu nhập liệu / templates written: {written[0]} (+ {len(written) - 1} CSV: {written[1].parent})"
    )
    return 0
