# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench addin system-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,bench]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/sheetplan demo -o out/demo

system-deps:
	bash tools/system-deps.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/lint-imports --no-cache

test: $(STAMP) system-deps lint
	$(PY) -m pytest -q

addin: $(STAMP)
	$(VENV)/bin/sheetplan addin build -o addin/sheetplan.xlam

bench: $(STAMP) system-deps
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) out .pytest_cache
