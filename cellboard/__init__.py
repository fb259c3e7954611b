"""The cell-activity dashboard's library: data, rules and formats shared by the app, CLI and tests."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = ROOT / "queries"
# Raised whenever a change to schema.sql needs files rebuilt: 2 added the derived tables the
# benchmark work writes (member_mark, opinion_terms, cell_facts, ...). A file of another version is
# refused with a message saying so (db.OldSchema), never half-read. 3 added what people write in the
# app: departments, an opinion's handling and history, withdrawn meetings, the change log. 4 changed
# derived tables only (opinion_facts' answer day and department; the tables issue 15 derives, which
# files written earlier under 3 lack). `python -m cellboard migrate`, and the server when it starts,
# bring a file of version 2 or 3 up to this one (cellboard/data/store.py, migrate).
SCHEMA_VERSION = "4"
