# govmap: every target sets up .venv from the committed lock file first, so a fresh clone with
# only Python 3.11 works.  uv installs the locked stack in seconds where pip takes minutes.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
OUT ?= datasets
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: setup browser run lint test test-fast eval parity bench samples clean

$(VENV)/.installed: pyproject.toml uv.lock
	@echo "set-up: creating $(VENV) with $(PYTHON) (first time only)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "set-up: installing uv into $(VENV)"
	@$(PY) -m pip install --quiet --disable-pip-version-check uv
	@echo "set-up: installing the locked dependencies from uv.lock and compiling them (about 1-2 minutes the first time)"
	@$(UV) sync --frozen --extra dev --quiet --compile-bytecode
	@touch $@
	@echo "set-up: done; the command is $(VENV)/bin/govmap (or: source $(VENV)/bin/activate, then govmap)"

# Bytecode compiled once at set-up, as pip does by default and uv does not: without it every
# run compiles each imported module (Prefect, Great Expectations, spaCy) from source again, seconds per
# run where PYTHONDONTWRITEBYTECODE is set.  compileall skips what is already up to date.
setup: $(VENV)/.installed
	@$(PY) -m compileall -q -j 0 govmap flows extractors sources datasets expectations > /dev/null

browser:  ## headless Chromium (Debian's package) for the quality report's browser test; never fails
	@bash .ci/ensure-chromium

run: setup  ## ingest the embedded samples and publish a release under $(OUT)
	$(VENV)/bin/govmap run --out $(OUT)
	@echo "next: $(VENV)/bin/govmap sql, show, diff, validate (see README, For analysts); or source $(VENV)/bin/activate"

lint: setup  ## ruff's checks and formatting (config in pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: setup browser lint  ## the whole suite, shared-corpus and flow tests included
	$(PY) -m pytest --slow -q -p no:cacheprovider

test-fast: setup  ## unit tests only
	$(PY) -m pytest -q

eval: setup  ## precision/recall per split against tests/eval/gold (see tests/eval/README.md)
	$(PY) -m tests.eval.run --corpus text pdf dev
	$(PY) -m tests.eval.score .eval/text .eval/pdf .eval/dev --per-document
	@echo "== reference corpus: exact table facts (ratings, table collaborations, definitions) =="
	$(PY) -m tests.eval.table_scores

# PDFs to compare; default pdfplumber's own test PDFs, fetched once into the ignored .parity-cache/.
PARITY_PDFS ?= .parity-cache/tests/pdfs
PDFPLUMBER_REPO ?= https://github.com/jsvine/pdfplumber

parity: setup  ## govmap's PDF tables and text against stock pdfplumber and pypdfium2 (PARITY_PDFS=folder)
	@if [ "$(PARITY_PDFS)" = ".parity-cache/tests/pdfs" ] && [ ! -d $(PARITY_PDFS) ]; then \
		git clone --quiet --depth 1 $(PDFPLUMBER_REPO) .parity-cache/pdfplumber && \
		mkdir -p .parity-cache/tests && mv .parity-cache/pdfplumber/tests/pdfs .parity-cache/tests/pdfs && \
		rm -rf .parity-cache/pdfplumber; fi
	$(PY) -m tests.parity.harness $(PARITY_PDFS)

samples: setup  ## rebuild the embedded sample PDF from its source script
	$(PY) samples/src/build_sample_pdf.py

clean:
	rm -rf $(VENV) $(OUT)/releases $(OUT)/latest $(OUT)/.cache $(OUT)/.prefect .pytest_cache

bench: setup  ## throughput, memory, stage times and floors on 100/1,000/5,000-page PDF corpora (BENCH_SIZES to change)
	$(PY) -m tests.bench
