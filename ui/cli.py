"""The ``mine2magnet`` console entry point: the planner's command line plus the desktop app.

It lives in ``ui`` because only ``ui`` may import Qt; ``planner.cli.main`` handles every other
subcommand and calls back here for ``mine2magnet [gui] [PROJECT]``.
"""

from __future__ import annotations

import sys

from planner.cli.main import main as planner_main


def run_gui(project_path: str | None) -> int:
    """Import Qt only when the desktop app is asked for."""
    try:
        from .app import run_app
    except ImportError as e:  # Qt missing or its system libraries broken
        print(f"mine2magnet: cannot start the desktop app: {e}", file=sys.stderr)
        return 1
    return run_app(project_path)


def main(argv: list[str] | None = None) -> int:
    return planner_main(argv, gui=run_gui)


if __name__ == "__main__":
    raise SystemExit(main())
