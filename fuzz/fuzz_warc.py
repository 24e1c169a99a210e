"""Fuzz target: WARC archives (pipeline/ingest/warc.py, warcio underneath).

    python fuzz/fuzz_warc.py CORPUS_DIR [SEED_DIR] -max_total_time=60   # see `make fuzz`

The first byte picks the container: .warc as it is, the rest gzip-compressed as .warc.gz, or the
rest read as a .warc.gz as it is. Reading must yield Articles and Quarantined entries only, with at
most one "unreadable" entry, last.
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

    with atheris.instrument_imports(include=["pipeline", "warcio"]):
        import warcio.archiveiterator  # noqa: F401 - imported by read_warc on first use
        from pipeline.ingest.warc import read_warc
else:  # replayed by the tests
    from pipeline.ingest.warc import read_warc

if __package__ in (None, ""):  # run as a script: the repository root holds the fuzz package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fuzz.invariants import LIMITS, check_items  # noqa: E402

_DIR = Path(tempfile.mkdtemp(prefix="fuzz-warc-"))
atexit.register(shutil.rmtree, _DIR, ignore_errors=True)


def check(data: bytes) -> None:
    mode, body = (data[0] % 3, data[1:]) if data else (0, b"")
    path = _DIR / ("input.warc" if mode == 0 else "input.warc.gz")
    path.write_bytes(gzip.compress(body, mtime=0) if mode == 1 else body)
    items = check_items(read_warc(path, LIMITS), LIMITS)
    unreadable = [i for i, item in enumerate(items) if "unreadable" in getattr(item, "reason", "")]
    assert unreadable in ([], [len(items) - 1]), [getattr(item, "reason", None) for item in items]


def main() -> None:
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
