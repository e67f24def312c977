"""The last plan, kept beside its project file: ``<name>.m2m.json`` -> ``<name>.m2m.plan.json``.

Never inside the project file (a project stays inputs only, diffable); reopening the project shows
the plan again, marked out of date when the inputs differ from those it was solved from.

File contents (JSON, UTF-8, written atomically through models.io.atomic_write_bytes):

    {"format": "mine2magnet-plan", "version": 1,
     "inputs_digest": SHA-1 of the solved project's JSON (Project.model_dump_json), or null when unknown,
     "solver": the solver choice ("auto", "highs", "cbc", ...), "scenario": id or null,
     "time_limit_s": number or null, "saved_at": ISO time, "result": the result JSON (PlanResult.to_dict)}

Reading never executes anything: the JSON is parsed and the result rebuilt with
``PlanResult.from_dict``; a file that is not such a plan raises :class:`PlanFileError` with the
reason, and a missing one reads as None.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from models.io import atomic_write_bytes
from models.project import Project
from planner.result import PlanResult

FORMAT = "mine2magnet-plan"
VERSION = 1
#: a plan file larger than this is not read (a results JSON of the real sample is ~0.3 MB)
MAX_BYTES = 200_000_000


class PlanFileError(Exception):
    """The kept plan cannot be read; ``str(err)`` says why (the project itself is unaffected)."""


@dataclass
class KeptPlan:
    result: PlanResult
    inputs_digest: str | None
    solver: str = "auto"
    scenario: str | None = None
    time_limit_s: float | None = None
    saved_at: str = ""

    def matches(self, project: Project) -> bool:
        """True when ``project`` has exactly the inputs this plan was solved from."""
        return self.inputs_digest is not None and self.inputs_digest == inputs_digest(project)


def inputs_digest(project: Project) -> str:
    """SHA-1 of the project's JSON (the same digest the app's document keeps of solved inputs)."""
    return hashlib.sha1(project.model_dump_json().encode("utf-8")).hexdigest()


def plan_path(project_path: str | os.PathLike[str]) -> Path:
    """``a/b.m2m.json`` -> ``a/b.m2m.plan.json``; a name without ``.json`` gets ``.plan.json`` added."""
    p = Path(project_path)
    stem = p.name[:-5] if p.name.lower().endswith(".json") else p.name
    return p.with_name(stem + ".plan.json")


def write_plan(project_path: str | os.PathLike[str], kept: KeptPlan) -> Path:
    """Write ``kept`` beside the project file (atomically); returns the plan file's path. OSError
    when it cannot be written (the project file is never touched)."""
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "inputs_digest": kept.inputs_digest,
        "solver": kept.solver,
        "scenario": kept.scenario,
        "time_limit_s": kept.time_limit_s,
        "saved_at": kept.saved_at or datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "result": kept.result.to_dict(),
    }
    target = plan_path(project_path)
    atomic_write_bytes(target, (json.dumps(data, indent=1, allow_nan=False) + "\n").encode("utf-8"), keep_backup=False)
    return target


def read_plan(project_path: str | os.PathLike[str]) -> KeptPlan | None:
    """The plan kept beside ``project_path``, or None when there is none; PlanFileError when the
    file is there but is not a readable plan."""
    target = plan_path(project_path)
    try:
        size = target.stat().st_size
    except FileNotFoundError:
        return None
    except OSError as e:
        raise PlanFileError(f"{target.name}: {e.strerror or e}") from e
    if size > MAX_BYTES:
        raise PlanFileError(f"{target.name}: larger than {MAX_BYTES:,} bytes")
    try:
        data = json.loads(target.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise PlanFileError(f"{target.name}: not a readable plan ({e})") from e
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PlanFileError(f"{target.name}: not a mine2magnet plan file")
    if data.get("version") != VERSION:
        raise PlanFileError(f"{target.name}: plan file version {data.get('version')!r} is not {VERSION}")
    try:
        result = PlanResult.from_dict(data["result"])
        digest = data.get("inputs_digest")
        limit = data.get("time_limit_s")
        return KeptPlan(result=result, inputs_digest=str(digest) if digest is not None else None,
                        solver=str(data.get("solver") or "auto"),
                        scenario=str(data["scenario"]) if data.get("scenario") is not None else None,
                        time_limit_s=float(limit) if isinstance(limit, (int, float)) else None,
                        saved_at=str(data.get("saved_at") or ""))
    except (KeyError, TypeError, ValueError) as e:
        raise PlanFileError(f"{target.name}: the plan inside is not readable ({type(e).__name__}: {e})") from e
