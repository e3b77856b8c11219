# The two commands people and CI use: `make demo` and `make test`.
# Each installs what it needs into ./.venv first (and `make test` Debian's Chromium).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Every Python package comes from uv.lock (exact versions and hashes). uv itself is pinned
# here and installed from PyPI into .tools/; it never downloads a Python of its own.
UV_VERSION := 0.13.9
UV := .tools/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
SYNC := $(UV) sync --frozen --python $(PYTHON) --quiet

.PHONY: install install-run demo serve test lint typecheck browser-deps test-services bench \
	bench-room i18n lock clean report-images

$(UV):
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --target .tools uv==$(UV_VERSION)

## What running Agora needs (no development tool).
install-run: $(UV)
	$(SYNC) --no-dev --extra themes

## Everything, development tools included.
install: $(UV)
	$(SYNC) --extra themes

## Refresh uv.lock to the newest releases pyproject.toml allows; then run `make test`.
lock: $(UV)
	$(UV) lock --upgrade --python $(PYTHON)

## Run the reference session (code EUREG23) on SQLite and print its links.
demo: install-run
	$(BIN)/agora demo --host $(HOST) --port $(PORT)

serve: install-run
	$(BIN)/agora serve --host $(HOST) --port $(PORT)

## Debian's Chromium for the browser tests (DESIGN.md: no browser downloads), and for the
## PDF report: Pango, HarfBuzz's subsetter and DejaVu fonts (WeasyPrint), poppler-utils (PDF tests).
browser-deps:
	@{ command -v chromium && command -v pdftoppm && command -v pdfinfo && command -v pdftotext \
		&& fc-list | grep -q DejaVuSans && ldconfig -p | grep -q libpangoft2-1.0 \
		&& ldconfig -p | grep -q libharfbuzz-subset; } >/dev/null 2>&1 || { \
		$(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium \
			poppler-utils fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; }

## PostgreSQL and Redis from Debian for the tests: the suite uses the machine's running
## servers (AGORA_TEST_POSTGRES_URL, AGORA_TEST_REDIS_URL) or starts throwaway ones with
## these binaries (tests/services.py).
test-services:
	@{ ls /usr/lib/postgresql/*/bin/initdb && command -v redis-server; } >/dev/null 2>&1 || { \
		$(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q postgresql redis-server; }

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

typecheck: install
	$(BIN)/mypy

## After changing user-facing strings: update the template and every catalogue, then
## translate the new entries (tests/core/test_i18n.py fails until all are translated).
i18n: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k N_plural:1,2 -k pgettext:1c,2 -k npgettext:1c,2,3 -o agora/locale/messages.pot --no-location \
		--sort-output --project Agora --version 0.1.0 --msgid-bugs-address "" .
	$(BIN)/pybabel update -i agora/locale/messages.pot -d agora/locale \
		--no-fuzzy-matching --ignore-obsolete

## Everything CI runs: lint, type checks and the whole test suite (SQLite, PostgreSQL, browser).
## The browser tests run in their own pytest process: Playwright's sync API keeps an event
## loop in the main thread, which the asyncio tests cannot share.
test: install browser-deps test-services lint typecheck
	$(BIN)/pytest -m browser
	$(BIN)/pytest -m "not browser"

## The page images of the demo's PDF report that docs/reports.md shows: regenerate them
## after changing the report (build/ holds the demo database and the PDF).
REPORT_BUILD := $(CURDIR)/build/report-images
report-images: install browser-deps
	rm -rf $(REPORT_BUILD) && mkdir -p $(REPORT_BUILD) docs/images
	AGORA_DATABASE_URL=sqlite:///$(REPORT_BUILD)/demo.db $(BIN)/agora demo --no-serve >/dev/null
	AGORA_DATABASE_URL=sqlite:///$(REPORT_BUILD)/demo.db $(BIN)/agora report EUREG23 \
		--format pdf --output $(REPORT_BUILD)/demo-report.pdf
	rm -f docs/images/report-page-*.png
	pdftoppm -r 45 -png $(REPORT_BUILD)/demo-report.pdf docs/images/report-page
	$(BIN)/python -c "$$REPORT_IMAGES_LIST"

# Rewrites the list of page images between the report-images markers of docs/reports.md.
define REPORT_IMAGES_LIST
import pathlib, re
pages = sorted(pathlib.Path("docs/images").glob("report-page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
block = "\n".join(f"![Page {n}](images/{p.name})" for n, p in enumerate(pages, 1))
doc = pathlib.Path("docs/reports.md")
text = re.sub(r"(<!-- report-images -->\n).*?(<!-- /report-images -->)", lambda m: m.group(1) + block + "\n" + m.group(2), doc.read_text(), flags=re.S)
doc.write_text(text)
endef
export REPORT_IMAGES_LIST

bench: install
	$(BIN)/python bench/bench_responses.py $(BENCH_ARGS)

## The live room under load (docs/performance.md): e.g. make bench-room BENCH_ARGS="--phones 1000"
bench-room: install
	$(BIN)/python bench/bench_room.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .tools instance .pytest_cache .mypy_cache .ruff_cache .hypothesis
