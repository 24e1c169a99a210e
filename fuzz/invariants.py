"""What every parser must do with any input: yield valid records or quarantine entries, never crash.

The fuzz targets (``fuzz_*.py``) and the regression tests that replay ``fuzz/crashers/`` share these
checks, so a crasher fixed once stays fixed.
"""
from __future__ import annotations

import re
from typing import Iterable

from pipeline.ingest.articles import MAX_ID_CHARS, ArticleLimits, content_hash
from pipeline.records import Article, Quarantined

# Small limits reach the size checks with small inputs.
LIMITS = ArticleLimits(max_chars=512)
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def check_item(item: object, limits: ArticleLimits = LIMITS) -> None:
    """One reader output: a storable Article, or a Quarantined entry that says why."""
    if isinstance(item, Quarantined):
        assert item.reason, item
        Quarantined.model_validate_json(item.model_dump_json())  # the quarantine sink can write it
        return
    assert isinstance(item, Article), type(item)
    assert item.text.strip(), "an article without text"
    assert not _FORBIDDEN.search(item.text), "control characters or surrogates left in the text"
    assert item.content_hash == content_hash(item.text)
    assert item.article_id and len(item.article_id) <= MAX_ID_CHARS
    for value in (item.article_id, item.title, item.url, item.source):
        assert value is None or not _FORBIDDEN.search(value), value
    assert Article.model_validate_json(item.model_dump_json()) == item  # survives JSON both ways


def check_items(items: Iterable[object], limits: ArticleLimits = LIMITS) -> list:
    items = list(items)
    for item in items:
        check_item(item, limits)
    return items
