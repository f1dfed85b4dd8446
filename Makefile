# Day-to-day commands. `make help` lists them.
SHELL := /bin/bash
STACK ?= dev
# `make check` checks every stack unless STACK is given on the command line.
STACKS := $(patsubst Pulumi.%.yaml,%,$(filter-out Pulumi.yaml,$(wildcard Pulumi.*.yaml)))
STACK_ARG := $(if $(filter command line,$(origin STACK)),$(STACK))
PYTHON ?= python3
VENV ?= venv
BIN := $(VENV)/bin
# The CLI uses ./venv for the program (Pulumi.yaml) and policy/venv for the pack (PulumiPolicy.yaml);
# the development venv is the program's, with test and lint tools on top.

.PHONY: help venv policy-venv pulumi-cli test lint lint-workflows format generate up preview demo demo-destroy check plan migrate clean

help:  ## List the targets.
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when a requirements file changes.
$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt requirements-tools.txt policy/requirements.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed  ## Create ./venv with the program, the pack and the dev tools.

# The CLI runs a local policy pack with the interpreter PulumiPolicy.yaml names (policy/venv) and
# does not create it: build it from the pack's own requirements, nothing else.
policy/venv/.installed: policy/requirements.txt
	$(PYTHON) -m venv policy/venv
	policy/venv/bin/python -m pip install --quiet --upgrade pip
	policy/venv/bin/python -m pip install --quiet -r policy/requirements.txt
	touch $@

policy-venv: policy/venv/.installed  ## Create policy/venv, where the CLI runs the policy pack.

pulumi-cli:  ## Build the pinned Pulumi CLI (cli/go.mod) once per machine for tests/cli (docs/cli.md).
	@./scripts/pulumi-cli.sh

# One worker per core (pytest-xdist); an idle worker takes tests queued for a busy one (worksteal), a
# module's pack starts once per worker. PYTEST_ARGS adds options: PYTEST_ARGS="-n 0 -x".
test: venv  ## Run every test (no cloud account; tests/cli skip without make pulumi-cli, fail in CI).
	$(BIN)/python -m pytest -n auto --dist worksteal $(PYTEST_ARGS)

lint: venv lint-workflows  ## ruff, ruff format --check, mypy, and the workflow checks.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/mypy examples/backend/__main__.py
	$(BIN)/mypy package/__main__.py
	cd policy && ../$(BIN)/mypy --strict --ignore-missing-imports __main__.py rules.py

lint-workflows: venv  ## check-jsonschema, zizmor and actionlint on .github/.
	VENV=$(VENV) .ci/check-workflows

# Each fact declared once, copied where it cannot be read: stacks.yaml (the list of stacks) into
# the workflows, policy-config.sh and the trust policy; config_keys.py into Pulumi.yaml's config
# block and the docs' key table; the rule and module docstrings into the docs' tables; the
# component's annotations into package/schema.json.
generate: venv  ## Rewrite every generated copy: stacks, config keys, the docs' tables, the schema.
	$(BIN)/python -m tools.generate
	$(BIN)/python -m tools.key_tables
	$(BIN)/python -m tools.doc_tables
	$(BIN)/python -m tools.package_schema

format: venv  ## Apply ruff's fixes and formatting.
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

up: venv policy-venv  ## Deploy a stack: make up STACK=dev (needs the pulumi CLI and AWS credentials).
	@./scripts/up.sh "$(STACK)"

preview: venv policy-venv  ## Preview a stack with the policy pack: make preview STACK=prod.
	@./scripts/up.sh --preview "$(STACK)"

# The prerequisites first: building both virtual environments takes a minute and a half, too long
# to learn only afterwards that the Pulumi CLI or the credentials are missing.
demo:  ## Try it with no NLB of your own: backend, then dev on it, then the smoke check (~$0.03/h).
	@./scripts/demo.sh check
	@$(MAKE) --no-print-directory venv policy-venv
	@./scripts/demo.sh up

demo-destroy:  ## Remove what make demo created: dev first, then the backend.
	@./scripts/demo.sh check
	@$(MAKE) --no-print-directory venv
	@./scripts/demo.sh destroy

# Each stack with the pack config `make up` and CI use for it (scripts/policy-config.sh).
check: venv  ## Stack check without credentials: make check STACK=prod (every stack if STACK is unset).
	@set -e; for stack in $(or $(STACK_ARG),$(STACKS)); do \
	  config="$$(scripts/policy-config.sh "$$stack")"; echo "== $$stack ($$config)"; \
	  $(BIN)/python -m tools.stackcheck "$$stack" --policy-pack-config "$$config" $(CHECK_ARGS); done

# What CI's pull-request job runs: the working tree (uncommitted changes included) against BASE.
BASE ?= origin/main
plan: venv  ## What this branch does to every stack, without credentials: make plan BASE=main
	@configs=(); for stack in $(STACKS); do \
	  configs+=(--stack-policy-pack-config "$$stack=$$(scripts/policy-config.sh "$$stack")"); done; \
	$(BIN)/python -m tools.stackcheck --base "$(BASE)" "$${configs[@]}" $(CHECK_ARGS)

# Canary steps judged by the canary's own metrics, rollback on a breach (docs/switching-links.md).
# TO is checked before the virtual environments are built.
$(if $(filter migrate,$(MAKECMDGOALS)),$(if $(TO),,$(error name the link: make migrate STACK=$(STACK) TO=<link>)))
migrate: venv policy-venv  ## Move a stack to another link in steps: make migrate STACK=prod TO=green
	@$(BIN)/python -m tools.migrate "$(STACK)" --to "$(TO)" $(MIGRATE_ARGS)

clean:  ## Remove virtual environments and caches.
	rm -rf $(VENV) policy/venv .mypy_cache .ruff_cache .pytest_cache .hypothesis
