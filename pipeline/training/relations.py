"""After ``spacy train configs/relations.cfg``: calibrate the linkers and choose their thresholds on dev,
score them on gold mentions, and write the shipped model and its metrics.

    python -m pipeline.training.relations calibrate build/relations/model-best models/relations \\
        --dev corpora/gold-dev.spacy --test corpora/gold-test.spacy --metrics metrics
    python -m pipeline.training.relations records --split test --out build/relations/records-test.jsonl
    news-pipeline evaluate --split test --pred build/relations/records-test.jsonl --out metrics/relations-e2e-test.json

For each linker (``news_relation_linker``, ``news_event_argument_linker``), on the dev split only:
Platt scaling per label (``sigmoid(a * logit + b)``, fitted to the candidate pairs' gold labels), then a
threshold sweep over the calibrated score, the threshold with the best F1 kept. Reported: the sweep,
a random baseline (uniform random scores through the same decoding and sweep), expected calibration
error and reliability tables before and after calibration, and P/R/F1 on dev and test with the gold
entities (and, for event arguments, the gold events) given. ``metrics/relations.json`` and
``metrics/relations-event-arguments.json`` hold the figures; ``metrics/relations-reliability.png``
the reliability diagram when matplotlib is installed. ``records`` runs the pipeline with the linkers
(models/relations) over a gold split, for ``news-pipeline evaluate --pred``: the end-to-end score, on
the pipeline's own entities and events.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Callable, Optional

import numpy
import spacy
from spacy.language import Language
from spacy.training import Example

from ..components.relation_model import PairClassifier
from .relation_corpus import read_examples

THRESHOLDS = (0.01, 0.02, 0.03, *(round(0.05 * k, 2) for k in range(1, 20)))
N_BINS = 10
PLATT_PRIOR = 1.0  # pull towards (a, b) = (1, 0): a label with a handful of dev positives stays near raw
# The linkers' metrics files, by component name.
METRICS_FILES = {"news_relation_linker": "relations.json", "news_event_argument_linker": "relations-event-arguments.json"}
SCORE_KEYS = {"news_relation_linker": "relations", "news_event_argument_linker": "event_arguments"}


def _sigmoid(x):
    return 1.0 / (1.0 + numpy.exp(-numpy.clip(x, -30.0, 30.0)))


def fit_platt(logits: numpy.ndarray, truths: numpy.ndarray, prior: float = PLATT_PRIOR,
              iterations: int = 100) -> tuple[float, float]:
    """(a, b) minimising the log loss of sigmoid(a * logit + b) plus ``prior`` * |(a, b) - (1, 0)|^2,
    by Newton's method with step halving (two parameters, so the Hessian is 2 x 2)."""
    x = numpy.asarray(logits, dtype="float64")
    y = numpy.asarray(truths, dtype="float64")
    start = numpy.array([1.0, 0.0])

    def objective(w):
        z = w[0] * x + w[1]
        # log(1 + e^z) - y z, computed without overflow
        return float((numpy.logaddexp(0.0, z) - y * z).sum() + prior * ((w - start) ** 2).sum())

    w = start.copy()
    for _ in range(iterations):
        p = _sigmoid(w[0] * x + w[1])
        gradient = numpy.array([((p - y) * x).sum(), (p - y).sum()]) + 2 * prior * (w - start)
        s = p * (1 - p)
        hessian = numpy.array([[(s * x * x).sum(), (s * x).sum()], [(s * x).sum(), s.sum()]])
        step = numpy.linalg.solve(hessian + (2 * prior + 1e-9) * numpy.eye(2), gradient)
        current, scale = objective(w), 1.0
        while scale > 1e-6 and objective(w - scale * step) > current:
            scale /= 2
        w -= scale * step
        if numpy.abs(scale * step).max() < 1e-9:
            break
    return float(w[0]), float(w[1])


def reliability(probabilities: numpy.ndarray, outcomes: numpy.ndarray, n_bins: int = N_BINS) -> dict:
    """Expected calibration error over equal-width bins, and the table it is computed from."""
    probabilities = numpy.asarray(probabilities, dtype="float64").ravel()
    outcomes = numpy.asarray(outcomes, dtype="float64").ravel()
    table, ece = [], 0.0
    bins = numpy.minimum((probabilities * n_bins).astype(int), n_bins - 1)
    for k in range(n_bins):
        inside = bins == k
        n = int(inside.sum())
        if n == 0:
            continue
        confidence, accuracy = float(probabilities[inside].mean()), float(outcomes[inside].mean())
        ece += n / len(probabilities) * abs(confidence - accuracy)
        table.append({"bin": [k / n_bins, (k + 1) / n_bins], "n": n, "confidence": round(confidence, 4),
                      "accuracy": round(accuracy, 4)})
    return {"ece": round(ece, 4), "n": int(len(probabilities)), "table": table}


def _reset(docs) -> None:
    for doc in docs:
        doc._.relations = None
        doc._.events = None  # gold-mention Docs: the linker rebuilds the gold events from their triggers


