"""The evaluation report: ``report.md`` and ``report.html`` with PNG figures, from the files that
``make evaluate`` writes (metrics/*.json) and the pipeline's records of the gold splits.

    python -m pipeline.report report --gold annotations --metrics metrics --records build/eval --out reports

Contents: headline figures; per-label precision/recall/F1 tables (entities, events, arguments,
relations) on dev and test; the event-type confusion matrix; the relation linkers' precision-recall
curve; error examples rendered with displaCy (inline in the HTML; as text in the Markdown); and the
other benchmarks (upper-cased text, MUC-4, TempEval-3) when their files are there. Nothing in it
depends on the time it is written, so an unchanged evaluation gives an unchanged report.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..evaluation.documents import DocumentView, from_brat, from_record
from ..evaluation.evaluate import load_gold
from .analysis import (Confusion, entity_error_kinds, entity_errors, event_confusion, event_errors, render_example,
                       spread)
from .records import read_split_records

SPLITS = ("dev", "test")
LAYER_TITLES = {"entities_exact": "Entities, exact span", "entities_overlap": "Entities, overlapping span",
                "events": "Events (type + trigger)", "arguments": "Event arguments (role + head word)",
                "relations": "Relations (label + overlapping head and tail)"}
FIGURES = {"confusion": "event-confusion.png", "pr": "relations-pr.png", "entities": "entities-f1.png"}


@dataclass
class Block:
    """One piece of the report, written both as Markdown and as HTML."""

    kind: str  # "h2", "h3", "p", "table", "img", "example"
    text: str = ""
    header: tuple = ()
    rows: tuple = ()
    html: str = ""


def _f(value) -> str:
    return "–" if value is None else f"{value:.3f}"


def per_label_table(reports: dict[str, dict], layer: str) -> Block:
    """label | P R F n for each split (n: gold instances, tp + fn)."""
    labels = sorted({label for r in reports.values() for label in r["pipeline"][layer]["per_label"]})
    header = ("label", *(f"{split} {m}" for split in reports for m in ("P", "R", "F", "n")))
    rows = []
    for label in [*labels, "all"]:
        row = [f"**{label}**" if label == "all" else label]
        for report in reports.values():
            scores = report["pipeline"][layer]
            s = scores if label == "all" else scores["per_label"].get(label)
            row += [_f(s["p"]), _f(s["r"]), _f(s["f"]), str(s["tp"] + s["fn"])] if s else ["–"] * 4
        rows.append(tuple(row))
    return Block("table", header=header, rows=tuple(rows))


def headline_table(reports: dict[str, dict]) -> Block:
    header = ("layer", *(f"{split} {m}" for split in reports for m in ("P", "R", "F")))
    rows = [(LAYER_TITLES[layer], *(_f(r["pipeline"][layer][m]) for r in reports.values() for m in ("p", "r", "f")))
            for layer in LAYER_TITLES]
    accuracies = (("dates: TIMEX3 value", ("date_value_accuracy",)),
                  ("event country", ("event_location_accuracy", "country")),
                  ("event place", ("event_location_accuracy", "place")),
                  ("killed count", ("casualty_count_accuracy", "killed")),
                  ("injured count", ("casualty_count_accuracy", "injured")),
                  ("event kind", ("event_kind_accuracy",)), ("actor canonical name", ("actor_canonical_accuracy",)))
    for title, path in accuracies:
        cells = []
        for r in reports.values():
            node = r["pipeline"]
            for key in path:
                node = node[key]
            cells += ["", "", f"{_f(node['accuracy'])} (n={node['n']})"]
        rows.append((f"accuracy: {title}", *cells))
    return Block("table", header=header, rows=tuple(rows))


def confusion_table(confusion: Confusion) -> Block:
    labels = confusion.labels
    return Block("table", header=("gold \\ predicted", *labels),
                 rows=tuple((g, *(str(n) for n in row)) for g, row in zip(labels, confusion.matrix())))


def error_kinds_table(counts: dict) -> Block:
    kinds = ("missed", "spurious", "wrong label", "boundary", 'boundary: leading "the"')
    rows = [(split, source, *(str(by_kind[(source, k)]) for k in kinds), str(sum(by_kind[(source, k)] for k in kinds)))
            for split, by_kind in counts.items() for source in sorted({s for s, _ in by_kind})]
    return Block("table", header=("split", "source", *kinds, "all"), rows=tuple(rows))


def _pairs(gold_dir: Path, split: str, records_path: Path) -> list[tuple[DocumentView, DocumentView]]:
    records = read_split_records(records_path)
    gold = load_gold(gold_dir, split)
    missing = [d.doc_id for d in gold if d.doc_id not in records]
    if missing:
        raise SystemExit(f"{records_path} has no record for {missing[:3]}...: rerun make evaluate")
    return [(from_brat(doc), from_record(records[doc.doc_id])) for doc in gold]


def _load(path: Path) -> Optional[dict]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def build_report(gold_dir: Path, metrics: Path, records: Path, out: Path, n_entity_errors: int = 10,
                 n_event_errors: int = 8) -> list[Path]:
    from . import plots

    out.mkdir(parents=True, exist_ok=True)
    reports = {s: r for s in SPLITS if (r := _load(metrics / f"eval-{s}.json")) is not None}
    if not reports:
        raise SystemExit(f"no {metrics}/eval-dev.json or eval-test.json: run make evaluate first")
    pairs = {s: _pairs(gold_dir, s, records / f"records-{s}.jsonl") for s in reports
             if (records / f"records-{s}.jsonl").exists()}
    written: list[Path] = []
    blocks = [Block("p", "How well the pipeline does on the gold annotations (`" + gold_dir.as_posix() + "`), "
                    "written by `make report` from `make evaluate`'s files in `" + metrics.as_posix() + "/`. "
                    "P precision, R recall, F F1, n gold instances.")]
    blocks += [Block("h2", "Headline"), headline_table(reports)]
    if "base_model_ner" in next(iter(reports.values())):
        blocks.append(Block("p", "Entities on the base model's own labels (no WEAPON), exact F: " + "; ".join(
            f"{s}: pipeline {_f(r['pipeline_on_base_labels']['entities_exact']['f'])}, bare base model "
            f"{_f(r['base_model_ner']['entities_exact']['f'])}" for s, r in reports.items()) + "."))

    blocks.append(Block("h2", "Per-label precision, recall and F1"))
    entity_f1 = {s: r["pipeline"]["entities_exact"]["per_label"] for s, r in reports.items()}
    written.append(plots.per_label_f1_png(entity_f1, out / FIGURES["entities"], "Entities, exact span: F1 per label"))
    blocks.append(Block("img", "Entity F1 per label", html=FIGURES["entities"]))
    for layer, title in LAYER_TITLES.items():
        blocks += [Block("h3", title), per_label_table(reports, layer)]

    if pairs:
        confusions = {s: event_confusion(p) for s, p in pairs.items()}
        written.append(plots.confusion_png(confusions, out / FIGURES["confusion"]))
        blocks += _figure("Event-type confusion",
                          "Gold events (rows) against the pipeline's (columns), paired by trigger as the scorer "
                          "pairs them, then regardless of type; (none): missed gold events (last column), "
                          "spurious predictions (last row).", "Event-type confusion matrix", "confusion")
        for split, confusion in confusions.items():
            blocks += [Block("h3", f"{split}"), confusion_table(confusion)]

    curves = _load(metrics / "relations-pr.json")
    if curves is not None:
        written.append(plots.relations_pr_png(curves, out / FIGURES["pr"]))
        blocks += _figure("Relations: precision-recall curve",
                          "The trained relation and event-argument linkers (models/relations, opt-in in the "
                          "default pipeline) with the gold entities and events given, their calibrated score "
                          "thresholded from 0.02 to 0.98; the dot is the threshold chosen on dev.",
                          "Relation linkers' precision-recall curve", "pr")
        rows = [(name, f"{linker['threshold']:g}", split, *(_f(linker[split]["at_threshold"][m]) for m in ("p", "r", "f")))
                for name, linker in curves["linkers"].items() for split in linker["splits"]]
        blocks.append(Block("table", header=("linker", "threshold", "split", "P", "R", "F"), rows=tuple(rows)))

    if pairs:
        blocks += [Block("h2", "Entity errors by source and kind"),
                   Block("p", "Every entity error of the scored labels, by the gold document's source: missed and "
                              "spurious entities, wrong labels on the same span, and boundary errors, those that "
                              "differ only by a leading \"the\" apart (re3d's converted gold keeps it in most "
                              "names; the MUC-4 and seed gold leave it out)."),
                   error_kinds_table({s: entity_error_kinds(p) for s, p in pairs.items()})]

    error_split = "test" if "test" in pairs else next(iter(pairs), None)
    if error_split is not None:
        blocks += [Block("h2", f"Error examples ({error_split})"),
                   Block("p", "Taken in turn from each document; each shows the gold annotation and the pipeline's "
                              "over the same passage, the mistake marked in red (rendered with displaCy in "
                              "report.html).")]
        for layer, find, limit in (("Entities", entity_errors, n_entity_errors), ("Events", event_errors, n_event_errors)):
            found = [(e, g, p) for g, p in pairs[error_split] for e in find(g, p)]
            chosen = spread([e for e, _, _ in found], limit)
            views = {id(e): (g, p) for e, g, p in found}
            blocks.append(Block("h3", f"{layer}: {len(chosen)} of {len(found)} errors"))
            for error in chosen:
                gold, pred = views[id(error)]
                blocks.append(Block("example", _example_text(error), html=render_example(error, gold, pred)))

    blocks += _other_benchmarks(metrics)
    md, page = render_markdown(blocks), render_html(blocks)
    (out / "report.md").write_text(md, encoding="utf-8")
    (out / "report.html").write_text(page, encoding="utf-8")
    return [out / "report.md", out / "report.html", *written]


def _figure(title: str, caption: str, alt: str, figure: str) -> list[Block]:
    """A section holding one of the report's plots: heading, caption, image."""
    return [Block("h2", title), Block("p", caption), Block("img", alt, html=FIGURES[figure])]


