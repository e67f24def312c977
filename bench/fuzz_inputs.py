"""Long fuzz run of the input contract (not a test): thousands of generated project files.

    .venv/bin/python bench/fuzz_inputs.py [--examples 2000]

Runs tests/models/test_fuzz_inputs.py with M2M_FUZZ_EXAMPLES=N per strategy and fresh random
seeds (M2M_FUZZ_LONG=1; CI uses a fixed, small set). Prints the pytest summary and the wall time;
a failure shows hypothesis's smallest failing document. The contract: ``validate`` exits 0 or 2
with located problems, ``solve`` exits 0/1/2, never a traceback, never a hang (20 s per case).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="examples per strategy (default 2000)")
    args = parser.parse_args()
    env = dict(os.environ, M2M_FUZZ_EXAMPLES=str(args.examples), M2M_FUZZ_LONG="1", QT_QPA_PLATFORM="offscreen")
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/models/test_fuzz_inputs.py", "-q", "-p", "no:cacheprovider",
         "--timeout", "0", "-x"],
        cwd=ROOT, env=env,
    )
    seconds = time.perf_counter() - t0
    print(f"fuzz: {args.examples} examples per strategy (4 validate strategies; solve at 1/4, scenarios+risk at 1/15), "
          f"{seconds:.0f} s, {'all passed' if proc.returncode == 0 else 'FAILED'}")
    return proc.returncode


if __name__ == "__main__":
    raise SystemExit(main())
