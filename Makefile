# Two commands for a new user: `make demo` and `make test`. Both build .venv on first use.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared/data/dev
STAMP := $(VENV)/.sitroom-installed

.PHONY: demo test lint eval bench clean web

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed: set PYTHON=/path/to/python3.11"; exit 3; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e ".[model,test,serve,dask]"
	@touch $(STAMP)

demo: $(STAMP) web
	$(BIN)/sitroom run examples/
	@rm -f demo.duckdb
	$(BIN)/sitroom ingest examples/ --db demo.duckdb
	$(BIN)/sitroom db info --db demo.duckdb
	@echo "Next: $(BIN)/sitroom serve --db demo.duckdb   then open http://127.0.0.1:8000/"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

test: lint web
	$(BIN)/pytest -q

eval: $(STAMP)
	@if [ -d "$(SHARED)" ]; then $(BIN)/sitroom eval --set gate --dev "$(SHARED)"; \
	else echo "make eval: skipped, $(SHARED) is absent (the dev gold sets live there)"; fi

# The web UI: npm packages pinned by web/package-lock.json, bundled into the package's static folder.
WEB_OUT := src/sitroom/serve/static/index.html
web: $(WEB_OUT)
$(WEB_OUT): web/package.json web/package-lock.json web/build.mjs $(wildcard web/src/*.js web/src/*/*.js web/public/*)
	@command -v npm >/dev/null || { echo "make web needs Node.js and npm (Debian: apt-get install nodejs npm)"; exit 3; }
	cd web && npm ci --no-audit --no-fund --ignore-scripts && node build.mjs

# Throughput against plain spaCy (~5 min); the batch engine (1 and 2 workers, Dask, the 2-process ceiling)
# against plain spaCy on 2,000 articles, two alternating rounds (~20 min); what geocoding costs next to the
# parse (~2 min); the stages after the parse (~3 min).
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_pipeline.py --dev "$(SHARED)" --out BENCHMARKS.md
	$(BIN)/python benchmarks/bench_batch.py --dev "$(SHARED)" --repeat 2 --json bench_batch.json --out BENCHMARKS.md
	$(BIN)/python benchmarks/bench_contention.py --dev "$(SHARED)"
	$(BIN)/python benchmarks/bench_geocode.py --dev "$(SHARED)"
	$(BIN)/python benchmarks/bench_stages.py --dev "$(SHARED)" --repeat 2

clean:
	rm -rf $(VENV) build dist src/*.egg-info demo.duckdb
