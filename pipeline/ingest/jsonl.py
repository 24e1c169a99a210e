"""JSONL and .jsonl.gz: one article per line, streamed."""
from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path
from typing import BinaryIO, Iterator

from ..records import Article, Quarantined
from .articles import ArticleLimits, make_article

FIELDS = ("id", "text", "title", "url", "source", "published")


def _open_binary(path: Path) -> BinaryIO:
    return gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")


def read_jsonl(path: Path, limits: ArticleLimits = ArticleLimits()) -> Iterator[Article | Quarantined]:
    origin = str(path)
    try:
        with _open_binary(path) as stream:
            for number, raw in enumerate(stream, start=1):
                if raw.strip():
                    yield parse_jsonl_line(raw, origin, number, limits)
    except (OSError, EOFError, zlib.error) as error:
        # A truncated or corrupt .gz: everything read so far was yielded; say where it broke.
        yield Quarantined(origin=origin, reason=f"unreadable input: {error}")


def parse_jsonl_line(raw: bytes, origin: str, line: int, limits: ArticleLimits) -> Article | Quarantined:
    # Reject by byte size before decoding: a 50 MB line should not cost a 200 MB str.
    if len(raw) > 4 * limits.max_chars:
        return Quarantined(origin=origin, line=line, reason=f"line too long: {len(raw)} bytes")
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return Quarantined(origin=origin, line=line, reason=f"invalid UTF-8 at byte {error.start}",
                           excerpt=raw[:200].decode("utf-8", "replace"))
    try:
        obj = json.loads(decoded)
    except json.JSONDecodeError as error:
        return Quarantined(origin=origin, line=line, reason=f"malformed JSON: {error.msg} at column {error.colno}",
                           excerpt=decoded[:200])
    if not isinstance(obj, dict):
        return Quarantined(origin=origin, line=line, reason=f"JSON line is a {type(obj).__name__}, not an object",
                           excerpt=decoded[:200])
    return make_article(
        obj.get("text"), origin, limits, line=line, article_id=obj.get("id"), title=obj.get("title"),
        url=obj.get("url"), source=obj.get("source"), published=obj.get("published"),
    )
