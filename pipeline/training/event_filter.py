"""Train the event filter (``news_event_filter``, components/event_filter.py) on MUC-4 train.

    python -m pipeline.training.event_filter configs/event_filter.cfg --output models/event_filter \
        [--paths.muc4_train ../shared/data/muc4/gtt/train.jsonl]

Every MUC-4 train document goes through the shipped pipeline (the trained stages of $NEWS_PIPELINE_MODELS,
without an event filter). With ``--paths.event_folds DIR`` (``make train-events-folds``: DIR/0 ... DIR/n-1, event
extractors each trained without one n-th of MUC-4 train), a document's event extractor is the one that did not
learn it (``fold_pipelines``): the shipped extractor learnt nine tenths of these documents, and its fillers on them
are far better than on new text (of its targets, 58% right on the documents it learnt, 28% on the tenth it did
not), so a filter learnt from them keeps too many on new text. Each event the rules found gives its features as
the filter will see them (right after ``news_events``) and a label: 1 when the MUC-4 metric's optimal alignment
pairs the event's template with a gold template, else 0. A logistic regression is fitted on them; the threshold is the one
with the best MUC-4 micro-F1 over out-of-fold predictions (``folds`` folds by document), the templates of the
events below it dropped. MUC-4 dev is not read.

With ``--paths.judge_config configs/event_judge-trf.cfg`` (the transformer variant, make train-events-trf-filters)
the filter brings a judge (``training.event_judge``): MiniLM fine-tuned on the same events' text. The threshold is
then chosen on the mean of the two out-of-fold probabilities, the judge's from judges that each left a fold out.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence

import numpy as np
import spacy
from spacy.cli._util import parse_config_overrides
from spacy.language import Language
from tqdm import tqdm

from ..components.event_filter import event_context, event_features, probability, with_judgement
from ..evaluation.muc4 import Template, best_alignment, read_gtt, record_templates, score_corpus

FEATURES_KEY = "news_event_filter_features"
CONTEXTS_KEY = "news_event_filter_contexts"


@dataclass
class TrainingDocument:
    """One document's events: their features, labels and templates (as the pipeline reports them)."""

    doc_id: str
    features: list[dict[str, float]]
    labels: list[int]
    templates: list[Template]
    gold: list[Template]
    contexts: list[str] = field(default_factory=list)  # what the judge reads of each event (event_context)


@Language.component("news_event_filter_features", requires=["doc._.events"])
def keep_event_features(doc):
    """Training only: the events' features as the rules left them, kept for after the pipeline has run."""
    events = list(doc._.events or ())
    doc.user_data[FEATURES_KEY] = event_features(doc, events)
    doc.user_data[CONTEXTS_KEY] = [event_context(event) for event in events]
    return doc


def through_pipeline(nlps: Sequence[Language], documents: dict[str, tuple[str, list[Template]]]) -> Iterator[tuple]:
    """(document id, Doc, its ArticleRecord, gold templates) for each MUC-4 document, in order, run through the one
    pipeline ``fold_pipelines`` made or, given one per fold, through the one of the fold that held it out."""
    from ..doc_to_record import doc_to_record
    from ..ingest import ArticleLimits, make_article
    from .muc4_corpus import is_held_out

    ids = list(documents)
    folds = [[i for i in range(len(ids)) if len(nlps) == 1 or is_held_out(i, len(nlps), k)] for k in range(len(nlps))]
    docs: dict[int, object] = {}
    with tqdm(total=len(ids), desc="MUC-4 train through the pipeline") as progress:
        for fold_nlp, numbers in zip(nlps, folds):
            for number, doc in zip(numbers, fold_nlp.pipe((documents[ids[i]][0] for i in numbers), batch_size=16)):
                docs[number] = doc
                progress.update()
    for number, doc_id in enumerate(ids):
        record = doc_to_record(docs[number], make_article(documents[doc_id][0], f"muc4-{number}", ArticleLimits(),
                                                          article_id=str(number)))
        yield doc_id, docs[number], record, documents[doc_id][1]