def _example_text(error) -> str:
    from .analysis import context

    start, end = context(error.text, error.span, width=80)
    a, b = error.span
    passage = (error.text[start:a] + "**" + error.text[a:b] + "**" + error.text[b:end]).replace("\n", " ")
    return f"`{error.doc_id}` — {error.describe()}: …{passage}…"


def _other_benchmarks(metrics: Path) -> list[Block]:
    blocks = []
    upper = {s: r for s in SPLITS if (r := _load(metrics / f"eval-{s}-upper.json")) is not None}
    if upper:
        blocks += [Block("h3", "Upper-cased gold texts"), headline_table(upper)]
    muc4 = _load(metrics / "muc4_dev.json")
    if muc4:
        rows = tuple((name, f"{r['micro_avg']['p']:.1f}", f"{r['micro_avg']['r']:.1f}", f"{r['micro_avg']['f1']:.1f}",
                      r.get("device", "")) for name, r in muc4["results"].items())
        blocks += [Block("h3", "MUC-4 dev, GTT template micro-F1"), Block("table", header=("pipeline", "P", "R", "F1", "device"),
                                                                        rows=rows)]
    timex = _load(metrics / "timex.json")
    if timex:
        d = timex["dates"]
        blocks += [Block("h3", "TempEval-3 dates"),
                   Block("p", f"{timex['documents']} documents, {timex['gold_date_timexes']} gold DATE TIMEX3: strict F "
                              f"{_f(d['strict']['f'])}, relaxed F {_f(d['relaxed']['f'])}, value accuracy "
                              f"{_f(d['value_accuracy']['accuracy'])}, value F1 {_f(d['value_f1'])}.")]
    places = _load(metrics / "places_muc4.json")
    if places:
        blocks += [Block("h3", "MUC-4 dev event places"),
                   Block("p", "Aligned templates: " + ", ".join(f"{k} {_f(v['accuracy'])} (n={v['n']})"
                                                                for k, v in places["aligned"].items()) + ".")]
    if blocks:
        blocks.insert(0, Block("h2", "Other benchmarks"))
    return blocks


