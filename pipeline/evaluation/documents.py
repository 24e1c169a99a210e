"""A common, minimal view of gold (brat) and predicted (record) documents for scoring.

Scorers compare these views, never Docs: the same code scores the pipeline against the gold,
the base model against the gold, and one annotator against another.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ..records import ArticleRecord
from .brat import BratDocument

Span = tuple[int, int]


@dataclass(frozen=True)
class EntityView:
    span: Span
    label: str
    text: str
    timex: Optional[str] = None
    geonames_id: Optional[int] = None
    country: Optional[str] = None
    admin1: Optional[str] = None
    canonical: Optional[str] = None
    actor_type: Optional[str] = None


@dataclass(frozen=True)
class ArgumentView:
    role: str
    span: Span
    text: str

    @property
    def head(self) -> str:
        return head_word(self.text)


@dataclass
class EventView:
    type: str
    triggers: list[Span]
    arguments: list[ArgumentView] = field(default_factory=list)
    kind: Optional[str] = None
    status: Optional[str] = None
    killed: Optional[int] = None
    injured: Optional[int] = None
    location: Optional[EntityView] = None
    subtype: Optional[str] = None


@dataclass
class DocumentView:
    doc_id: str
    text: str
    entities: list[EntityView] = field(default_factory=list)
    events: list[EventView] = field(default_factory=list)
    relations: list[tuple[str, Span, Span]] = field(default_factory=list)


def head_word(text: str) -> str:
    """The head noun as MUC-4 scoring takes it: the last word, before any 'of' phrase."""
    words = re.findall(r"[\w'-]+", text.lower())
    if "of" in words[1:]:
        words = words[:words.index("of", 1)]
    return words[-1] if words else ""


def from_brat(doc: BratDocument) -> DocumentView:
    view = DocumentView(doc.doc_id, doc.text)
    by_id = {}
    for ent_id, ent in doc.entities.items():
        timex, geo, canonical = doc.timex.get(ent_id), doc.geo.get(ent_id), doc.canonical.get(ent_id)
        entity = EntityView(
            (ent.start, ent.end), ent.label, ent.text, timex=timex.value if timex else None,
            geonames_id=int(geo.geonames_id) if geo and geo.geonames_id else None,
            country=geo.country if geo else None, admin1=geo.admin1 if geo else None,
            canonical=canonical.name if canonical else None, actor_type=canonical.actor_type if canonical else None)
        by_id[ent_id] = entity
        view.entities.append(entity)
    for event in doc.events.values():
        triggers = [doc.triggers[t] for t in [event.trigger_id, *event.mention_ids] if t in doc.triggers]
        arguments = [ArgumentView(role, by_id[e].span, by_id[e].text) for role, e in event.arguments if e in by_id]
        places = [by_id[e] for role, e in event.arguments if role == "location" and e in by_id]
        view.events.append(EventView(
            event.type, [(t.start, t.end) for t in triggers], arguments, event.kind, event.status,
            event.killed[0] if event.killed else None, event.injured[0] if event.injured else None,
            _most_specific(places), event.subtype))
    view.relations = [(r.label, by_id[r.head].span, by_id[r.tail].span) for r in doc.relations.values()
                      if r.head in by_id and r.tail in by_id]
    return view


def from_record(record: ArticleRecord) -> DocumentView:
    view = DocumentView(record.article_id, record.text)
    by_id = {}
    for ent in record.entities:
        norm = ent.normalized
        entity = EntityView(
            (ent.start, ent.end), ent.label, ent.text, timex=getattr(norm, "value", None),
            geonames_id=getattr(norm, "geonames_id", None), country=getattr(norm, "country_code", None),
            admin1=getattr(norm, "admin1", None), canonical=ent.canonical, actor_type=ent.actor_type)
        by_id[ent.id] = entity
        view.entities.append(entity)
    for event in record.events:
        loc = event.location
        location = EntityView((0, 0), "LOC", loc.text, geonames_id=loc.geonames_id, country=loc.country_code,
                              admin1=loc.admin1) if loc else None
        view.events.append(EventView(
            event.type, [(event.trigger.start, event.trigger.end)],
            [ArgumentView(a.role, (a.start, a.end), a.text) for a in event.arguments], event.kind, event.status,
            event.killed.value if event.killed else None, event.injured.value if event.injured else None, location,
            event.subtype))
    view.relations = [(r.label, by_id[r.head].span, by_id[r.tail].span) for r in record.relations
                      if r.head in by_id and r.tail in by_id]
    return view


def _most_specific(places: list[EntityView]) -> Optional[EntityView]:
    if not places:
        return None
    return max(places, key=lambda p: (p.geonames_id is not None, p.admin1 is not None, p.country is not None,
                                      p.label == "FAC"))
