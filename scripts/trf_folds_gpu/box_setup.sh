#!/usr/bin/env bash
# Device call 1: unpack what .gpu/up1 carried under /tmp/gw, then check imports, registry and GPU.
set -euo pipefail
GW=/tmp/gw; rm -rf "$GW"; mkdir -p "$GW/site" "$GW/muc4" "$GW/minilm"
tar -xJf .gpu/up1/site.tar.xz -C "$GW/site"
tar -xJf .gpu/up1/muc4.tar.xz -C "$GW/muc4"
cp .gpu/up1/minilm/* "$GW/minilm/"
export PYTHONPATH="$GW/site"
python3 - <<'PY'
import spacy, thinc, torch, transformers, spacy_transformers
from spacy.util import registry
from thinc.api import require_gpu
print("spacy", spacy.__version__, "thinc", thinc.__version__, "torch", torch.__version__,
      "transformers", transformers.__version__, "cuda", torch.cuda.is_available())
for name in ("news.muc4_corpus.v1",):
    registry.readers.get(name)
for name in ("news.MiniLMTok2Vec.v1", "news.event_model.v1"):
    registry.architectures.get(name)
import pipeline.training.tune_events  # noqa: F401
print("gpu", require_gpu(0))
import cupy
print("cupy", cupy.__version__, float(cupy.arange(4).sum()))
PY
nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv
echo SETUP-OK
