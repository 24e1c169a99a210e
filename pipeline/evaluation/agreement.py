"""Inter-annotator agreement: the first pass against the independent second pass, per layer.

    python -m pipeline.evaluation.agreement annotations/ --out annotations/AGREEMENT.json

F1 treats one pass as gold and the other as prediction (F1 is symmetric, so the choice does not
matter). Both passes are kept as they were before adjudication, in annotations/first_pass/ and
annotations/second_pass/, so the figures can be recomputed.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from .brat import read_brat_document
from .documents import from_brat
from .scorer import SCORED_ENTITY_LABELS, score_corpus

AGREEMENT_LABELS = (*SCORED_ENTITY_LABELS, "ACTOR")
LAYERS = ("entities_exact", "entities_overlap", "events", "arguments", "relations")


def agreement(annotations: Path, origins: tuple[str, ...] | None = None) -> dict:
    pairs = []
    for second in sorted((annotations / "second_pass").glob("*.ann")):
        if origins and not second.stem.startswith(origins):
            continue
        txt = annotations / "docs" / f"{second.stem}.txt"
        first = from_brat(read_brat_document(txt, annotations / "first_pass" / second.name))
        pairs.append((first, from_brat(read_brat_document(txt, second))))
    scores = score_corpus(pairs, AGREEMENT_LABELS)
    return {"documents": scores["documents"],
            **{layer: {k: scores[layer][k] for k in ("p", "r", "f", "tp", "fp", "fn")} for layer in LAYERS},
            "entities_exact_per_label": {k: v["f"] for k, v in scores["entities_exact"]["per_label"].items()},
            "date_value_accuracy": scores["date_value_accuracy"],
            "event_kind_accuracy": scores["event_kind_accuracy"],
            "casualty_count_accuracy": scores["casualty_count_accuracy"],
            "actor_canonical_accuracy": scores["actor_canonical_accuracy"]}


def main() -> None:
    parser = argparse.ArgumentParser(description="inter-annotator agreement")
    parser.add_argument("annotations", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    report = {"all": agreement(args.annotations),
              "independent_from_scratch (seed, MUC-4)": agreement(args.annotations, ("seed", "muc4")),
              "re3d (both passes start from re3d's converted entities)": agreement(args.annotations, ("re3d",))}
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
