"""Results views: dashboard (KPIs, charts, build-out, Sankey, investments) and exports.

The package itself imports no Qt: the Excel export's child process imports ``ui.results.export``
and, with it, only ``models`` and ``planner`` (importing the dashboard and Qt's widget and chart
libraries there cost the child most of a second of CPU, taken from the window on a 2-core
machine). ``ui.results.ResultsDashboard`` is imported on first use.
"""

from typing import Any

__all__ = ["ResultsDashboard"]


def __getattr__(name: str) -> Any:
    if name == "ResultsDashboard":
        from ui.results.dashboard import ResultsDashboard

        return ResultsDashboard
    raise AttributeError(name)
