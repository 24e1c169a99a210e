"""JSONL sink: one record per line, appended, flushed per batch, safe to resume.

A crash can leave a half-written last line; opening the sink cuts it off, so the file always
holds whole records and a restarted run appends the rest.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable, Iterator

from ..records import ArticleRecord, Quarantined


def truncate_partial_line(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "rb+") as stream:
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        position = size
        while position > 0:
            step = min(65536, position)
            stream.seek(position - step)
            chunk = stream.read(step)
            newline = chunk.rfind(b"\n")
            if newline != -1:
                stream.truncate(position - step + newline + 1)
                return
            position -= step
        stream.truncate(0)


def written_keys(path: Path) -> Iterator[tuple[str, str]]:
    """(article_id, content_hash) of every whole record already in the file."""
    if not path.exists():
        return
    with open(path, "rb") as stream:
        for line in stream:
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            yield obj["article_id"], obj["content_hash"]


class JsonlSink:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        truncate_partial_line(self.path)
        self._stream = open(self.path, "a", encoding="utf-8")

    def write(self, records: Iterable[ArticleRecord]) -> None:
        for record in records:
            self._stream.write(record.model_dump_json() + "\n")
        self._stream.flush()
        os.fsync(self._stream.fileno())

    def close(self) -> None:
        self._stream.close()


def _printable(value: object) -> object:
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


class QuarantineSink:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        truncate_partial_line(self.path)
        self._stream = open(self.path, "a", encoding="utf-8")
        self.count = 0

    def write(self, item: Quarantined) -> None:
        # A path with undecodable bytes (os.fsdecode's surrogates) or an excerpt of hostile input
        # must not stop the run: such characters are written as U+FFFD.
        fields = {key: _printable(value) for key, value in item.model_dump().items()}
        self._stream.write(json.dumps(fields, ensure_ascii=False, separators=(",", ":")) + "\n")
        self._stream.flush()
        self.count += 1

    def close(self) -> None:
        self._stream.close()