def decode_and_score(component: PairClassifier, examples: list[Example], logits, threshold: float,
                     prepare: Optional[Callable[[Example], None]] = None) -> dict:
    """The component's scores at ``threshold``; ``prepare`` (what the pipeline does before it, such as the
    rule relations) runs on each example, its predicted Doc reset, first."""
    docs = [eg.predicted for eg in examples]
    _reset(docs)
    for example in examples if prepare is not None else ():
        prepare(example)
    saved = component.cfg["threshold"]
    component.cfg["threshold"] = threshold
    try:
        component.set_annotations(docs, logits)
        return component.score(examples)
    finally:
        component.cfg["threshold"] = saved


def _prf(scores: dict, key: str) -> dict:
    return {m: round(scores[f"{key}_{m}"], 4) for m in ("p", "r", "f")}


def sweep(component: PairClassifier, examples: list[Example], logits, key: str) -> list[dict]:
    return [{"threshold": t, **_prf(decode_and_score(component, examples, logits, t), key)} for t in THRESHOLDS]


def best_threshold(rows: list[dict]) -> float:
    """The threshold of the best F1; of equal ones the highest (fewer, surer links)."""
    return max(rows, key=lambda row: (row["f"], row["threshold"]))["threshold"]


def decision_outcomes(component: PairClassifier, examples: list[Example], logits, key: str,
                      floor: float = 0.05) -> tuple[numpy.ndarray, numpy.ndarray]:
    """(confidence, correct) of every link the component emits at threshold ``floor``: how far the
    ``confidence`` in the records can be taken at its word. Correct = the scorer matches it to gold."""
    confidences, correct = [], []
    docs = [eg.predicted for eg in examples]
    _reset(docs)
    saved = component.cfg["threshold"]
    component.cfg["threshold"] = floor
    try:
        component.set_annotations(docs, logits)
        for example in examples:
            for confidence, ok in component.link_outcomes(example):
                confidences.append(confidence)
                correct.append(ok)
    finally:
        component.cfg["threshold"] = saved
    return numpy.asarray(confidences), numpy.asarray(correct, dtype="float64")


def calibrate(component: PairClassifier, dev: list[Example], test: Optional[list[Example]], key: str,
              seed: int = 0) -> dict:
    """Fit the calibration and the threshold on dev (stored in ``component.cfg``); report dev and test."""
    dev_logits = component.model.ops.to_numpy(component.predict([eg.predicted for eg in dev]))
    dev_truths = component.model.ops.to_numpy(component.truths(dev))
    component.cfg["calibration"] = {}
    raw = component.calibrated(dev_logits)
    component.cfg["calibration"] = {label: list(fit_platt(dev_logits[:, j], dev_truths[:, j]))
                                    for j, label in enumerate(component.labels)}
    calibrated = component.calibrated(dev_logits)
    rows = sweep(component, dev, dev_logits, key)
    component.cfg["threshold"] = best_threshold(rows)
    rng = numpy.random.default_rng(seed)
    random_dev = numpy.log(u := rng.uniform(1e-6, 1 - 1e-6, dev_logits.shape)) - numpy.log(1 - u)
    saved_calibration, component.cfg["calibration"] = component.cfg["calibration"], {}
    random_rows = sweep(component, dev, random_dev, key)
    component.cfg["calibration"] = saved_calibration
    confidences, correct = decision_outcomes(component, dev, dev_logits, key)
    report = {
        "component": component.name, "labels": list(component.labels),
        "threshold": component.cfg["threshold"],
        "calibration": {"method": "Platt scaling per label on dev", "params": component.cfg["calibration"]},
        "dev": {"instances": int(dev_logits.shape[0]), "positives": int(dev_truths.sum()),
                **_scores(component, dev, dev_logits, key)},
        "threshold_sweep_dev": rows,
        "random_baseline": {"what": "uniform random scores, same decoding; threshold swept on dev",
                            "dev_sweep": random_rows, "dev_best": max(random_rows, key=lambda r: r["f"])},
        "ece_dev": {"pair_label_scores_raw": reliability(raw, dev_truths),
                    "pair_label_scores_calibrated": reliability(calibrated, dev_truths),
                    "emitted_links_calibrated": reliability(confidences, correct)},
    }
    if test:
        test_logits = component.model.ops.to_numpy(component.predict([eg.predicted for eg in test]))
        test_truths = component.model.ops.to_numpy(component.truths(test))
        random_test = numpy.log(u := rng.uniform(1e-6, 1 - 1e-6, test_logits.shape)) - numpy.log(1 - u)
        component.cfg["calibration"] = {}
        random_test_scores = _prf(decode_and_score(component, test, random_test,
                                                   report["random_baseline"]["dev_best"]["threshold"]), key)
        component.cfg["calibration"] = saved_calibration
        confidences, correct = decision_outcomes(component, test, test_logits, key)
        report["test"] = {"instances": int(test_logits.shape[0]), "positives": int(test_truths.sum()),
                          **_scores(component, test, test_logits, key)}
        report["random_baseline"]["test_at_dev_threshold"] = random_test_scores
        report["ece_test"] = {"pair_label_scores_calibrated": reliability(component.calibrated(test_logits),
                                                                          test_truths),
                              "emitted_links_calibrated": reliability(confidences, correct)}
    return report


