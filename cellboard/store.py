"""Writing the database: create the schema, append rows, rebuild derived tables.

Readers never see a half-written file: callers build a new file and swap it in
(see `write_database`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from cellboard import SCHEMA_VERSION

SCHEMA_FILE = Path(__file__).with_name("schema.sql")

# Base tables in an order that lets rows refer to earlier tables.
BASE_TABLES = (
    "category",
    "unit",
    "member",
    "membership",
    "meeting",
    "attendance",
    "committee_member",
    "visit",
    "briefing",
    "opinion",
    "rating",
    "import_batch",
)
DERIVED_TABLES = ("unit_closure", "cell_commune", "meeting_stats", "opinion_facts")


@cache
def schema_sections() -> dict[str, str]:
    """The named sections of schema.sql (`-- section: NAME`)."""
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    parts = re.split(r"^-- section: (\w+)\s*$", text, flags=re.MULTILINE)
    return {name: body for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def create_schema(con: duckdb.DuckDBPyConnection, source: str = "empty") -> None:
    """Create every table in an empty database and record the schema version."""
    con.execute(schema_sections()["tables"])
    set_meta(con, "schema_version", SCHEMA_VERSION)
    set_meta(con, "source", source)


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("insert or replace into meta values ($key, $value)", {"key": key, "value": value})


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = con.execute("select value from meta where key = $key", {"key": key}).fetchone()
    return row[0] if row else None


def append_rows(con: duckdb.DuckDBPyConnection, table: str, rows: pd.DataFrame) -> None:
    """Append a DataFrame to a base table, matching columns by name."""
    if table not in BASE_TABLES:
        raise ValueError(f"not a base table: {table}")
    if len(rows):
        con.append(table, rows, by_name=True)


def rebuild_derived(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute unit_closure, cell_commune, meeting_stats and opinion_facts."""
    con.execute(schema_sections()["derive"])


def write_database(path: Path, tables: Mapping[str, pd.DataFrame], source: str) -> None:
    """Build a complete database at a temporary path and swap it in atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp))
        try:
            con.execute("begin")
            create_schema(con, source)
            for table in BASE_TABLES:
                if table in tables:
                    if table == "category":
                        con.execute("delete from category")
                    append_rows(con, table, tables[table])
            rebuild_derived(con)
            con.execute("commit")
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
