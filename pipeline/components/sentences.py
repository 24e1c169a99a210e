"""Sentence splitting tuned for news: paragraphs, captions, datelines and bylines.

Two components. ``news_paragraphs`` runs before the parser and starts a sentence at every
paragraph break, so a caption or a dateline never fuses with story text. ``news_boilerplate``
runs after the parser and marks captions, photo credits, datelines and bylines in
``doc.spans["boilerplate"]``; the events stage skips sentences that lie inside them.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

BOILERPLATE_KEY = "boilerplate"
# "Photo: AFP / Javed Tanveer", "(Photo credit: Reuters)", "Image: Facebook"
_CREDIT = re.compile(r"(?:\(|\b)(?:photo|image|picture|video|credit|photograph)s?(?: credit)?\s*:\s*[^\n]{1,80}\)?\s*$",
                     re.IGNORECASE)
# "GUATEMALA CITY, 4 FEB 90 (ACAN-EFE) -- [TEXT]", "KABUL (Reuters) -", "ISLAMABAD, Dec 23 (AP) —"
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Za-z .'-]{1,40}(?:,\s*[^\n(]{1,30})?\s*\([A-Za-z][A-Za-z0-9 .&/-]{0,30}\)\s*(?:--|—|–|-)\s*"
    r"(?:\[[A-Z]+(?: [A-Z]+)?\]\s*)?"  # MUC-4's section label: [TEXT], [EXCERPTS], [COMMUNIQUE]
)
_BYLINE = re.compile(r"^\s*(?:By|BY)\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}\s*(?:,[^\n]{0,40})?$")


@Language.component("news_paragraphs", assigns=["token.is_sent_start"])
def news_paragraphs(doc: Doc) -> Doc:
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n\n" in previous.whitespace_ + (previous.text if previous.is_space else ""):
            token.is_sent_start = True
        elif previous.is_space and "\n" in previous.text and token.text[:1].isupper() and _line_ended(doc, token):
            token.is_sent_start = True
    return doc


def _line_ended(doc: Doc, token) -> bool:
    # A single newline ends a sentence only after sentence-final punctuation: wire copy
    # (MUC-4) wraps lines mid-sentence, so a bare newline is not a boundary.
    before = doc[token.i - 2] if token.i >= 2 else None
    return before is not None and before.text in {".", "!", "?", '"', "”"}


@Language.component("news_boilerplate", requires=["token.is_sent_start"], assigns=["doc.spans"])
def news_boilerplate(doc: Doc) -> Doc:
    spans = []
    for paragraph in _paragraphs(doc):
        text = paragraph.text
        if _CREDIT.search(text):
            spans.append(Span(doc, paragraph.start, paragraph.end, label="CAPTION"))
        elif _BYLINE.match(text):
            spans.append(Span(doc, paragraph.start, paragraph.end, label="BYLINE"))
        else:
            match = _DATELINE.match(text)
            if match and paragraph.start == _first_word(doc):
                end_char = paragraph.start_char + match.end()
                dateline = doc.char_span(paragraph.start_char, end_char, alignment_mode="contract")
                if dateline is not None and len(dateline):
                    spans.append(Span(doc, dateline.start, dateline.end, label="DATELINE"))
    doc.spans[BOILERPLATE_KEY] = spans
    return doc


def _first_word(doc: Doc) -> int:
    return next((t.i for t in doc if not t.is_space), 0)


def _paragraphs(doc: Doc):
    start = None
    for token in doc:
        if token.is_space and "\n\n" in token.text or "\n\n" in token.whitespace_:
            end = token.i if token.is_space else token.i + 1
            if start is not None and end > start:
                yield doc[start:end]
            start = None
        elif start is None and not token.is_space:
            start = token.i
    if start is not None:
        yield doc[start:len(doc)]


def in_boilerplate(doc: Doc, span: Span) -> bool:
    return any(b.start <= span.start and span.end <= b.end for b in doc.spans.get(BOILERPLATE_KEY, ()))
