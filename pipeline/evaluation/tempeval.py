"""Score DATE detection and TIMEX3 values on TempEval-3 TimeML (TBAQ-cleaned: TimeBank + AQUAINT).

Detection compares the pipeline's date expressions with the gold ``TIMEX3 type="DATE"`` spans,
strictly (same characters) and relaxed (overlap, one to one), as TempEval-3 scores extents.
Our date expressions are the DATE entities that the normaliser resolves to a TIMEX3 DATE value:
not a duration ("three years" is DURATION in TimeML and ``P3Y`` for us), not a set ("daily"),
not an age or a number it cannot read ("6-year-old", "44"), which OntoNotes labels DATE too.
The figures over all DATE entities are reported beside them. Value accuracy is over the relaxed matches: the predicted TIMEX3
value equals the gold one, both resolved against the document's creation time (DCT), which
the pipeline receives as the publication date.

    python -m pipeline.evaluation.tempeval --corpus ../shared/data/tempeval3 [--out metrics/timex.json]
"""
from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

# TimeBank and AQUAINT; "testpipeline" repeats one TimeBank file and is skipped.
SUBCORPORA = ("TimeBank", "AQUAINT")
_TAG = re.compile(r"<(/?)([A-Za-z0-9]+)([^>]*?)(/?)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_DURATION_VALUE = re.compile(r"^P(\d|X)")


@dataclass(frozen=True)
class Timex:
    start: int
    end: int
    type: str
    value: str
    text: str


@dataclass
class TimeMLDocument:
    doc_id: str
    text: str
    dct: str  # ISO date of the document's creation time
    timexes: list[Timex] = field(default_factory=list)


def read_timeml(path: Path) -> TimeMLDocument:
    """The TEXT element with its tags stripped, the TIMEX3s in it as character spans, and the DCT."""
    raw = path.read_text(encoding="utf-8")
    dct_match = re.search(r"<DCT>\s*<TIMEX3([^>]*)>", raw)
    if dct_match is None:
        raise ValueError(f"{path}: no DCT")
    dct = dict(_ATTR.findall(dct_match.group(1)))["value"]
    dct = f"{dct[:4]}-{dct[4:6]}-{dct[6:8]}" if re.fullmatch(r"\d{8}", dct[:8]) else dct[:10]
    body = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S)
    if body is None:
        raise ValueError(f"{path}: no TEXT")
    text_parts: list[str] = []
    length = 0
    open_timex: Optional[tuple[int, dict]] = None
    timexes = []
    position = 0
    source = body.group(1)
    for tag in _TAG.finditer(source):
        chunk = html.unescape(source[position:tag.start()])
        text_parts.append(chunk)
        length += len(chunk)
        position = tag.end()
        closing, name = tag.group(1), tag.group(2)
        if name != "TIMEX3":
            continue
        if not closing:
            open_timex = (length, dict(_ATTR.findall(tag.group(3))))
        elif open_timex is not None:
            start, attrs = open_timex
            span_text = "".join(text_parts)[start:length]
            timexes.append(Timex(start, length, attrs.get("type", ""), attrs.get("value", ""), span_text))
            open_timex = None
    text_parts.append(html.unescape(source[position:]))
    text = "".join(text_parts)
    # Strip the leading blank lines, keeping offsets right.
    lead = len(text) - len(text.lstrip())
    timexes = [Timex(t.start - lead, t.end - lead, t.type, t.value, t.text) for t in timexes]
    return TimeMLDocument(path.stem.removesuffix(".tml"), text[lead:], dct, timexes)


def read_corpus(root: Path) -> list[TimeMLDocument]:
    """Every TimeML document under ``root`` (the tempeval3 folder or TBAQ-cleaned itself)."""
    base = root / "TBAQ-cleaned" if (root / "TBAQ-cleaned").is_dir() else root
    paths = sorted(p for sub in SUBCORPORA for p in (base / sub).glob("*.tml"))
    if not paths:
        raise FileNotFoundError(f"no TimeML files under {base}/{{{','.join(SUBCORPORA)}}}")
    return [read_timeml(p) for p in paths]


@dataclass(frozen=True)
class PredictedDate:
    start: int
    end: int
    value: Optional[str]
    text: str

    @property
    def is_date(self) -> bool:
        """Normalised to a TIMEX3 DATE value: not unresolved, not a DURATION or SET (P...)."""
        return self.value is not None and not _DURATION_VALUE.match(self.value)


