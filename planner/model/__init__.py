"""The model as data: network (index sets), constraint families (build.py), LinearProgram arrays, synthetic chains."""
