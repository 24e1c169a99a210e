#!/usr/bin/env bash
# Device call 3: hand fold 1 (packed by box_train.sh) back in $OUT.
set -euo pipefail
cp -r /tmp/gw/back/fold-1 "$OUT/"
ls -la "$OUT/fold-1"
