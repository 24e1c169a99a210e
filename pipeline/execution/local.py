"""Local runs: stream articles through the pipeline in batches, on one or several processes.

Each worker process loads the pipeline once and turns a batch of articles into records with
``nlp.pipe``; the parent keeps at most two batches per worker in flight, so memory stays flat
however long the archive is. Records go to the database first and to the JSONL file second:
the JSONL file is the run's manifest, so a killed run restarted with the same command skips
every article already written and never writes one twice (database writes are idempotent).
"""
from __future__ import annotations

import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from ..ingest import ArticleLimits, read_inputs
from ..records import Article, ArticleRecord, Quarantined
from ..sinks.jsonl import JsonlSink, QuarantineSink, written_keys

_worker_nlp = None


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
    warnings: list[str] = field(default_factory=list)

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


def _init_worker() -> None:
    global _worker_nlp
    from ..language import build_pipeline

    _worker_nlp = build_pipeline()


def process_batch(articles: list[Article]) -> list[ArticleRecord]:
    """Run the pipeline over one batch (in a worker, or in this process when n_process is 1)."""
    from ..doc_to_record import doc_to_record

    if _worker_nlp is None:
        _init_worker()
    nlp = _worker_nlp
    docs = []
    for article in articles:
        doc = nlp.make_doc(article.text)
        doc._.published = article.published
        docs.append(doc)
    return [doc_to_record(doc, article) for doc, article in zip(nlp.pipe(docs), articles)]


def _batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class Deduplicator:
    """Drops articles already written (resume) and repeats within the run, routing bad input away."""

    def __init__(self, done: Iterable[tuple[str, str]], quarantine: QuarantineSink, summary: RunSummary):
        self.done_ids: set[str] = set()
        self.done_hashes: set[str] = set()
        for article_id, digest in done:
            self.done_ids.add(article_id)
            self.done_hashes.add(digest)
        self.seen_hashes: dict[str, str] = {}
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
                self.seen_hashes[item.content_hash] = item.article_id
                self.done_ids.add(item.article_id)
                yield item


def run_local(
    inputs: list[Path],
    out: Path,
    *,
    db_url: Optional[str] = None,
    quarantine_path: Optional[Path] = None,
    n_process: int = 1,
    batch_size: int = 32,
    limits: ArticleLimits = ArticleLimits(),
    run_id: Optional[str] = None,
    command: str = "",
    on_progress: Optional[Callable[[int], None]] = None,
) -> RunSummary:
    from .. import __version__
    from ..sinks.sql import SqlSink

    summary = RunSummary()
    started = time.perf_counter()
    quarantine = QuarantineSink(quarantine_path or out.with_name("quarantine.jsonl"))
    dedup = Deduplicator(written_keys(out), quarantine, summary)
    jsonl = JsonlSink(out)
    sql = SqlSink(db_url, run_id=run_id, command=command, pipeline_version=__version__) if db_url else None
    batches = _batches(dedup.filter(read_inputs(inputs, limits)), batch_size)

    def write(records: list[ArticleRecord]) -> None:
        if sql is not None:
            sql.write(records)
        jsonl.write(records)
        summary.articles += len(records)
        summary.events += sum(len(r.events) for r in records)
        summary.words += sum(len(r.text.split()) for r in records)
        if records:
            summary.last_article_id = records[-1].article_id
        if on_progress is not None:
            on_progress(len(records))

    try:
        if n_process <= 1:
            for batch in batches:
                write(process_batch(batch))
        else:
            with ProcessPoolExecutor(max_workers=n_process, initializer=_init_worker) as pool:
                in_flight: deque[Future] = deque()
                for batch in batches:
                    in_flight.append(pool.submit(process_batch, batch))
                    if len(in_flight) >= 2 * n_process:
                        write(in_flight.popleft().result())
                while in_flight:
                    write(in_flight.popleft().result())
    except KeyboardInterrupt:
        # Everything written so far is whole; the same command resumes after it.
        summary.interrupted = True
    finally:
        summary.seconds = time.perf_counter() - started
        jsonl.close()
        quarantine.close()
        if sql is not None:
            sql.finish(summary.articles, summary.events, summary.quarantined)
            sql.close()
    return summary
