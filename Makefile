# Two commands: `make run` and `make test`. Nothing else needs installing first but Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000

.PHONY: run check-port reset-demo test install install-test translations messages migrate seed lint clean bandit lock mutation

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Production dependencies come from requirements.lock: every version pinned, every file
# checked against its hash. The project itself is installed on top, without dependencies.
$(VENV)/.installed: setup.cfg pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: setup.cfg pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# After changing install_requires in setup.cfg: pin every production dependency with the
# hashes of its files (pip-tools, in a virtualenv of its own).
lock: | $(BIN)/python
	$(PYTHON) -m venv .venv-tools
	.venv-tools/bin/pip install --quiet pip-tools
	.venv-tools/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links --no-header -o requirements.lock setup.cfg

# Code checks (CI runs this): bandit over the code, failing on any finding of medium
# severity or more. Low findings are listed in docs/security.md with why they stand.
bandit: | $(BIN)/python
	$(BIN)/pip install --quiet 'bandit==1.9.4'
	$(BIN)/bandit --quiet --recursive --severity-level medium --confidence-level low \
	  referral worker workflows

# Mutation testing of the rule code (CI runs it after `make test`; docs/mutation.md): a
# seeded sample of cosmic-ray mutants of workflows/ and the rule services, each against the
# tests mapped to its module in .ci/mutation.toml. Fails when more than 5 % survive.
# cosmic-ray lives in a virtualenv of its own: the production dependencies stay as locked.
# MUTATION_ARGS passes options on, e.g. MUTATION_ARGS="--changed origin/main --all".
MUTATION_VENV := .venv-mutation
$(MUTATION_VENV)/.installed:
	$(PYTHON) -m venv $(MUTATION_VENV)
	$(MUTATION_VENV)/bin/pip install --quiet 'cosmic-ray==8.7.0'
	touch $@

mutation: install-test $(MUTATION_VENV)/.installed
	$(MUTATION_VENV)/bin/python .ci/mutation.py $(MUTATION_ARGS)

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
# Fails at once, before any set-up, when the port is taken: choose another with PORT=.
run: check-port seed
	PORT=$(PORT) $(BIN)/python -m referral.devserver

check-port:
	@$(PYTHON) -c "import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); \
	  r=s.connect_ex(('127.0.0.1', $(PORT))); s.close(); \
	  sys.exit(0) if r else sys.exit('referral: port $(PORT) is already in use (is another make run running?). Choose another: make run PORT=5001')"

# New passwords for the demo users (make run prints them once the server is up).
reset-demo: migrate
	$(BIN)/flask --app referral reset-demo

test: install-test
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) $(MUTATION_VENV) instance/referral.sqlite instance/broker instance/celerybeat-schedule*
	find referral/translations -name "*.mo" -delete
