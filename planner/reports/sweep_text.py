"""The text summary ``mine2magnet sweep`` prints (as planner/reports/text.py holds the other
commands'): the base point, the tornado table and the points without a plan.

``report`` is a planner.analysis.sweep.SweepReport, used by its attributes only (reports never
import the runners)."""

from __future__ import annotations

from typing import Any


def _f(v: float | None, spec: str = "+,.2f") -> str:
    return "n/a" if v is None else format(v, spec)


def sweep_lines(report: Any) -> list[str]:
    """The readable summary ``mine2magnet sweep`` prints: base point, tornado table, failures."""
    y = report.target_year
    lines = [f"Sensitivity sweep of {report.project!r} (scenario {report.scenario}): {len(report.points)}/"
             f"{report.n_requested} points{' on a grid' if report.grid else ', one input at a time'}, "
             f"{report.n_failed} failed" + (" -- CANCELLED" if report.cancelled else "")]
    base = report.base
    if base is not None:
        if base.ok:
            cov = "n/a" if base.defense_coverage is None else f"{base.defense_coverage:.1%}"
            lines.append(f"Base point: cost {base.total_cost_musd:,.2f} $M, government "
                         f"{base.government_cost_musd:,.2f} $M, "
                         f"{y} defense coverage {cov}")
        else:
            lines.append(f"Base point: {base.status}: {base.message}")
    rows = report.tornado()
    if rows:
        lines.append("")
        lines.append(f"Tornado (change from the base at the input's low / high value; costs $M discounted; "
                     f"coverage = share of {y} defense demand delivered clean), largest cost swing first:")
        table = [["input", "low", "high", "cost low", "cost high", "cost slope/unit", "gov low", "gov high",
                  f"cov {y} low", f"cov {y} high", "failed"]]
        for r in rows:
            table.append([r.input, f"{r.low:g}", f"{r.high:g}", _f(r.cost_delta_low_musd), _f(r.cost_delta_high_musd),
                          _f(r.cost_slope_musd_per_unit), _f(r.government_delta_low_musd),
                          _f(r.government_delta_high_musd),
                          _f(r.coverage_delta_low, "+.1%"), _f(r.coverage_delta_high, "+.1%"), str(r.n_failed)])
        widths = [max(len(row[k]) for row in table) for k in range(len(table[0]))]
        for j, row in enumerate(table):
            lines.append("  " + "  ".join(c.ljust(w) if k == 0 else c.rjust(w)
                                          for k, (c, w) in enumerate(zip(row, widths))))
            if j == 0:
                lines.append("  " + "  ".join("-" * w for w in widths))
    elif report.grid:
        lines.append("(a grid has no tornado; every point is in --json / --csv)")
    failed = [p for p in report.points if not p.ok]
    if failed:
        lines.append("")
        lines.append(f"Points without a plan ({len(failed)}):")
        for p in failed[:20]:
            lines.append(f"  point {p.index} {p.values}: {p.status}: {p.message.splitlines()[0] if p.message else ''}")
    return lines
