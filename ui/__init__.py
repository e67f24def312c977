"""The PySide6 desktop app (the only package that imports Qt)."""

from . import _pyside_refcount_guard

_pyside_refcount_guard.install()
