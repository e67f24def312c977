"""Issue 25, class 12 (smaller ones) on project files: a killed backup write's temp file, a
version-1 file with both an old and a new field, an invest override above the option's maximum."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

from models import load_project, save_project

from .conftest import ROOT, TEACHING
from .fuzz_contract import TEACHING_DOC, run_cli
from .test_migration import V1_DOCUMENT

_KILLED_BACKUP_WRITE = """
import os, sys
import models.io as io
def die(src, dst):
    os._exit(9)  # killed between writing the .bak's temp file and renaming it
io.os.replace = die
io.atomic_write_bytes(sys.argv[1], b"new", keep_backup=True)
"""


def test_temp_file_of_a_killed_backup_write_is_cleaned_on_the_next_save(tmp_path):
    path = tmp_path / "plan.m2m.json"
    path.write_bytes(TEACHING.read_bytes())
    proc = subprocess.run([sys.executable, "-c", _KILLED_BACKUP_WRITE, str(path)], cwd=ROOT, timeout=60)
    assert proc.returncode == 9
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers and all(n.startswith(".plan.m2m.json.bak.") for n in leftovers)
    assert path.read_bytes() == TEACHING.read_bytes()  # the kill left the project as it was
    save_project(load_project(path), path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.m2m.json", "plan.m2m.json.bak"]


def test_version_1_file_with_an_old_and_a_new_field_is_refused(tmp_path):
    """capacity_schedule (v1) next to capacity_tpy (v2) used to overwrite capacity_tpy silently;
    tonnes (v1) next to tonnes_by_year likewise."""
    doc = copy.deepcopy(V1_DOCUMENT)
    doc["facilities"][0]["capacity_tpy"] = 5000
    doc["demands"][0]["tonnes_by_year"] = {"2027": 99}
    path = tmp_path / "old.m2m.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, out, err = run_cli(["validate", str(path)])
    assert code == 2
    assert err.splitlines() == [
        f"{path}: Facility 'Old mine' (facilities[0]), capacity schedule: give either capacity_schedule (version 1) "
        "or capacity_tpy, not both",
        f"{path}: Demand 'd' (demands[0]), tonnes: give either tonnes (version 1) or tonnes_by_year, not both",
    ]


def test_invest_override_above_the_options_maximum_is_refused(tmp_path):
    """t_magnet_build adds at most 150 t/yr; an invest override of 400 t/yr was cut to 150 unseen."""
    doc = copy.deepcopy(TEACHING_DOC)
    doc["scenarios"] = [{"id": "big", "overrides": [{"kind": "invest", "option_id": "t_magnet_build", "year": 2026,
                                                     "added_tpy": 400}]}]
    doc["facilities"][3]["options"][0]["committed_tpy_by_year"] = {"2027": 200}
    path = tmp_path / "p.m2m.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, out, err = run_cli(["validate", str(path)])
    assert code == 2
    assert err.splitlines() == [
        f"{path}: Facility 'Teaching NdFeB magnet plant (Texas)' (facilities[3]), option 1, committed (t/yr), 2027: "
        "200 t/yr is more than the option can add (max add (t/yr) 150)",
        f"{path}: Scenario 'big' (scenarios[0]), override 1, added (t/yr): 400 t/yr is more than option "
        "'t_magnet_build' can add (max add (t/yr) 150); it would be cut to 150 unseen",
    ]


# ------------------------------------------------------------------ class 5: lost updates
_OTHER_PROCESS_EDIT = """
import sys
from models import load_project, save_project
p = load_project(sys.argv[1])
p.name = "edited by the other process"
save_project(p, sys.argv[1])
"""


def test_a_save_over_a_file_changed_since_load_is_refused(tmp_path):
    """Process A loads, process B loads, edits and saves; A's save would drop B's edit: refused with
    a clear message (FileChangedError, an OSError), the file keeps B's edit; overwrite=True saves."""
    import pytest

    from models.disk_stamp import FileChangedError

    path = tmp_path / "p.m2m.json"
    path.write_bytes(TEACHING.read_bytes())
    mine = load_project(path)
    mine.notes = "edited here"
    proc = subprocess.run([sys.executable, "-c", _OTHER_PROCESS_EDIT, str(path)], cwd=ROOT, timeout=60)
    assert proc.returncode == 0
    with pytest.raises(FileChangedError) as e:
        save_project(mine, path)
    assert str(e.value) == (f"[Errno 17] {path} changed on disk after it was loaded (saved by another window or "
                            "program); saving now would overwrite that change. Reload it, or save to another file, "
                            "or overwrite on purpose")
    assert load_project(path).name == "edited by the other process"
    save_project(mine, path, overwrite=True)
    assert load_project(path).notes == "edited here"
    mine.notes = "and again"
    save_project(mine, path)  # its own last save is the new reference: no refusal
    assert load_project(path).notes == "and again"


def test_same_bytes_with_a_new_mtime_or_another_file_is_not_a_change(tmp_path):
    import os

    path = tmp_path / "p.m2m.json"
    path.write_bytes(TEACHING.read_bytes())
    p = load_project(path)
    os.utime(path, (1_000_000_000, 1_000_000_000))  # touched, same bytes
    save_project(p, path)
    other = tmp_path / "other.m2m.json"
    other.write_bytes(b"{}")
    save_project(p, other)  # Save As onto another file: the user chose it
    assert load_project(other) == p
