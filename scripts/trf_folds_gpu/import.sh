#!/usr/bin/env bash
# Here, after the device calls of box_train_all.sh: rebuild what they handed back as spaCy pipelines, tune each
# on its held-out MUC-4 train documents and put them where make expects them:
#   full   -> models/events-trf            (every 10th document held out)
#   fold-K -> build/trf-folds/K            (half held out; make train-events-trf-filters then learns from them)
#   variant, when fetched -> build/trf-tuned/variant (for comparison only)
#   scripts/trf_folds_gpu/import.sh DIR...   (each DIR holds the fetched full/, fold-0/, fold-1/ or variant/)
set -euo pipefail
TRF_PY=${TRF_PY:-.venv-trf/bin/python}
GTT=${MUC4:-../shared/data/muc4}/gtt/train.jsonl
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONHASHSEED=0
for dir in "$@"; do
  for packed in "$dir"/*/; do
    name=$(basename "$packed")
    "$TRF_PY" scripts/trf_folds_gpu/shrink.py unpack "$packed" "build/trf-gpu/$name"
    case $name in
      full) rm -rf models/events-trf
            "$TRF_PY" -m pipeline.training.tune_events build/trf-gpu/full models/events-trf --gtt "$GTT"
            echo '*' > models/events-trf/.gitignore ;;
      fold-*) k=${name#fold-}
            "$TRF_PY" -m pipeline.training.tune_events "build/trf-gpu/$name" "build/trf-folds/$k" --gtt "$GTT" \
                --holdout-every 2 --holdout-offset "$k" ;;
      *) "$TRF_PY" -m pipeline.training.tune_events "build/trf-gpu/$name" "build/trf-tuned/$name" --gtt "$GTT" ;;
    esac
  done
done
