# Departures: `make run` to try it, `make test` to check it.
# The Python to build .venv with: PYTHON=... if given, else the first of
# PYTHON_CANDIDATES that runs and is 3.11 or newer (a pyenv shim for a version
# that is not enabled does not run, and is skipped).
PYTHON ?=
PYTHON_CANDIDATES := python3.13 python3.12 python3.11 python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

# Development defaults; anything set in the environment wins.
DEV_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}
TEST_ENV := DJANGO_DEBUG=0 \
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-insecure-key-for-tests-only} \
	DJANGO_SECURE_SSL_REDIRECT=0

.PHONY: install run test lint format serve clean bench

$(STAMP): pyproject.toml
	@is_new_enough() { "$$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }; \
	python="$(PYTHON)"; \
	if [ -n "$$python" ]; then \
		is_new_enough "$$python" || { echo "PYTHON=$$python does not run or is older than 3.11; Departures needs Python 3.11 or newer."; exit 1; }; \
	else \
		for candidate in $(PYTHON_CANDIDATES); do \
			if is_new_enough "$$candidate"; then python="$$candidate"; break; fi; \
		done; \
		[ -n "$$python" ] || { echo "Departures needs Python 3.11 or newer, and none of $(PYTHON_CANDIDATES) is. Install one, or name it: make PYTHON=/path/to/python3.12 ..."; exit 1; }; \
	fi; \
	echo "Building $(VENV) with $$python ($$("$$python" -c 'import sys; print(sys.version.split()[0], "at", sys.executable)'))"; \
	"$$python" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# axe-core for the browser accessibility audit (package.json); optional where
# npm is missing, in which case that audit skips (or fails with REQUIRE_BROWSER=1).
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else echo "npm not found: the accessibility audit will not run"; fi

install: $(STAMP) $(NODE_STAMP)

run: install
	$(DEV_ENV) $(PY) manage.py migrate --no-input
	$(DEV_ENV) $(PY) manage.py load_demo --if-empty
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

# The hooks of .pre-commit-config.yaml, on every tracked file: ruff check and
# format, django-upgrade, djhtml. All run from the venv; nothing is downloaded.
lint: install
	$(VENV)/bin/pre-commit run --all-files --show-diff-on-failure

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	git ls-files -z '*.py' | xargs -0 $(VENV)/bin/django-upgrade --target-version 5.2 || true
	git ls-files -z 'templates/*.html' | xargs -0 $(VENV)/bin/djhtml

# Production-style serving: settings come from the environment
# (DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, ...).
serve: install
	$(PY) manage.py collectstatic --no-input
	$(PY) manage.py migrate --no-input
	$(VENV)/bin/gunicorn config.wsgi --bind $${BIND:-127.0.0.1:8000} --workers $${WEB_CONCURRENCY:-2} --access-logfile -

# The benchmark (bench/README.md): Datasette goes into its own environment,
# never into the app's.
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): bench/requirements.txt
	$(PY) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet -r bench/requirements.txt
	touch $(BENCH_STAMP)

bench: install $(BENCH_STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) $(BENCH_VENV) node_modules staticfiles .pytest_cache .ruff_cache

# --- Hardening (issue 10): backups and the load test -------------------------
.PHONY: backup restore loadtest

# make backup [FILE=path]: the whole database, safe while the app runs.
backup: install
	$(DEV_ENV) $(PY) manage.py backup $(FILE)

# make restore FILE=path: replaces every table (asks first).
restore: install
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/departures-….dump"; exit 1; }
	$(DEV_ENV) $(PY) manage.py restore $(FILE)

# make loadtest [DURATION=10s] [CONNECTIONS=8]: gunicorn + wrk on loopback.
loadtest: install
	@command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
	DURATION=$${DURATION:-10s} CONNECTIONS=$${CONNECTIONS:-8} scripts/loadtest.sh
