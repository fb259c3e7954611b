"""The cell-activity dashboard's library: data, rules and formats shared by the app, CLI and tests."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = ROOT / "queries"
SCHEMA_VERSION = "1"
