"""``python -m planner.cli``: the command line without the desktop app."""

from planner.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
