"""The PySide6 desktop app (the only package that imports Qt)."""

try:  # see _pyside_refcount_guard: PySide6 6.12 on CPython 3.11 drops references to None/True
    from . import _pyside_refcount_guard

    _pyside_refcount_guard.install()
except ImportError:  # Qt missing or broken: ui.cli still runs the command-line subcommands
    pass
