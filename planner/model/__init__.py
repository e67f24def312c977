"""The optimisation model as data: the network (index sets), the constraint families (build.py) and the solver-neutral LinearProgram arrays; synthetic chains for benchmarks."""
