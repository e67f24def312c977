"""Saving: symlinks, a .bak folder, stale temp files, file modes.

Every write (project, .bak, result JSON, workbook) goes through ``models.io.atomic_write_bytes``,
so these tests exercise that function through ``save_project`` and directly.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from models import load_project, save_project
from models.io import atomic_write_bytes

from .conftest import ROOT, TEACHING

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes and symlinks")


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def project():
    return load_project(TEACHING)


def test_saving_through_a_symlink_writes_the_target(tmp_path, project):
    real = tmp_path / "shared" / "plan.m2m.json"
    real.parent.mkdir()
    real.write_bytes(TEACHING.read_bytes())
    link = tmp_path / "plan.m2m.json"
    link.symlink_to(real)
    project.name = "saved through the link"
    save_project(project, link)
    assert link.is_symlink(), "the link was replaced by a plain file"
    assert load_project(real).name == "saved through the link"
    assert (real.parent / "plan.m2m.json.bak").read_bytes() == TEACHING.read_bytes()


def test_bak_that_is_a_folder_gives_a_clear_message(tmp_path, project):
    path = tmp_path / "plan.m2m.json"
    path.write_bytes(TEACHING.read_bytes())
    (tmp_path / "plan.m2m.json.bak").mkdir()
    with pytest.raises(OSError) as info:
        save_project(project, path)
    assert info.value.strerror == (
        f"cannot save {path}: {path}.bak is a folder, so the previous version cannot be kept "
        "as a backup; rename or remove that folder"
    )
    assert path.read_bytes() == TEACHING.read_bytes()


_INTERRUPTED_SAVE = """
import os, sys
import models.io as io
def die(src, dst):
    os._exit(9)  # killed between writing the temp file and renaming it
io.os.replace = die
io.atomic_write_bytes(sys.argv[1], b"half-saved", keep_backup=False)
"""


def test_temp_files_of_an_interrupted_save_are_cleaned_on_the_next_save(tmp_path, project):
    path = tmp_path / "plan.m2m.json"
    path.write_bytes(TEACHING.read_bytes())
    proc = subprocess.run([sys.executable, "-c", _INTERRUPTED_SAVE, str(path)], cwd=ROOT, timeout=60)
    assert proc.returncode == 9
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers, "the interrupted save should have left its temp file"
    save_project(project, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.m2m.json", "plan.m2m.json.bak"]


def test_old_temp_files_of_other_saves_are_cleaned(tmp_path, project):
    """Temp files in the old naming (mkstemp) older than an hour are removed; a fresh one is kept."""
    path = tmp_path / "plan.m2m.json"
    old = tmp_path / ".plan.m2m.json.k2j3h4.tmp"
    fresh = tmp_path / ".plan.m2m.json.a8s7d6.tmp"
    for p in (old, fresh):
        p.write_bytes(b"x")
    os.utime(old, (1_000_000_000, 1_000_000_000))
    other = tmp_path / ".other.json.zz.tmp"
    other.write_bytes(b"x")
    os.utime(other, (1_000_000_000, 1_000_000_000))
    save_project(project, path)
    assert not old.exists() and fresh.exists() and other.exists()


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_new_file_follows_the_umask(tmp_path, umask):
    previous = os.umask(umask)
    try:
        target = tmp_path / "result.json"
        atomic_write_bytes(target, b"{}", keep_backup=False)
    finally:
        os.umask(previous)
    assert _mode(target) == 0o666 & ~umask


def test_existing_file_and_its_backup_keep_their_mode(tmp_path, project):
    path = tmp_path / "plan.m2m.json"
    path.write_bytes(TEACHING.read_bytes())
    os.chmod(path, 0o640)
    save_project(project, path)
    assert _mode(path) == 0o640
    assert _mode(path.with_name(path.name + ".bak")) == 0o640


def test_workbook_follows_the_umask(tmp_path):
    from planner.pipeline.solve import solve_project
    from planner.reports.xlsx import write_plan_workbook

    project = load_project(TEACHING)
    result = solve_project(project)
    previous = os.umask(0o022)
    try:
        out = tmp_path / "plan.xlsx"
        write_plan_workbook(out, project, result)
    finally:
        os.umask(previous)
    assert _mode(out) == 0o644


def test_target_that_is_not_a_regular_file_is_refused(tmp_path):
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    with pytest.raises(OSError) as info:
        atomic_write_bytes(fifo, b"x", keep_backup=False)
    assert "not a regular file" in str(info.value)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO was replaced"
