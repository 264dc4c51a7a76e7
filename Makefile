# The two commands a new user runs (see README): `make demo` and `make test`.
# Each installs what it needs into .venv first, so a fresh clone works.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO := demo-return

.PHONY: demo test bench install clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "wres needs Python 3.11 or newer" or 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	rm -rf $(DEMO)
	$(BIN)/wres demo $(DEMO)
	$(BIN)/wres validate $(DEMO)
	$(BIN)/wres metrics $(DEMO)

test: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/bench_metrics.py
	$(BIN)/python bench/bench_national.py

clean:
	rm -rf $(VENV) $(DEMO) bench/data .pytest_cache .hypothesis
