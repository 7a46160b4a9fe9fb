# Every target sets up .venv on first use, so `make serve` and `make test` work on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: site serve test test-fast lint bench golden browser-deps fonts clean

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

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not browser"

golden: $(STAMP)
	$(BIN)/python -m tests.golden --regenerate
	$(BIN)/python -m tests.test_ingest --regenerate

# Build times against Hugo, then serve's save-to-reload and save-to-searchable latency, then the bytes
# a first search downloads. See bench/README.md.
bench: $(STAMP) browser-deps
	@command -v hugo >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq hugo; }
	$(BIN)/python bench/run.py
	$(BIN)/python bench/serve_latency.py
	$(BIN)/python bench/search_weight.py

clean:
	rm -rf site .broadsheet-cache
