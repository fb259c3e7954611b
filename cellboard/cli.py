"""The command line: `python -m cellboard COMMAND ...` (run through cellboard/__main__.py) (docs/ARCHITECTURE.md lists the commands)."""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import importlib
import sys
import time
from pathlib import Path

import duckdb

from cellboard import auth, export, text
from cellboard.data import db, store

EXIT_USAGE = 2


def fail(message: str, code: int = EXIT_USAGE) -> int:
    print(message, file=sys.stderr)
    return code


def demo_command(path: Path) -> str:
    return f"python -m cellboard demo --db {path}"


# ---- commands --------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    path = db.db_path(args.db)
    if path.exists() and not args.force:
        return fail(f"Đã có cơ sở dữ liệu tại {path}; thêm --force để tạo lại. / {path} exists; add --force.")
    store.write_database(path, {}, source="empty")
    print(f"{text.line('cli_created_empty')}: {path}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from cellboard import demo

    path = db.db_path(args.db)
    end_month = None
    if args.end:
        try:
            year, month = (int(part) for part in args.end.split("-"))
            end_month = dt.date(year, month, 1)
        except ValueError:
            return fail(f"--end: «{args.end}» không phải YYYY-MM / is not YYYY-MM")
    started = time.perf_counter()
    print(text.line("cli_building_demo", scale=args.scale), file=sys.stderr)
    counts = demo.build_demo(path, scale=args.scale, seed=args.seed, end_month=end_month)
    seconds = time.perf_counter() - started
    summary = ", ".join(f"{table} {rows:,}" for table, rows in counts.items())
    print(f"{path}: {summary} ({seconds:.1f} s)")
    return 0


def parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise db.QueryError(f"--param takes key=value, not «{pair}»")
        params[key.strip()] = value
    return params


def cmd_query(args: argparse.Namespace) -> int:
    path = db.db_path(args.db)
    scope = db.EVERYTHING
    try:
        params = parse_params(args.param)
        db.query_params(args.name)  # an unknown name fails before the file is looked for
        if args.account:
            scope = auth.scope_for_account(args.account)
            if params.get("unit") == "":
                params["unit"] = db.WHOLE_TREE  # `--param unit=` asks for the whole tree
        frame = db.run(args.name, params, path=path, scope=scope)
    except auth.AccountError as bad:
        return fail(str(bad), 1)
    except db.OutOfScope as refused:
        return fail(auth.refusal(refused.args[0] if refused.args else None, scope), 1)
    except db.QueryError as bad:
        return fail(str(bad))
    except db.OldSchema as old:
        return fail(text.both("old_schema", **old.said(demo_command(path))), 1)
    except db.NoDatabase:
        return fail(
            f"Không có cơ sở dữ liệu tại {path}. Tạo bằng: {demo_command(path)}\n"
            f"There is no database at {path}. Build one with: {demo_command(path)}"
        )
    except duckdb.Error as error:
        return fail(f"{args.name}: {error}")
    if args.account:
        auth.audit(
            scope.account,
            "query",
            {"query": args.name, "params": params, "rows": len(frame), "by": auth.cli_actor()},
        )
    if args.format == "json":
        sys.stdout.write(export.to_json(frame))
    else:  # a CSV is opened in a spreadsheet: formula-like text is made inert unless --raw
        sys.stdout.write(export.to_csv(frame if args.raw else export.neutralised(frame)))
    return 0


def delegate(module: str, function: str):
    """A command implemented in cellboard.MODULE.FUNCTION(args) -> exit code, imported when run."""

    def run(args: argparse.Namespace) -> int:
        return getattr(importlib.import_module(f"cellboard.{module}"), function)(args)

    return run


# ---- parser ------------------------------------------------------------------------


def iso_date(value: str) -> dt.date:
    """A date argument as YYYY-MM-DD (argparse says what is wrong, exit 2)."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {value!r}") from None


def add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="database file (else $CELLBOARD_DB, else data/cellboard.duckdb)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cellboard", description="The cell-activity dashboard")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="create an empty database with the schema")
    add_db(p)
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="build a demo database")
    add_db(p)
    p.add_argument("--scale", choices=("S", "M", "L"), default="S")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--end", help="last month included, YYYY-MM (default: the last full month)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("query", help="run a named query from queries/")
    p.add_argument("name")
    add_db(p)
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--as", dest="account", metavar="ACCOUNT", help="apply that account's scope")
    p.add_argument(
        "--raw", action="store_true", help="csv: text exactly as stored (formula-like cells not neutralised)"
    )
    p.set_defaults(func=cmd_query)

    # Commands whose work lives in their own modules (imported when called).
    p = sub.add_parser("import", help="validate and import workbooks or folders of CSV")
    p.add_argument("files", nargs="+", metavar="FILE")
    add_db(p)
    p.add_argument("--dry-run", action="store_true", help="validate and report only")
    p.add_argument(
        "--as",
        dest="account",
        metavar="ACCOUNT",
        help="write with that account's rights and scope (no password)",
    )
    p.add_argument(
        "--overwrite-edits", action="store_true", help="the files' values win over fields set in the app"
    )
    p.set_defaults(func=delegate("ingest", "cli_import"))

    p = sub.add_parser("answer", help="record an answer to an opinion, mark it handled, or forward it")
    p.add_argument("opinion_id", metavar="OPINION_ID")
    p.add_argument("--on", type=iso_date, metavar="YYYY-MM-DD", help="the answer's date")
    p.add_argument("--text", help="the answer")
    p.add_argument("--status", choices=("answered", "handling", "forwarded"), default="answered")
    p.add_argument("--to", metavar="DEPARTMENT", help="the department to forward to")
    p.add_argument("--as", dest="account", metavar="ACCOUNT", required=True, help="the account answering")
    add_db(p)
    p.set_defaults(func=delegate("ingest.cli", "cli_answer"))

    p = sub.add_parser("migrate", help="bring a database of an older schema version up to this one")
    add_db(p)
    p.set_defaults(func=delegate("ingest.cli", "cli_migrate"))

    p = sub.add_parser("templates", help="write the blank import templates")
    p.add_argument("dir")
    p.set_defaults(func=delegate("ingest", "cli_templates"))

    p = sub.add_parser("backups", help="list or restore the previous database files")
    p.add_argument("action", choices=("list", "restore"))
    p.add_argument("name", nargs="?")
    add_db(p)
    p.set_defaults(func=delegate("data.backups", "cli_backups"))

    p = sub.add_parser("report", help="the six-month or annual review as DOCX or XLSX")
    p.add_argument("--start", required=True)
    p.add_argument("--end", required=True)
    p.add_argument("--unit")
    add_db(p)
    p.add_argument("--out", required=True)
    p.add_argument("--as", dest="account", metavar="ACCOUNT", help="apply that account's scope")
    p.add_argument("--lang", choices=text.LANGUAGES, default="vi", help="the report's language (default vi)")
    p.set_defaults(func=delegate("review", "cli_report"))

    p = sub.add_parser("users", help="accounts, roles and scopes")
    p.add_argument(
        "action",
        choices=("add", "remove", "list", "passwd", "disable", "enable", "logout", "audit"),
        help="logout NAME: end every session of the account, on every browser",
    )
    p.add_argument("name", nargs="?")
    p.add_argument("--role", choices=auth.ROLES)
    p.add_argument("--unit")
    p.add_argument(
        "--department",
        help="users add --role department: the department's name, as the data database's department "
        "table has it at --unit",
    )
    p.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
    p.add_argument("--limit", type=int, help="users audit: only the newest N rows")
    add_db(p)
    p.set_defaults(func=delegate("auth", "cli_users"))

    p = sub.add_parser("bench", help="the benchmark")
    p.add_argument("--scale", choices=("S", "M", "L"), default="M")
    p.add_argument("--json", action="store_true")
    p.add_argument("--db", help="reuse this demo database (with --national: the trial's folder)")
    p.add_argument(
        "--national",
        type=int,
        metavar="N",
        help="instead: the national-scale trial over N province databases (data/national)",
    )
    p.set_defaults(func=delegate("bench", "cli_bench"))

    p = sub.add_parser("loadtest", help="virtual users against a server on loopback: the load, measured")
    p.add_argument("--url", required=True, help="the server, e.g. http://127.0.0.1:8501 (loopback only)")
    p.add_argument("--users", type=int, default=10)
    p.add_argument("--seconds", type=int, default=60, help="how long each level runs")
    p.add_argument("--sweep", metavar="N,N,...", help="one run per number of users, e.g. 10,30,60")
    p.add_argument("--account", default="admin", help="the account every user signs in as")
    p.add_argument("--password-stdin", action="store_true", help="read its password from one line of stdin")
    p.add_argument("--server-pid", type=int, nargs="+", action="extend", metavar="PID", help="the workers")
    tls = p.add_mutually_exclusive_group()
    tls.add_argument("--cacert", help="trust this CA file for https (e.g. Caddy's internal root)")
    tls.add_argument("--insecure", action="store_true", help="https without checking the certificate")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=delegate("bench.load", "cli_loadtest"))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except db.BadDatabase as bad:  # whichever command met it: the way out, not a traceback
        return fail(bad_database_message(bad), 1)
    except OSError as error:
        if error.errno != errno.ENOSPC:
            raise
        return fail(text.both("disk_full", detail=db.first_line(error)), 1)


def bad_database_message(bad: db.BadDatabase) -> str:
    return text.both("bad_database", path=bad.path, detail=bad.detail, command=demo_command(Path(bad.path)))
