"""Rules of the codebase that a reviewer would otherwise have to remember."""

from __future__ import annotations

import re
from pathlib import Path

from cellboard import text
from cellboard.data import db

ROOT = Path(__file__).resolve().parent.parent
PYTHON = [p for p in ROOT.rglob("*.py") if ".venv" not in p.parts and "tests" not in p.parts]


def test_every_label_the_code_asks_for_exists_in_both_languages():
    used = set()
    for path in PYTHON:
        used |= set(re.findall(r"\bt\(\s*\"([a-z0-9_]+)\"\s*[,)]", path.read_text(encoding="utf-8")))
    missing = sorted(key for key in used if not text.known(key))
    assert missing == []
    # in both languages (tests/test_catalogue.py checks every entry of both catalogues)
    assert all(key not in text.pair(key) and all(text.pair(key)) for key in used)


def test_no_sql_is_built_with_string_formatting():
    pattern = re.compile(
        r"""(execute|sql|query)\(\s*f["']|\.format\(.*\b(select|insert|delete|update)\b""", re.I
    )
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in PYTHON
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_every_named_query_is_tested_by_name():
    tests = " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py"))
    untested = [name for name in db.query_names() if name not in tests]
    assert untested == []


def test_pages_hold_no_sql_and_open_no_files():
    for page in (ROOT / "pages").glob("*.py"):
        source = page.read_text(encoding="utf-8").lower()
        assert "duckdb" not in source, page.name
        assert not re.search(r"\b(select|insert|delete)\s+.*\bfrom\b", source), page.name
        assert "open(" not in source, page.name
