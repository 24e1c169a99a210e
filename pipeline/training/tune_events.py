"""Tune the decoding thresholds of a trained event extractor on held-out MUC-4 training documents, then
save the pipeline (the thresholds travel in the component's cfg; the scores go to meta.json).

    python -m pipeline.training.tune_events build/events/model-best models/events \
        --gtt ../shared/data/muc4/gtt/train.jsonl --holdout-every 10

The held-out documents are the ones ``news.muc4_corpus.v1`` leaves out of training with the same
``holdout_every``; MUC-4 dev is not read.
"""
from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import spacy

from ..components.event_model import FACTORY, event_templates, gold_templates
from ..evaluation.muc4 import score_corpus
from .muc4_corpus import muc4_docs

GRID = {
    "doc_threshold": (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6),
    "type_threshold": (0.3, 0.5, 0.7),
    "outside_scale": (0.4, 0.6, 0.8, 1.0),
}


def tune(nlp, gold_docs, grid=GRID, batch_size: int = 16) -> tuple[dict, float, float]:
    """The best thresholds on the documents, with the F1 before and after."""
    pipe = nlp.get_pipe(FACTORY)
    docs = [nlp.make_doc(doc.text) for doc in gold_docs]
    cached = []
    for start in range(0, len(docs), batch_size):
        batch = docs[start:start + batch_size]
        cached.extend(pipe._probabilities(pipe.predict(batch)))
    gold = {str(i): gold_templates(doc) for i, doc in enumerate(gold_docs)}
    original = dict(pipe.cfg)

    def f1(settings: dict) -> float:
        pipe.cfg.update(settings)
        predicted = {str(i): event_templates(pipe.build_events(doc, *probs))
                     for i, (doc, probs) in enumerate(zip(docs, cached))}
        return score_corpus(predicted, gold)["micro_avg"]["f1"]

    before = f1({key: original[key] for key in grid})
    best, best_f1 = {key: original[key] for key in grid}, before
    for values in itertools.product(*grid.values()):
        settings = dict(zip(grid, values))
        score = f1(settings)
        if score > best_f1:
            best, best_f1 = settings, score
    pipe.cfg.update(best)
    return best, before, best_f1


def main() -> None:
    parser = argparse.ArgumentParser(description="tune the event extractor's thresholds, then save it")
    parser.add_argument("model", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--gtt", type=Path, required=True, help="MUC-4 train in GTT's form")
    parser.add_argument("--holdout-every", type=int, default=10)
    parser.add_argument("--holdout-offset", type=int, default=0,
                        help="which fold is held out (muc4_corpus.is_held_out)")
    parser.add_argument("--gpu-id", type=int, default=-1, help="run the model on this GPU (default: CPU)")
    args = parser.parse_args()
    if args.gpu_id >= 0:
        spacy.require_gpu(args.gpu_id)
    nlp = spacy.load(args.model)
    held_out = muc4_docs(nlp, args.gtt, holdout_every=args.holdout_every, part="heldout",
                         holdout_offset=args.holdout_offset)
    best, before, after = tune(nlp, held_out)
    nlp.meta.setdefault("performance", {})["muc4_heldout_train_f1"] = after
    nlp.meta["muc4_tuning"] = {"heldout_documents": len(held_out), "f1_before": before, "f1_after": after,
                               "thresholds": best}
    args.out.parent.mkdir(parents=True, exist_ok=True)  # spaCy makes the folder itself, not its parents
    nlp.to_disk(args.out)
    print(f"held-out MUC-4 train ({len(held_out)} docs): F1 {before:.2f} -> {after:.2f} with {best}; saved {args.out}")


if __name__ == "__main__":
    main()
