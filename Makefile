# customer-pyramid: `make demo` to see it, `make test` to check it. `make help` lists all.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Another Python: make test-fast VENV=.venv-3.13 UV_PYTHON=/path/to/python3.13
VENV ?= .venv
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
BIN := $(VENV)/bin
PY := $(BIN)/python
# The stamp names how the environment was made: change the suffix with the recipe.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml uv.lock | cksum | cut -d' ' -f1)-pyc

export PYRAMID_SOURCE_DIR ?= $(CURDIR)/data/demo
export PYRAMID_WAREHOUSE ?= $(CURDIR)/data/warehouse.duckdb
export DAGSTER_HOME ?= $(CURDIR)/data/dagster_home
DEMO_SCALE ?= 5000
DEMO_SEED ?= 42
PORT ?= 8501
PERIOD ?=
CONTACT ?=
DECIDER ?=
SCALE ?=
AS_OF ?=
FORCE_EARLIER ?=
BENCH_ARGS ?=
comma := ,

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-12s %s\n", $$1, $$2}'

DEMO_STAMP := $(subst .installed-,.demo-,$(STAMP))

# Bytecode is compiled once at install: where PYTHONDONTWRITEBYTECODE is set (containers,
# CI) every process would otherwise compile dagster, dbt and pandas from source on each
# start (a 10k refresh: 50.5 s instead of 37.2 s; benchmarks/README.md "Bytecode").
$(STAMP): pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	uv sync --frozen --compile-bytecode
	@rm -f $(VENV)/.installed-* $(VENV)/.demo-*; touch $@

# The demo generator's own packages (faker): only make demo and the tests need them.
$(DEMO_STAMP): $(STAMP)
	uv sync --frozen --inexact --compile-bytecode --extra demo
	@touch $@

.PHONY: venv
venv: $(STAMP) ## Create or update the Python environment in .venv/

# Parsed again only when a dbt file changed: a refresh started while another runs then
# reaches the writer lock (and its answer, exit code 75) in seconds, and two refreshes
# never rewrite the manifest under each other.
MANIFEST := dbt_project/target/manifest.json
DBT_FILES := $(shell find dbt_project/models dbt_project/macros dbt_project/snapshots \
	dbt_project/tests seeds -type f 2>/dev/null) dbt_project/dbt_project.yml dbt_project/profiles.yml

$(MANIFEST): $(STAMP) $(DBT_FILES)
	cd dbt_project && ../$(BIN)/dbt parse --quiet
	@touch $@

.PHONY: manifest
manifest: venv $(MANIFEST) ## Parse the dbt project (Dagster needs its manifest)

.PHONY: demo-data
demo-data: venv $(DEMO_STAMP) ## Generate the demo CRM/ERP exports into data/demo (if missing)
	@if [ -f "$(PYRAMID_SOURCE_DIR)/erp/invoice_lines.csv" ]; then \
		echo "demo sources present in $(PYRAMID_SOURCE_DIR)"; \
	else \
		$(PY) -m orchestration.demo --out "$(PYRAMID_SOURCE_DIR)" --scale $(DEMO_SCALE) --seed $(DEMO_SEED) \
			$(if $(PYRAMID_AS_OF),--end-date $(PYRAMID_AS_OF)); \
	fi

.PHONY: inspect
inspect: venv ## Check the source folder as a refresh would, writing nothing (FORMAT=json)
	$(PY) -m orchestration.inspect --format $(or $(FORMAT),table)

.PHONY: refresh
refresh: manifest ## Run the nightly pipeline once, headless (exit 75: another run is writing)
	$(PY) -m orchestration.cli refresh $(if $(FORCE_EARLIER),--force-earlier)

.PHONY: review
review: manifest ## Run the half-yearly review by hand: make review PERIOD=2027-H1
	@test -n "$(PERIOD)" || { echo "usage: make review PERIOD=2027-H1"; exit 2; }
	$(PY) -m orchestration.cli review --period $(PERIOD)

