"""Analyses that run many solves: scenario comparison and Monte Carlo delay risk."""
