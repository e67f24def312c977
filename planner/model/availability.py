"""Ramp-up (availability) risk of a Monte Carlo sample applied to a network.

A sample draws, per facility with ``Facility.availability_risk``, the share of its scheduled existing
capacity available in each listed year (planner.analysis.risk_sampling). Applied here to
``Network.existing_capacity`` before the model is built, so the capacity rows
(act <= existing + online adds) and the qualification caps (defense deliveries <= output x
existing) both use existing x share. Expansions built by the plan are not scaled.
"""

from __future__ import annotations

from planner.model.network import Network


def apply_capacity_shares(net: Network, shares: dict[tuple[str, int], float] | None) -> None:
    """existing_capacity[(f, y)] *= shares[(f, y)] in place (pairs outside the network are ignored)."""
    for key, share in (shares or {}).items():
        if key in net.existing_capacity:
            net.existing_capacity[key] = net.existing_capacity[key] * float(share)


__all__ = ["apply_capacity_shares"]
