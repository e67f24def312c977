# mine2magnet: `make run` opens the app on the real sample project; `make test` runs every test.
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
SAMPLE ?= sample_projects/us_allied_mine_to_magnet.m2m.json

.PHONY: setup run test bench clean

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (or run: make PYTHON=python3 ...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

run: setup
	$(VENV)/bin/mine2magnet gui $(SAMPLE)

test: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q
	$(VENV)/bin/lint-imports

bench: setup
	$(PY) bench/bench_scale.py

clean:
	rm -rf $(VENV) .pytest_cache
