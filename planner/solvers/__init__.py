"""Solver hand-offs: HiGHS from whole arrays, CBC and the other PuLP solvers via PuLP from the same; MPS/LP export."""
