#!/usr/bin/env bash
# Device call 3 and after: hand back one pipeline packed by box_train_all.sh.
#   box_fetch.sh [NAME]   (default fold-1)
set -euo pipefail
NAME=${1:-fold-1}
cp -r "/tmp/gw/back/$NAME" "$OUT/"
ls -la "$OUT/$NAME"
