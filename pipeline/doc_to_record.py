"""The one place where an annotated Doc becomes an ArticleRecord."""
from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc, Span

from . import __version__
from .components.normalization import place_specificity
from .records import (Argument, Article, ArticleRecord, Count, DateValue, Entity, Event, EventDate, EventLocation,
                      Place, Relation, Trigger)

PLACE_LABELS = {"GPE", "LOC", "FAC"}
DATE_LABELS = {"DATE", "TIME"}
_GRANULARITY_RANK = {"day": 5, "week": 4, "month": 3, "range": 2, "year": 1, "none": 0}


def doc_to_record(doc: Doc, article: Article) -> ArticleRecord:
    sentence_of = _sentence_index(doc)
    entities, entity_ids = [], {}
    for ent in doc.ents:
        entity_id = f"T{len(entities) + 1}"
        entity_ids[(ent.start, ent.end)] = entity_id
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
        id=f"E{number + 1}", type=mention.type, trigger=Trigger(text=mention.trigger.text,
                                                                start=mention.trigger.start_char,
                                                                end=mention.trigger.end_char),
        sentence=sentence_of[mention.trigger.start], arguments=arguments, date=_event_date(dates),
        location=_event_location(places, mention, doc),
        killed=Count(value=mention.killed[0], qualifier=mention.killed[1]) if mention.killed else None,
        injured=Count(value=mention.injured[0], qualifier=mention.injured[1]) if mention.injured else None,
        kind=mention.kind, status=mention.status, confidence=mention.confidence,
    )


def _event_date(spans: list[Span]) -> EventDate | None:
    if not spans:
        return None
    # The most precise resolved date: "Wednesday (December 22)" beats "2021".
    best = max(spans, key=lambda s: _GRANULARITY_RANK.get(s._.timex.granularity, -1) if s._.timex else -2)
    timex = best._.timex
    return EventDate(text=best.text, value=timex.value if timex else None,
                     granularity=timex.granularity if timex else None)


def _event_location(spans: list[Span], mention, doc: Doc) -> EventLocation | None:
    """The most specific place linked to the event, not the article's first country.

    The event's own locative places first, the most specific and then the nearest to the
    trigger winning; else the nearest place named in its sentence or, before it, in the two
    sentences above (an incident is often placed in the sentence that introduces it); else the
    dateline's place; else the country the article names most.
    """
    trigger = mention.trigger.start
    linked = [s for s in spans if s._.place is not None]
    sentence = mention.sentence
    if linked:
        best = max(linked, key=lambda s: (place_specificity(s._.place), -abs(s.start - trigger)))
        # A city of the sentence inside the linked province or country is more specific still:
        # "IN THE CITY OF FLORES, IN THE NORTHERN EL PETEN DEPARTMENT".
        inside = [e for e in sentence.ents if e.label_ in PLACE_LABELS and _within(e._.place, best._.place)]
        if inside:
            best = min(inside, key=lambda s: abs(s.start - trigger))
        return _location(best)
    nearby = [e for e in doc.ents if e.label_ in PLACE_LABELS and e._.place is not None
              and (sentence.start <= e.start < sentence.end or _sentences_before(doc, sentence, 2) <= e.start < trigger)]
    if nearby:
        home = _main_country(doc)
        return _location(max(nearby, key=lambda s: (s._.place.country_code == home, sentence.start <= s.start,
                                                    -abs(s.start - trigger))))
    dateline = getattr(doc._, "dateline_place", None)
    if dateline is not None and dateline._.place is not None:
        return _location(dateline)
    countries = [e for e in doc.ents if e.label_ in PLACE_LABELS and e._.place is not None
                 and e._.place.kind == "country"]
    if countries:
        counts = Counter(e._.place.country_code for e in countries)
        return _location(next(e for e in countries if e._.place.country_code == counts.most_common(1)[0][0]))
    if spans:
        return EventLocation(text=spans[0].text)
    return None


def _within(place, area) -> bool:
    if place is None or area is None or place_specificity(place) <= place_specificity(area):
        return False
    if area.kind == "country":
        return place.country_code == area.country_code
    # A city whose province the gazetteer does not know is taken to lie in the named one of its country.
    return area.kind == "admin1" and place.admin1 in (area.admin1, None) and place.country_code == area.country_code


def _main_country(doc: Doc) -> str | None:
    """The country most of the article's places are in, the dateline's counting twice."""
    counts = Counter(e._.place.country_code for e in doc.ents if e.label_ in PLACE_LABELS and e._.place is not None)
    dateline = getattr(doc._, "dateline_place", None)
    if dateline is not None and dateline._.place is not None:
        counts[dateline._.place.country_code] += 2
    return counts.most_common(1)[0][0] if counts else None


def _sentences_before(doc: Doc, sentence: Span, n: int) -> int:
    start = sentence.start
    for _ in range(n):
        if start == 0:
            break
        start = doc[start - 1].sent.start
    return start


def _location(span: Span) -> EventLocation:
    place = span._.place
    return EventLocation(text=span.text, name=place.name, country_code=place.country_code, admin1=place.admin1,
                         lat=place.lat, lon=place.lon, geonames_id=place.geonames_id)