def _scores(component: PairClassifier, examples: list[Example], logits, key: str) -> dict:
    scores = decode_and_score(component, examples, logits, component.threshold)
    per_label = {label: {m: round(v[m], 4) for m in ("p", "r", "f")}
                 for label, v in scores[f"{key}_per_type"].items()}
    return {"gold_mentions": _prf(scores, key), "per_label": per_label}


def plot_reliability(reports: dict[str, dict], out: Path) -> bool:
    """A reliability diagram of the emitted links on dev, one line per linker; False without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    figure, axis = plt.subplots(figsize=(4.5, 4.5))
    axis.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfect calibration")
    for name, report in reports.items():
        table = report["ece_dev"]["emitted_links_calibrated"]["table"]
        axis.plot([row["confidence"] for row in table], [row["accuracy"] for row in table], marker="o",
                  label=f"{name} (ECE {report['ece_dev']['emitted_links_calibrated']['ece']:.3f})")
    axis.set_xlabel("confidence")
    axis.set_ylabel("fraction correct")
    axis.set_title("Emitted links on dev")
    axis.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(out, dpi=120)
    plt.close(figure)
    return True


def calibrate_pipeline(nlp: Language, dev_path: Path, test_path: Optional[Path]) -> dict[str, dict]:
    dev = read_examples(nlp, dev_path)
    test = read_examples(nlp, test_path) if test_path else None
    return {name: calibrate(nlp.get_pipe(name), dev, test, SCORE_KEYS[name])
            for name in nlp.pipe_names if name in SCORE_KEYS}


def linker_stages() -> tuple:
    """The pipeline's trained stages plus the two linkers of models/relations, wherever language.py
    keeps them (the default stages, or the opt-in candidates)."""
    from .. import language

    candidates = getattr(language, "TRAINED_CANDIDATES", ())
    linkers = tuple(c for c in (*language.TRAINED_COMPONENTS, *candidates) if c.directory == "relations")
    return tuple(dict.fromkeys((*language.TRAINED_COMPONENTS, *linkers)))


def linker_records(gold_dir: Path, split: str) -> list:
    """Records of the gold documents of a split from the pipeline with the linkers: what
    ``news-pipeline evaluate --pred`` scores end to end, with the pipeline's own entities."""
    from ..evaluation.evaluate import load_gold
    from ..execution.worker import process_batch
    from ..ingest import ArticleLimits, make_article
    from ..language import build_pipeline

    nlp = build_pipeline(trained=linker_stages())
    missing = {"news_relation_linker", "news_event_argument_linker"} - set(nlp.pipe_names)
    if missing:
        raise SystemExit(f"models/relations does not give {sorted(missing)}: run make train-relations")
    gold = load_gold(gold_dir, split)
    articles = [make_article(doc.text, doc.doc_id, ArticleLimits(), article_id=doc.doc_id,
                             published=doc.meta.get("published"), source=doc.meta.get("source")) for doc in gold]
    return process_batch(articles, nlp)


def main() -> None:
    parser = argparse.ArgumentParser(description="calibrate the trained linkers; records for end-to-end scoring")
    commands = parser.add_subparsers(dest="command", required=True)
    calibrate_cmd = commands.add_parser("calibrate", help="calibrate on dev and write the shipped model and metrics")
    calibrate_cmd.add_argument("model", type=Path, help="the trained pipeline (spacy train's model-best)")
    calibrate_cmd.add_argument("out", type=Path, help="where the calibrated pipeline goes (models/relations)")
    calibrate_cmd.add_argument("--dev", type=Path, default=Path("corpora/gold-dev.spacy"))
    calibrate_cmd.add_argument("--test", type=Path, default=Path("corpora/gold-test.spacy"),
                               help="scored once the choices are made on dev; 'none' while tuning")
    calibrate_cmd.add_argument("--metrics", type=Path, default=Path("metrics"))
    records_cmd = commands.add_parser("records", help="pipeline records, linkers included, of a gold split")
    records_cmd.add_argument("--gold", type=Path, default=Path("annotations"))
    records_cmd.add_argument("--split", default="test")
    records_cmd.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.command == "records":
        records = linker_records(args.gold, args.split)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("".join(r.model_dump_json() + "\n" for r in records), encoding="utf-8")
        print(f"{len(records)} records -> {args.out}")
        return
    nlp = spacy.load(args.model)
    reports = calibrate_pipeline(nlp, args.dev, None if str(args.test) == "none" else args.test)
    nlp.to_disk(args.out)
    args.metrics.mkdir(parents=True, exist_ok=True)
    for name, report in reports.items():
        (args.metrics / METRICS_FILES[name]).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        line = f"{name}: threshold {report['threshold']}  dev {report['dev']['gold_mentions']}"
        if "test" in report:
            line += f"  test {report['test']['gold_mentions']}"
        print(line)
    if plot_reliability(reports, args.metrics / "relations-reliability.png"):
        print(f"wrote {args.metrics / 'relations-reliability.png'}")


if __name__ == "__main__":
    main()