def predict(documents: list[TimeMLDocument], nlp=None, batch_size: int = 16) -> list[list[PredictedDate]]:
    """The pipeline's DATE entities and their TIMEX3 values, with the DCT as the publication date."""
    if nlp is None:
        from ..language import build_pipeline

        nlp = build_pipeline()
    docs = []
    for document in documents:
        doc = nlp.make_doc(document.text)
        doc._.published = document.dct
        docs.append(doc)
    predictions = []
    for doc in nlp.pipe(docs, batch_size=batch_size):
        predictions.append([PredictedDate(e.start_char, e.end_char, e._.timex.value if e._.timex else None, e.text)
                            for e in doc.ents if e.label_ == "DATE"])
    return predictions


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4), "tp": tp, "fp": n_pred - tp, "fn": n_gold - tp}


def _overlap_pairs(gold: list[Timex], pred: list[PredictedDate]) -> list[tuple[Timex, PredictedDate]]:
    """One-to-one overlap matching, exact matches first, then the largest overlap."""
    candidates = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            shared = min(g.end, p.end) - max(g.start, p.start)
            if shared > 0:
                candidates.append((-(g.start == p.start and g.end == p.end), -shared, i, j))
    used_gold, used_pred, pairs = set(), set(), []
    for _, _, i, j in sorted(candidates):
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            pairs.append((gold[i], pred[j]))
    return pairs


def score(documents: list[TimeMLDocument], predictions: list[list[PredictedDate]]) -> dict:
    """Detection (strict, relaxed) for our date expressions and for all DATE entities; value accuracy."""
    report = {}
    errors: Counter = Counter()
    for name, keep in (("dates", lambda p: p.is_date), ("all_date_entities", lambda p: True)):
        n_gold = n_pred = strict = relaxed = correct = 0
        for document, predicted in zip(documents, predictions):
            gold = [t for t in document.timexes if t.type == "DATE"]
            pred = [p for p in predicted if keep(p)]
            n_gold, n_pred = n_gold + len(gold), n_pred + len(pred)
            strict += len({(g.start, g.end) for g in gold} & {(p.start, p.end) for p in pred})
            pairs = _overlap_pairs(gold, pred)
            relaxed += len(pairs)
            for g, p in pairs:
                correct += g.value == p.value
                if name == "dates" and g.value != p.value:
                    errors[(g.text.lower(), g.value, p.text.lower(), p.value)] += 1
        report[name] = {
            "strict": _prf(strict, n_pred, n_gold),
            "relaxed": _prf(relaxed, n_pred, n_gold),
            "value_accuracy": {"accuracy": round(correct / relaxed, 4) if relaxed else None, "n": relaxed,
                               "correct": correct},
            # TempEval-3's value score: a correct value counts for precision and recall.
            "value_f1": _prf(correct, n_pred, n_gold)["f"],
        }
    report["frequent_value_errors"] = [
        {"gold_text": g, "gold_value": gv, "pred_text": p, "pred_value": pv, "count": n}
        for (g, gv, p, pv), n in errors.most_common(25)]
    return report


def evaluate_timex(corpus: Path, nlp=None) -> dict:
    documents = read_corpus(corpus)
    started = time.perf_counter()
    predictions = predict(documents, nlp)
    seconds = time.perf_counter() - started
    report = {"corpus": str(corpus), "documents": len(documents),
              "gold_date_timexes": sum(t.type == "DATE" for d in documents for t in d.timexes),
              "seconds": round(seconds, 1), **score(documents, predictions)}
    return report


def summary_lines(report: dict) -> list[str]:
    lines = [f"TempEval-3 TBAQ-cleaned: {report['documents']} documents, {report['gold_date_timexes']} DATE TIMEX3"]
    for name in ("dates", "all_date_entities"):
        r = report[name]
        lines.append(f"  {name:18s} strict P {r['strict']['p']:.3f} R {r['strict']['r']:.3f} F {r['strict']['f']:.3f}"
                     f" | relaxed P {r['relaxed']['p']:.3f} R {r['relaxed']['r']:.3f} F {r['relaxed']['f']:.3f}"
                     f" | value accuracy {r['value_accuracy']['accuracy']} (n={r['value_accuracy']['n']})"
                     f" value F1 {r['value_f1']:.3f}")
    return lines


def write_report(report: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def main(argv: Optional[Iterable[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("metrics/timex.json"))
    args = parser.parse_args(list(argv) if argv is not None else None)
    report = evaluate_timex(args.corpus)
    write_report(report, args.out)
    print("\n".join(summary_lines(report)))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
