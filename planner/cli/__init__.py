"""The ``mine2magnet`` command line: shared plumbing (common.py), one module per subcommand, main.py wires them."""
