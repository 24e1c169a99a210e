"""JSONL and .jsonl.gz: one article per line, streamed.

Memory stays bounded whatever the file holds: a line is read up to the size limit and the rest of
an over-long line is skipped in chunks (a 50 MB line costs 4 MB, not 50); a .gz that expands far
more than text does (a decompression bomb) is cut off with a quarantine entry.
"""
from __future__ import annotations

import gzip
import io
import json
import zlib
from pathlib import Path
from typing import BinaryIO, Iterator, Optional

from ..records import Article, Quarantined
from .articles import ArticleLimits, make_article

FIELDS = ("id", "text", "title", "url", "source", "published")
_CHUNK = 1 << 20
# Below this many decompressed bytes a .gz is not judged by its ratio: small files of repeated
# text compress well without being bombs.
EXPANSION_FLOOR = 16 << 20


class _CountingReader(io.RawIOBase):
    """The compressed file, counting the bytes gzip has read from it."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.raw.readinto(buffer)
        self.count += n or 0
        return n


class _DecompressionBomb(Exception):
    pass


class _Expansion:
    """Bytes a .gz expanded to, against the compressed bytes read; raises past the limit."""

    def __init__(self, counter: Optional[_CountingReader], limit: int):
        self.counter, self.limit, self.total = counter, limit, 0

    def add(self, size: int) -> None:
        self.total += size
        if self.counter is not None and self.total > max(EXPANSION_FLOOR, self.limit * self.counter.count):
            raise _DecompressionBomb(f"{self.counter.count} compressed bytes expanded to more than {self.total} "
                                     f"(limit {self.limit}x)")


def _lines(stream: BinaryIO, max_bytes: int, expansion: _Expansion) -> Iterator[tuple[int, Optional[bytes], int]]:
    """(line number, line, its size in bytes) for each line; the line is None when it is longer than max_bytes."""
    number = 0
    while raw := stream.readline(max_bytes + 1):
        number += 1
        expansion.add(len(raw))
        if len(raw) <= max_bytes or raw.endswith(b"\n"):
            yield number, raw, len(raw)
            continue
        size = len(raw)
        while rest := stream.readline(_CHUNK):  # skip the rest of the line without holding it
            expansion.add(len(rest))
            size += len(rest)
            if rest.endswith(b"\n"):
                break
        yield number, None, size


def read_jsonl(path: Path, limits: ArticleLimits = ArticleLimits()) -> Iterator[Article | Quarantined]:
    origin = str(path)
    max_bytes = 4 * limits.max_chars
    number = 0
    try:
        with open(path, "rb") as raw_file:
            counter = _CountingReader(raw_file) if path.name.endswith(".gz") else None
            stream = gzip.GzipFile(fileobj=counter, mode="rb") if counter is not None else raw_file
            for number, raw, size in _lines(stream, max_bytes, _Expansion(counter, limits.max_expansion)):
                if raw is None:
                    yield Quarantined(origin=origin, line=number, reason=f"line too long: {size} bytes")
                elif raw.strip():
                    yield parse_jsonl_line(raw, origin, number, limits)
    except _DecompressionBomb as error:
        yield Quarantined(origin=origin, line=number + 1,
                          reason=f"decompression bomb: {error}; the rest of the file is not read")
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
    except RecursionError:  # [[[[... nested deeper than the interpreter's stack
        return Quarantined(origin=origin, line=line, reason="malformed JSON: nested too deeply", excerpt=decoded[:200])
    if not isinstance(obj, dict):
        return Quarantined(origin=origin, line=line, reason=f"JSON line is a {type(obj).__name__}, not an object",
                           excerpt=decoded[:200])
    return make_article(
        obj.get("text"), origin, limits, line=line, article_id=obj.get("id"), title=obj.get("title"),
        url=obj.get("url"), source=obj.get("source"), published=obj.get("published"),
    )
