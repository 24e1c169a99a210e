"""What the report shows beyond the scorer's tables: which event types are taken for which (a
confusion matrix), which mistakes the pipeline makes (error examples, rendered with displaCy), and how
the trained relation linkers trade precision for recall (their curve over the decision threshold).

The first two compare the same views the scorer compares (``evaluation/documents.py``), so the
report and ``metrics/eval-*.json`` cannot disagree about what was predicted.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from ..evaluation.documents import DocumentView, EntityView, EventView, Span
from ..evaluation.scorer import SCORED_ENTITY_LABELS, overlaps

NONE = "(none)"  # the row of spurious predictions, the column of missed gold events


# ---- event-type confusion ------------------------------------------------------------------------

def _greedy(gold: list[EventView], pred: list[EventView], same, pairs: list, used_g: set, used_p: set) -> None:
    for i, g in enumerate(gold):
        if i in used_g:
            continue
        for j, p in enumerate(pred):
            if j not in used_p and same(g, p):
                pairs.append((i, j))
                used_g.add(i)
                used_p.add(j)
                break


def _trigger_overlap(g: EventView, p: EventView) -> bool:
    return bool(p.triggers) and any(overlaps(t, p.triggers[0]) for t in g.triggers)


def align_events(gold: DocumentView, pred: DocumentView) -> list[tuple[Optional[EventView], Optional[EventView]]]:
    """Gold and predicted events paired by trigger: first as the scorer pairs them (same type, a trigger
    overlapping any mention of the gold incident), then, of those left, regardless of type; the rest
    are missed (gold, None) or spurious (None, predicted)."""
    pairs: list[tuple[int, int]] = []
    used_g: set[int] = set()
    used_p: set[int] = set()
    _greedy(gold.events, pred.events, lambda g, p: g.type == p.type and _trigger_overlap(g, p), pairs, used_g, used_p)
    _greedy(gold.events, pred.events, _trigger_overlap, pairs, used_g, used_p)
    aligned: list[tuple[Optional[EventView], Optional[EventView]]] = [
        (gold.events[i], pred.events[j]) for i, j in sorted(pairs)]
    aligned += [(g, None) for i, g in enumerate(gold.events) if i not in used_g]
    aligned += [(None, p) for j, p in enumerate(pred.events) if j not in used_p]
    return aligned


@dataclass
class Confusion:
    """Counts of (gold type, predicted type); NONE on either side for missed and spurious events."""

    counts: Counter = field(default_factory=Counter)

    def add(self, gold: Optional[str], pred: Optional[str]) -> None:
        self.counts[(gold or NONE, pred or NONE)] += 1

    @property
    def labels(self) -> list[str]:
        seen = {label for pair in self.counts for label in pair} - {NONE}
        return sorted(seen) + [NONE]

    def matrix(self) -> list[list[int]]:
        """Rows: gold types then NONE; columns: predicted types then NONE."""
        labels = self.labels
        return [[self.counts[(g, p)] for p in labels] for g in labels]

    def to_json(self) -> dict:
        return {"labels": self.labels, "rows": "gold", "columns": "predicted", "matrix": self.matrix()}


def event_confusion(pairs: Iterable[tuple[DocumentView, DocumentView]]) -> Confusion:
    confusion = Confusion()
    for gold, pred in pairs:
        for g, p in align_events(gold, pred):
            confusion.add(g.type if g else None, p.type if p else None)
    return confusion


# ---- error examples ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ErrorExample:
    """One mistake: an entity or event missed, spurious, of the wrong label, or with wrong boundaries."""

    doc_id: str
    layer: str  # "entity" or "event"
    kind: str  # "missed", "spurious", "wrong label", "boundary"
    gold_label: Optional[str]
    gold_span: Optional[Span]
    pred_label: Optional[str]
    pred_span: Optional[Span]
    text: str  # the document's text

    @property
    def span(self) -> Span:
        spans = [s for s in (self.gold_span, self.pred_span) if s is not None]
        return min(s[0] for s in spans), max(s[1] for s in spans)

    def describe(self) -> str:
        g = f'{self.gold_label} "{self.text[slice(*self.gold_span)]}"' if self.gold_span else ""
        p = f'{self.pred_label} "{self.text[slice(*self.pred_span)]}"' if self.pred_span else ""
        if self.kind == "missed":
            return f"missed {self.layer} {g}"
        if self.kind == "spurious":
            return f"spurious {self.layer} {p}"
        return f"{self.kind}: gold {g}, predicted {p}"


def entity_errors(gold: DocumentView, pred: DocumentView,
                  labels: Iterable[str] = SCORED_ENTITY_LABELS) -> list[ErrorExample]:
    """Every gold entity of a scored label that is not predicted exactly, and every scored prediction
    that matches no gold entity; a prediction on the same span with another label is a wrong label,
    one of the same label that only overlaps is a boundary error."""
    labels = set(labels)
    g_ents = [e for e in gold.entities if e.label in labels]
    p_ents = list(pred.entities)
    exact = {(e.span, e.label) for e in p_ents}
    gold_exact = {(e.span, e.label) for e in g_ents}
    used: set[int] = set()
    errors = []
    for g in sorted(g_ents, key=lambda e: e.span):
        if (g.span, g.label) in exact:
            continue
        same_span = next((j for j, p in enumerate(p_ents) if j not in used and p.span == g.span), None)
        if same_span is not None:
            used.add(same_span)
            errors.append(_entity_error(gold, "wrong label", g, p_ents[same_span]))
            continue
        boundary = next((j for j, p in enumerate(p_ents) if j not in used and p.label == g.label
                         and (p.span, p.label) not in gold_exact and overlaps(p.span, g.span)), None)
        if boundary is not None:
            used.add(boundary)
            errors.append(_entity_error(gold, "boundary", g, p_ents[boundary]))
        else:
            errors.append(_entity_error(gold, "missed", g, None))
    for j, p in enumerate(p_ents):
        if j not in used and p.label in labels and (p.span, p.label) not in gold_exact:
            errors.append(_entity_error(gold, "spurious", None, p))
    return sorted(errors, key=lambda e: e.span)


def entity_error_kinds(pairs: Iterable[tuple[DocumentView, DocumentView]]) -> Counter:
    """Entity errors counted by the gold document's source (the document id's prefix: muc4, re3d,
    seed...) and kind; a boundary error whose two spans differ only by a leading "the" is counted
    apart, since the sources' gold differ in that convention (annotations/ADJUDICATION.md)."""
    counts: Counter = Counter()
    for gold, pred in pairs:
        source = gold.doc_id.split("-", 1)[0]
        for error in entity_errors(gold, pred):
            kind = error.kind
            if kind == "boundary" and _differ_by_article(*(error.text[slice(*s)] for s in (error.gold_span,
                                                                                           error.pred_span))):
                kind = 'boundary: leading "the"'
            counts[(source, kind)] += 1
    return counts


