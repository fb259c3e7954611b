"""Limits on what an import reads and how long it waits, set in one place (issue 17).

A workbook is a zip of XML: a few megabytes can unpack to gigabytes. The importer checks these
before and while it reads, and refuses the whole file over any of them, naming the limit. They
keep any file the Data page's upload limit admits (20 MB, .streamlit/config.toml) under about
1 GiB of memory; the command line applies the same ones.
"""

from __future__ import annotations

import os

# ---- a workbook (.xlsx) as a zip -------------------------------------------------------------
# Unpacked size of all its parts together, and of any one part (a sheet's XML, the shared strings).
MAX_UNPACKED_BYTES = 1_000_000_000
MAX_PART_BYTES = 500_000_000
# Parts in the zip (a real workbook has a few dozen).
MAX_PARTS = 10_000
# Parts read whole (workbook, relationships, styles) rather than streamed: a few hundred kB in practice.
MAX_SMALL_PART_BYTES = 20_000_000

# ---- shared strings (the workbook's table of distinct texts, loaded before any sheet) ---------
MAX_SHARED_STRINGS = 2_000_000
MAX_SHARED_CHARS = 100_000_000  # all of them together, in characters

# ---- rows and cells --------------------------------------------------------------------------
MAX_ROWS_PER_SHEET = 1_048_576  # Excel's own limit; CSV files too
# Data rows and filled cells read in one import, every file and sheet together. What a check holds
# in memory grows with both (about 450 bytes a row and 100 a cell): a million rows of three cells
# stay under 1 GiB.
MAX_ROWS = 1_048_576
MAX_CELLS = 3_000_000
# The characters of their text together: one shared string may fill any number of cells, and each
# cell's text is copied when the rows are typed (a 32.767-character string in a million cells: 30 GB).
MAX_CELL_CHARS = 150_000_000
MAX_TEXT = 32_767  # Excel's limit on one cell's text
MAX_FILE_BYTES = 100_000_000  # any one file given, before it is read (the Data page's uploads: 20 MB)
MAX_CSV_BYTES = MAX_FILE_BYTES  # one CSV file
# Problems (and warnings) listed in a report: past these they are counted, not kept (a file wrong on
# every one of a million rows would otherwise fill memory with its report).
MAX_LISTED = 50_000
MAX_MERGED = 100_000  # merged ranges in one sheet

# ---- waiting for another import ------------------------------------------------------------
# An import waits this long for the database's write lock (another import, a restore) before it
# gives up, writing nothing. CELLBOARD_LOCK_WAIT (seconds) overrides it, e.g. in tests.
LOCK_WAIT_SECONDS = 60.0


def lock_wait_seconds() -> float:
    value = os.environ.get("CELLBOARD_LOCK_WAIT")
    try:
        return max(0.0, float(value)) if value else LOCK_WAIT_SECONDS
    except ValueError:
        return LOCK_WAIT_SECONDS
