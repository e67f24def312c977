"""Optimisation and analysis for mine2magnet: build the MILP, solve, verify, report. No Qt."""