def fold_pipelines(build: Callable[..., Language], event_folds: Optional[Path],
                   also_replaced: Optional[dict[str, Path]] = None) -> list[Language]:
    """[the pipeline ``build()`` makes], or, with ``event_folds`` (a folder of event extractors 0 ...
    n-1, extractor k trained without the documents ``muc4_corpus.is_held_out(i, n, k)``), one per extractor: the
    shipped models with that extractor in place of models/events (``build(replaced={"events": ...})``).
    ``also_replaced``: more pipeline directories to take in place of the shipped ones, in every pipeline."""
    if not event_folds:
        return [build(replaced=also_replaced or None)]  # None: build's own default ($NEWS_PIPELINE_EVENTS_MODEL)
    folds = sorted((p for p in Path(event_folds).iterdir() if p.is_dir() and p.name.isdigit()),
                   key=lambda p: int(p.name))
    if [int(p.name) for p in folds] != list(range(len(folds))) or len(folds) < 2:
        raise ValueError(f"{event_folds} should hold event extractors 0 ... n-1 (n >= 2): make train-events-folds")
    return [build(replaced={"events": fold, **(also_replaced or {})}) for fold in folds]


def collect(nlps: Sequence[Language], documents: dict[str, tuple[str, list[Template]]]) -> list[TrainingDocument]:
    for nlp in nlps:
        nlp.add_pipe("news_event_filter_features", after="news_events")
    collected = []
    for doc_id, doc, record, gold in through_pipeline(nlps, documents):
        templates = record_templates(record)
        alignment = best_alignment(templates, gold) if templates and gold else [-1] * len(templates)
        collected.append(TrainingDocument(doc_id, doc.user_data[FEATURES_KEY], [int(j >= 0) for j in alignment],
                                          templates, gold, doc.user_data[CONTEXTS_KEY]))
    return collected


def vocabulary(documents: Iterable[TrainingDocument], min_count: int) -> list[str]:
    counts: dict[str, int] = {}
    for document in documents:
        for features in document.features:
            for name in features:
                counts[name] = counts.get(name, 0) + 1
    return sorted(name for name, count in counts.items() if count >= min_count)


def matrix(documents: Sequence[TrainingDocument], names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    column = {name: i for i, name in enumerate(names)}
    rows = [features for document in documents for features in document.features]
    x = np.zeros((len(rows), len(names)))
    for i, features in enumerate(rows):
        for name, value in features.items():
            if name in column:
                x[i, column[name]] = value
    y = np.array([label for document in documents for label in document.labels], dtype=float)
    return x, y


def fit(documents: Sequence[TrainingDocument], l2: float, epochs: int, learn_rate: float,
        min_count: int) -> dict[str, float]:
    """Logistic regression by batch gradient descent on the mean log loss plus ``l2``/n times the squared
    weights (the bias is not penalised). Returns feature -> weight, zero weights left out."""
    names = vocabulary(documents, min_count)
    x, y = matrix(documents, names)
    if not len(y):
        return {}
    weights = np.zeros(len(names))
    penalised = np.array([name != "bias" for name in names], dtype=float)
    for _ in range(epochs):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ weights, -30, 30)))
        weights -= learn_rate * (x.T @ (p - y) + l2 * penalised * weights) / len(y)
    return {name: round(float(w), 6) for name, w in zip(names, weights) if w != 0.0}


def filtered_f1(documents: Sequence[TrainingDocument], probabilities: list[list[float]], threshold: float) -> float:
    predicted = {d.doc_id: [t for t, p in zip(d.templates, probs) if p >= threshold]
                 for d, probs in zip(documents, probabilities)}
    return score_corpus(predicted, {d.doc_id: d.gold for d in documents})["micro_avg"]["f1"]


def choose_threshold(documents: Sequence[TrainingDocument], settings: dict) -> tuple[float, dict[float, float]]:
    """The threshold with the best micro-F1 over out-of-fold probabilities, and the F1 of each one tried."""
    out_of_fold = out_of_fold_weighted(documents, settings)
    return sweep_thresholds(settings, lambda t: filtered_f1(documents, out_of_fold, t))


def choose_threshold_with_judge(documents: Sequence[TrainingDocument], settings: dict,
                                judge_config) -> tuple[float, dict[float, float]]:
    """As ``choose_threshold``, on the mean of the weights' and the judge's out-of-fold probabilities."""
    from .event_judge import out_of_fold_probabilities

    judged = out_of_fold_probabilities([d.contexts for d in documents], [d.labels for d in documents], judge_config)
    both = [[with_judgement(w, j) for w, j in zip(weighted, judgements)]
            for weighted, judgements in zip(out_of_fold_weighted(documents, settings), judged)]
    return sweep_thresholds(settings, lambda t: filtered_f1(documents, both, t))


