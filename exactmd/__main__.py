"""``python -m exactmd``: the command line (exactmd.cli)."""

import sys

from .cli import main

sys.exit(main())
