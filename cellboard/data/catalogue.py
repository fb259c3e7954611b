"""The query catalogue: what each named query (queries/NAME.sql) answers, takes and returns, read from
the structured comment it opens with. The header is written for people first (README points users to
it) and parsed here, so the code's list of a query's parameters, columns, rules and scope is the one
the reader sees; tests/test_query_catalogue.py runs every query on the fixture and checks the header
against what the SQL uses and returns.

The header, one `--` comment block before the SQL:

    -- NAME: the question it answers (may go on over more lines)
    --
    -- Scope: unit | none | whole tree   (then why, in words)
    -- Macros: scope_units, attendance_rate        (cellboard/data/macros.sql)
    -- Rules: $min_meetings_to_rank                 (bound from cellboard/rules.py, never by callers)
    -- Parameters:
    --   $start     date      first day of the window (inclusive)
    --   $limit     integer   optional: rows; null = all
    -- Columns:
    --   commune_id text      the commune (cell_commune)
    --              ...        a description may go on over lines indented further
    -- Notes:
    --   free text: method, definitions, costs

Scope says which accounts may run the query: `unit` (it takes $unit and reads only the subtree's
rows, through the scope macros), `none` (it holds no unit's rows: every account may run it) or
`whole tree` (it covers the whole tree: administrators only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cellboard import QUERIES_DIR

PARAMETER_TYPES = ("date", "text", "integer", "number", "fraction", "boolean")
# Column types as the reader reads them, and the DuckDB result types each stands for.
COLUMN_TYPES = {
    "text": ("VARCHAR",),
    "integer": ("INTEGER", "BIGINT", "HUGEINT", "SMALLINT", "UBIGINT"),
    "number": ("DOUBLE", "FLOAT", "DECIMAL"),
    "fraction": ("DOUBLE",),  # a share or rate, 0-1, unrounded
    "date": ("DATE",),
    "timestamp": ("TIMESTAMP",),
    "boolean": ("BOOLEAN",),
}
SCOPES = ("unit", "none", "whole tree")
SECTIONS = ("Scope", "Macros", "Rules", "Parameters", "Columns", "Notes")

_TITLE = re.compile(r"^-- ([a-z_][a-z0-9_]*): (.+)$")
_SECTION = re.compile(r"^-- (" + "|".join(SECTIONS) + r"):(.*)$")
_ITEM = re.compile(r"^--   (\$?[a-z_][a-z0-9_]*) +([a-z]+(?: [a-z]+)?)(?: +(.*))?$")
_MORE = re.compile(r"^--    +(.*)$")
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


class HeaderError(ValueError):
    """A query's header does not follow the catalogue's form."""


@dataclass(frozen=True)
class Field:
    """A parameter or a column: its name (parameters without the $), type and description."""

    name: str
    type: str
    description: str

    @property
    def optional(self) -> bool:
        return self.description.startswith("optional")


@dataclass(frozen=True)
class QueryInfo:
    name: str
    title: str
    scope: str
    macros: tuple[str, ...]
    rules: tuple[str, ...]  # rule parameters (names without the $) the code binds from cellboard/rules.py
    parameters: tuple[Field, ...]  # what a caller may give
    columns: tuple[Field, ...]
    notes: str
    sql: str  # the statement, header and other comments stripped

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def sql_parameters(self) -> tuple[str, ...]:
        """The parameters the SQL itself names, in order of first use."""
        return tuple(dict.fromkeys(_PARAM.findall(self.sql)))


def strip_comments(sql: str) -> str:
    """The SQL without `--` comments (none of the queries holds `--` inside a string)."""
    return re.sub(r"--[^\n]*", "", sql)


def _names(value: str, name: str, section: str) -> tuple[str, ...]:
    value = re.sub(r"\(.*?\)", "", value)  # "(cellboard/rules.py)" and the like are for people
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    for item in names:
        if not re.fullmatch(r"\$?[a-z_][a-z0-9_]*", item):
            raise HeaderError(f"queries/{name}.sql: {section}: «{item}» is not a name")
    return tuple(n.lstrip("$") for n in names)


def parse(name: str, text: str) -> QueryInfo:
    """The header of queries/NAME.sql (its text), checked for form."""
    lines = text.splitlines()
    header = []
    for line in lines:
        if not line.startswith("--"):
            break
        header.append(line.rstrip())
    if not header or not (match := _TITLE.match(header[0])) or match.group(1) != name:
        raise HeaderError(f"queries/{name}.sql must open with «-- {name}: the question it answers»")
    title = [match.group(2)]
    sections: dict[str, list[str]] = {}
    current = None
    for line in header[1:]:
        if (found := _SECTION.match(line)) is not None:
            current = found.group(1)
            if current in sections:
                raise HeaderError(f"queries/{name}.sql: {current} twice")
            sections[current] = [found.group(2).strip()] if found.group(2).strip() else []
        elif current is None:
            if line.strip() != "--":
                title.append(line[2:].strip())
        elif line.strip() != "--":
            # items keep their indentation (Parameters, Columns); the other sections are plain text
            sections[current].append(line if current in ("Parameters", "Columns") else line[2:].strip())
    for required in ("Scope", "Macros", "Parameters", "Columns"):
        if required not in sections:
            raise HeaderError(f"queries/{name}.sql: no «-- {required}:» in its header")
    scope_text = " ".join(sections["Scope"]).strip()
    scope = next((s for s in sorted(SCOPES, key=len, reverse=True) if scope_text.startswith(s)), None)
    if scope is None:
        raise HeaderError(f"queries/{name}.sql: Scope must start with one of {', '.join(SCOPES)}")

    def fields(section: str, types) -> tuple[Field, ...]:
        found: list[Field] = []
        for line in sections.get(section, []):
            if line == "none" and not found:  # "-- Parameters: none"
                continue
            if (item := _ITEM.match(line)) is not None:
                field_name, kind, description = item.group(1), item.group(2), item.group(3) or ""
                if section == "Parameters" and not field_name.startswith("$"):
                    raise HeaderError(f"queries/{name}.sql: parameter «{field_name}» without its $")
                if kind not in types:
                    raise HeaderError(
                        f"queries/{name}.sql: {section}: «{field_name}» has type «{kind}», not one of "
                        f"{', '.join(types)}"
                    )
                found.append(Field(field_name.lstrip("$"), kind, description.strip()))
            elif (more := _MORE.match(line)) is not None and found:
                last = found[-1]
                found[-1] = Field(last.name, last.type, f"{last.description} {more.group(1).strip()}".strip())
            else:
                raise HeaderError(f"queries/{name}.sql: {section}: cannot read «{line}»")
        return tuple(found)

    return QueryInfo(
        name=name,
        title=" ".join(title),
        scope=scope,
        macros=_names(" ".join(sections["Macros"]).removeprefix("none"), name, "Macros"),
        rules=_names(" ".join(sections.get("Rules", [])), name, "Rules"),
        parameters=fields("Parameters", PARAMETER_TYPES),
        columns=fields("Columns", COLUMN_TYPES),
        notes="\n".join(line[2:].strip() for line in sections.get("Notes", [])),
        sql=strip_comments("\n".join(lines[len(header) :])),
    )


def query_names(folder: Path = QUERIES_DIR) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.sql"))


@cache
def info(name: str) -> QueryInfo:
    """queries/NAME.sql's header (the name must be one of query_names())."""
    return parse(name, (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8"))


def catalogue() -> dict[str, QueryInfo]:
    return {name: info(name) for name in query_names()}
