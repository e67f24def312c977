"""Atomic saving: a failed save changes nothing and leaves no temp files; .bak keeps the previous version."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import models.io as io
from models import load_project, save_project

from .conftest import TEACHING


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


@pytest.fixture
def saved(tmp_path):
    """A saved teaching project (no .bak yet) and its bytes."""
    path = tmp_path / "plan.m2m.json"
    path.write_bytes(TEACHING.read_bytes())
    return path, path.read_bytes()


@pytest.mark.parametrize("target", ["fsync", "replace"])
def test_failed_save_leaves_old_file_and_no_temp_files(saved, monkeypatch, target):
    path, before = saved
    project = load_project(path)
    project.name = "changed name"
    listing = _files(path.parent)

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(io.os, target, boom)
    with pytest.raises(OSError) as info:
        save_project(project, path)
    assert "cannot save" in str(info.value) and str(path) in str(info.value)
    monkeypatch.undo()

    assert path.read_bytes() == before
    leftovers = _files(path.parent) - listing - {path.name + ".bak"}
    assert leftovers == set(), f"temp files left behind: {leftovers}"
    assert not any(name.endswith(".tmp") for name in _files(path.parent))
    assert load_project(path).name == "Teaching chain (solve by hand)"


def test_failure_on_the_second_write_keeps_the_target(saved, monkeypatch):
    """The .bak write succeeds, the target's replace fails: the target is still the old version."""
    path, before = saved
    project = load_project(path)
    project.name = "v2"
    real_replace = os.replace
    calls = []

    def replace_once(src, dst):
        calls.append(Path(dst).name)
        if Path(dst) == path:
            raise OSError(5, "I/O error")
        return real_replace(src, dst)

    monkeypatch.setattr(io.os, "replace", replace_once)
    with pytest.raises(OSError):
        save_project(project, path)
    monkeypatch.undo()
    assert calls == [path.name + ".bak", path.name]
    assert path.read_bytes() == before
    assert not any(name.endswith(".tmp") for name in _files(path.parent))


def test_backup_keeps_previous_version(saved):
    path, v1 = saved
    project = load_project(path)
    project.name = "version 2"
    save_project(project, path)
    bak = path.with_name(path.name + ".bak")
    assert bak.read_bytes() == v1
    v2 = path.read_bytes()
    assert load_project(path).name == "version 2"

    project.name = "version 3"
    save_project(project, path)
    assert bak.read_bytes() == v2
    assert load_project(bak).name == "version 2"
    assert load_project(path).name == "version 3"


def test_first_save_makes_no_backup(tmp_path):
    path = tmp_path / "new.m2m.json"
    save_project(load_project(TEACHING), path)
    assert _files(tmp_path) == {"new.m2m.json"}


def test_saved_file_is_stable_utf8_json(tmp_path):
    project = load_project(TEACHING)
    project.facilities[0].name = "Mine Ñandú ≥ 1"
    path = tmp_path / "u.json"
    save_project(project, path)
    text = path.read_bytes().decode("utf-8")
    assert "Mine Ñandú ≥ 1" in text  # not \\u-escaped: human-diffable
    assert text.startswith('{\n  "schema_version": 3,')
    assert text.endswith("}\n")


def test_unwritable_folder_gives_clear_error(tmp_path):
    project = load_project(TEACHING)
    missing = tmp_path / "no_such_folder" / "p.json"
    with pytest.raises(OSError) as info:
        save_project(project, missing)
    assert "cannot save" in str(info.value)
    assert not missing.parent.exists()
