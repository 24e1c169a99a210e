"""Fuzz target: brat standoff annotations (pipeline/evaluation/brat.py).

    python fuzz/fuzz_brat.py CORPUS_DIR [SEED_DIR] -max_total_time=60   # see `make fuzz`

The input is a document's text and its .ann, split at the first NUL byte. Reading and validating
must never raise, and every span the validator does not complain about must index the text it claims.
"""
from __future__ import annotations

import atexit
import shutil
import sys
import tempfile
from pathlib import Path

if __name__ == "__main__":  # fuzzing: coverage feedback from the parser and the libraries under it
    import atheris

    with atheris.instrument_imports(include=["pipeline"]):
        from pipeline.evaluation.brat import read_brat_document, validate_document
else:  # replayed by the tests
    from pipeline.evaluation.brat import read_brat_document, validate_document

_DIR = Path(tempfile.mkdtemp(prefix="fuzz-brat-"))
atexit.register(shutil.rmtree, _DIR, ignore_errors=True)


def check(data: bytes) -> None:
    text, _, ann = data.partition(b"\x00")
    (_DIR / "doc.txt").write_bytes(text)
    (_DIR / "doc.ann").write_bytes(ann)
    doc = read_brat_document(_DIR / "doc.txt")
    problems = validate_document(doc)
    assert all(isinstance(p, str) and p for p in problems)
    for span in [*doc.entities.values(), *doc.triggers.values()]:
        if not any(p.startswith(f"{span.id}: ") for p in problems):
            assert doc.text[span.start:span.end] == span.text, span
    for event in doc.events.values():
        assert event.killed is None or event.killed[0] >= 0
        assert event.injured is None or event.injured[0] >= 0


def main() -> None:
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
