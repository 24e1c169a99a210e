"""Train the argument filter (``news_argument_filter``, components/argument_filter.py) on MUC-4 train.

    python -m pipeline.training.argument_filter configs/argument_filter.cfg --output models/argument_filter \
        [--paths.muc4_train ../shared/data/muc4/gtt/train.jsonl]

Every MUC-4 train document goes through the shipped pipeline, incidents only (the event filter drops the
events it does not take for incidents; the trained extractor adds its fillers), without an argument filter; with
``--paths.event_folds DIR``, each document's fillers come from an event extractor that did not learn it
(``training.event_filter.fold_pipelines``).
Each perpetrator, target, victim and weapon of an event that the MUC-4 metric's optimal alignment pairs with a
gold template gives its features, as the filter will see them, and a label: 1 when it matches one of that
template's fillers (the scorer's own matching), else 0. The fillers of events aligned with no template are
left out: whether an event is an incident is the event filter's question. A logistic regression is fitted on
them (``training.event_filter.fit``); the threshold is the one with the best MUC-4 micro-F1 over out-of-fold
predictions (``folds`` folds by document), the fillers below it dropped. MUC-4 dev is not read.

The event filter was trained on the same documents, so the events it keeps here are somewhat cleaner than on
new text; the labels, read only off aligned events, do not depend on that.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Optional, Sequence

from spacy.language import Language

from ..components.argument_filter import argument_features
from ..components.event_filter import probability
from ..evaluation.muc4 import Template, best_alignment, make_template, read_gtt, score_corpus, scored_argument, \
    slot_mention
from .event_filter import (fold_pipelines, held_out_weights, read_config, ship_filter, sweep_thresholds,
                           through_pipeline)

FEATURES_KEY = "news_argument_filter_features"


@dataclass
class FillerRow:
    """One argument of a predicted event: its role and text as the scorer reads them, its features (None where
    the filter does not judge it) and its label (None where it is not a training example)."""

    role: str
    text: str
    features: Optional[dict[str, float]]
    label: Optional[int]


@dataclass
class TrainingDocument:
    """One document's events, each its type and filler rows, and the gold templates. ``features`` and
    ``labels`` list the training examples, as ``training.event_filter.fit`` reads them."""

    doc_id: str
    events: list[tuple[str, list[FillerRow]]]
    gold: list[Template]
    features: list[dict[str, float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        rows = [row for _, rows in self.events for row in rows if row.features is not None and row.label is not None]
        self.features = [row.features for row in rows]
        self.labels = [row.label for row in rows]


@Language.component("news_argument_filter_features", requires=["doc._.events"])
def keep_argument_features(doc):
    """Training only: the arguments' features as the filter would see them, kept for after the pipeline has run,
    by (event number, role, character offsets)."""
    events = list(doc._.events or ())
    doc.user_data[FEATURES_KEY] = {
        (k, a.role, a.span.start_char, a.span.end_char): f
        for k, (event, features) in enumerate(zip(events, argument_features(doc, events)))
        for a, f in zip(event.arguments, features) if f is not None}
    return doc


def document_rows(record, features: dict, gold: list[Template]) -> list[tuple[str, list[FillerRow]]]:
    """The events of a record as filler rows, labelled against the gold template each event is aligned with."""
    entities = {entity.id: entity for entity in record.entities}
    events = []
    for event in record.events:
        scored = [(a, scored_argument(a, entities)) for a in event.arguments]
        events.append((event.type, [(a, s) for a, s in scored if s is not None]))
    templates = [make_template(t, [s for _, s in arguments]) for t, arguments in events]
    alignment = best_alignment(templates, gold) if templates and gold else [-1] * len(templates)
    rows = []
    for k, ((event_type, arguments), j) in enumerate(zip(events, alignment)):
        filler_rows = []
        for argument, (role, text) in arguments:
            slot, mention = slot_mention(role, text)
            label = None
            if j >= 0 and slot is not None:
                label = int(any(mention in entity for entity in gold[j].entities(slot)))
            filler_rows.append(FillerRow(role, text, features.get((k, argument.role, argument.start, argument.end)),
                                         label))
        rows.append((event_type, filler_rows))
    return rows


def collect(nlps: Sequence[Language], documents: dict[str, tuple[str, list[Template]]]) -> list[TrainingDocument]:
    for nlp in nlps:
        nlp.add_pipe("news_argument_filter_features", before="news_casualties")
    return [TrainingDocument(doc_id, document_rows(record, doc.user_data[FEATURES_KEY], gold), gold)
            for doc_id, doc, record, gold in through_pipeline(nlps, documents)]


def filtered_f1(documents: Sequence[TrainingDocument], probabilities: list[list[list[float]]],
                threshold: float) -> float:
    """MUC-4 micro-F1 with the fillers below ``threshold`` dropped (``probabilities``: per document, per event, per
    row; a row the filter does not judge is always kept)."""
    predicted = {document.doc_id: [make_template(event_type, [(row.role, row.text) for row, p in zip(rows, row_probs)
                                                              if row.features is None or p >= threshold])
                                   for (event_type, rows), row_probs in zip(document.events, event_probs)]
                 for document, event_probs in zip(documents, probabilities)}
    return score_corpus(predicted, {d.doc_id: d.gold for d in documents})["micro_avg"]["f1"]


def choose_threshold(documents: Sequence[TrainingDocument], settings: dict) -> tuple[float, dict[float, float]]:
    """The threshold with the best micro-F1 over out-of-fold predictions, and the F1 of each one tried."""
    out_of_fold = [[[probability(weights, row.features) if row.features is not None else 1.0 for row in rows]
                    for _, rows in document.events]
                   for document, weights in zip(documents, held_out_weights(documents, settings))]
    return sweep_thresholds(settings, lambda t: filtered_f1(documents, out_of_fold, t))


def main() -> None:
    config, settings, output = read_config("train the argument filter on MUC-4 train")
    from ..language import ARGUMENT_FILTER, TRAINED_COMPONENTS, build_pipeline

    # The event filter that judges the events first: the shipped one, or that of another extractor's variant.
    event_filter = config["paths"].get("event_filter")
    nlps = fold_pipelines(partial(build_pipeline, trained=tuple(c for c in TRAINED_COMPONENTS if c != ARGUMENT_FILTER),
                                  incidents_only=True), config["paths"].get("event_folds"),
                          also_replaced={"event_filter": Path(event_filter)} if event_filter else None)
    documents = collect(nlps, read_gtt(Path(config["paths"]["muc4_train"])))
    ship_filter(documents, settings, choose_threshold, "news_argument_filter", "argument_filter", "fillers", output)


if __name__ == "__main__":
    main()
