"""Choosing between the compiled fast paths and their pure-Python fallbacks.

Two hot paths have an optional accelerated implementation (the ``fast``
extra): JSON Schema validation through ``jsonschema_rs`` and the
near-duplicate signatures through ``numpy``. Each gives results identical to
its pure-Python reference; the reference is used when the library is not
installed or when the environment variable ``PROVLINT_PURE_PYTHON`` is set
to anything but ``""`` or ``"0"``.

The variable is read at every call (it is cheap), so tests can switch it
with ``monkeypatch.setenv``; the libraries are imported on first use only.
"""

from __future__ import annotations

import functools
import importlib
import os
from types import ModuleType

ENV_VAR = "PROVLINT_PURE_PYTHON"


def pure_python() -> bool:
    """True when ``PROVLINT_PURE_PYTHON`` asks for the pure-Python fallbacks."""
    return os.environ.get(ENV_VAR, "") not in ("", "0")


@functools.cache
def _import(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def module(name: str) -> ModuleType | None:
    """The accelerator module ``name`` (``numpy`` or ``jsonschema_rs``), or
    None when it is not installed or the fallbacks are forced."""
    if pure_python():
        return None
    return _import(name)
