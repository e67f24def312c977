"""An analyst's walk-through of mine2magnet's Python API (docs/analyst_guide.md explains each step).

    .venv/bin/python docs/examples/analyst_walkthrough.py [--quick] [--out DIR]

1. load the real sample chain; list its facilities by stage (a DataFrame);
2. raise defense demand 20 % from 2028 in pandas and put it back (validated like a file);
3. solve before and after and compare cost, government cost and unmet defense tonnes;
4. solve the base and the China-cut scenario side by side;
5. sweep three inputs one at a time on two worker processes and print the tornado;
6. write the tornado and the plan as CSV + datapackage.json and a workbook with a bar chart
   (and a PNG if matplotlib is installed).

``--quick`` plans to 2029 instead of 2035 (``m2m.with_horizon``), solves LP relaxations and
sweeps two values per input, so the whole walk-through runs in well under a minute; the tests run it
so. Without it, every solve is the full MILP over the full horizon (several minutes).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

import mine2magnet as m2m  # noqa: E402

SAMPLE = ROOT / "sample_projects" / "us_allied_mine_to_magnet.m2m.json"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="horizon to 2029, LP relaxations, 2 values per input")
    ap.add_argument("--out", default="analyst_walkthrough_out", help="folder for the CSV package and workbook")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    # 1. Load the real sample; facilities as a DataFrame.
    project = m2m.load(SAMPLE)
    if args.quick:
        project = m2m.with_horizon(project, 2029)
    relax, steps = args.quick, (2 if args.quick else 3)
    fac = m2m.facilities(project)
    print(f"{project.name}: {len(fac)} facilities, horizon {project.settings.start_year}-{project.settings.end_year}")
    print(fac.groupby("stage")["capacity_tpy"].agg(["count", "sum"]).rename(columns={"sum": "capacity_tpy"}))

    # 2. Defense demand +20 % from 2028, edited in pandas and validated on the way back.
    dem = m2m.demand(project)
    surge = (dem["segment"] == "defense") & (dem["year"] >= 2028)
    dem.loc[surge, "tonnes_t"] *= 1.2
    surged = m2m.with_tables(project, demand=dem)
    print(f"\ndefense demand 2028 on: {m2m.demand(project).loc[surge, 'tonnes_t'].sum():,.0f} t -> "
          f"{dem.loc[surge, 'tonnes_t'].sum():,.0f} t")

    # 3. Solve both and compare the headline figures.
    before, after = m2m.solve(project, relax=relax), m2m.solve(surged, relax=relax)
    for plan in (before, after):
        if not plan.has_plan:
            print(f"no plan: {plan.result.message}")
            return 1
    cols = ["total_cost_musd", "government_cost_musd", "unmet_defense_t"]
    table = pd.concat([before.summary[cols].assign(case="as filed"),
                       after.summary[cols].assign(case="defense +20 % from 2028")])
    print("\n" + table.set_index("case").round(2).to_string())
    new = after.investments.merge(before.investments, on=["facility", "option", "decided_year"], how="left",
                                  suffixes=("", "_before"), indicator=True)
    added = new[new["_merge"] == "left_only"]
    print(f"investments the surge adds or moves: {len(added)}")
    if len(added):
        print(added[["facility", "option", "decided_year", "added_tpy"]].to_string(index=False))

    # 4. Base against the China-cut scenario.
    sc = m2m.scenarios(project, only=["china_cut"], relax=relax)
    print("\n" + sc.comparison[["scenario_id", "status", "total_cost_musd", "unmet_defense_t",
                                "unmet_commercial_t"]].round(2).to_string(index=False))

    # 5. A small sweep on two workers, one input at a time.
    run = m2m.sweep(project, [f"capex=0.8:1.2:{steps}", f"demand:defense=0.8:1.2:{steps}", f"price=0.8:1.2:{steps}"],
                    workers=2, relax=relax)
    tornado = run.tornado
    print("\nTornado (change in total cost from the base, $M discounted; coverage = 2027 defense delivered clean):")
    print(tornado[["input", "low", "high", "cost_delta_low_musd", "cost_delta_high_musd", "cost_swing_musd",
                   "coverage_delta_low_share", "coverage_delta_high_share"]].round(3).to_string(index=False))

    # 6. Tables any tool can read, a workbook with the tornado chart, and a PNG when matplotlib is here.
    run.to_csv(out / "sweep_csv")
    run.to_xlsx(out / "sweep.xlsx")
    after.to_csv(out / "plan_csv")
    print(f"\nwrote {out / 'sweep_csv'}, {out / 'sweep.xlsx'} and {out / 'plan_csv'}")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib is not installed: the tornado chart is in sweep.xlsx)")
        return 0
    t = tornado.iloc[::-1]
    fig, ax = plt.subplots(figsize=(7, 0.6 * len(t) + 1.5))
    ax.barh(t["input"], t["cost_delta_low_musd"], color="#1565C0", label="low value")
    ax.barh(t["input"], t["cost_delta_high_musd"], color="#C62828", label="high value")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("change in total cost from the base, $M (discounted)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "tornado.png", dpi=120)
    print(f"wrote {out / 'tornado.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
