"""`python -m cellboard report`: the review written to a DOCX or XLSX file."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from cellboard import private, text
from cellboard.data import db
from cellboard.review.build import FORMATS, build
from cellboard.review.model import ReportError


def account_scope(account: str | None) -> db.Scope:
    """The scope `--as ACCOUNT` asks for; everything when no account is named."""
    if not account:
        return db.EVERYTHING
    # ---- accounts (issue 7): the one place the report turns an account name into a db.Scope ----
    from cellboard import auth

    return auth.scope_for_account(account)


def cli_report(args: argparse.Namespace) -> int:
    """`python -m cellboard report --start D --end D [--unit ID] [--db PATH] --out FILE [--as ACCOUNT]
    [--lang vi|en]`: the review, and its messages, in the language asked for (Vietnamese unless told)."""
    loc = text.Locale(args.lang)
    path = db.db_path(args.db)
    out = Path(args.out)
    fmt = out.suffix.lower().lstrip(".")

    def fail(message: str, code: int = 2) -> int:
        print(message, file=sys.stderr)
        return code

    if fmt not in FORMATS:
        return fail(loc.t("rv_bad_format", fmt=out.suffix or out.name))
    try:
        scope = account_scope(getattr(args, "account", None))
    except (ValueError, PermissionError, LookupError) as refused:  # auth.AccountError is a ValueError
        return fail(str(refused))
    started = time.perf_counter()
    try:
        built = build(loc, path, args.start, args.end, args.unit, fmt, scope)
    except ReportError as bad:
        return fail(str(bad))
    except db.OldSchema as old:
        return fail(loc.t("old_schema", **old.said(f"python -m cellboard demo --db {path}")))
    except db.NoDatabase:
        return fail(loc.t("no_database", path=path, command=f"python -m cellboard demo --db {path}"))
    except db.OutOfScope as refused:
        from cellboard import auth  # as in account_scope: only a report --as needs accounts

        return fail(auth.refusal(refused.args[0] if refused.args else None, scope))
    except db.QueryError as bad:
        return fail(str(bad))
    private.make_dir(out.parent)  # a folder cellboard makes, and the report, are the owner's only
    partial = out.with_name(f".{out.name}.{os.getpid()}.part")
    try:
        private.write_bytes(partial, built.data)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    if built.charts_note:
        print(built.charts_note, file=sys.stderr)
    print(f"{out} ({loc.integer(len(built.data))} bytes, {time.perf_counter() - started:.1f} s)")
    # ---- the audit trail (issue 7): reports from the command line ----
    from cellboard import auth

    details = {"file": str(out), "start": args.start, "end": args.end, "unit": args.unit, "scope": scope.root}
    auth.audit(scope.account or auth.cli_actor(), "report", {**details, "by": auth.cli_actor()})
    return 0
