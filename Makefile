# The two commands people and CI use: `make demo` and `make test`.
# Each installs what it needs into ./.venv first (and `make test` Debian's Chromium).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install demo serve test lint typecheck browser-deps bench i18n clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Run the reference session (code EUREG23) on SQLite and print its links.
demo: $(STAMP)
	$(BIN)/agora demo --host $(HOST) --port $(PORT)

serve: $(STAMP)
	$(BIN)/agora serve --host $(HOST) --port $(PORT)

## Debian's Chromium for the browser tests (DESIGN.md: no browser downloads), and for the
## PDF report: Pango and DejaVu fonts (WeasyPrint), poppler-utils (PDF tests).
browser-deps:
	@{ command -v chromium && command -v pdftoppm && command -v pdfinfo && command -v pdftotext \
		&& fc-list | grep -q DejaVuSans && ldconfig -p | grep -q libpangoft2-1.0; } >/dev/null 2>&1 || { \
		$(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium \
			poppler-utils fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0; }

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

## After changing user-facing strings: update the template and every catalogue, then
## translate the new entries (tests/core/test_i18n.py fails until all are translated).
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -o agora/locale/messages.pot --no-location \
		--sort-output --project Agora --version 0.1.0 --msgid-bugs-address "" .
	$(BIN)/pybabel update -i agora/locale/messages.pot -d agora/locale \
		--no-fuzzy-matching --ignore-obsolete

## Everything CI runs: lint, type checks and the whole test suite (SQLite, PostgreSQL, browser).
## The browser tests run in their own pytest process: Playwright's sync API keeps an event
## loop in the main thread, which the asyncio tests cannot share.
test: $(STAMP) browser-deps lint typecheck
	$(BIN)/pytest -m browser
	$(BIN)/pytest -m "not browser"

bench: $(STAMP)
	$(BIN)/python bench/bench_responses.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache .hypothesis
