# make run: set up, build the demo database if missing, serve the app.
# make test: set up (dev requirements, Debian's chromium and Noto fonts), lint, all tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
HOST ?= 127.0.0.1
DB ?= data/cellboard.duckdb
DEMO_SCALE ?= M

.PHONY: run test lint format setup setup-dev browser caddy jemalloc demo bench clean locale messages

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime locale
setup-dev: $(VENV)/.dev locale

# The messages: cellboard/locale/<language>/LC_MESSAGES/cellboard.po is the source, the .mo beside it is
# compiled here (git-ignored; cellboard/text.py compiles a missing or stale one on first use too).
CATALOGUES := $(wildcard cellboard/locale/*/LC_MESSAGES/cellboard.po)
locale: $(CATALOGUES:.po=.mo)
cellboard/locale/%.mo: cellboard/locale/%.po | $(VENV)/.runtime
	$(VENV)/bin/pybabel compile --domain cellboard --input-file $< --output-file $@

# The message ids the code names, as a template (cellboard.pot at the top, git-ignored) for a new language or to
# compare: the keywords below are the ones tests/test_catalogue.py extracts with.
EXTRACT_KEYWORDS := -k t -k N_ -k tn:1,2 -k pair -k pair_n:1,2 -k both -k line -k page_header:2 -k figure_tile:3 -k choice:4 -k add:2 -k problem:3 -k Refused:1 -k bad:1 -k refuse:3 -k _problem:3
messages: $(VENV)/.runtime
	$(VENV)/bin/pybabel extract --no-default-keywords $(EXTRACT_KEYWORDS) --no-location --omit-header \
		-F babel.cfg -o cellboard.pot .

# Debian's chromium for browser tests and chart images, a font with Vietnamese glyphs.
browser:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi 'Noto Sans'; then \
		echo "Installing chromium and fonts-noto-core with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null; \
	fi

# Debian's caddy for the server kit's tests (tests/test_deploy.py, tests/test_https_browser.py). The
# package enables and starts its own caddy.service: stop and disable it (the tests run their own Caddy
# on loopback); where systemd is not running (a container) there is nothing to stop, and no failure.
caddy:
	@if ! command -v caddy >/dev/null; then \
		echo "Installing caddy with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq caddy >/dev/null; \
		systemctl stop caddy.service >/dev/null 2>&1 || true; \
		systemctl disable caddy.service >/dev/null 2>&1 || true; \
	fi

# jemalloc for the processes that run query after query: glibc's malloc slows DuckDB down as a process
# ages (cellboard/allocator.py, docs/PERFORMANCE.md). An optimisation: without apt-get, glibc it is.
jemalloc:
	@if ! ls /usr/lib/*/libjemalloc.so.2 >/dev/null 2>&1 && command -v apt-get >/dev/null; then \
		echo "Installing libjemalloc2 with apt-get"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libjemalloc2 >/dev/null) \
			|| echo "libjemalloc2 not installed: the app runs on glibc's malloc"; \
	fi

$(DB): | $(VENV)/.runtime
	$(PY) -m cellboard demo --scale $(DEMO_SCALE) --db $(DB)

demo: $(VENV)/.runtime
	$(PY) -m cellboard demo --scale $(DEMO_SCALE) --db $(DB)

# Listens on this machine only (HOST=127.0.0.1) unless told otherwise: make run HOST=0.0.0.0.
# On a terminal with no accounts yet, the first administrator's one-time password is shown here,
# once (never in the server's output, which goes to logs); see README, Accounts.
run: $(VENV)/.runtime locale jemalloc $(DB)
	$(PY) -c 'from cellboard import auth; auth.first_admin_on_terminal()'
	jemalloc=$$(ls /usr/lib/*/libjemalloc.so.2 2>/dev/null | head -n 1); \
	CELLBOARD_DB=$(DB) LD_PRELOAD=$$jemalloc CELLBOARD_PRELOADED=$$jemalloc \
		$(PY) -m streamlit run serve.py --server.address=$(HOST) --server.port=$(PORT) \
		--server.headless=true --browser.gatherUsageStats=false

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: $(VENV)/.dev locale browser jemalloc caddy lint
	$(PY) -m pytest -n auto --dist loadfile

bench: $(VENV)/.dev jemalloc
	$(PY) -m cellboard bench --scale $(or $(SCALE),M)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