def _differ_by_article(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return long.lower().startswith("the ") and long[4:].lstrip() == short


def _entity_error(doc: DocumentView, kind: str, g: Optional[EntityView], p: Optional[EntityView]) -> ErrorExample:
    return ErrorExample(doc.doc_id, "entity", kind, g.label if g else None, g.span if g else None,
                        p.label if p else None, p.span if p else None, doc.text)


def event_errors(gold: DocumentView, pred: DocumentView) -> list[ErrorExample]:
    errors = []
    for g, p in align_events(gold, pred):
        if g is not None and p is not None and g.type == p.type:
            continue
        kind = "missed" if p is None else "spurious" if g is None else "wrong label"
        errors.append(ErrorExample(gold.doc_id, "event", kind, g.type if g else None,
                                   _closest_trigger(g, p) if g else None, p.type if p else None,
                                   p.triggers[0] if p else None, gold.text))
    return sorted(errors, key=lambda e: e.span)


def _closest_trigger(g: EventView, p: Optional[EventView]) -> Span:
    if p is not None:
        for t in g.triggers:
            if overlaps(t, p.triggers[0]):
                return t
    return g.triggers[0]


def spread(errors: list[ErrorExample], limit: int) -> list[ErrorExample]:
    """Up to ``limit`` examples taken in turn from each document (in id order), so that no single
    document fills the report."""
    by_doc: dict[str, list[ErrorExample]] = {}
    for error in errors:
        by_doc.setdefault(error.doc_id, []).append(error)
    chosen, rank = [], 0
    while len(chosen) < limit and any(rank < len(v) for v in by_doc.values()):
        for doc_id in sorted(by_doc):
            if rank < len(by_doc[doc_id]) and len(chosen) < limit:
                chosen.append(by_doc[doc_id][rank])
        rank += 1
    return chosen


def context(text: str, span: Span, width: int = 140) -> Span:
    """A window of about ``width`` characters either side of the span, cut at whitespace."""
    start, end = max(0, span[0] - width), min(len(text), span[1] + width)
    if start > 0:
        space = text.find(" ", start, span[0])
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", span[1], end)
        end = space if space != -1 else end
    return start, end


def _spans_in(window: Span, spans: Iterable[tuple[Span, str]]) -> list[dict]:
    return [{"start": s[0] - window[0], "end": s[1] - window[0], "label": label}
            for s, label in spans if window[0] <= s[0] and s[1] <= window[1]]


def render_example(error: ErrorExample, gold: DocumentView, pred: DocumentView) -> str:
    """The error's context twice, with displaCy: the gold annotation and the pipeline's, the error's own
    span marked (MISSED / SPURIOUS / WRONG / BOUNDARY) in the view where it is wrong."""
    from spacy import displacy

    from ..visualize import COLORS, _non_overlapping

    window = context(error.text, error.span)
    marker = {"missed": "MISSED", "spurious": "SPURIOUS", "wrong label": "WRONG", "boundary": "BOUNDARY"}[error.kind]

    def view(doc: DocumentView, own: Optional[tuple[Span, str]], wrong: bool) -> str:
        spans = [(e.span, e.label) for e in doc.entities if e.label in SCORED_ENTITY_LABELS]
        spans += [(ev.triggers[0], f"EVENT:{ev.type}") for ev in doc.events if ev.triggers]
        if own is not None:  # the error's span wins over anything overlapping it
            label = f"{marker} {own[1]}" if wrong else own[1]
            spans = [s for s in spans if not overlaps(s[0], own[0])] + [(own[0], label)]
        ents = _non_overlapping(_spans_in(window, spans))
        colors = dict(COLORS)
        colors.update({e["label"]: "#ff5252" for e in ents if e["label"].startswith(marker)})
        return displacy.render({"text": error.text[window[0]:window[1]], "ents": ents, "title": None},
                               style="ent", manual=True, page=False, options={"colors": colors})

    prefix = "EVENT:" if error.layer == "event" else ""
    own_gold = (error.gold_span, prefix + error.gold_label) if error.gold_span else None
    own_pred = (error.pred_span, prefix + error.pred_label) if error.pred_span else None
    gold_wrong = error.kind == "missed"
    pred_wrong = error.kind in ("spurious", "wrong label", "boundary")
    return (f"<div class='example'><p><b>{_escape(error.doc_id)}</b>: {_escape(error.describe())}</p>"
            f"<p class='side'>gold</p>{view(gold, own_gold, gold_wrong)}"
            f"<p class='side'>pipeline</p>{view(pred, own_pred, pred_wrong)}</div>")


def _escape(text: str) -> str:
    import html

    return html.escape(text)


# ---- relation linkers: precision and recall over the threshold -----------------------------------

PR_THRESHOLDS = tuple(round(0.02 * k, 2) for k in range(1, 50))


def relation_curves(relations_model: Path, corpora: dict[str, Path],
                    thresholds: tuple[float, ...] = PR_THRESHOLDS) -> dict:
    """Precision and recall of each trained linker (gold mentions given) at every threshold of
    ``thresholds`` over its calibrated scores, on each split, and at its own (dev-chosen) threshold. For the
    relation linker also as the pipeline runs it, after the rule relations (``news_relations``), which it keeps
    (``keep_existing``), the gold events given to the rules: ``with_rule_relations``."""
    import spacy

    from ..training.relation_corpus import read_examples
    from ..training.relations import SCORE_KEYS, decode_and_score

    nlp = spacy.load(relations_model)
    examples = {split: read_examples(nlp, path) for split, path in corpora.items()}
    linkers = {}
    for name in nlp.pipe_names:
        if name not in SCORE_KEYS:
            continue
        component, key = nlp.get_pipe(name), SCORE_KEYS[name]

        def prf(scores: dict) -> dict:
            return {m: round(scores[f"{key}_{m}"], 4) for m in ("p", "r", "f")}

        entry: dict = {"threshold": component.threshold, "splits": list(examples)}
        for split, egs in examples.items():
            logits = component.model.ops.to_numpy(component.predict([eg.predicted for eg in egs]))
            entry[split] = {
                "documents": len(egs),
                "at_threshold": prf(decode_and_score(component, egs, logits, component.threshold)),
                "curve": [{"threshold": t, **prf(decode_and_score(component, egs, logits, t))} for t in thresholds]}
            if name == "news_relation_linker":
                entry[split]["with_rule_relations"] = prf(decode_and_score(component, egs, logits, component.threshold,
                                                                           prepare=_rule_relations))
        linkers[name] = entry
    return {"what": "trained linkers, gold entities and events given; calibrated score >= threshold",
            "model": relations_model.as_posix(), "linkers": linkers}


def _rule_relations(example) -> None:
    """The rule relations of a gold-mention Doc, read as the pipeline reads them: with its gold events (their
    perpetrators and whom they struck) and its place names resolved by the gazetteer, which the places stage
    does in the pipeline (here without the article's country context)."""
    from ..components.events import EventArgument
    from ..components.normalization import PLACE_LABELS
    from ..components.relation_model import events_from_triggers, role_of
    from ..components.relations import news_relations
    from ..normalize.places import load_gazetteer

    doc = example.predicted
    for ent in doc.ents:
        if ent.label_ in PLACE_LABELS and ent._.place is None:
            ent._.place = load_gazetteer().resolve(ent.text)
    gold = example.reference.user_data.get("events", ())
    events = events_from_triggers(doc)  # the trigger's id is the event's number in ``gold``
    for event in events:
        event.arguments = [EventArgument(role_of(role), span) for role, start, end in gold[int(event.trigger.id_)]
                           ["arguments"] if (span := _mention_at(doc, start, end)) is not None]
    doc._.events = events
    news_relations(doc)
    doc._.events = None


def _mention_at(doc, start: int, end: int):
    """The entity or nominal actor at these character offsets (with its label), else a plain span."""
    for span in (*doc.ents, *doc.spans.get("actors", ())):
        if span.start_char == start and span.end_char == end:
            return span
    return doc.char_span(start, end, alignment_mode="expand")
