"""Output paths of a command checked before it runs: never empty, never one of the command's own
input files (``solve P --json P`` used to overwrite the project with no ``.bak``), never two
outputs on one file. Paths are compared after resolving symlinks; existing files also by device
and inode (a hard link, or another spelling on a case-insensitive disk)."""

from __future__ import annotations

import argparse
import os

#: argparse attributes holding files a command reads, and the option that names each
INPUTS = (("project", "the project file"), ("plan", "the plan (--plan)"))
#: argparse attributes holding files a command writes, and the option that names each
OUTPUTS = (("json", "--json"), ("xlsx", "--xlsx"), ("write_mps", "--write-mps"), ("write_lp", "--write-lp"))


def _same_file(a: str, b: str) -> bool:
    try:
        if os.path.realpath(a) == os.path.realpath(b):
            return True
    except (OSError, ValueError):
        return False
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):  # one of them does not exist yet (or a NUL in the name)
        return False


def output_path_problem(args: argparse.Namespace) -> str | None:
    """The first problem with the command's output paths, or None.

    An empty output name (``--json ""``) is refused (it used to write nothing and say nothing); an
    output equal to an input of the same command or to another output is refused."""
    outputs = [(option, getattr(args, attr)) for attr, option in OUTPUTS if getattr(args, attr, None) is not None]
    for option, path in outputs:
        if not str(path).strip():
            return f"{option}: no file name given"
    inputs = [(what, getattr(args, attr)) for attr, what in INPUTS if getattr(args, attr, None)]
    for option, path in outputs:
        for what, source in inputs:
            if _same_file(path, source):
                return (f"{option} {path}: that is {what} {source}, an input of this command; "
                        "writing there would destroy it. Choose another output file")
    for k, (option, path) in enumerate(outputs):
        for other, other_path in outputs[k + 1:]:
            if _same_file(path, other_path):
                return f"{option} and {other} name the same file {path}; give each output its own file"
    return None
