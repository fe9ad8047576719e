# HimSwasthya: `make demo` serves the site with demo data; `make test` runs the whole suite on SQLite and PostgreSQL.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres:postgres@127.0.0.1:5432/himswasthya
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
DEMO_PEOPLE ?= 20000
export DEBUG ?= 1

.PHONY: venv demo demo-data serve test test-sqlite test-postgres lint bench clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	bash scripts/bootstrap_venv.sh $(VENV)
	touch $@

demo: venv demo-data serve

demo-data: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_places
	$(PY) manage.py load_facilities --synthetic
	$(PY) manage.py load_icd10
	$(PY) manage.py make_population --people $(DEMO_PEOPLE) --seed 2026 --skip-existing
	$(PY) manage.py make_demo_users
	$(PY) manage.py make_opd_schedules
	$(PY) manage.py make_demo_citizen_family
	$(PY) manage.py make_demo_appointments
	$(PY) manage.py make_himcare_demo

serve: venv
	@echo "Serving HimSwasthya on http://127.0.0.1:8000 (Ctrl-C to stop)"
	DEMO_MODE=1 $(PY) manage.py runserver 127.0.0.1:8000

test: venv
	bash scripts/ensure_test_services.sh
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: venv
	env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest -q

test-postgres: venv
	DATABASE_URL=$(PG_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest -q

lint: venv
	$(VENV)/bin/ruff check himswasthya bench
	$(VENV)/bin/mypy himswasthya

clean:
	rm -rf $(VENV) var
