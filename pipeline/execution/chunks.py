"""Long articles: split at paragraph breaks, run in pieces, put back together as one record.

spaCy refuses a text longer than ``nlp.max_length`` (error E088), and its parser needs about 1 GB
of memory per 100,000 characters, so an article longer than ``MAX_CHUNK_CHARS`` (a book-length
transcript, a scraped page of a whole archive, run with a higher ``--max-chars``) is split where
a paragraph ends (else a line, a sentence, a space), each piece is annotated on its own, and the
pieces' records are merged: every offset is shifted to index the whole text, sentences are
renumbered, and entity and event ids are renumbered in text order with the references to them.
Nothing crosses a boundary (an event's arguments, a relation), and the record says so in
``warnings``.
"""
from __future__ import annotations

from typing import Iterator

from ..records import Article, ArticleRecord

MAX_CHUNK_CHARS = 100_000
_BREAKS = ("\n\n", "\n", ". ", " ")


def split_text(text: str, size: int) -> Iterator[tuple[int, int]]:
    """(start, end) of consecutive pieces of at most ``size`` characters that together make the text."""
    start = 0
    while len(text) - start > size:
        window = text[start:start + size]
        cut = size
        for mark in _BREAKS:  # the last break in the second half of the window, the strongest first
            found = window.rfind(mark, size // 2)
            if found != -1:
                cut = found + len(mark)
                break
        yield start, start + cut
        start += cut
    yield start, len(text)


def merge_records(article: Article, pieces: list[tuple[int, ArticleRecord, int]], size: int) -> ArticleRecord:
    """One record for the article from its pieces' records: (start offset, record, sentences in the piece)."""
    entities, events, relations, warnings = [], [], [], []
    sentences = 0
    for offset, record, n_sentences in pieces:
        ids = {}
        for entity in record.entities:
            ids[entity.id] = f"T{len(entities) + 1}"
            entities.append(entity.model_copy(update=dict(
                id=ids[entity.id], start=entity.start + offset, end=entity.end + offset,
                sentence=entity.sentence + sentences)))
        for event in record.events:
            events.append(event.model_copy(update=dict(
                id=f"E{len(events) + 1}", sentence=event.sentence + sentences,
                trigger=event.trigger.model_copy(update=dict(start=event.trigger.start + offset,
                                                             end=event.trigger.end + offset)),
                arguments=[a.model_copy(update=dict(start=a.start + offset, end=a.end + offset,
                                                    entity=ids.get(a.entity) if a.entity else None))
                           for a in event.arguments])))
        relations += [r.model_copy(update=dict(head=ids[r.head], tail=ids[r.tail])) for r in record.relations]
        warnings += [w for w in record.warnings if w not in warnings]
        sentences += n_sentences
    warnings.append(f"long article: processed in {len(pieces)} pieces of at most {size} characters; "
                    "no event argument or relation spans two pieces")
    first = pieces[0][1]
    return first.model_copy(update=dict(text=article.text, entities=entities, events=events, relations=relations,
                                         warnings=warnings))