.PHONY: replay
replay: manifest ## Build a past date beside the warehouse, touching nothing: make replay AS_OF=2026-05-01
	@test -n "$(AS_OF)" || { echo "usage: make replay AS_OF=YYYY-MM-DD"; exit 2; }
	$(PY) -m orchestration.cli replay --as-of $(AS_OF)

.PHONY: forget
forget: venv ## Erase personal data (AVG): make forget CONTACT=C00000123 (or DECIDER=name)
	@test -n "$(CONTACT)$(DECIDER)" || { echo "usage: make forget CONTACT=<contact_id> | DECIDER=<name>"; exit 2; }
	$(PY) -m orchestration.forget $(if $(CONTACT),--contact "$(CONTACT)",--decided-by "$(DECIDER)")

.PHONY: demo
demo: demo-data manifest ## Generate demo data, run the pipeline, start the dashboard
	$(PY) -m orchestration.cli refresh --initial-review
	@echo ""
	@echo "Dashboard:  http://localhost:$(PORT)"
	@echo "Dagster UI: make dagster   (then open http://localhost:3000)"
	@echo ""
	$(MAKE) --no-print-directory app

.PHONY: app
app: venv ## Start the dashboard (login if PYRAMID_USERS_FILE is set, else 127.0.0.1 only)
	$(PY) -m app.launch --port $(PORT)

.PHONY: dagster
dagster: manifest ## Start the Dagster UI on http://localhost:3000
	@$(PY) -m orchestration.cli home >/dev/null
	$(BIN)/dagster dev -m orchestration.definitions -p 3000

.PHONY: lint
lint: venv ## ruff (Python) and sqlfluff (every dbt model and singular test)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# The dbt templater opens the profile's database: an in-memory one, so lint needs no
	@# warehouse and never locks the published one.
	PYRAMID_BUILD_WAREHOUSE=:memory: $(BIN)/sqlfluff lint dbt_project/models dbt_project/tests

.PHONY: format
format: venv ## Format the Python code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: test
test: lint manifest $(DEMO_STAMP) ## Lint and run every test (dbt build, Dagster runs, dashboard, browser)
	$(BIN)/pytest

.PHONY: test-fast
test-fast: lint manifest $(DEMO_STAMP) ## Lint, unit tests, one build of the test demo, the dashboard (< 5 min)
	$(BIN)/pytest -m "not slow and not engines"

.PHONY: test-engines
test-engines: venv $(DEMO_STAMP) ## Build the dbt project on PostgreSQL and Spark, compare with DuckDB
	uv sync --frozen --inexact --compile-bytecode --extra engines --extra demo
	$(BIN)/pytest tests/engines -m engines

.PHONY: bench
bench: manifest $(DEMO_STAMP) ## Benchmark pipeline + dashboard vs the limit and a pandas peer (SCALE=large adds 1M relations)
	$(PY) -m benchmarks.run --scales small,medium$(if $(filter large,$(SCALE)),$(comma)large) $(BENCH_ARGS)

.PHONY: docs
docs: manifest ## Build the dbt documentation site (models, columns, tests, lineage, exposures) into data/docs/
	@mkdir -p data/docs
	@# Column types come from the published warehouse; a copy, so a running dashboard or
	@# refresh is not disturbed. Without one the site still has every description and test.
	@if [ -f "$(PYRAMID_WAREHOUSE)" ]; then cp "$(PYRAMID_WAREHOUSE)" data/docs/catalog.duckdb; \
		else rm -f data/docs/catalog.duckdb; echo "no warehouse yet (make refresh): column types left out"; fi
	cd dbt_project && PYRAMID_BUILD_WAREHOUSE="$(CURDIR)/data/docs/catalog.duckdb" \
		../$(BIN)/dbt docs generate --static --target-path "$(CURDIR)/data/docs/site" --quiet
	@rm -f data/docs/catalog.duckdb
	@echo "dbt docs: open data/docs/site/static_index.html in a browser (one file, no server)"

.PHONY: clean
clean: ## Remove generated data and build output (keeps .venv)
	rm -rf data dbt_project/target dbt_project/logs artifacts
