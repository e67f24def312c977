"""Work panels: solve (with its worker), scenario comparison, Monte Carlo risk and validation."""
