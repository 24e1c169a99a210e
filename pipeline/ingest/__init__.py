"""Readers: each turns one input format into a stream of Article or Quarantined items.

Every reader streams: a JSONL file line by line (through gzip for .gz), a WARC archive record
by record, a directory file by file. Only one article is held at a time.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from ..records import Article, Quarantined
from .articles import ArticleLimits, make_article
from .html import HTML_SUFFIXES, read_html_file
from .jsonl import read_jsonl
from .textdir import TEXT_SUFFIXES, read_text_file
from .warc import WARC_SUFFIXES, read_warc

__all__ = ["ArticleLimits", "Article", "Quarantined", "make_article", "read_inputs", "reader_for"]

Reader = Callable[[Path, ArticleLimits], Iterator[Article | Quarantined]]
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".json", ".ndjson", ".ndjson.gz")
_READERS: tuple[tuple[tuple[str, ...], Reader], ...] = (
    (JSONL_SUFFIXES, read_jsonl),
    (WARC_SUFFIXES, read_warc),
    (HTML_SUFFIXES, read_html_file),
    (TEXT_SUFFIXES, read_text_file),
)


def reader_for(path: Path) -> Optional[Reader]:
    name = path.name.lower()
    for suffixes, reader in _READERS:
        if name.endswith(suffixes):
            return reader
    return None


def _walk(folder: Path) -> Iterator[Path]:
    """Files under a folder in a stable order, one directory listing in memory at a time."""
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            yield Path(root) / name


def read_inputs(paths: Iterable[Path], limits: ArticleLimits = ArticleLimits()) -> Iterator[Article | Quarantined]:
    """Stream articles from every input path, choosing the reader by what the path is.

    In a directory, files of a known format are read and others (images, notes) are passed over;
    so are plain ``.json`` files there, which are more often metadata than JSONL (name one
    explicitly to read it).
    """
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for file in _walk(path):
                reader = reader_for(file)
                if reader is not None and file.is_file() and not file.name.lower().endswith(".json"):
                    yield from reader(file, limits)
        elif not path.exists():
            yield Quarantined(origin=str(path), reason="input path does not exist")
        elif (reader := reader_for(path)) is not None:
            yield from reader(path, limits)
        else:
            yield Quarantined(origin=str(path), reason=f"unsupported input format: {path.name}")
