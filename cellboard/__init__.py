"""The cell-activity dashboard's library: data, rules and formats shared by the app, CLI and tests."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = ROOT / "queries"
# Raised whenever a change to schema.sql needs files rebuilt: 2 added the derived tables the
# benchmark work writes (member_mark, opinion_terms, cell_facts, ...). A file of another version is
# refused with a message saying so (db.OldSchema), never half-read.
SCHEMA_VERSION = "2"
