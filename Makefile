# The two commands a newcomer needs: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test setup lint clean

setup:
	@bash scripts/setup.sh

run: setup
	@$(VENV)/bin/dps serve

test:
	@bash scripts/setup.sh --with-test-tools
	@bash scripts/check.sh

lint: setup
	@$(VENV)/bin/lint-imports && $(VENV)/bin/ruff check src tests bench && $(VENV)/bin/mypy

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
