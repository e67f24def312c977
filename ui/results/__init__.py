"""Results views: dashboard (KPIs, charts, build-out, Sankey, investments) and exports."""

from ui.results.dashboard import ResultsDashboard

__all__ = ["ResultsDashboard"]
