# Two commands: `make run` and `make test`. Nothing else needs installing first but Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000

.PHONY: run test install install-test translations messages migrate seed lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed translations
install-test: $(VENV)/.installed-test translations

# Compiled catalogs (.mo) are build output, never committed: built from the .po files here.
translations: | $(VENV)/.installed
	$(BIN)/pybabel -q compile -d referral/translations

# After changing user-facing strings: extract them and merge into every catalog, then
# translate the new entries (tests/web/test_i18n.py fails while French lacks any).
# Catalogs are sorted by message and carry no source line numbers, so that two branches
# adding strings touch different lines and merge cleanly.
messages: | $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l --no-location --sort-output \
	  -o referral/translations/messages.pot .
	$(BIN)/pybabel -q update -N --ignore-obsolete -i referral/translations/messages.pot \
	  -d referral/translations

migrate: install
	$(BIN)/flask --app referral db upgrade

seed: migrate
	$(BIN)/flask --app referral seed-demo --if-empty

# Serves the app on http://127.0.0.1:$(PORT) with a Celery worker and beat beside it.
# Ctrl-C stops both.
run: seed
	PORT=$(PORT) $(BIN)/python -m referral.devserver

test: install-test
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance/referral.sqlite instance/broker instance/celerybeat-schedule*
	find referral/translations -name "*.mo" -delete
