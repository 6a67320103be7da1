# BaliTrack's everyday commands. Each one makes the virtual environment first if needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup test lint format check clean worker bench load lock audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Migrate the database, load the Bali Process record into a database that does not hold
# it yet and, on the embedded SQLite default only, add the demo accounts and focal points
# that are missing (manage.py setup). On a database in use it changes nothing and takes a
# second or two. The address served is the one the demo banner and e-mail links give.
setup run: export SITE_URL ?= http://$(HOST):$(PORT)
setup: $(VENV)/.installed
	$(BIN)/python manage.py setup

run: setup
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Development: one Celery worker with the beat scheduler inside it (needs Redis at REDIS_URL).
worker: $(VENV)/.installed
	$(BIN)/celery -A balitrack worker --beat --loglevel=INFO

# The browser tests' accessibility check runs axe-core, an npm package pinned in
# package-lock.json. Where npm is missing those tests are skipped, saying so; CI has npm.
NPM := $(shell command -v npm 2>/dev/null)
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# The suite in parallel, one process per core (each with its own test database), then the
# few tests marked `alone` (they pause or cut a shared service) by themselves. With
# JUNIT=path/name each pass writes path/name-parallel.xml and path/name-alone.xml.
TEST_WORKERS ?= auto
test: $(VENV)/.installed $(if $(NPM),node_modules/.installed)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not alone" $(if $(JUNIT),--junitxml=$(JUNIT)-parallel.xml) $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m alone $(if $(JUNIT),--junitxml=$(JUNIT)-alone.xml) $(PYTEST_ARGS)

# The lock files: requirements.txt and requirements-dev.txt pin every package, with its
# hashes, from what requirements.in and requirements-dev.in ask for. Run after editing either.
TOOLS := .venv-tools
$(TOOLS)/bin/pip-audit:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet pip-tools==7.6.2 pip-audit==2.10.1

LOCK := $(TOOLS)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links
lock: $(TOOLS)/bin/pip-audit
	$(LOCK) --output-file requirements.txt requirements.in
	$(LOCK) --output-file requirements-dev.txt requirements-dev.in

# Before a release: every pinned version against the advisories published on PyPI. Fails
# when a package is affected, and when any package could not be checked.
audit: $(TOOLS)/bin/pip-audit
	$(TOOLS)/bin/pip-audit --strict --disable-pip --require-hashes --requirement requirements-dev.txt

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# What CI checks besides the tests.
check: $(VENV)/.installed
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# Speed at scale (BENCHMARKS.md): needs the database generate_scale_data filled.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/balitrack_scale
bench: $(VENV)/.installed
	$(BIN)/python bench/run.py --database-url $(BENCH_DATABASE_URL) $(BENCH_ARGS)

# Mixed reads and status updates from several users; fails on any error or lost update.
load: $(VENV)/.installed
	$(BIN)/python bench/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) db.sqlite3 staticfiles
