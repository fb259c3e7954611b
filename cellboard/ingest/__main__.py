"""`python -m cellboard.ingest FOLDER`: the Data page's worker (cellboard/ingest/worker.py)."""

import sys

from cellboard.ingest.worker import worker_main

sys.exit(worker_main())
