# Every target sets up .venv on first use, so `make serve` and `make test` work on a fresh machine.
# .venv is made from the system's own Python 3.11+ when it can make one: Debian compiles it with
# profile-guided and link-time optimisation into one binary, and Broadsheet builds run faster on it
# than on a plain build from source (README, Speed). Otherwise, the first python3 on PATH.
PY ?= $(shell for p in /usr/bin/python3.11 /usr/bin/python3 python3; do \
	$$p -c 'import ensurepip, sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: site serve test test-differential test-fast lint bench bench-real golden browser-deps fonts clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/python build.py build

serve: $(STAMP)
	$(BIN)/python build.py serve

# Browser tests need Debian's Chromium and axe-core from npm; both are installed here, never downloaded otherwise.
browser-deps:
	@[ -x $(CHROMIUM) ] || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }
	@[ -f node_modules/axe-core/axe.min.js ] || npm install --no-audit --no-fund --silent

# Share cards draw CJK headlines with Noto Sans CJK (SIL Open Font License), from Debian's own package.
fonts:
	@[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc ] || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq fonts-noto-cjk; }

lint: $(STAMP)
	$(BIN)/ruff check broadsheet tests bench build.py
	$(BIN)/mypy

test: $(STAMP) browser-deps fonts lint
	$(BIN)/python -m pytest -q

# The incremental-equals-clean tests with many random examples (minutes per example), shrinking failures.
test-differential: $(STAMP)
	BROADSHEET_DIFF_EXAMPLES=$${BROADSHEET_DIFF_EXAMPLES:-20} BROADSHEET_DIFF_SHRINK=1 $(BIN)/python -m pytest -q tests/test_incremental.py

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not browser"

golden: $(STAMP)
	$(BIN)/python -m tests.golden --regenerate
	$(BIN)/python -m tests.test_ingest --regenerate
	$(BIN)/python -m tests.test_intake --regenerate

# Build times against Hugo in alternating pairs (refused on a busy machine), then serve's save-to-reload
# and save-to-searchable latency, then the bytes a first search downloads. See bench/README.md.
# BENCH_ARGS go to the build benchmark, e.g. make bench BENCH_ARGS="--sizes 4000 --runs 7".
BENCH_ARGS ?=
bench: $(STAMP) browser-deps
	@command -v hugo >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq hugo; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/serve_latency.py
	$(BIN)/python bench/search_weight.py

# Archive-shaped Markdown (link lists, code, tables, inline HTML) against markdown-it alone on two cores.
# REAL_ARGS go to it, e.g. make bench-real REAL_ARGS="--entries 4000".
REAL_ARGS ?=
bench-real: $(STAMP)
	$(BIN)/python bench/real.py $(REAL_ARGS)

clean:
	rm -rf site .broadsheet-cache
