# Convenience wrappers; the README's commands need only Python 3.11 (see tasks.py).
PYTHON ?= python3.11

.PHONY: setup run test bench clean

setup:
	$(PYTHON) tasks.py setup

run:
	$(PYTHON) tasks.py run

test:
	$(PYTHON) tasks.py test

bench: setup
	.venv/bin/python bench/bench_scale.py

clean:
	rm -rf .venv .pytest_cache
