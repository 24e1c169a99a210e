"""Precision, recall and F1 per layer and per label, gold DocumentView against predicted.

Layers: entities (exact span + label, and overlapping span + label), events (type + trigger
overlap with any of the gold incident's triggers), arguments (role + head word, within matched
events, as MUC-4 scores fillers), relations (label + overlapping head and tail), and accuracies
for date values, event locations, casualty counts and actor canonicalisation.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Optional

from ..normalize.actors import load_registry, normalise_name
from .documents import DocumentView, EntityView, EventView, Span

# Labels every gold document annotates in full (annotations/GUIDELINES.md); others are partial.
SCORED_ENTITY_LABELS = ("PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "DATE", "TIME", "WEAPON")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    def prf(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class LayerScore:
    per_label: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))

    def add(self, label: str, counts: Counts) -> None:
        self.per_label[label].add(counts)

    def report(self) -> dict:
        total = Counts()
        for counts in self.per_label.values():
            total.add(counts)
        return {**total.prf(), "per_label": {k: v.prf() for k, v in sorted(self.per_label.items())}}


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    def report(self) -> dict:
        return {"accuracy": round(self.correct / self.total, 4) if self.total else None, "n": self.total}


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _match(gold: list, pred: list, same) -> list[tuple[int, int]]:
    """Greedy one-to-one matching in document order."""
    used, pairs = set(), []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if j not in used and same(g, p):
                used.add(j)
                pairs.append((i, j))
                break
    return pairs


def _counts(gold: list, pred: list, same) -> Counts:
    tp = len(_match(gold, pred, same))
    return Counts(tp, len(pred) - tp, len(gold) - tp)


def score_entities(gold: DocumentView, pred: DocumentView, exact: LayerScore, overlap: LayerScore,
                   labels: Iterable[str] = SCORED_ENTITY_LABELS) -> None:
    for label in labels:
        g = [e for e in gold.entities if e.label == label]
        p = [e for e in pred.entities if e.label == label]
        exact.add(label, _counts(g, p, lambda a, b: a.span == b.span))
        overlap.add(label, _counts(g, p, lambda a, b: overlaps(a.span, b.span)))


def _same_event(g: EventView, p: EventView) -> bool:
    return g.type == p.type and any(overlaps(t, p.triggers[0]) for t in g.triggers)


# The subtypes the guidelines name (GUIDELINES.md section 5); a gold subtype outside them ("military_offensive")
# is free text that no predicted one can match, and is scored as none. "car_bombing" is written for "car_bomb".
GUIDELINE_SUBTYPES = {"suicide_bombing", "car_bomb", "ied", "assassination", "massacre", "armed_clash", "air_strike",
                      "shelling", "ambush", "hostage_taking", "harassment", "sabotage"}
_SUBTYPE_SPELLINGS = {"car_bombing": "car_bomb"}


def guideline_subtype(subtype: Optional[str]) -> Optional[str]:
    subtype = _SUBTYPE_SPELLINGS.get(subtype, subtype)
    return subtype if subtype in GUIDELINE_SUBTYPES else None


def score_events(gold: DocumentView, pred: DocumentView, events: LayerScore, arguments: LayerScore,
                 counts: dict[str, Accuracy], locations: dict[str, Accuracy], kinds: Accuracy,
                 subtypes: Optional[LayerScore] = None) -> None:
    for event_type in {e.type for e in gold.events} | {e.type for e in pred.events}:
        g = [e for e in gold.events if e.type == event_type]
        p = [e for e in pred.events if e.type == event_type]
        events.add(event_type, _counts(g, p, _same_event))
    pairs = _match(gold.events, pred.events, _same_event)
    matched_gold, matched_pred = {i for i, _ in pairs}, {j for _, j in pairs}
    for i, j in pairs:
        g, p = gold.events[i], pred.events[j]
        for role in {a.role for a in g.arguments} | {a.role for a in p.arguments}:
            ga = [a for a in g.arguments if a.role == role]
            pa = [a for a in p.arguments if a.role == role]
            arguments.add(role, _counts(ga, pa, lambda a, b: a.head == b.head and bool(a.head)))
        for slot in ("killed", "injured"):
            if getattr(g, slot) is not None:
                counts[slot].total += 1
                counts[slot].correct += getattr(g, slot) == getattr(p, slot)
        if g.location is not None and g.location.country:
            _score_place(g.location, p.location, locations)
        if g.kind is not None:
            kinds.total += 1
            kinds.correct += g.kind == p.kind
        if subtypes is not None:  # on matched events: the subtype as a label, none where neither states one
            gs, ps = guideline_subtype(g.subtype), p.subtype
            if gs is not None and gs == ps:
                subtypes.add(gs, Counts(tp=1))
            else:
                if gs is not None:
                    subtypes.add(gs, Counts(fn=1))
                if ps is not None:
                    subtypes.add(ps, Counts(fp=1))
    for i, g in enumerate(gold.events):
        if i not in matched_gold:
            for a in g.arguments:
                arguments.add(a.role, Counts(fn=1))
    for j, p in enumerate(pred.events):
        if j not in matched_pred:
            for a in p.arguments:
                arguments.add(a.role, Counts(fp=1))


def _score_place(gold: EntityView, pred: Optional[EntityView], accuracy: dict[str, Accuracy]) -> None:
    accuracy["country"].total += 1
    accuracy["place"].total += 1
    if pred is None:
        return
    accuracy["country"].correct += gold.country == pred.country
    if gold.geonames_id is not None:
        accuracy["place"].correct += gold.geonames_id == pred.geonames_id
    else:
        accuracy["place"].correct += (gold.country, gold.admin1) == (pred.country, pred.admin1)


def score_relations(gold: DocumentView, pred: DocumentView, relations: LayerScore) -> None:
    for label in {r[0] for r in gold.relations} | {r[0] for r in pred.relations}:
        g = [r for r in gold.relations if r[0] == label]
        p = [r for r in pred.relations if r[0] == label]
        relations.add(label, _counts(g, p, lambda a, b: overlaps(a[1], b[1]) and overlaps(a[2], b[2])))


def score_normalisation(gold: DocumentView, pred: DocumentView, dates: Accuracy, places: dict[str, Accuracy],
                        canonical: Accuracy) -> None:
    # Names only: a nominal actor the records carry since they link relations ("the Syrian regime" as ACTOR, its
    # canonical the head word) is no name the canonicalisation was asked to resolve; its label is scored as wrong
    # by the entity layers already.
    by_span = {e.span: e for e in pred.entities if e.label != "ACTOR"}
    registry = load_registry()
    for g in gold.entities:
        p = by_span.get(g.span)
        if g.timex is not None and g.label in ("DATE", "TIME") and p is not None:
            dates.total += 1
            dates.correct += g.timex == p.timex
        if g.country is not None and g.label in ("GPE", "LOC", "FAC") and p is not None:
            _score_place(g, p, places)
        if g.canonical is not None and g.label in ("ORG", "NORP", "PERSON") and p is not None:
            canonical.total += 1
            canonical.correct += same_actor(g.canonical, p.canonical, registry)


def same_actor(gold: str, pred: Optional[str], registry) -> bool:
    if pred is None:
        return False
    if normalise_name(gold) == normalise_name(pred):
        return True
    g, p = registry.lookup(gold), registry.lookup(pred)
    return g is not None and g is p


def score_corpus(pairs: Iterable[tuple[DocumentView, DocumentView]],
                 entity_labels: Iterable[str] = SCORED_ENTITY_LABELS) -> dict:
    entity_labels = tuple(entity_labels)
    exact, overlap, events, arguments, relations, subtypes = (LayerScore() for _ in range(6))
    counts = {"killed": Accuracy(), "injured": Accuracy()}
    event_places = {"country": Accuracy(), "place": Accuracy()}
    entity_places = {"country": Accuracy(), "place": Accuracy()}
    dates, canonical, kinds = Accuracy(), Accuracy(), Accuracy()
    documents = 0
    for gold, pred in pairs:
        documents += 1
        score_entities(gold, pred, exact, overlap, entity_labels)
        score_events(gold, pred, events, arguments, counts, event_places, kinds, subtypes)
        score_relations(gold, pred, relations)
        score_normalisation(gold, pred, dates, entity_places, canonical)
    return {
        "documents": documents,
        "entities_exact": exact.report(), "entities_overlap": overlap.report(),
        "events": events.report(), "arguments": arguments.report(), "relations": relations.report(),
        "date_value_accuracy": dates.report(),
        "event_location_accuracy": {k: v.report() for k, v in event_places.items()},
        "entity_location_accuracy": {k: v.report() for k, v in entity_places.items()},
        "casualty_count_accuracy": {k: v.report() for k, v in counts.items()},
        "event_kind_accuracy": kinds.report(),
        "event_subtypes": subtypes.report(),
        "actor_canonical_accuracy": canonical.report(),
    }
