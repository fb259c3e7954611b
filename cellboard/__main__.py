"""`python -m cellboard COMMAND ...`: the command line (cellboard/cli.py)."""

import sys

if __name__ == "__main__":
    # First, before the heavy imports: this may execute the command again with jemalloc preloaded
    from cellboard import allocator

    allocator.use_jemalloc()

    from cellboard.cli import main

    sys.exit(main())
