"""The decision brief: what to fund, by when, who pays, and what could break it, on one page.

:func:`build_brief` turns a PlanResult (and the project it was solved from) into a
:class:`DecisionBrief`: plain data, no drawing. The workbook's first sheet
(:func:`planner.reports.brief_sheet.add_brief_sheet`), the one-page PDF and the app's Decision view
(both in ``ui``, which owns Qt) draw the same object, so the three never disagree. Every figure
comes from :mod:`planner.reports.figures`.

Sections (in order):

* headline: scenario, status, total cost ($M discounted, without the unmet penalty) with the
  defense shortfall (t) beside it, who pays, and the risk and stress results when given;
* what to fund: one row per investment: facility, option, decision year, online year, year from
  which defense may buy (online + qualification lag), capacity added (t/yr), capex ($M, money of
  the decision year) and who pays it (government = grants, loan subsidies and policy grants tied
  to that facility's build in that year; industry = capex - government, at least 0);
* contracts and levers: each lever's payer and $M per year (undiscounted), the government's
  total per year;
* defense coverage in the years around the compliance year (compliance year - 1 to + 1, e.g.
  2026-2028): per magnet product and year defense demand, delivered, clean, short (t), the
  facilities and markets the clean defense tonnes come through, and the single points of failure
  when a stress result is given.

Stress result shape (the N-1 stress test is optional): an N-1 ``StressReport`` (its elements'
``extra_t[product][year]``, the shortfall beyond the baseline, under the element's name), or any
iterable of rows, each a mapping or an object with ``contingency`` (a facility or market id, or
any label such as "country CN"), ``product``, ``year`` and ``defense_shortfall_t`` (t of defense
demand of that product unmet in that year with the contingency out). A contingency with a
shortfall above 1e-6 t in a product-year is a single point of failure there. Without a stress
result the brief says "stress test not run".

Risk result: a :class:`planner.analysis.risk_report.RiskReport`; its probability is recomputed
over every completed sample (a failed sample counts as not met), never over the successful
ones only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping

from models.project import Project
from models.scenarios import government_budget_note, government_budget_overrides
from models.wording import count as plural
from planner.reports import figures
from planner.reports.data import STATUS_LABELS, Lookup, lever_display_name, material_label
from planner.result import NO_DEFENSE_DATE, PlanResult

#: the brief lists at most this many investments (the largest by capex; one page, and a view that
#: draws in one event-loop turn: 240 rows took 430 ms to lay out); the workbook's Investments sheet has all
MAX_FUND_ROWS = 20
#: t below which a shortfall is rounding, not a shortfall
SHORT_TOL_T = 1e-6
STRESS_NOT_RUN = "stress test not run"
RISK_NOT_RUN = "risk analysis not run"

LEVER_KIND_NAMES = {
    "offtake": "Offtake contract",
    "offtake_shortfall": "Offtake not taken",
    "price_floor": "Price floor",
    "grant": "Capex grant",
    "loan": "Loan subsidy",
    "stockpile_buy": "Stockpile purchase",
    "stockpile_release": "Stockpile release",
    "stockpile_holding": "Stockpile holding",
    "policy_grant": "Viability grant",
    "policy_floor": "Price floor (chosen)",
    "policy_offtake": "Guaranteed offtake (chosen)",
}


#: lever lines that move tonnes, not money: shown in t per year
TONNES_ONLY = {"offtake_shortfall": " t not taken", "stockpile_release": " t released",
               "stock_build_breach": " t of the stock build not held"}


@dataclass(frozen=True)
class Column:
    """A table column: header and cell format (a key of planner.reports.cells.FORMATS)."""

    title: str
    fmt: str = "text"


@dataclass(frozen=True)
class BriefTable:
    """One section of the brief: a title, columns, rows of values (numbers stay numbers), notes."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    notes: tuple[str, ...] = ()
    empty_text: str = "(none)"


