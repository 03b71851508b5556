# mesocourse: every target sets up .venv on first use (only Python >= 3.11 and make needed).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# nbgrader's generate_assignment runs `alembic`: the venv's bin/ must be on PATH.
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: setup lint test demo lab app release bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "mesocourse needs Python >= 3.11 (set PYTHON=...)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check
	$(BIN)/mypy

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

demo: $(STAMP)
	$(BIN)/mesocourse demo --out demo-course --trainees 24

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=.

app: $(STAMP)
	$(BIN)/mesocourse app

release: $(STAMP)
	$(BIN)/mesocourse release

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) demo-course .pytest_cache
