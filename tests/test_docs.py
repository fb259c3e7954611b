"""The project's documents stand on their own: every document and path that the code and the docs
cite exists in the repository (docs/ARCHITECTURE.md, "The layers")."""

from __future__ import annotations

import re
import subprocess
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCANNED_SUFFIXES = (".py", ".sql", ".md", ".toml")
SCANNED_NAMES = ("Makefile",)
# A document: anything ending in .md ("DOMAIN.md", "docs/DOMAIN.md", "README.md"), not inside a URL.
DOCUMENT = re.compile(r"(?<![\w./:-])([\w./-]*\w\.md)\b")
# A path into the repository's own folders ("queries/cell_ranking.sql", "cellboard/rules.py",
# "tests/data/example.xlsx"). data/ is left out: it holds what the machine builds (the database,
# accounts), never committed. A path built at run time ("queries/{name}.sql", "cellboard/*.py")
# stops before its first { or *, so only what is written out is checked.
PATH = re.compile(r"(?<![\w./:{-])((?:docs|queries|cellboard|tests|pages|\.streamlit|\.ci)/[\w.][\w./-]*\w)")
# File names that stand for any file: "queries/NAME.sql", "pages/x.py".
PLACEHOLDERS = ("NAME", "x")
SELF = "tests/test_docs.py"  # its examples name missing files on purpose


def scanned_files() -> list[str]:
    """The repository's files that may cite (those git tracks; every file of the tree without git)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        skipped = {".git", ".venv", "data", "__pycache__", ".pytest_cache", ".ruff_cache"}
        listed = [
            str(path.relative_to(ROOT))
            for path in ROOT.rglob("*")
            if path.is_file() and not skipped & set(path.relative_to(ROOT).parts)
        ]
    return sorted(
        name
        for name in listed
        if (name.endswith(SCANNED_SUFFIXES) or Path(name).name in SCANNED_NAMES) and name != SELF
    )


def citations(text: str) -> list[tuple[int, str]]:
    """(line number, what is cited) for every document and repository path a text names."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        named = [match.group(1) for pattern in (DOCUMENT, PATH) for match in pattern.finditer(line)]
        found += [(number, cited) for cited in dict.fromkeys(named) if Path(cited).stem not in PLACEHOLDERS]
    return found


def resolves(cited: str, citing: str, exists=lambda path: (ROOT / path).exists()) -> bool:
    """A citation resolves from the repository's root, or beside the file citing it (a document in
    docs/ may name "PERFORMANCE.md"); a bare "DOMAIN.md" in cellboard/ resolves to nothing."""
    beside = (Path(citing).parent / cited).as_posix()
    return exists(cited) or exists(beside)


def unresolved(files: dict[str, str], exists=lambda path: (ROOT / path).exists()) -> list[str]:
    """`file:line: cited` for each citation in `files` (name -> text) that names nothing there."""
    return [
        f"{name}:{number}: {cited}"
        for name, text in sorted(files.items())
        for number, cited in citations(text)
        if not resolves(cited, name, exists)
    ]


@cache
def repository_texts() -> dict[str, str]:
    return {name: (ROOT / name).read_text(encoding="utf-8") for name in scanned_files()}


def test_every_document_and_path_cited_exists():
    files = repository_texts()
    assert unresolved(files) == []


def test_the_scan_sees_the_citations_the_code_makes():
    files = repository_texts()
    assert {"README.md", "Makefile", "cellboard/rules.py", "queries/supervision.sql"} <= set(files)
    assert {"docs/DOMAIN.md", "docs/ARCHITECTURE.md", "tests/test_docs.py"} <= {
        cited for _, cited in citations(files["README.md"])
    }
    assert {"cellboard/allocator.py", "docs/PERFORMANCE.md"} <= {
        cited for _, cited in citations(files["Makefile"])
    }
    assert "docs/DOMAIN.md" in {cited for _, cited in citations(files["cellboard/rules.py"])}


def test_a_citation_that_names_nothing_is_reported_by_file_line_and_name():
    # documents that do not exist, spelt so that this file itself cites none of them
    design, stack, page = "DESIGN" + ".md", "STACK" + ".md", "a" + ".md"
    tree = {"docs/DOMAIN.md", "docs/PERFORMANCE.md", "README.md", "queries/supervision.sql", "cellboard"}
    files = {
        "cellboard/rules.py": f'"""Rules."""\n# not ranked ({design})\n# 90 % (docs/DOMAIN.md)\n',
        "cellboard/data/db.py": "# parsed once (docs/PERFORMANCE.md); runs queries/NAME.sql and pages/x.py\n"
        'QUERY = f"queries/{name}.sql"  # cellboard/*.py, data/cellboard.duckdb\n'
        f"# see queries/supervison.sql and cellboard/ingest/spec.py; https://example.org/docs/{page}\n",
        "docs/ARCHITECTURE.md": f"See PERFORMANCE.md, ../README.md and {stack}.\n",
        "README.md": f"[the domain](docs/DOMAIN.md) · [design]({design})\n",
    }
    assert unresolved(files, exists=lambda path: str(Path(path)) in tree or path == "docs/../README.md") == [
        f"README.md:1: {design}",
        "cellboard/data/db.py:3: queries/supervison.sql",
        "cellboard/data/db.py:3: cellboard/ingest/spec.py",
        f"cellboard/rules.py:2: {design}",
        f"docs/ARCHITECTURE.md:1: {stack}",
    ]


def test_the_readme_points_to_every_document_in_docs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documents = sorted(f"docs/{path.name}" for path in (ROOT / "docs").glob("*.md"))
    assert {"docs/DOMAIN.md", "docs/ARCHITECTURE.md"} <= set(documents)
    assert [document for document in documents if document not in readme] == []
