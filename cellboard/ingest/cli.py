"""The command line's writing commands: `import`, `answer`, `migrate`, and `templates`."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from cellboard import text
from cellboard.data import db, store
from cellboard.ingest import changes
from cellboard.ingest.templates import write_templates
from cellboard.ingest.writing import import_files

# ---- command line ------------------------------------------------------------------------------------


def cli_account() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


class NoSuchWriter(ValueError):
    """--as named no account that may write (unknown or disabled): bilingual message."""


def writer_for(name: str | None, origin: str) -> changes.Writer:
    """Whose rights a command writes with: `--as NAME` takes that account's role, scope and department
    without asking its password (the command runs on the server, as its operator); the audit records
    the operating-system user beside it. Without --as, the operator writes as an administrator."""
    if name is None:
        return changes.Writer(cli_account(), "admin", None, origin=origin, os_user=changes.os_user())
    from cellboard import auth

    account = auth.get_account(name)
    if account is None:
        raise NoSuchWriter(f"Không có tài khoản «{name}». / There is no account «{name}».")
    if account.disabled:
        raise NoSuchWriter(f"Tài khoản «{name}» đã bị khóa. / Account «{name}» is disabled.")
    return changes.Writer.of(account, origin, command=True)


def cli_import(args: argparse.Namespace) -> int:
    try:
        writer = writer_for(getattr(args, "account", None), "import")
    except NoSuchWriter as refused:
        print(refused, file=sys.stderr)
        return 1
    result = import_files(
        args.files,
        db.db_path(args.db),
        dry_run=args.dry_run,
        account=writer.account,
        writer=writer,
        overwrite_edits=getattr(args, "overwrite_edits", False),
    )
    print("\n".join(result.report_lines()))
    return 0 if result.ok else 1


ANSWER_STATUS = {"answered": "answered", "handling": "handling", "forwarded": "forwarded"}


def cli_answer(args: argparse.Namespace) -> int:
    """`answer OPINION_ID --on DATE --text TEXT [--status answered|handling|forwarded] [--to DEPT] --as ACCOUNT`."""
    action = ANSWER_STATUS[args.status]
    missing = [
        flag
        for flag, needed in (
            ("--on", action == "answered" and args.on is None),
            ("--text", action == "answered" and not args.text),
            ("--to", action == "forwarded" and not args.to),
        )
        if needed
    ]
    if missing:
        print(
            f"Thiếu {', '.join(missing)} cho --status {args.status}. / Missing {', '.join(missing)} for "
            f"--status {args.status}.",
            file=sys.stderr,
        )
        return 2
    path = db.db_path(args.db)
    try:
        writer = writer_for(args.account, "cli")
        written = changes.record_answer(
            path, writer, args.opinion_id, action, on=args.on, answer=args.text, to=args.to
        )
    except NoSuchWriter as refused:
        print(refused, file=sys.stderr)
        return 1
    except changes.Refused as refused:
        print("\n".join(refused.lines()), file=sys.stderr)
        return 1
    except (FileNotFoundError, store.WriteError, store.LockTimeout) as error:
        print(" / ".join(text.pair("chg_cli_failed", detail=db.first_line(error))), file=sys.stderr)
        return 1
    print(" / ".join(text.pair("chg_cli_done", opinion=args.opinion_id, write_id=written.write_id)))
    return 0


def cli_migrate(args: argparse.Namespace) -> int:
    """`migrate [--db PATH]`: bring a database of an older schema version up to this one."""
    path = db.db_path(args.db)
    try:
        backup = store.migrate(path)
    except FileNotFoundError:
        print(" / ".join(text.pair("chg_cli_failed", detail=f"{path}: no such file")), file=sys.stderr)
        return 1
    except store.WriteError as error:
        print(" / ".join(text.pair("chg_cli_failed", detail=db.first_line(error))), file=sys.stderr)
        return 1
    if backup is None:
        print(" / ".join(text.pair("chg_migrate_current", path=path)))
    else:
        print(" / ".join(text.pair("chg_migrated", path=path, backup=backup.name)))
    return 0


def cli_templates(args: argparse.Namespace) -> int:
    written = write_templates(Path(args.dir))
    print(
        f"Đã ghi mẫu nhập liệu / templates written: {written[0]} (+ {len(written) - 1} CSV: {written[1].parent})"
    )
    return 0