@dataclass(frozen=True)
class DecisionBrief:
    """Everything the brief shows; ``headline`` is (label, text) pairs."""

    title: str
    project: str
    scenario: str
    solved_at: str
    has_plan: bool
    headline: tuple[tuple[str, str], ...]
    sections: tuple[BriefTable, ...] = field(default_factory=tuple)

    def section(self, title_start: str) -> BriefTable:
        for s in self.sections:
            if s.title.startswith(title_start):
                return s
        raise KeyError(title_start)

    def text_lines(self) -> list[str]:
        """The brief as plain text lines (for a terminal or a quick diff)."""
        lines = [self.title, ""]
        lines += [f"{label}: {text}" for label, text in self.headline]
        for s in self.sections:
            lines += ["", s.title]
            if s.rows:
                lines.append(" | ".join(c.title for c in s.columns))
                lines += [" | ".join(format_cell(v, c.fmt) for v, c in zip(r, s.columns)) for r in s.rows]
            else:
                lines.append(s.empty_text)
            lines += list(s.notes)
        return lines


def format_cell(value: Any, fmt: str) -> str:
    """A cell as text, in the same units the sheet's number formats use."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if fmt == "year" or fmt == "int":
        return f"{int(value)}" if fmt == "year" else f"{value:,.0f}"
    if fmt in ("t", "tpy"):
        return f"{value:,.1f}"
    if fmt == "musd":
        return f"{value:,.1f}"
    if fmt == "share":
        return f"{value:.1%}"
    return f"{value}"


# ----------------------------------------------------------------------------- stress, risk
@dataclass(frozen=True)
class _Stress:
    contingency: str
    product: str
    year: int
    defense_shortfall_t: float


def _stress_rows(stress: Any) -> list[_Stress]:
    if hasattr(stress, "elements"):  # an N-1 StressReport (planner.analysis.stress): shortfall beyond its baseline
        return [_Stress(f"country {e.name}" if getattr(e, "kind", "") == "country" else str(e.name or e.id),
                        str(p), int(y), float(v))
                for e in stress.elements for p, by_year in e.extra_t.items() for y, v in by_year.items()]
    out = []
    for row in stress:
        get = row.get if isinstance(row, Mapping) else (lambda k, r=row: getattr(r, k))
        out.append(_Stress(str(get("contingency")), str(get("product")), int(get("year")),
                           float(get("defense_shortfall_t"))))
    return out


def single_points_of_failure(stress: Any) -> dict[tuple[str, int], list[str]]:
    """(product, year) -> contingencies whose outage leaves defense short there (> 1e-6 t), sorted."""
    return {k: sorted(v) for k, v in spof_tonnes(stress).items()}


def spof_tonnes(stress: Any) -> dict[tuple[str, int], dict[str, float]]:
    """(product, year) -> {contingency: t of defense demand short with it out (> 1e-6 t)}; every
    stressed product-year is a key (an empty dict: stressed, no single point of failure)."""
    out: dict[tuple[str, int], dict[str, float]] = {}
    for s in _stress_rows(stress):
        out.setdefault((s.product, s.year), {})
        if s.defense_shortfall_t > SHORT_TOL_T:
            out[(s.product, s.year)][s.contingency] = s.defense_shortfall_t
    return out


def stress_rows_plain(stress: Any) -> list[dict[str, Any]]:
    """The stress result as plain rows (contingency, product, year, defense_shortfall_t): what a
    child process or a thread is given instead of the whole report (the brief accepts them)."""
    return [{"contingency": s.contingency, "product": s.product, "year": s.year,
             "defense_shortfall_t": s.defense_shortfall_t} for s in _stress_rows(stress)]


@dataclass(frozen=True)
class RiskSummary:
    """The figures of a RiskReport the brief's headline uses (plain, small, picklable).

    ``n_completed`` samples finished, ``n_ok`` of them with a plan; ``p_met_all`` year -> share of
    the samples WITH a plan meeting every defense demand that year (risk_headline rescales it
    over every completed sample); ``cost_musd`` p10/p50/p90 ($M); ``mean_unmet_by_segment_t``
    segment -> mean t short over the horizon; ``scenario`` the run's scenario id."""

    target_year: int
    n_completed: int
    n_ok: int
    p_met_all: dict[int, float]
    cost_musd: dict[str, float]
    mean_unmet_by_segment_t: dict[str, float]
    scenario: str = "base"

    @classmethod
    def of(cls, report: Any, scenario: str | None = None) -> "RiskSummary":
        return cls(int(report.target_year), int(report.n_completed), int(report.n_ok),
                   {int(y): float(v) for y, v in report.p_met_all.items()},
                   {str(k): float(v) for k, v in report.cost_musd.items() if v is not None},
                   {str(k): float(v) for k, v in report.mean_unmet_by_segment_t.items()},
                   scenario or "base")


