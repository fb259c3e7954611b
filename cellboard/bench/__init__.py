"""The benchmark, its pandas baseline and the national trial: `python -m cellboard bench`; and the load
test, virtual users against a running server (load.py): `python -m cellboard loadtest`.

Only the command line imports this package (lazily); nothing in the product depends on it.
"""

from cellboard.bench.run import cli_bench

__all__ = ["cli_bench"]
