"""Fuzz target: HTML pages (pipeline/ingest/html.py, trafilatura underneath).

    python fuzz/fuzz_html.py CORPUS_DIR [SEED_DIR] -max_total_time=60   # see `make fuzz`

The first byte picks the declared HTTP charset (none, utf-8, a bogus name, latin-1); the rest is
the page. It must give a storable Article or a Quarantined entry, never an exception.
"""
from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":  # fuzzing: coverage feedback from the parser and the libraries under it
    import atheris

    with atheris.instrument_imports(include=["pipeline", "trafilatura", "justext", "htmldate", "courlan"]):
        import trafilatura  # noqa: F401 - imported by html_to_article on first use
        from pipeline.ingest.html import html_to_article
else:  # replayed by the tests
    from pipeline.ingest.html import html_to_article

if __package__ in (None, ""):  # run as a script: the repository root holds the fuzz package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fuzz.invariants import LIMITS, check_item  # noqa: E402

CHARSETS = (None, "utf-8", "x-no-such-charset", "iso-8859-1")


def check(data: bytes) -> None:
    charset = CHARSETS[data[0] % len(CHARSETS)] if data else None
    check_item(html_to_article(data[1:], "fuzz.html", LIMITS, article_id="page", charset=charset), LIMITS)


def main() -> None:
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
