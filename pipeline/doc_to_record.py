"""The one place where an annotated Doc becomes an ArticleRecord."""
from __future__ import annotations

from spacy.tokens import Doc, Span

from . import __version__
from .components.actors import ACTOR_LABEL, ACTORS_KEY
from .components.entities import NESTED_KEY
from .components.event_location import incident_place
from .records import (Argument, Article, ArticleRecord, Count, DateValue, Entity, Event, EventDate, EventLocation,
                      Place, Relation, Trigger)

PLACE_LABELS = {"GPE", "LOC", "FAC"}
DATE_LABELS = {"DATE", "TIME"}
_GRANULARITY_RANK = {"day": 5, "week": 4, "month": 3, "range": 2, "year": 1, "none": 0}


def doc_to_record(doc: Doc, article: Article) -> ArticleRecord:
    sentence_of = _sentence_index(doc)
    entities, entity_ids = [], {}
    # The flat entities, then the names nested inside them (components/entities.py: nested_names), then the
    # nominal actors ("THE GUERRILLAS", "60 civilians"; components/actors.py), labelled ACTOR as the gold
    # annotates them: events and relations link them.
    for ent in [*doc.ents, *doc.spans.get(NESTED_KEY, ()), *doc.spans.get(ACTORS_KEY, ())]:
        if ent.label_ == ACTOR_LABEL and (ent.start, ent.end) in entity_ids:
            continue
        entity_id = f"T{len(entities) + 1}"
        entity_ids.setdefault((ent.start, ent.end), entity_id)
        entities.append(Entity(
            id=entity_id, text=ent.text, label=ent.label_, start=ent.start_char, end=ent.end_char,
            sentence=sentence_of[ent.start], canonical=ent._.canonical, actor_type=ent._.actor_type,
            normalized=_normalized(ent),
        ))
    events = [_event(doc, i, mention, entity_ids, sentence_of) for i, mention in enumerate(doc._.events or ())]
    relations = [
        Relation(head=entity_ids[(r.head.start, r.head.end)], tail=entity_ids[(r.tail.start, r.tail.end)],
                 label=r.label, confidence=r.confidence)
        for r in doc._.relations or ()
        if (r.head.start, r.head.end) in entity_ids and (r.tail.start, r.tail.end) in entity_ids
    ]
    return ArticleRecord(
        article_id=article.article_id, content_hash=article.content_hash, title=article.title, url=article.url,
        source=article.source, published=article.published, pipeline_version=__version__, text=doc.text,
        entities=entities, events=events, relations=relations, warnings=list(doc._.warnings or []),
    )


def _sentence_index(doc: Doc) -> list[int]:
    index = [0] * len(doc)
    for number, sentence in enumerate(doc.sents):
        for i in range(sentence.start, sentence.end):
            index[i] = number
    return index


def _normalized(ent: Span) -> DateValue | Place | None:
    if ent.label_ in DATE_LABELS and ent._.timex is not None:
        return DateValue(value=ent._.timex.value, granularity=ent._.timex.granularity)
    if ent.label_ in PLACE_LABELS and ent._.place is not None:
        p = ent._.place
        return Place(geonames_id=p.geonames_id, name=p.name, country_code=p.country_code, admin1=p.admin1,
                     lat=p.lat, lon=p.lon)
    return None


def _event(doc: Doc, number: int, mention, entity_ids: dict, sentence_of: list[int]) -> Event:
    arguments = [
        Argument(role=a.role, entity=entity_ids.get((a.span.start, a.span.end)), text=a.span.text,
                 start=a.span.start_char, end=a.span.end_char)
        for a in mention.arguments
    ]
    dates = [a.span for a in mention.arguments if a.role == "date"]
    places = [a.span for a in mention.arguments if a.role == "location"]
    return Event(
        id=f"E{number + 1}", type=mention.type, subtype=getattr(mention, "subtype", None),
        trigger=Trigger(text=mention.trigger.text, start=mention.trigger.start_char, end=mention.trigger.end_char),
        sentence=sentence_of[mention.trigger.start], arguments=arguments, date=_event_date(dates),
        location=_event_location(places, mention, doc),
        killed=Count(value=mention.killed[0], qualifier=mention.killed[1]) if mention.killed else None,
        injured=Count(value=mention.injured[0], qualifier=mention.injured[1]) if mention.injured else None,
        kind=mention.kind, status=mention.status, confidence=mention.confidence,
    )


def _event_date(spans: list[Span]) -> EventDate | None:
    # A length of time ("the past 10 years", "30 years") or how often ("daily") says nothing of when it happened.
    spans = [s for s in spans if s._.timex is None or s._.timex.type not in ("DURATION", "SET")]
    if not spans:
        return None
    # The most precise resolved date: "Wednesday (December 22)" beats "2021".
    best = max(spans, key=lambda s: _GRANULARITY_RANK.get(s._.timex.granularity, -1) if s._.timex else -2)
    timex = best._.timex
    return EventDate(text=best.text, value=timex.value if timex else None,
                     granularity=timex.granularity if timex else None)


def _event_location(spans: list[Span], mention, doc: Doc) -> EventLocation | None:
    """The most specific place linked to the event (``components/event_location.py``)."""
    chosen = incident_place(mention, doc)
    if chosen is not None:
        text, place = chosen
        return EventLocation(text=text, name=place.name, country_code=place.country_code, admin1=place.admin1,
                             lat=place.lat, lon=place.lon, geonames_id=place.geonames_id)
    if spans:
        return EventLocation(text=spans[0].text)
    return None
