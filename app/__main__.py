"""Entry point: `python -m app [--db PATH] [command ...]`; no command opens the GUI."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