def _short_text(contingencies: Mapping[str, float], lookup: Lookup) -> str:
    """"SmCo US (30.0 t short)" for each contingency, worst first, names for ids."""
    ranked = sorted(contingencies.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{lookup.name(c) or c} ({t:,.1f} t short)" for c, t in ranked)


def risk_headline(report: Any) -> str:
    """P(all defense demand met in the target year) over every completed sample (failed samples
    count as not met: P = P_ok x n_ok / n_completed), the failed count, and cost P10-P50-P90 of
    the samples with a plan, with the mean defense shortfall beside it."""
    n = report.n_completed
    if not n:
        return "risk analysis ran no sample"
    year = report.target_year
    p_ok = report.p_met_all.get(year)
    met = (p_ok or 0.0) * report.n_ok / n
    failed = n - report.n_ok
    text = (f"P(all defense demand met in {year}) = {met:.0%} of {n:,} samples"
            + (f" ({failed:,} without a plan count as not met)" if failed else ""))
    c = report.cost_musd
    if c.get("p50") is not None:
        short = report.mean_unmet_by_segment_t.get("defense")
        text += (f"; cost P10/P50/P90 ${c.get('p10', 0):,.0f}M / ${c['p50']:,.0f}M / ${c.get('p90', 0):,.0f}M"
                 + (f" with mean defense shortfall {short:,.1f} t" if short is not None else ""))
    return text


# ----------------------------------------------------------------------------- the brief
def coverage_years(project: Project, result: PlanResult) -> list[int]:
    """Compliance year - 1 .. + 1 (2026-2028 by default), within the years the result covers.
    (The scenario is applied only when it is not the base: applying copies the whole project.)"""
    solved = project if (result.scenario or "base") == "base" else figures.scenario_project(project, result.scenario)[0]
    c = solved.settings.compliance_start_year
    have = {r.year for r in result.demand}
    return [y for y in (c - 1, c, c + 1) if y in have]


def _scenario_text(project: Project, name: str) -> str:
    if not name or name == "base":
        return "base (no scenario overrides)"
    try:
        s = project.scenario(name)
    except KeyError:
        return name
    label = s.name or s.id
    return f"{label}: {s.description}" if s.description else label


def _names(lookup: Lookup, ids: Iterable[str]) -> str:
    return ", ".join(lookup.name(i) or i for i in ids)


def per_year_text(values: dict[int, float], unit: str = "") -> str:
    """"2026: 6.0; 2027-2031: 104.0 each" -- consecutive years with the same value (to 0.1) joined."""
    items = [(y, round(v, 1)) for y, v in sorted(values.items()) if abs(v) > 1e-9]
    runs: list[list] = []
    for y, v in items:
        if runs and runs[-1][1] == y - 1 and runs[-1][2] == v:
            runs[-1][1] = y
        else:
            runs.append([y, y, v])
    return "; ".join(f"{a}: {v:,.1f}{unit}" if a == b else f"{a}-{b}: {v:,.1f}{unit} each" for a, b, v in runs) or "0"


def _fund_table(project: Project, result: PlanResult, lookup: Lookup) -> BriefTable:
    support = figures.government_build_support(result)
    shown = figures.top_investments(result, MAX_FUND_ROWS)
    rows = []
    for i in sorted(shown, key=lambda i: (i.decided_year, -i.capex_musd, i.facility, i.option)):
        gov = support.get((i.facility, i.decided_year), 0.0)
        if gov > 1e-9:
            payer = f"government ${gov:,.1f}M, industry ${max(0.0, i.capex_musd - gov):,.1f}M"
        else:
            payer = "industry"
        # an upstream plant's lag is not carried down the chain: it has no defense date (as in the
        # plan's other views), never its online year shown as one
        qualified = i.defense_qualified_year if i.defense_qualified_year is not None else NO_DEFENSE_DATE
        rows.append((lookup.name(i.facility) or i.facility, lookup.option_name(i.facility, i.option),
                     i.decided_year, i.online_year, qualified, i.added_tpy, i.capex_musd, payer))
    total = figures.capex_committed_musd(result)
    notes = [f"{plural(len(result.investments), 'investment')}, capex ${total:,.1f}M in money of each "
             "decision year (undiscounted)."] if rows else []
    if len(result.investments) > len(shown):
        rest = len(result.investments) - len(shown)
        rest_capex = total - math.fsum(i.capex_musd for i in shown)
        notes.append(f"The {len(shown)} largest by capex are listed; {plural(rest, 'smaller investment')} "
                     f"(${rest_capex:,.1f}M) are in the workbook's Investments sheet.")
    return BriefTable(
        "What to fund",
        (Column("Facility"), Column("Investment"), Column("Decide by", "year"), Column("Online", "year"),
         Column("Defense may buy from", "year"), Column("Adds (t/yr)", "tpy"), Column("Capex ($M)", "musd"),
         Column("Who pays")),
        tuple(rows),
        notes=tuple(notes),
        empty_text="No new capacity: the plan uses existing facilities only.",
    )


def _lever_table(project: Project, result: PlanResult, lookup: Lookup) -> BriefTable:
    rows = []
    for x in figures.lever_totals(result):
        if x.kind in TONNES_ONLY:
            per_year = per_year_text(x.tonnes_by_year, TONNES_ONLY[x.kind])
            total = None
        else:
            per_year = per_year_text(x.cost_by_year)
            total = x.total_musd
        kind = LEVER_KIND_NAMES.get(x.kind, x.kind.replace("_", " "))
        rows.append((lever_display_name(project, x.kind, x.lever_id), kind,
                     lookup.name(x.facility) or x.facility, x.payer, per_year, total))
    gov = figures.government_cost_by_year(result)
    notes = []
    if gov:
        notes.append("Government pays per year ($M, undiscounted): " + per_year_text(gov) + ".")
    b = result.cost_breakdown_musd
    if "government" in b:
        notes.append(f"Discounted: government ${b['government']:,.1f}M, industry ${b.get('industry', 0.0):,.1f}M "
                     "(transfers between them leave the total unchanged).")
    return BriefTable(
        "Contracts and levers",
        (Column("Lever"), Column("Kind"), Column("Facility"), Column("Payer"), Column("$M per year"),
         Column("Total ($M)", "musd")),
        tuple(rows), tuple(notes), empty_text="No contracts or levers in this plan.")


def _coverage_table(project: Project, result: PlanResult, lookup: Lookup, stress: Iterable[Any] | None,
                    years: list[int], stress_missing: str = STRESS_NOT_RUN) -> BriefTable:
    spof = spof_tonnes(stress) if stress is not None else None
    by_product = figures.supply_by_product(result, "defense")
    stockpiles = {x.id: x.material.value for x in project.levers.stockpiles}
    rows = []
    for product, supply in by_product.items():
        for s in supply:
            if s.year not in years or s.demand <= SHORT_TOL_T:
                continue
            if spof is None:
                failure = stress_missing
            elif (product, s.year) not in spof:
                failure = "not stressed"
            else:
                failure = _short_text(spof[(product, s.year)], lookup) or "none"
            direct, upstream = figures.defense_supply_chain(result, product, s.year, stockpile_materials=stockpiles)
            depends = _names(lookup, direct) or "none"
            if upstream:
                depends += f" (+{len(upstream)} upstream)"
            rows.append((material_label(product), s.year, s.demand, s.delivered, s.clean, s.unmet, depends, failure))
    span = f"{years[0]}-{years[-1]}" if years else "around the compliance year"
    notes = [] if spof is not None else [f"Single points of failure: {stress_missing} (run the N-1 stress test "
                                         "to find the facilities whose outage leaves defense short)."]
    return BriefTable(
        f"Defense coverage {span}",
        (Column("Product"), Column("Year", "year"), Column("Defense demand (t)", "t"), Column("Delivered (t)", "t"),
         Column("Clean (t)", "t"), Column("Short (t)", "t"), Column("Depends on"), Column("Single points of failure")),
        tuple(rows), tuple(notes), empty_text="No defense demand in these years.")


def build_brief(project: Project, result: PlanResult, *, solved_at: datetime | None = None,
                stress: Iterable[Any] | None = None, risk: Any = None, stress_missing: str = STRESS_NOT_RUN,
                risk_missing: str = RISK_NOT_RUN) -> DecisionBrief:
    """The decision brief of ``result`` (solved from ``project``); see the module docstring.

    ``stress``: optional N-1 stress rows (shape in the module docstring); ``risk``: optional
    RiskReport or RiskSummary. ``stress_missing`` / ``risk_missing``: what the brief says without
    one (e.g. why the last run is out of date). Without a plan the brief holds the status and why,
    and no tables."""
    lookup = Lookup(project)
    stress_rows = _stress_rows(stress) if stress is not None else None
    scenario = _scenario_text(project, result.scenario)
    stamp = solved_at or datetime.now(timezone.utc)
    utc = stamp.utcoffset() is not None and not stamp.utcoffset()
    when = stamp.strftime("%Y-%m-%d %H:%M") + (" UTC" if utc else "")
    status = STATUS_LABELS.get(result.status, result.status.value)
    headline: list[tuple[str, str]] = [("Scenario", scenario), ("Status", status)]
    if not result.has_plan:
        headline.append(("Why", result.message or "(no message)"))
        return DecisionBrief(f"Decision brief: {project.name}", project.name, scenario, when, False, tuple(headline))
    seg = result.unmet_by_segment()
    years = coverage_years(project, result)
    window = math.fsum(t for (_p, y), t in figures.unmet_by_product_year(result, "defense").items() if y in years)
    span = f"{years[0]}-{years[-1]}" if years else ""
    headline.append(("Cost and shortfall",
                     f"${result.total_cost_musd:,.1f}M discounted total cost; defense shortfall "
                     f"{seg['defense']:,.1f} t over the horizon" + (f", {window:,.1f} t in {span}" if span else "")
                     + f"; commercial shortfall {seg['commercial']:,.1f} t"))
    b = result.cost_breakdown_musd
    if "government" in b:
        headline.append(("Who pays", f"government ${b['government']:,.1f}M, industry ${b.get('industry', 0.0):,.1f}M "
                                     "(discounted)"))
    lv = project.levers
    if (lv.government_budget_musd_per_year is not None or lv.government_budget_total_musd is not None
            or government_budget_overrides(project)):
        headline.append(("Government budget", government_budget_note(project, result.scenario or "base")))
    capex = figures.capex_committed_musd(result)
    n = len(result.investments)
    headline.append(("To fund", f"{n} investment{'s' if n != 1 else ''}, ${capex:,.1f}M capex (undiscounted)"))
    headline.append(("Risk", risk_headline(risk) if risk is not None else risk_missing))
    if stress_rows is None:
        headline.append(("Stress test", stress_missing))
    else:
        worst: dict[str, float] = {}  # contingency -> its largest product-year shortfall (t)
        for by in spof_tonnes(stress_rows).values():
            for c, t in by.items():
                worst[c] = max(worst.get(c, 0.0), t)
        n_crit = len(worst)
        headline.append(("Stress test", (f"{n_crit} single point{'s' if n_crit != 1 else ''} of failure "
                                         "(the most defense demand short in one product and year): "
                                         + _short_text(worst, lookup)) if worst else
                         "no single point of failure in the stressed years"))
    sections = (_fund_table(project, result, lookup), _lever_table(project, result, lookup),
                _coverage_table(project, result, lookup, stress_rows, years, stress_missing))
    return DecisionBrief(f"Decision brief: {project.name}", project.name, scenario, when, True, tuple(headline),
                         sections)
