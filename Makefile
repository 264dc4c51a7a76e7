# The two commands a new user runs (see README): `make demo` and `make test`.
# Each installs what it needs first (Debian packages when missing, axe-core from npm, the project into
# .venv), so a fresh clone works. Stamp files keep a second run from installing anything again.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.package-lock.json
BENCH_STAMP := $(VENV)/.bench-stamp
DEMO := demo-return
# GOV.UK Frontend's styles, built from its Sass without the GOV.UK-only typeface (src/wres/web/styles).
WEB_CSS := src/wres/web/static/wres/govuk.css
# The browser and PDF tests: Debian's Chromium (driven by playwright; never `playwright install`), poppler's
# pdftotext/pdftoppm/pdfimages, the fonts the report names, and Pango for weasyprint (the PDF).
DEBIAN_PACKAGES := chromium poppler-utils fonts-dejavu-core fonts-liberation libpango-1.0-0 libpangoft2-1.0-0

.PHONY: demo serve test test-postgres bench install system-packages clean

install: $(STAMP) $(NODE_STAMP) $(WEB_CSS)

# apt-get only when something is missing (dpkg -s is quick), as root or through sudo.
system-packages:
	@missing=""; \
	for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v chromium >/dev/null 2>&1 || case "$$missing" in *" chromium"*) ;; *) missing="$$missing chromium";; esac; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "Please install:$$missing (Debian/Ubuntu package names); the browser and PDF tests need them." >&2; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi; \
	echo "Installing Debian packages:$$missing"; \
	$$sudo apt-get update -qq && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "wres needs Python 3.11 or newer" or 0)'
	$(MAKE) --no-print-directory system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,web]'
	touch $(STAMP)

# axe-core (the accessibility tests), GOV.UK Frontend and sass (the web service); npm writes the stamp itself.
$(NODE_STAMP): package.json $(wildcard package-lock.json) | $(STAMP)
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	touch $(NODE_STAMP)

$(WEB_CSS): src/wres/web/styles/govuk.scss $(NODE_STAMP)
	npx --no-install sass --quiet --no-source-map --style=compressed --load-path=node_modules $< $@

demo: $(STAMP)
	rm -rf $(DEMO)
	$(BIN)/wres demo $(DEMO)
	$(BIN)/wres validate $(DEMO)
	$(BIN)/wres metrics $(DEMO)
	$(BIN)/wres report $(DEMO) -o $(DEMO)-report
	@echo "Open $(DEMO)-report/report.html (or report.pdf, workbook.xlsx) to read the published report."

# The web service with demo authorities and users (see README): http://localhost:8000, password
# demo-password-2026. Data in web-data/ (delete it to start afresh). A worker builds reports in the background.
# The worker runs in a session of its own (setsid): Ctrl+C reaches only the web server and this shell, whose trap
# sends the worker one signal (it finishes the report it is building, then ends) and waits for it. In the
# terminal's group it had two, the second its "force": a report cut off mid-build, and a traceback.
WEB := $(BIN)/python -m wres.web
serve: $(STAMP) $(NODE_STAMP) $(WEB_CSS)
	$(WEB) migrate --noinput -v0
	$(WEB) demo_data
	@echo "Open http://localhost:8000 and sign in as analyst, viewer, network, national or admin (password demo-password-2026). Ctrl-C stops (the worker first finishes the report it is building)."
	setsid $(WEB) worker --no-startup-delay --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/gunicorn -c python:wres.web.gunicorn_conf wres.web.wsgi  # survey pages logged without the client address

# Two test processes (pytest-xdist), one a core of the CI machine: the suite is mostly waiting on DuckDB, child
# processes and a browser, and halves its time. A test marked `alone` (it restarts PostgreSQL) runs by itself.
test: $(STAMP) $(NODE_STAMP) $(WEB_CSS)
	$(BIN)/pytest -n 2
	$(MAKE) --no-print-directory test-postgres

# The web service's tests whose outcome can depend on the database engine (marked postgres: the rule is in
# tests/web/conftest.py) again on PostgreSQL, started if it is down. Every test has run on SQLite before.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
test-postgres: $(STAMP)
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest tests/web -m "postgres and not alone" -p no:cacheprovider -n 2
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest tests/web -m "postgres and alone" -p no:cacheprovider

# The bench extra (pandas, for bench/scale_pandas.py), installed once on top of the test install.
$(BENCH_STAMP): pyproject.toml | $(STAMP)
	$(BIN)/pip install -q -e '.[test,web,bench]'
	touch $(BENCH_STAMP)

# bench_scale.py last: it generates returns of up to 2,000,000 staff and takes several minutes.
bench: $(STAMP) $(BENCH_STAMP) $(NODE_STAMP) $(WEB_CSS)
	$(BIN)/python bench/bench_metrics.py
	$(BIN)/python bench/bench_national.py
	$(BIN)/python bench/bench_report.py
	$(BIN)/python bench/bench_web_report.py
	$(BIN)/python bench/bench_web.py
	$(BIN)/python bench/bench_survey.py
	$(BIN)/python bench/bench_scale.py

clean:
	rm -rf $(VENV) $(DEMO) $(DEMO)-report bench/data .pytest_cache .hypothesis node_modules
