"""Readers: each turns one input format into a stream of Article or Quarantined items."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from ..records import Article, Quarantined
from .articles import ArticleLimits, make_article
from .jsonl import read_jsonl
from .textdir import read_text_dir

__all__ = ["ArticleLimits", "Article", "Quarantined", "make_article", "read_inputs"]


def read_inputs(paths: Iterable[Path], limits: ArticleLimits = ArticleLimits()) -> Iterator[Article | Quarantined]:
    """Stream articles from every input path, choosing the reader by what the path is."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            yield from read_text_dir(path, limits)
        elif path.name.endswith((".jsonl", ".jsonl.gz", ".json", ".ndjson")):
            yield from read_jsonl(path, limits)
        elif path.suffix == ".txt":
            yield from read_text_dir(path, limits)
        elif not path.exists():
            yield Quarantined(origin=str(path), reason="input path does not exist")
        else:
            yield Quarantined(origin=str(path), reason=f"unsupported input format: {path.name}")
