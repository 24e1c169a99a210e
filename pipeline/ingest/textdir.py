"""A directory of .txt files (or one .txt file): one article per file, id from the file name."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..records import Article, Quarantined
from .articles import ArticleLimits, make_article


def read_text_dir(path: Path, limits: ArticleLimits = ArticleLimits()) -> Iterator[Article | Quarantined]:
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*.txt") if p.is_file())
    for file in files:
        if file.stat().st_size > 4 * limits.max_chars:
            yield Quarantined(origin=str(file), reason=f"file too large: {file.stat().st_size} bytes")
            continue
        raw = file.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            yield Quarantined(origin=str(file), reason=f"invalid UTF-8 at byte {error.start}",
                              excerpt=raw[:200].decode("utf-8", "replace"))
            continue
        yield make_article(text, str(file), limits, article_id=file.stem)
