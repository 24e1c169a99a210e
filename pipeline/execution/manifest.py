"""The resume manifest: which articles a run has finished, beside the JSONL output.

``records.jsonl`` gets ``records.manifest.jsonl``: one ``{"article_id", "content_hash"}`` line per
record, appended (and fsynced) right after the record's batch is fsynced to the output. Line *i* of
the manifest names line *i* of the output, so a restart reads the small manifest, not the large
output. The output stays the truth: a run killed between the two appends leaves the manifest
short, and opening it appends the keys of the output's extra lines; a manifest longer than its
output (the output was deleted or cut) is rebuilt from the output.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable, Iterator

from ..records import ArticleRecord
from ..sinks.jsonl import truncate_partial_line


def manifest_path(out: Path) -> Path:
    out = Path(out)
    stem = out.name[: -len(".jsonl")] if out.name.endswith(".jsonl") else out.name
    return out.with_name(f"{stem}.manifest.jsonl")


def _count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with open(path, "rb") as stream:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))


def _keys_after(path: Path, skip: int) -> Iterator[tuple[str, str]]:
    """(article_id, content_hash) of the output's records from line ``skip`` on."""
    if not path.exists():
        return
    with open(path, "rb") as stream:
        for number, line in enumerate(stream):
            if number >= skip:
                obj = json.loads(line)
                yield obj["article_id"], obj["content_hash"]


def _line(article_id: str, digest: str) -> str:
    return json.dumps({"article_id": article_id, "content_hash": digest}, ensure_ascii=False) + "\n"


class Manifest:
    """Finished (article_id, content_hash) pairs of one output file, kept in step with it."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.path = manifest_path(self.out)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        truncate_partial_line(self.out)
        truncate_partial_line(self.path)
        listed, written = _count_lines(self.path), _count_lines(self.out)
        if listed > written:
            self.path.unlink()
            listed = 0
        self._stream = open(self.path, "a", encoding="utf-8")
        if listed < written:
            self._append(_keys_after(self.out, listed))

    def keys(self) -> Iterator[tuple[str, str]]:
        self._stream.flush()
        with open(self.path, "rb") as stream:
            for line in stream:
                obj = json.loads(line)
                yield obj["article_id"], obj["content_hash"]

    def add(self, records: Iterable[ArticleRecord]) -> None:
        self._append((r.article_id, r.content_hash) for r in records)

    def _append(self, keys: Iterable[tuple[str, str]]) -> None:
        for article_id, digest in keys:
            self._stream.write(_line(article_id, digest))
        self._stream.flush()
        os.fsync(self._stream.fileno())

    def close(self) -> None:
        self._stream.close()
