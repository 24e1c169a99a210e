"""The training reader of the relation and event-argument linkers: gold DocBin in, Examples out, with
the gold entities and gold events copied into the predicted Doc.

The linkers classify pairs of given mentions, so they are trained and scored on the gold mentions
("gold entities given"); how well they do on the pipeline's own entities is ``news-pipeline
evaluate``'s question. The predicted Doc is parsed by the base model (without its NER), as the
pipeline parses it, so that the pair features (sentences, dependency paths, lemmas) are the ones the
linkers will see at run time.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator, Optional

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.training import Example
from spacy.util import filter_spans, registry

from ..components.actors import ACTORS_KEY
from ..architectures.relation_model import TRIGGERS_KEY
from ..components.relation_model import gold_triggers
from ..language import BASE_MODEL

# What the reader needs of the base pipeline: the parse, tags and lemmas, not its entities.
PARSE_EXCLUDE = ["ner"]


@registry.readers("news.GoldEntityCorpus.v1")
def create_gold_entity_reader(path: Path, parser: Optional[str] = BASE_MODEL,
                              limit: int = 0) -> Callable[[Language], Iterator[Example]]:
    """Examples from a gold DocBin (``pipeline/training/corpus.py``): the predicted Doc is the text
    parsed by ``parser`` (null: only tokenised), with the reference's entities, nominal actors
    (``doc.spans["actors"]``) and event triggers (``doc.spans["event_triggers"]``) copied in."""
    parsed: dict[int, bytes] = {}  # the parse is the same every epoch: computed once

    def read(nlp: Language) -> Iterator[Example]:
        references = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        if limit:
            references = references[:limit]
        if not parsed:
            parse = _parser(parser)
            texts = (ref.text for ref in references)
            docs = parse.pipe(texts) if parse is not None else map(nlp.make_doc, texts)
            parsed.update((i, doc.to_bytes(exclude=["user_data"])) for i, doc in enumerate(docs))
        for i, reference in enumerate(references):
            predicted = Doc(nlp.vocab).from_bytes(parsed[i])
            yield Example(with_gold_mentions(predicted, reference), reference)

    return read


def _parser(name: Optional[str]) -> Optional[Language]:
    if name is None:
        return None
    nlp = spacy.load(name, exclude=PARSE_EXCLUDE)
    nlp.add_pipe("news_paragraphs", before="parser")  # the pipeline's sentence boundaries
    return nlp


def with_gold_mentions(predicted: Doc, reference: Doc) -> Doc:
    """``predicted`` with the reference's entities, nominal actors and event triggers (character
    offsets snapped to its own tokens)."""
    predicted.ents = filter_spans(_copy(predicted, reference.ents))
    predicted.spans[ACTORS_KEY] = _copy(predicted, reference.spans.get(ACTORS_KEY, ()))
    predicted.spans[TRIGGERS_KEY] = gold_triggers(predicted, reference.user_data.get("events", ()))
    return predicted


def _copy(doc: Doc, spans) -> list[Span]:
    copied = (doc.char_span(s.start_char, s.end_char, label=s.label_, alignment_mode="expand") for s in spans)
    return [s for s in copied if s is not None]


def read_examples(nlp: Language, path: Path, parser: Optional[str] = BASE_MODEL) -> list[Example]:
    return list(create_gold_entity_reader(path, parser)(nlp))
