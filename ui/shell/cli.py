"""The ``mine2magnet`` console entry point: the planner's command line plus the desktop app.

It lives in ``ui`` because only ``ui`` may import Qt; ``planner.cli.main`` handles every other
subcommand and calls back here for ``mine2magnet [gui] [PROJECT]``.
"""

from __future__ import annotations

import ctypes.util
import os
import sys

from planner.cli.main import main as planner_main

#: libraries Qt 6's X11 (xcb) platform plugin loads, and the Debian / Ubuntu package of each
XCB_LIBS = {"xcb-cursor": "libxcb-cursor0", "xcb-icccm": "libxcb-icccm4", "xcb-keysyms": "libxcb-keysyms1",
            "xcb-image": "libxcb-image0", "xcb-render-util": "libxcb-render-util0", "xcb-randr": "libxcb-randr0",
            "xcb-shape": "libxcb-shape0", "xcb-xkb": "libxcb-xkb1", "xkbcommon-x11": "libxkbcommon-x11-0"}

HEADLESS_HINT = """To run without a display:
  QT_QPA_PLATFORM=offscreen mine2magnet PROJECT      (the app, drawn off screen)
  mine2magnet validate | solve | scenarios | risk PROJECT   (the command line; see --help)"""


def display_problem(env: dict[str, str] | None = None, platform: str | None = None) -> str | None:
    """Why the desktop app cannot start here (None when it can, as far as can be told).

    Linux only: without ``QT_QPA_PLATFORM`` (or with xcb) Qt needs an X11 or Wayland display
    and, for X11, the xcb libraries; Qt itself would abort with a misleading message.
    """
    env = dict(os.environ) if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return None
    qpa = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    if qpa and qpa not in ("xcb",):
        return None  # offscreen, wayland, vnc, ...: the user chose
    if not env.get("DISPLAY") and not (env.get("WAYLAND_DISPLAY") and not qpa):
        return "no display was found (neither DISPLAY nor WAYLAND_DISPLAY is set)"
    if env.get("DISPLAY") and (qpa == "xcb" or not env.get("WAYLAND_DISPLAY")):
        missing = sorted(pkg for lib, pkg in XCB_LIBS.items() if ctypes.util.find_library(lib) is None)
        if missing:
            return ("Qt's X11 plugin needs system libraries that are missing; install them with\n"
                    f"  sudo apt-get install {' '.join(missing)}\n(or run python3.11 tasks.py setup as root)")
    return None


def run_gui(project_path: str | None) -> int:
    """Import Qt only when the desktop app is asked for; exit 2 with a plain message when no
    display can be used."""
    problem = display_problem()
    if problem:
        print(f"mine2magnet: cannot start the desktop app: {problem}.\n{HEADLESS_HINT}", file=sys.stderr)
        return 2
    try:
        from ui.shell.app import run_app
    except ImportError as e:  # Qt missing or its system libraries broken
        print(f"mine2magnet: cannot start the desktop app: {e}", file=sys.stderr)
        return 1
    return run_app(project_path)


def main(argv: list[str] | None = None) -> int:
    return planner_main(argv, gui=run_gui)


if __name__ == "__main__":
    raise SystemExit(main())
