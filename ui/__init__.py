"""The PySide6 desktop app (the only package that imports Qt).

Importing ``ui`` does not import Qt: ``ui.shell.cli`` (the ``mine2magnet`` entry point) runs the
command-line subcommands without it and loads Qt only for the desktop app.
"""
