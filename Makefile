# Hearth: `make run` serves the app, `make test` runs the whole suite. See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL := postgresql+psycopg://postgres@127.0.0.1:5432/test
export FLASK_APP := backend

.PHONY: run serve test test-sqlite test-postgres test-postgres-and-clocks test-clocks install install-dev chromium migrate clean fuzz bench load wrk \
	lint format

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Biome (the JavaScript linter and formatter) and Lighthouse (make bench: Today's performance and layout
# shift), exactly as package-lock.json pins them, into node_modules.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# What `make lint` reads: all Python (ruff.toml) and the PWA's scripts (biome.json).
LINT_PY := backend tests bench migrations
LINT_JS := frontend/js service-worker.js

# Every check runs, even after one fails, so one run lists everything; any failure fails the target.
lint: install-dev node_modules/.installed
	@status=0; \
	echo "== ruff check"; $(BIN)/ruff check $(LINT_PY) || status=1; \
	echo "== ruff format --check"; $(BIN)/ruff format --check $(LINT_PY) || status=1; \
	echo "== biome ci"; node_modules/.bin/biome ci $(LINT_JS) || status=1; \
	exit $$status

# Rewrites files in place: the fixes ruff and Biome call safe, then their formatting.
format: install-dev node_modules/.installed
	$(BIN)/ruff check --fix $(LINT_PY)
	$(BIN)/ruff format $(LINT_PY)
	node_modules/.bin/biome check --write $(LINT_JS)

migrate: install
	$(BIN)/flask db upgrade

# Plain http on 127.0.0.1, so the session cookie cannot be marked Secure here.
# The VAPID keys are made the first time only (`flask push init` never replaces them).
# One origin on PORT: the live service (backend/live) answers /api/live and forwards every other request
# to Flask's server on the next port (WEB_PORT). The web server, the push worker and the live service
# run together: Ctrl-C, or any one ending, stops all three.
run: migrate
	@$(BIN)/flask push key >/dev/null 2>&1 || $(BIN)/flask push init
	@port=$${PORT:-5000}; web_port=$${WEB_PORT:-$$((port + 1))}; \
	trap 'kill $$web $$worker $$live 2>/dev/null; wait; exit 0' INT TERM; \
	SESSION_COOKIE_SECURE=0 $(BIN)/flask run --host 127.0.0.1 --port $$web_port & web=$$!; \
	$(BIN)/flask nudges run & worker=$$!; \
	$(BIN)/python -m backend.live --host 127.0.0.1 --port $$port --proxy-to http://127.0.0.1:$$web_port & live=$$!; \
	wait -n; status=$$?; kill $$web $$worker $$live 2>/dev/null; wait; exit $$status

# The browser tests drive Debian's Chromium; install it when it is missing and we may.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	  else echo "chromium is missing and we are not root: the browser tests will be skipped"; fi; \
	fi

# Lint first, then the whole suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set: every
# server test, and the browser tests where the database shows through (PG_BROWSER_TESTS). The whole browser
# suite twice no longer fits CI's 90 minutes on a 2-core machine; `make test-postgres` runs all of it there.
# Each run is shared among TEST_WORKERS pytest-xdist workers, a test file at a time (module fixtures stay in
# one worker), each with a database of its own (tests/conftest.py); TEST_WORKERS=0 runs in one process.
# pytest exits 5 when it collected no test: that fails the run like any other non-zero code.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadfile)
PG_BROWSER_TESTS := tests/e2e/test_encryption.py tests/e2e/test_marker.py tests/e2e/test_offline.py \
	tests/e2e/test_one_tap.py tests/e2e/test_couple_change.py tests/e2e/test_live.py tests/e2e/test_push.py \
	tests/e2e/test_agreement_conflicts.py tests/e2e/test_first_sync.py tests/e2e/test_readable_export.py \
	tests/e2e/test_keys_screens.py tests/e2e/test_unlock.py tests/e2e/test_device_proof.py tests/e2e/test_pairing_keys.py
# The clock instants (SQLite, their own temporary databases) run beside the PostgreSQL server tests: on a slow
# 2-core machine the run came within minutes of CI's 90 one after the other.
PG_SERVER_TESTS ?= --ignore=tests/e2e tests
test: lint install-dev chromium
	env -u TEST_DATABASE_URL $(PYTEST)
	@$(MAKE) --no-print-directory test-postgres-and-clocks

test-postgres-and-clocks: install-dev
	@if [ -z "$$TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-clocks; exit $$?; fi; \
	echo "== the clock instants, beside the server tests again on PostgreSQL ($$TEST_DATABASE_URL)"; \
	$(MAKE) --no-print-directory test-clocks > .test-clocks.log 2>&1 & clocks=$$!; \
	$(PYTEST) $(PG_SERVER_TESTS); pg=$$?; \
	wait $$clocks; clock=$$?; cat .test-clocks.log; rm -f .test-clocks.log; \
	if [ $$pg -ne 0 ] || [ $$clock -ne 0 ]; then echo "== failed: PostgreSQL server tests $$pg, clock instants $$clock"; exit 1; fi; \
	echo "== and the browser tests where the database shows through"; \
	$(PYTEST) $(PG_BROWSER_TESTS)

# Every test runs at a fixed instant (tests/conftest.py, `clock`). These run the worker, schedule and
# local-date tests again at the instants that once broke them or could: a Sunday at 10:00 and 21:30 in
# Berlin (default rituals fall due), both Berlin DST changes, and New Year's Eve at 23:59 UTC.
CLOCK_INSTANTS := 2026-11-29T09:00:00Z 2026-11-29T20:30:00Z 2026-03-29T01:00:00Z 2026-10-25T01:30:00Z 2026-12-31T23:59:00Z
CLOCK_TESTS := tests/test_push_delivery.py tests/test_nudges.py tests/test_schedule.py tests/test_push_workers.py \
	tests/test_us_stats.py tests/test_pairing.py tests/test_export_stats.py tests/test_owner_reminders.py tests/test_timeout_owner.py
test-clocks: install-dev
	@for instant in $(CLOCK_INSTANTS); do \
	  echo "== worker and schedule tests at $$instant"; \
	  env -u TEST_DATABASE_URL HEARTH_TEST_NOW=$$instant $(BIN)/python -m pytest -q -p no:cacheprovider $(CLOCK_TESTS) || exit 1; \
	done

test-sqlite: install-dev
	env -u TEST_DATABASE_URL $(PYTEST)

test-postgres: install-dev
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-$(PG_TEST_URL)} $(PYTEST)

# Benchmarks (README, "Benchmarks"). They reset the schema of the PostgreSQL database they are given.
BENCH_PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

# The HTTP load generator for `make bench`, from Debian's packages when missing and we may.
wrk:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "wrk is missing: apt-get install wrk" >&2; exit 1; fi; \
	fi

# Every benchmark on SQLite and PostgreSQL: bench/results.json, bench/results.md and a table (~9 min).
bench: install-dev chromium wrk node_modules/.installed
	cd bench && BENCH_PG_URL=$(BENCH_PG_URL) ../$(BIN)/python run.py

# 200 phones syncing for 60 s against gunicorn + PostgreSQL; adds "load" to bench/results.json.
load: install-dev
	cd bench && BENCH_PG_URL=$(BENCH_PG_URL) ../$(BIN)/python load.py

# The schemathesis run of `make test`, longer: 300 examples per operation and the coverage phase, on SQLite.
fuzz: install-dev
	env -u TEST_DATABASE_URL FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-300} $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_fuzz.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache test-artifacts