def out_of_fold_weighted(documents: Sequence[TrainingDocument], settings: dict) -> list[list[float]]:
    """Each event's probability by the weights fitted without its document's fold (``held_out_weights``)."""
    return [[probability(weights, f) for f in document.features]
            for document, weights in zip(documents, held_out_weights(documents, settings))]


def held_out_weights(documents: Sequence, settings: dict) -> list[dict[str, float]]:
    """For each document, the weights fitted on the ``folds`` - 1 folds (by document) it is not in."""
    folds = settings["folds"]
    weights_of: list[dict[str, float]] = [{} for _ in documents]
    for fold in range(folds):
        weights = fit([d for i, d in enumerate(documents) if i % folds != fold], settings["l2"], settings["epochs"],
                      settings["learn_rate"], settings["min_count"])
        for i in range(fold, len(documents), folds):
            weights_of[i] = weights
    return weights_of


def sweep_thresholds(settings: dict, f1_at: Callable[[float], float]) -> tuple[float, dict[float, float]]:
    """The F1 at no threshold and at each of ``settings["thresholds"]``, and the best threshold (the lowest of
    equal ones)."""
    sweep = {t: f1_at(t) for t in (0.0, *settings["thresholds"])}
    return max(sweep, key=lambda t: (sweep[t], -t)), sweep


def read_config(description: str) -> tuple[dict, dict, Path]:
    """The command line of a filter's training: (config, its [training] settings, the output folder)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("config", type=Path)
    parser.add_argument("--output", type=Path, required=True)
    args, overrides = parser.parse_known_args()
    config = spacy.util.load_config(args.config, overrides=parse_config_overrides(overrides), interpolate=True)
    return config, dict(config["training"]), args.output


def ship_filter(documents: Sequence, settings: dict, choose: Callable, factory: str, name: str, examples: str,
                output: Path, judge: Optional[Language] = None) -> None:
    """Choose a filter's threshold on out-of-fold predictions (``choose``), fit it on every document and write it
    as a spaCy pipeline of one component, with the sweep in its meta. ``documents`` carry ``features`` and
    ``labels``. The fit is deterministic: [system] seed is recorded, nothing draws on it."""
    threshold, sweep = choose(documents, settings)
    weights = fit(documents, settings["l2"], settings["epochs"], settings["learn_rate"], settings["min_count"])
    shipped = spacy.blank("en")
    component = shipped.add_pipe(factory, config={"threshold": threshold})
    component.weights = weights
    if judge is not None:
        component.judge = judge
    shipped.meta.update({"name": name, "version": "0.1.0",
                         "performance": {"muc4_train_out_of_fold_f1": {str(t): round(f, 2) for t, f in sweep.items()},
                                         "threshold": threshold,
                                         examples: sum(len(d.labels) for d in documents),
                                         "positives": sum(sum(d.labels) for d in documents)}})
    shipped.to_disk(output)
    print(f"threshold {threshold}: out-of-fold MUC-4 train micro-F1 {sweep[threshold]:.2f} "
          f"(no filter {sweep[0.0]:.2f}); {len(weights)} weights -> {output}")


def main() -> None:
    config, settings, output = read_config("train the event filter on MUC-4 train")
    from ..language import EVENT_FILTER, TRAINED_COMPONENTS, build_pipeline

    nlps = fold_pipelines(partial(build_pipeline, trained=tuple(c for c in TRAINED_COMPONENTS if c != EVENT_FILTER)),
                          config["paths"].get("event_folds"))
    documents = collect(nlps, read_gtt(Path(config["paths"]["muc4_train"])))
    judge_path = config["paths"].get("judge_config")
    if not judge_path:
        ship_filter(documents, settings, choose_threshold, "news_event_filter", "event_filter", "events", output)
        return
    from .event_judge import load_judge_config, train_judge

    judge_config = load_judge_config(Path(judge_path))
    judge = train_judge([c for d in documents for c in d.contexts], [y for d in documents for y in d.labels],
                        judge_config)
    ship_filter(documents, settings, partial(choose_threshold_with_judge, judge_config=judge_config),
                "news_event_filter", "event_filter", "events", output, judge=judge)


if __name__ == "__main__":
    main()
