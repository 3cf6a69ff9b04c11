# The README's commands. `make run` and `make test` each set up what they need first.
PYTHON ?= python3.12
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test test-sqlite test-postgres system-packages bench lint typecheck

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## make run: set up, migrate, load the demo region if the database is empty, serve on 127.0.0.1:5000
## with the one scheduler process beside it (windows close, reminders fire); Ctrl-C stops both
run: install
	$(BIN)/qframe db upgrade
	$(BIN)/qframe demo --if-empty
	@$(BIN)/qframe scheduler & sched=$$!; \
	trap 'kill $$sched 2>/dev/null; wait $$sched 2>/dev/null' EXIT INT TERM; \
	$(BIN)/qframe run --host 127.0.0.1 --port 5000

## make test: the whole suite on SQLite, then again on PostgreSQL when QFRAME_TEST_DATABASE_URL is set
test: install system-packages
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$QFRAME_TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "QFRAME_TEST_DATABASE_URL not set: PostgreSQL pass skipped (.ci/run sets it)"; fi

test-sqlite: install
	env -u QFRAME_TEST_DATABASE_URL $(BIN)/python -m pytest

# The browser tests serve their own demo on a SQLite file whatever the database, so they run once,
# in the SQLite pass.
test-postgres: install
	@echo "PostgreSQL pass: browser tests (tests/e2e) ran in the SQLite pass; they serve a SQLite demo"
	$(BIN)/python -m pytest -m 'not benchmark and not e2e'

## Debian packages the tests need (Chromium, poppler-utils, Pango), installed when missing
system-packages:
	@bash scripts/ensure-system-packages.sh

## make bench: national-scale benchmarks (figures go in the README)
bench: install
	$(BIN)/python -m pytest -m benchmark -s tests/benchmarks

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy
