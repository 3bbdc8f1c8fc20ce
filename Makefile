# The two commands of the README: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run demo test lint bench setup clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## Run the product on the embedded default: SQLite with demo data (made on first run), web app, background jobs.
run: $(STAMP)
	@test -f sellerdesk-demo.toml || $(MAKE) --no-print-directory demo
	$(BIN)/sellerdesk run --config sellerdesk-demo.toml --allow-demo-login

## A fresh demo inbox, anchored at the current time (replaces the demo database).
demo: $(STAMP)
	$(BIN)/sellerdesk demo --database-url sqlite:///sellerdesk.db --config-out sellerdesk-demo.toml --reset

## Run the whole test suite (lint and types first: they are part of the bar).
test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) sellerdesk.db sellerdesk.db-wal sellerdesk.db-shm sellerdesk-demo.toml demo-outbox
