"""Fuzz target: JSONL and .jsonl.gz input (pipeline/ingest/jsonl.py).

    python fuzz/fuzz_jsonl.py CORPUS_DIR [SEED_DIR] -max_total_time=60   # see `make fuzz`

The first byte picks the container: plain JSONL, the rest gzip-compressed, or the rest read as a
(usually corrupt) .gz as it is. Each non-blank line of a plain file must give exactly one item,
numbered by its line.
"""
from __future__ import annotations

import atexit
import gzip
import shutil
import sys
import tempfile
from pathlib import Path

if __name__ == "__main__":  # fuzzing: coverage feedback from the parser and the libraries under it
    import atheris

    with atheris.instrument_imports(include=["pipeline"]):
        from pipeline.ingest.jsonl import read_jsonl
else:  # replayed by the tests
    from pipeline.ingest.jsonl import read_jsonl

if __package__ in (None, ""):  # run as a script: the repository root holds the fuzz package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fuzz.invariants import LIMITS, check_items  # noqa: E402

_DIR = Path(tempfile.mkdtemp(prefix="fuzz-jsonl-"))
atexit.register(shutil.rmtree, _DIR, ignore_errors=True)


def check(data: bytes) -> None:
    mode, body = (data[0] % 3, data[1:]) if data else (0, b"")
    if mode == 0:
        path = _DIR / "input.jsonl"
        path.write_bytes(body)
    else:
        path = _DIR / "input.jsonl.gz"
        path.write_bytes(gzip.compress(body, mtime=0) if mode == 1 else body)
    items = check_items(read_jsonl(path, LIMITS), LIMITS)
    if mode != 2:  # a whole file: one item per non-blank line, in order
        numbered = [n for n, line in enumerate(body.split(b"\n"), start=1) if line.strip()]
        got = [item.line if hasattr(item, "line") else int(item.origin.rsplit(":", 1)[1]) for item in items]
        assert got == numbered, (got, numbered)


def main() -> None:
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
