# Grassroots: two commands — `make run` and `make test` — set everything up.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
VENDOR := static/vendor

.PHONY: run test test-fast bench bench-small lint messages bootstrap worker clean

bootstrap: $(VENV)/.installed node_modules/.installed $(VENDOR)/.copied locale/.compiled

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENDOR)/.copied: node_modules/.installed scripts/copy_assets.py
	$(PY) scripts/copy_assets.py
	touch $@

locale/.compiled: $(VENV)/.installed $(wildcard locale/*/LC_MESSAGES/*.po)
	$(PY) scripts/compile_messages.py
	touch $@

run: bootstrap
	DJANGO_DEBUG=1 $(MANAGE) migrate --no-input
	DJANGO_DEBUG=1 $(MANAGE) demo --if-empty
	DJANGO_DEBUG=1 $(MANAGE) demo_logins
	DJANGO_DEBUG=1 $(MANAGE) run_huey --workers 1 & \
	  DJANGO_DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

worker: bootstrap
	$(MANAGE) run_huey

test: bootstrap
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: bootstrap
	$(PY) bench/run.py $(BENCH_ARGS)

bench-small: bootstrap
	$(PY) bench/run.py --small

lint: bootstrap
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

messages: bootstrap
	$(PY) scripts/make_messages.py
	$(PY) scripts/compile_messages.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles
