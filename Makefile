# Day-to-day commands. `make help` lists them.
SHELL := /bin/bash
STACK ?= dev
PYTHON ?= python3
VENV ?= venv
BIN := $(VENV)/bin
# The CLI uses ./venv for the program (Pulumi.yaml) and policy/venv for the pack (PulumiPolicy.yaml);
# the development venv is the program's, with test and lint tools on top.

.PHONY: help venv test lint format up preview check clean

help:  ## List the targets.
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

venv: $(BIN)/python  ## Create ./venv with the program, the pack and the dev tools.
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt

test: venv  ## Run every test (no cloud account, no Pulumi CLI needed).
	$(BIN)/python -m pytest

lint: venv  ## ruff, ruff format --check, mypy.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	cd policy && ../$(BIN)/mypy --strict --ignore-missing-imports __main__.py rules.py

format: venv  ## Apply ruff's fixes and formatting.
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

up: venv  ## Deploy a stack: make up STACK=dev (needs the pulumi CLI and AWS credentials).
	@./scripts/up.sh "$(STACK)"

preview: venv  ## Preview a stack with the policy pack: make preview STACK=prod.
	@./scripts/up.sh --preview "$(STACK)"

clean:  ## Remove virtual environments and caches.
	rm -rf $(VENV) policy/venv .mypy_cache .ruff_cache .pytest_cache .hypothesis