def render_markdown(blocks: list[Block]) -> str:
    lines = ["# Evaluation report", ""]
    for block in blocks:
        if block.kind in ("h2", "h3"):
            lines += ["", ("## " if block.kind == "h2" else "### ") + block.text, ""]
        elif block.kind == "p":
            lines += [block.text, ""]
        elif block.kind == "table":
            lines += ["| " + " | ".join(block.header) + " |", "|" + "---|" * len(block.header)]
            lines += ["| " + " | ".join(row) + " |" for row in block.rows] + [""]
        elif block.kind == "img":
            lines += [f"![{block.text}]({block.html})", ""]
        elif block.kind == "example":
            lines += [f"- {block.text}"]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip("\n") + "\n"


_STYLE = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
          "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:2px 8px;"
          "text-align:right}td:first-child,th:first-child{text-align:left}.example{border-top:1px solid #ddd;"
          "margin:1em 0}.side{color:#666;margin:.2em 0;font-size:90%}img{max-width:100%}")


def render_html(blocks: list[Block]) -> str:
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Evaluation report</title>"
             f"<style>{_STYLE}</style></head><body><h1>Evaluation report</h1>"]
    for block in blocks:
        if block.kind in ("h2", "h3"):
            parts.append(f"<{block.kind}>{html.escape(block.text)}</{block.kind}>")
        elif block.kind == "p":
            parts.append(f"<p>{_inline(block.text)}</p>")
        elif block.kind == "table":
            head = "".join(f"<th>{html.escape(h)}</th>" for h in block.header)
            body = "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>" for row in block.rows)
            parts.append(f"<table><tr>{head}</tr>{body}</table>")
        elif block.kind == "img":
            parts.append(f"<p><img src='{html.escape(block.html)}' alt='{html.escape(block.text)}'></p>")
        elif block.kind == "example":
            parts.append(block.html)
    return "".join(parts) + "</body></html>\n"


def _inline(text: str) -> str:
    """The Markdown the report's text uses: `code` and **bold**."""
    escaped = html.escape(text)
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    return re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", escaped)
