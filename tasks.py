#!/usr/bin/env python3
"""Set everything up and run the app or the tests, with nothing but Python 3.11.

    python3.11 tasks.py run [PROJECT]   # venv + packages, then the desktop app on the real sample chain
    python3.11 tasks.py test [ARGS]     # venv + packages, then the test suite (timing tests serially last)
                                        # and the layer check

The virtual environment lives in ``.venv`` and is (re)installed when pyproject.toml changes.
On Linux, Qt needs a few system libraries (EGL, GL, xkbcommon, fontconfig, D-Bus and the xcb
libraries of its X11 plugin: xcb-cursor, xcb-icccm, xcb-keysyms, ...); when one is missing and this
runs as root with apt-get, they are installed, otherwise the command to install them is printed.
"""

from __future__ import annotations

import ctypes.util
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"
SAMPLE = ROOT / "sample_projects" / "us_allied_mine_to_magnet.m2m.json"
QT_LIBS = {"EGL": "libegl1", "GL": "libgl1", "xkbcommon": "libxkbcommon0", "fontconfig": "libfontconfig1",
           "dbus-1": "libdbus-1-3", "glib-2.0": "libglib2.0-0", "X11": "libx11-6",
           # what Qt 6's xcb platform plugin loads (it aborts at start when one is missing)
           "xcb-cursor": "libxcb-cursor0", "xcb-icccm": "libxcb-icccm4", "xcb-keysyms": "libxcb-keysyms1",
           "xcb-image": "libxcb-image0", "xcb-render-util": "libxcb-render-util0", "xcb-randr": "libxcb-randr0",
           "xcb-shape": "libxcb-shape0", "xcb-xkb": "libxcb-xkb1", "xkbcommon-x11": "libxkbcommon-x11-0",
           "xcb-xfixes": "libxcb-xfixes0", "xcb-sync": "libxcb-sync1", "xcb-shm": "libxcb-shm0"}


def run(cmd: list[str], **kw) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kw)


def setup() -> None:
    """Create .venv and install the project with its test extra (only when pyproject changed)."""
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"mine2magnet needs Python 3.11 (this is {sys.version.split()[0]}): run it with python3.11")
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if PY.exists() and STAMP.exists() and STAMP.read_text() == digest:
        return
    if not PY.exists():
        run([sys.executable, "-m", "venv", VENV])
    run([PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    run([PY, "-m", "pip", "install", "--quiet", "-e", ".[test]"])
    STAMP.write_text(digest)


def ensure_qt_system_libraries() -> None:
    """Linux only: install Qt's runtime libraries with apt-get when missing (as root)."""
    if not sys.platform.startswith("linux"):
        return
    missing = sorted({pkg for lib, pkg in QT_LIBS.items() if ctypes.util.find_library(lib) is None})
    if not missing:
        return
    apt = shutil.which("apt-get")
    if apt and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run([apt, "update", "-qq"], env=env)
        run([apt, "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)
    else:
        print(f"Qt needs these system packages: sudo apt-get install {' '.join(missing)}", file=sys.stderr)


def ensure_glpk_for_tests() -> None:
    """Linux, root, apt-get: install GLPK's glpsol (Debian glpk-utils) so the tests drive a third
    solver through PuLP. Optional: without it those tests skip, so a failure here only warns."""
    if shutil.which("glpsol") or not sys.platform.startswith("linux"):
        return
    apt = shutil.which("apt-get")
    if not (apt and os.geteuid() == 0):
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        run([apt, "install", "-y", "-qq", "--no-install-recommends", "glpk-utils"], env=env)
    except subprocess.CalledProcessError:
        try:
            run([apt, "update", "-qq"], env=env)
            run([apt, "install", "-y", "-qq", "--no-install-recommends", "glpk-utils"], env=env)
        except subprocess.CalledProcessError:
            print("note: glpk-utils could not be installed; the GLPK solver tests will skip", file=sys.stderr)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test", "setup"):
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    setup()
    ensure_qt_system_libraries()
    if command == "setup":
        return 0
    if command == "run":
        return subprocess.call([str(BIN / "mine2magnet"), "gui", *(rest or [str(SAMPLE)])], cwd=ROOT)
    ensure_glpk_for_tests()
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return run_tests(rest, env)


#: pytest's exit code when a selection collects no test (e.g. ``tasks.py test tests/models``, which
#: holds no timing test): not a failure while the other step ran tests
NO_TESTS_COLLECTED = 5


def run_tests(args: list[str], env: dict[str, str]) -> int:
    """Two steps, then the layer check and the lint; non-zero when any of them fails.

    1. every test except the timing-sensitive ones (``-m "not timing"``): safe beside other load;
    2. the ``timing`` tests (cancel within a second, no GUI stall, time limits) alone and one after
       another, so a busy machine cannot fail them at random.
    ``args`` (paths, -x, -k ...) go to both steps. The layer check (``lint-imports``) and the lint
    (``ruff check .``, rules in pyproject.toml's [tool.ruff]) always cover the whole tree."""
    pytest = [str(PY), "-m", "pytest", "-q"]
    first = subprocess.call([*pytest, "-m", "not timing", *args], cwd=ROOT, env=env)
    print("+ timing-sensitive tests, serially", flush=True)
    second = subprocess.call([*pytest, "-m", "timing", *args], cwd=ROOT, env=env)
    if NO_TESTS_COLLECTED in (first, second) and (first, second) != (NO_TESTS_COLLECTED,) * 2:
        # one step had nothing to run in this selection: only when both are empty is that a failure
        first, second = (0 if c == NO_TESTS_COLLECTED else c for c in (first, second))
    lint = subprocess.call([str(BIN / "lint-imports")], cwd=ROOT)
    style = subprocess.call([str(BIN / "ruff"), "check", "."], cwd=ROOT)
    for name, code in (("tests", first), ("timing tests", second), ("layer check", lint), ("ruff check", style)):
        if code:
            print(f"tasks.py test: {name} failed (exit {code})", file=sys.stderr)
    return first or second or lint or style


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
