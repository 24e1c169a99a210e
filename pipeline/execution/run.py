"""What every engine shares: the input stream, resume and dedup, the sinks, and stopping cleanly.

An engine (local processes, Dask) only decides where batches run; this module decides which
articles run at all and how finished records are written: the SQL sink first (one transaction
per batch, idempotent), then the JSONL output, then the manifest (see ``manifest.py``). A record is
finished once its manifest line is written; anything less is redone on restart and written once.
"""
from __future__ import annotations

import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from ..ingest import ArticleLimits, read_inputs
from ..records import Article, ArticleRecord, Quarantined
from ..sinks.jsonl import JsonlSink, QuarantineSink
from .manifest import Manifest


@dataclass
class RunSummary:
    articles: int = 0
    events: int = 0
    words: int = 0
    quarantined: int = 0
    duplicates: int = 0
    already_done: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    last_article_id: Optional[str] = None
    manifest: Optional[Path] = None
    warnings: list[str] = field(default_factory=list)

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class RunOptions:
    db_url: Optional[str] = None
    quarantine_path: Optional[Path] = None
    batch_size: int = 32
    # A batch also closes at this many characters of text: a worker's memory is then bounded by the
    # budget, not by how many long articles happen to share a batch (one longer article goes alone).
    batch_chars: int = 32_000
    limits: ArticleLimits = ArticleLimits()
    run_id: Optional[str] = None
    command: str = ""
    on_progress: Optional[Callable[[int], None]] = None
    # How long the SQL sink waits out an unreachable database (with backoff) before the run stops.
    db_retry_seconds: float = 120.0


class Deduplicator:
    """Drops articles already finished (resume) and repeats within the run, routing bad input away."""

    def __init__(self, done: Iterable[tuple[str, str]], quarantine: QuarantineSink, summary: RunSummary):
        self.done_ids: set[str] = set()
        self.done_hashes: set[str] = set()
        for article_id, digest in done:
            self.done_ids.add(article_id)
            self.done_hashes.add(digest)
        self.seen_hashes: set[str] = set()
        self.quarantine = quarantine
        self.summary = summary

    def filter(self, items: Iterable[Article | Quarantined]) -> Iterator[Article]:
        for item in items:
            if isinstance(item, Quarantined):
                self.quarantine.write(item)
                self.summary.quarantined += 1
            elif item.article_id in self.done_ids or item.content_hash in self.done_hashes:
                self.summary.already_done += 1
            elif item.content_hash in self.seen_hashes:
                self.summary.duplicates += 1
            else:
                self.seen_hashes.add(item.content_hash)
                self.done_ids.add(item.article_id)
                yield item


def batched(items: Iterable[Article], size: int, max_chars: Optional[int] = None) -> Iterator[list[Article]]:
    """Batches of at most ``size`` articles and, where a batch holds more than one, at most
    ``max_chars`` characters of text."""
    batch: list[Article] = []
    chars = 0
    for article in items:
        if batch and (len(batch) >= size or max_chars is not None and chars + len(article.text) > max_chars):
            yield batch
            batch, chars = [], 0
        batch.append(article)
        chars += len(article.text)
    if batch:
        yield batch


class GracefulStop:
    """The first Ctrl-C asks the run to stop once the batches in flight are written; a second stops at once.

    Installed only in the main thread (where Python delivers signals); elsewhere it never fires.
    """

    def __init__(self) -> None:
        self.requested = False
        self._previous = None

    def _handle(self, signum, frame) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __enter__(self) -> "GracefulStop":
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


class Run:
    """One run's input stream and sinks; an engine pulls ``batches`` and hands records to ``write``."""

    def __init__(self, inputs: list[Path], out: Path, options: RunOptions):
        from .. import __version__
        from ..sinks.sql import RetryPolicy, SqlSink

        self.options = options
        self.summary = RunSummary()
        self._started = time.perf_counter()
        out = Path(out)
        self.quarantine = QuarantineSink(options.quarantine_path or out.with_name("quarantine.jsonl"))
        self.manifest = Manifest(out)  # before the JSONL sink: it reconciles with the output first
        self.summary.manifest = self.manifest.path
        dedup = Deduplicator(self.manifest.keys(), self.quarantine, self.summary)
        self.jsonl = JsonlSink(out)
        self.sql = (SqlSink(options.db_url, run_id=options.run_id, command=options.command,
                            pipeline_version=__version__, retry=RetryPolicy(patience=options.db_retry_seconds))
                    if options.db_url else None)
        self.batches = batched(dedup.filter(read_inputs(inputs, options.limits)), options.batch_size,
                               options.batch_chars)

    def write(self, records: list[ArticleRecord]) -> None:
        if self.sql is not None:
            self.sql.write(records)
        self.jsonl.write(records)
        self.manifest.add(records)
        summary = self.summary
        summary.articles += len(records)
        summary.events += sum(len(r.events) for r in records)
        summary.words += sum(len(r.text.split()) for r in records)
        if records:
            summary.last_article_id = records[-1].article_id
        if self.options.on_progress is not None:
            self.options.on_progress(len(records))

    def close(self) -> RunSummary:
        summary = self.summary
        summary.seconds = time.perf_counter() - self._started
        self.jsonl.close()
        self.manifest.close()
        self.quarantine.close()
        if self.sql is not None:
            self.sql.finish(summary.articles, summary.events, summary.quarantined)
            self.sql.close()
        return summary
