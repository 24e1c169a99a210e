#!/usr/bin/env bash
# Device call 2: join the MiniLM weights, train both folds side by side, hand fold 0 back in $OUT.
#   box_train.sh SECONDS [extra spacy train overrides]   (SECONDS: the limit of each training run)
set -uo pipefail
GW=/tmp/gw; LIMIT=${1:-420}; shift || true
[ -f "$GW/minilm/model.safetensors.part1" ] || { echo "no /tmp/gw: run box_setup.sh first"; exit 3; }
cat "$GW/minilm/model.safetensors.part1" .gpu/up2/model.safetensors.part2 > "$GW/minilm/model.safetensors"
echo "$(cat "$GW/minilm/model.safetensors.sha256")  $GW/minilm/model.safetensors" | sha256sum -c - || exit 4
export PYTHONPATH="$GW/site" HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONUNBUFFERED=1 OMP_NUM_THREADS=4
for fold in 0 1; do
  timeout "$LIMIT" python3 -m spacy train configs/events-trf.cfg --output "$GW/fold-$fold" --gpu-id 0 \
      --paths.muc4_train "$GW/muc4/gtt/train.jsonl" --paths.muc4_raw_train "$GW/muc4/train.jsonl" \
      --paths.muc4_dev "$GW/muc4/gtt/dev.jsonl" --paths.holdout_every 2 \
      --corpora.train.holdout_offset $fold --corpora.dev.holdout_offset $fold \
      --components.news_event_model.model.tok2vec.model_dir "$GW/minilm" "$@" > "$GW/fold-$fold.log" 2>&1 &
done
wait
for fold in 0 1; do echo "== fold $fold"; tail -n 16 "$GW/fold-$fold.log"; done
python3 scripts/trf_folds_gpu/shrink.py pack "$GW/fold-0/model-last" "$OUT/fold-0"
python3 scripts/trf_folds_gpu/shrink.py pack "$GW/fold-1/model-last" "$GW/back/fold-1"
cp "$GW/fold-0.log" "$GW/fold-1.log" "$OUT/fold-0/"
ls -la "$OUT/fold-0" "$GW/back/fold-1"
