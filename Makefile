# Vetting's developer and operator commands. `make demo` and `make test` are the quick start.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# `make test` talks to real PostgreSQL and Redis; override these to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/vetting
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
DEMO_ENV := DEBUG=1 DATABASE_URL= REDIS_URL=

.PHONY: install lock demo test lint audit format migrations-check worker beat bench services chromium vendor clean

install: $(VENV)/.installed  ## create .venv/ and install the locked dependencies

$(VENV)/.installed: requirements.lock
	@python=$$(scripts/find-python) || exit 1; \
	  if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	    echo "Creating $(VENV) with $$python"; rm -rf $(VENV); "$$python" -m venv $(VENV) || exit 1; \
	  fi
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

# Both locks pin every package with its hashes (pip then refuses anything else).
# requirements.lock: development and tests (make install); requirements-prod.lock: what the
# production image installs, without the test and lint tools.
LOCK := $(BIN)/pip-compile --quiet --strip-extras --generate-hashes --allow-unsafe --no-emit-index-url \
	  --no-emit-find-links

lock:  ## re-resolve pyproject.toml into requirements.lock (dev) and requirements-prod.lock
	$(LOCK) --extra dev -o requirements.lock pyproject.toml
	$(LOCK) -o requirements-prod.lock pyproject.toml

demo: install  ## embedded mode: SQLite, inline tasks, demo data, serve on :8000
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py demo_seed
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: install services chromium  ## the whole suite on real PostgreSQL and Redis
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) VETTING_QUEUE=test-$$$$ DEBUG=1 \
	  $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	@scripts/audit

audit: install  ## known vulnerabilities in requirements-prod.lock (pip-audit; skips offline)
	@scripts/audit

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

worker: install  ## a Celery worker (set DATABASE_URL and REDIS_URL)
	$(BIN)/celery -A vetting worker --loglevel=INFO

beat: install  ## the periodic sweep that re-queues pending assessments
	$(BIN)/celery -A vetting beat --loglevel=INFO --schedule var/celerybeat-schedule

# The suite starts its own deployment (private redis-server, gunicorn, Celery) on 127.0.0.1 and
# its own vetting_bench_* databases on TEST_DATABASE_URL's server; see docs/benchmarks.md. It
# needs no shared Redis, so it does not depend on `services`. The full mode keeps the 1M
# databases (vetting_bench_links_1m, vetting_bench_dashboard_1m) and reuses them next time.
bench: install  ## the benchmark suite (BENCH_ARGS=--quick: CI size; full: 1M stored, at most 90 min)
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) bench/run_all.py $(BENCH_ARGS)

services:  ## start local PostgreSQL and Redis if installed but stopped
	@scripts/services-up

chromium:  ## Debian's Chromium for the browser tests
	@scripts/ensure-chromium

vendor:  ## refresh the vendored front-end libraries in static/vendor from the npm registry
	scripts/vendor-static

clean:
	rm -rf $(VENV) var .pytest_cache
