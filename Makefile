# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run test setup system-packages venv messages migrate demo lint bench clean

run: setup demo ## Set everything up and run the platform with demo content
	scripts/run.sh

test: system-packages venv messages ## Run the whole test suite
	# The test settings, whatever DJANGO_SETTINGS_MODULE the shell has (pytest prefers the environment's).
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest

setup: system-packages venv messages migrate

system-packages:
	scripts/install-system-packages.sh

venv: $(VENV)/.installed

# The development tools (pytest, playwright, ruff, djlint, locust, pre-commit) come from
# requirements-dev.txt; the production image installs requirements.txt alone.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

messages: venv
	$(PY) manage.py compilemessages --ignore=.venv -v0

migrate: venv
	mkdir -p var
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py load_demo
	$(PY) manage.py load_demo_workshops

lint: venv
	mkdir -p var
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) scripts/import_cycles.py

bench: setup
	$(PY) bench/render_manual.py
	$(PY) bench/reach_page.py

clean:
	rm -rf var
