# HimSwasthya: `make demo` serves the site with demo data; `make test` runs the whole suite on SQLite and PostgreSQL.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres:postgres@127.0.0.1:5432/himswasthya
# xdist worker gwN of the PostgreSQL suite uses Redis database 15-N (conftest.py), its own test database _gwN.
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# Parallel test workers per suite (pytest-xdist): one per CPU; worksteal rebalances the slow tail.
TEST_WORKERS ?= auto
SQLITE_TEST_WORKERS ?= $(TEST_WORKERS)
POSTGRES_TEST_WORKERS ?= $(TEST_WORKERS)
PYTEST := $(PY) -m pytest -q --dist worksteal
DEMO_PEOPLE ?= 20000
export DEBUG ?= 1
# Some shells set PYTHONDONTWRITEBYTECODE; then each of the suite's processes compiles the project's modules
# again. Let Python cache the bytecode (__pycache__ is ignored by git).
unexport PYTHONDONTWRITEBYTECODE

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
	$(PY) manage.py load_medicines
	$(PY) manage.py make_population --people $(DEMO_PEOPLE) --seed 2026 --skip-existing
	$(PY) manage.py make_demo_users
	$(PY) manage.py make_opd_schedules
	$(PY) manage.py make_demo_citizen_family
	$(PY) manage.py make_himcare_demo
	$(PY) manage.py make_records_demo
	$(PY) manage.py refresh_demo_today

serve: venv
	@echo "Serving HimSwasthya on http://127.0.0.1:8000 (Ctrl-C to stop)"
	DEMO_MODE=1 $(PY) manage.py runserver 127.0.0.1:8000

# The two suites run side by side (each prints when it ends): one suite's idle moments (a worker waiting for
# Chromium, the live server or PostgreSQL, the slow tail) are the other's CPU time. The browser tests and the
# whole-API schema sweep (marked whole_site) run once, on PostgreSQL, production's engine; `make test-sqlite` on its
# own runs them too. bench/RESULTS.md, "make test".
test: venv
	$(VENV)/bin/lint-imports
	bash scripts/ensure_test_services.sh
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres SQLITE_MARKS="not browser and not whole_site"

test-sqlite: venv
	env -u DATABASE_URL -u REDIS_URL $(PYTEST) -n $(SQLITE_TEST_WORKERS) $(if $(SQLITE_MARKS),-m "$(SQLITE_MARKS)")

test-postgres: venv
	DATABASE_URL=$(PG_URL) REDIS_URL=$(TEST_REDIS_URL) $(PYTEST) -n $(POSTGRES_TEST_WORKERS)

lint: venv
	$(VENV)/bin/ruff check himswasthya bench
	$(VENV)/bin/mypy himswasthya

clean:
	rm -rf $(VENV) var
