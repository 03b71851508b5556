# mesocourse: every target sets up .venv on first use (only Python >= 3.11 and make needed).
# .venv is built on a Python other accounts can run (make hub runs each person's server from it as
# their own account): see course/hub/shared_python.py. PYTHON=... overrides.
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell python3 course/hub/shared_python.py 2>/dev/null || echo python3)
endif
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# nbgrader's generate_assignment runs `alembic`: the venv's bin/ must be on PATH.
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: setup lint test test-fast demo lab app release bench hub docs clean labextension

# JupyterHub's proxy, from npm, into the environment (make hub needs it; never system-wide)
CHP    := $(VENV)/node/node_modules/.bin/configurable-http-proxy

setup: $(STAMP) $(CHP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "mesocourse needs Python >= 3.11 (set PYTHON=...)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,hub,docs]'
	@# the exam kernel's kernelspec (a regular pip install carries it; an editable one carries no data files)
	$(BIN)/python -c 'from course.exam_kernel import ENVIRONMENT_KERNELS, write_kernelspec; print(write_kernelspec(ENVIRONMENT_KERNELS))'
	touch $(STAMP)

$(CHP):
	@if command -v npm >/dev/null 2>&1; then npm install --prefix $(VENV)/node --no-audit --no-fund --loglevel=error 'configurable-http-proxy@^5'; \
	else echo "setup: Node.js/npm missing, so the course server (make hub) cannot run: apt-get install nodejs npm"; fi

lint: $(STAMP)
	$(BIN)/ruff check
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/mesocourse build-notebooks --check
	$(BIN)/python tools/conda_environment.py --check
	$(BIN)/python tools/labextension.py --check
	@# the documentation site: built with warnings as errors, every internal link resolved, axe on its pages
	$(BIN)/python -m pytest tests/test_docs.py -q -p no:randomly

# Everything. A test needing what this machine or folder lacks (root, a folder other accounts can enter,
# Chromium, PostgreSQL, npm) skips and says what to install or run; under CI=true it fails instead.
# Three workers on two cores: the course server's tests mostly wait (servers starting, exam clocks,
# the idle culler), and a third worker runs other tests meanwhile (16:53 -> 13:52 for the suite).
TEST_WORKERS ?= 3
test: $(STAMP) $(CHP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# The unit tests and the real nbgrader tests, for each change: no browser, course server, PostgreSQL or
# whole-cohort runs (the markers in pyproject.toml), under 3 minutes on 2 cores.
FAST := not browser and not hub and not postgres and not long
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "$(FAST)" $(PYTEST_ARGS)

demo: $(STAMP)
	$(BIN)/mesocourse demo --out demo-course --trainees 24

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=.

app: $(STAMP)
	$(BIN)/mesocourse app

release: $(STAMP)
	$(BIN)/mesocourse release

hub: $(STAMP) $(CHP)
	$(BIN)/mesocourse hub

# the documentation site (docs/*.md, MyST) into docs/_build/html: warnings are errors
docs: $(STAMP)
	$(BIN)/sphinx-build -W --keep-going -n -q -b html docs docs/_build/html
	@echo "docs: open docs/_build/html/index.html"

# the course's JupyterLab extension (course/hub/lab, TypeScript) into its committed prebuilt folder
# course/hub/labextension: needs Node.js and npm; make setup and the hub need neither
labextension: $(STAMP)
	$(BIN)/python tools/labextension.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) demo-course .pytest_cache
