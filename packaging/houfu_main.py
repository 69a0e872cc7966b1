"""Entry of the frozen programs `houfu` and `houfu-gui`: the same command line as `python -m app`
(no command opens the window)."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
