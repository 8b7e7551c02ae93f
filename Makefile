# Two commands: `make run` and `make test`. Nothing else needs installing first but Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000

.PHONY: run test install install-test migrate seed lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

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
