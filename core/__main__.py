"""``python -m provlint``.

``python -m`` puts the current folder first on ``sys.path`` and imports the
``provlint`` package from there before this module runs: in a folder that
holds a ``provlint`` package or a ``provlint.py`` (a checked repository
could), that is what runs, and nothing here can prevent it. In a checked
folder use the ``provlint`` command (the console script does not put the
current folder on ``sys.path``) or ``python -P -m provlint``
(``PYTHONSAFEPATH=1``, Python 3.11+), which leave it off.
"""

import os
import sys

# What can still be done from here: take the current folder off sys.path, so
# that nothing imported from now on (a module a check or an output format
# imports lazily) comes from it.
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from provlint.cli import main

raise SystemExit(main())
