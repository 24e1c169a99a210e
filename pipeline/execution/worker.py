"""What runs where the pipeline runs: in this process, in a pool worker, or on a Dask worker.

Each process loads the pipeline once, on first use or when the pool (or the Dask worker plugin)
starts it, and reuses it for every batch it is given.
"""
from __future__ import annotations

import os
import signal
import threading
from typing import Optional

from ..records import Article, ArticleRecord
from .chunks import MAX_CHUNK_CHARS, merge_records, split_text

_nlp = None
_nlp_events_model = None  # the $NEWS_PIPELINE_EVENTS_MODEL that _nlp was built with
_loads = 0  # how many times this process has built the pipeline: once, unless something is wrong
# spaCy's Language is not documented as thread-safe; a Dask worker with several threads shares one.
_lock = threading.Lock()


def load_pipeline():
    """The process's pipeline, built on first call, or again for another event extractor
    ($NEWS_PIPELINE_EVENTS_MODEL), set to report incidents only, or every event, as
    $NEWS_PIPELINE_INCIDENTS_ONLY says now."""
    global _nlp, _nlp_events_model, _loads
    from ..language import EVENTS_MODEL_ENV, build_pipeline, incidents_only_requested, set_incidents_only

    with _lock:
        events_model = os.environ.get(EVENTS_MODEL_ENV)
        if _nlp is None or events_model != _nlp_events_model:
            _nlp, _nlp_events_model = build_pipeline(), events_model
            _loads += 1
        set_incidents_only(_nlp, incidents_only_requested())
    return _nlp


def loads() -> int:
    return _loads


def init_pool_worker() -> None:
    # Ctrl-C in a terminal reaches the whole process group: the workers finish their batch and
    # leave stopping to the parent, which writes what is in flight before it exits.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    load_pipeline()


def process_batch(articles: list[Article], nlp: Optional[object] = None) -> list[ArticleRecord]:
    """Run the pipeline over one batch of articles and return their records, in order.

    An article longer than a piece's limit is run piece by piece, one piece in memory at a time
    (``chunks.py``); the others go through ``nlp.pipe`` together.
    """
    from ..doc_to_record import doc_to_record

    if nlp is None:
        nlp = load_pipeline()
    size = min(MAX_CHUNK_CHARS, nlp.max_length)
    # memory_zone: the strings and lexemes a batch adds to the vocab are freed when it is done, so a
    # worker's memory stays flat over millions of articles (records hold plain strings, not Docs).
    with _lock, nlp.memory_zone():
        short = [article for article in articles if len(article.text) <= size]
        docs = [_doc(nlp, article.text, article) for article in short]
        records = {id(article): doc_to_record(doc, article) for doc, article in zip(nlp.pipe(docs), short)}
        for article in articles:
            if id(article) not in records:
                pieces = []
                for start, end in split_text(article.text, size):
                    doc = nlp(_doc(nlp, article.text[start:end], article))
                    pieces.append((start, doc_to_record(doc, article), sum(1 for _ in doc.sents)))
                records[id(article)] = merge_records(article, pieces, size)
        return [records[id(article)] for article in articles]


def _doc(nlp, text: str, article: Article):
    doc = nlp.make_doc(text)
    doc._.published = article.published
    return doc
