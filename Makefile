# Two commands matter: `make serve` and `make test`. Everything else is for contributors.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test test-fast lint format build bench notebooks check status contributors clean setup chromium pdf bundle

$(STAMP): pyproject.toml scripts/bootstrap.py package-lock.json
	@$(PY) scripts/bootstrap.py

setup: $(STAMP)

chromium:
	@scripts/ensure_chromium.sh

build: $(STAMP)
	$(BIN)/mkdocs build --strict

# One PDF per edition (the print view, site/print.html and site/en/print.html, through Chromium)
# into site/downloads/, linked from both home pages.
pdf: build chromium
	$(BIN)/python -m translation_tools.site.printing pdf site

# The book built for reading from disk (links to x.html, not x/) as site/downloads/rnnbook-offline.zip,
# the PDFs of both editions included; linked from both home pages.
bundle: pdf
	$(BIN)/python -m translation_tools.site.printing bundle site --config-file mkdocs.yml

# One edition while serving (a one-paragraph edit rebuilds in about a second); EDITIONS=both for /en/ too.
EDITIONS ?= vi
serve: $(STAMP)
	RNNBOOK_SERVE_EDITIONS=$(EDITIONS) $(BIN)/mkdocs serve --strict --dev-addr $(HOST):$(PORT)

test: lint chromium
	$(BIN)/python -m translation_tools contributors docs --check
	$(BIN)/python -m pytest

# The tests not marked slow or browser: a quick loop while changing code.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not browser"

# ruff (lint and format check) and mypy, configured in pyproject.toml; `make test` runs this first.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Apply ruff's fixes and formatting.
format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

notebooks: $(STAMP)
	$(BIN)/python -m translation_tools.execution.notebooks docs --out notebooks

check: $(STAMP)
	$(BIN)/python -m translation_tools check docs

status: $(STAMP)
	$(BIN)/python -m translation_tools status docs

contributors: $(STAMP)
	$(BIN)/python -m translation_tools contributors docs --write contributors.md

clean:
	rm -rf site .cache tests/artifacts
