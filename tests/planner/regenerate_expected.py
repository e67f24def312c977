"""Rewrite tests/planner/expected/real_chain_base.json from a fresh HiGHS solve of the real sample.

Run deliberately when the sample or the model changes (and say why in the commit)::

    .venv/bin/python -m tests.planner.regenerate_expected
"""

from __future__ import annotations

import json
from pathlib import Path

from models import load_project
from planner.pipeline.solve import SolveOptions, solve_project

from .helpers import REAL

OUT = Path(__file__).parent / "expected" / "real_chain_base.json"


def main() -> None:
    r = solve_project(load_project(REAL), SolveOptions(solver="highs", time_limit_s=600))
    assert r.status.value == "optimal", r.message
    share = {c.product: c.clean_share for c in r.compliance if c.year == 2027}
    data = {
        "about": "Expected summary of `mine2magnet solve sample_projects/us_allied_mine_to_magnet.m2m.json` (base). "
                 "Regenerate deliberately when the sample or the model changes, and say why in the commit.",
        "status": r.status.value,
        "total_cost_musd": r.total_cost_musd,
        "cost_breakdown_musd": r.cost_breakdown_musd,
        "unmet_t": round(r.unmet_total(), 6),
        "investments": [
            {"facility": i.facility, "option": i.option, "decided_year": i.decided_year, "online_year": i.online_year,
             "added_tpy": i.added_tpy}
            for i in sorted(r.investments, key=lambda i: (i.facility, i.option, i.decided_year))
        ],
        "defense_clean_share_2027": {k: share[k] for k in sorted(share)},
    }
    OUT.write_text(json.dumps(data, indent=2) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
