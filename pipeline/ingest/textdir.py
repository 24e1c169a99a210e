"""Plain-text files: one article per file, id from the file name."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..records import Article, Quarantined
from .articles import ArticleLimits, make_article

TEXT_SUFFIXES = (".txt",)


def read_text_file(file: Path, limits: ArticleLimits = ArticleLimits()) -> Iterator[Article | Quarantined]:
    size = file.stat().st_size
    if size > 4 * limits.max_chars:
        yield Quarantined(origin=str(file), reason=f"file too large: {size} bytes")
        return
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        yield Quarantined(origin=str(file), reason=f"invalid UTF-8 at byte {error.start}",
                          excerpt=raw[:200].decode("utf-8", "replace"))
        return
    yield make_article(text, str(file), limits, article_id=file.stem)
