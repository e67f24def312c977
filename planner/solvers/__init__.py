"""Solver hand-offs: HiGHS from whole arrays, CBC and every other PuLP solver through a PuLP problem built from the same arrays; MPS/LP export."""
