# The two commands of the README. Each sets up its own virtual environment.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast lint format bench clean

$(BIN)/.installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt -r requirements-test.txt
	touch $@

$(BIN)/.cluster: $(BIN)/.installed requirements-cluster.txt
	$(BIN)/pip install --quiet -r requirements-cluster.txt
	touch $@

run: $(BIN)/.installed  ## start the app on http://localhost:8501
	$(BIN)/python -m lab.ui.serve run streamlit_app.py

lint: $(BIN)/.installed  ## ruff (lint and format check) and mypy over the core
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(BIN)/.installed  ## rewrite the code in the project's format
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: $(BIN)/.installed $(BIN)/.cluster  ## unit, app and browser tests (the Ray cluster test needs Ray)
	$(BIN)/python -m pytest

test-fast: $(BIN)/.installed  ## unit and app tests only (no browser)
	$(BIN)/python -m pytest -m "not e2e"

bench: $(BIN)/.installed  ## the benchmarks in bench/ (prints figures)
	$(BIN)/python -m bench.engine_overhead

clean:
	rm -rf $(VENV) artifacts .pytest_cache
