"""``python -m provlint``."""

import os
import sys

# ``python -m`` puts the current folder first on sys.path. The current folder
# is often the corpus being checked: nothing may be imported from it.
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from provlint.cli import main

raise SystemExit(main())
