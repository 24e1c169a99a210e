"""Score the pipeline (or a records file) on a split of the gold annotations, with the base model's
NER scored on the same documents for comparison."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Optional

from ..records import ArticleRecord
from .brat import BratDocument, read_brat_corpus
from .documents import DocumentView, EntityView, from_brat, from_record
from .scorer import SCORED_ENTITY_LABELS, score_corpus

# The bare base model has no WEAPON label: its score is over the labels it knows.
BASE_LABELS = tuple(label for label in SCORED_ENTITY_LABELS if label != "WEAPON")


def load_gold(gold_dir: Path, split: Optional[str]) -> list[BratDocument]:
    folder = gold_dir / "docs" if (gold_dir / "docs").is_dir() else gold_dir
    return read_brat_corpus(folder, gold_dir / "index.jsonl", split)


def predict_records(gold: list[BratDocument]) -> list[ArticleRecord]:
    from ..execution.local import process_batch
    from ..ingest import ArticleLimits, make_article

    articles = [make_article(doc.text, doc.doc_id, ArticleLimits(), article_id=doc.doc_id,
                             published=doc.meta.get("published"), source=doc.meta.get("source")) for doc in gold]
    return process_batch(articles)


def base_model_views(gold: list[BratDocument]) -> list[DocumentView]:
    from ..language import build_base_pipeline

    nlp = build_base_pipeline()
    return [DocumentView(doc.doc_id, doc.text, [EntityView((e.start_char, e.end_char), e.label_, e.text)
                                                for e in parsed.ents])
            for doc, parsed in zip(gold, nlp.pipe(d.text for d in gold))]


def read_records(path: Path) -> dict[str, ArticleRecord]:
    with open(path, encoding="utf-8") as stream:
        return {r.article_id: r for r in (ArticleRecord.model_validate_json(line) for line in stream if line.strip())}


def with_case(doc: BratDocument, case: str) -> BratDocument:
    """The document with its text in upper or lower case, offsets kept ("ß" stays, not "SS")."""
    change = str.upper if case == "upper" else str.lower
    text = "".join(c if len(change(c)) != 1 else change(c) for c in doc.text)
    return replace(doc, text=text)


def evaluate(gold_dir: Path, split: Optional[str], pred_path: Optional[Path] = None,
             with_baseline: bool = True, case: Optional[str] = None) -> dict:
    gold = load_gold(gold_dir, split)
    if case is not None:
        gold = [with_case(doc, case) for doc in gold]
    if pred_path is not None:
        by_id = read_records(pred_path)
        missing = [d.doc_id for d in gold if d.doc_id not in by_id]
        if missing:
            raise ValueError(f"{len(missing)} gold documents have no predicted record, e.g. {missing[:3]}")
        predicted = [by_id[d.doc_id] for d in gold]
    else:
        predicted = predict_records(gold)
    gold_views = [from_brat(doc) for doc in gold]
    report = {"split": split or "all", "gold": str(gold_dir), "case": case or "as written",
              "pipeline": score_corpus(zip(gold_views, map(from_record, predicted)))}
    if with_baseline:
        baseline = score_corpus(zip(gold_views, base_model_views(gold)), BASE_LABELS)
        report["base_model_ner"] = {k: baseline[k] for k in ("entities_exact", "entities_overlap")}
        ours = score_corpus(zip(gold_views, map(from_record, predicted)), BASE_LABELS)
        report["pipeline_on_base_labels"] = {k: ours[k] for k in ("entities_exact", "entities_overlap")}
    return report


def summary_lines(report: dict) -> list[str]:
    p = report["pipeline"]
    case = report.get("case", "as written")
    lines = [f"{report['split']}: {p['documents']} documents" + ("" if case == "as written" else f", {case}-cased")]
    for layer in ("entities_exact", "entities_overlap", "events", "arguments", "relations"):
        s = p[layer]
        lines.append(f"  {layer:18s} P {s['p']:.3f}  R {s['r']:.3f}  F {s['f']:.3f}")
    if "base_model_ner" in report:
        for layer in ("entities_exact", "entities_overlap"):
            ours, base = report["pipeline_on_base_labels"][layer], report["base_model_ner"][layer]
            lines.append(f"  {layer} on base labels: pipeline F {ours['f']:.3f} vs base model F {base['f']:.3f}")
    lines.append(f"  date value accuracy {p['date_value_accuracy']['accuracy']}  "
                 f"event country {p['event_location_accuracy']['country']['accuracy']}  "
                 f"event place {p['event_location_accuracy']['place']['accuracy']}  "
                 f"killed {p['casualty_count_accuracy']['killed']['accuracy']}  "
                 f"injured {p['casualty_count_accuracy']['injured']['accuracy']}  "
                 f"canonical {p['actor_canonical_accuracy']['accuracy']}")
    return lines


def write_report(report: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
