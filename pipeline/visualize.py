"""displaCy pages for records: entities and event triggers in one view, arguments listed below."""
from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Optional

from spacy import displacy

from .records import ArticleRecord

COLORS = {"WEAPON": "#ff9e80", "EVENT:ATTACK": "#ef5350", "EVENT:BOMBING": "#e53935", "EVENT:KIDNAPPING": "#ab47bc",
          "EVENT:ARSON": "#ff7043", "EVENT:ROBBERY": "#8d6e63", "EVENT:FORCED_WORK_STOPPAGE": "#78909c"}


def find_record(path: Path, article_id: str) -> Optional[ArticleRecord]:
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            if json.loads(line).get("article_id") == article_id:
                return ArticleRecord.model_validate_json(line)
    return None


def render_record(record: ArticleRecord) -> str:
    spans = [{"start": e.start, "end": e.end, "label": e.label} for e in record.entities]
    spans += [{"start": ev.trigger.start, "end": ev.trigger.end, "label": f"EVENT:{ev.type}"} for ev in record.events]
    # displaCy escapes the text it renders but not the labels; the labels, title and argument table
    # are escaped here (a records file is input like any other).
    spans = [dict(span, label=html.escape(span["label"])) for span in _non_overlapping(spans)]
    body = displacy.render({"text": record.text, "ents": spans, "title": None}, style="ent", manual=True, page=False,
                           options={"colors": COLORS})
    rows = "".join(
        f"<tr><td>{html.escape(ev.id)}</td><td>{html.escape(ev.type)}</td><td>{html.escape(ev.trigger.text)}</td>"
        f"<td>{html.escape('; '.join(f'{a.role}: {a.text}' for a in ev.arguments))}</td>"
        f"<td>{ev.killed.value if ev.killed else ''}</td><td>{ev.injured.value if ev.injured else ''}</td>"
        f"<td>{ev.kind}/{ev.status}</td></tr>"
        for ev in record.events)
    title = html.escape(record.title or record.article_id)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<h1>{title}</h1>{body}<table border='1'><tr><th>id</th><th>type</th><th>trigger</th><th>arguments</th>"
            f"<th>killed</th><th>injured</th><th>kind/status</th></tr>{rows}</table></body></html>")


def _non_overlapping(spans: list[dict]) -> list[dict]:
    kept, end = [], -1
    for span in sorted(spans, key=lambda s: (s["start"], -(s["end"] - s["start"]))):
        if span["start"] >= end:
            kept.append(span)
            end = span["end"]
    return kept
