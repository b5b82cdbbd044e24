# Fifth Branch: `make run` and `make test` are all a newcomer needs (see README.md).
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTHON ?= $(shell scripts/find-python)
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO ?= 1
# The project and its apps, floor by floor (docs/architecture.md).
APPS := heart web people location background access triage workforce dispatch care_navigation interop dashboards demo

.PHONY: install chromium run test lint typecheck pytest bench load lock clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then exit 1; fi
	@if [ -x $(BIN)/python ] && ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
		echo "$(VENV) holds an older Python: recreating it with $(PYTHON)"; rm -rf $(VENV); fi
	@if [ ! -x $(BIN)/python ]; then echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: install
	DEBUG=$${DEBUG:-1} DEMO=$(DEMO) scripts/run.sh $(HOST) $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	DEBUG=1 $(BIN)/mypy $(APPS)

chromium:
	@scripts/ensure-chromium

pytest: install chromium
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

bench: install
	$(BIN)/python bench/run.py

load: install
	$(BIN)/python bench/load.py

# The lock files from pyproject.toml's ranges (README.md, "Dependencies"): requirements.lock is
# what the Docker image installs, requirements-dev.lock adds the dev extra.
LOCK_FLAGS := --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links
lock: install
	$(BIN)/pip-compile $(LOCK_FLAGS) $(LOCK_ARGS) -o requirements.lock pyproject.toml
	$(BIN)/pip-compile $(LOCK_FLAGS) $(LOCK_ARGS) --extra dev -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) var/celery var/screenshots .pytest_cache .mypy_cache .ruff_cache
