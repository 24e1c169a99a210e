"""The incident record: one JSON object per incident (``news-pipeline incidents --out``).

Built from an incident's profile and its members, in memory or from the database, by the same
functions, so that the JSONL, the ``incidents`` table and the per-incident export agree.
"""
from __future__ import annotations

from typing import Optional

from pydantic import BaseModel, ConfigDict

from ..normalize.actors import load_registry
from .observations import DaySpan
from .profile import Profile

INCIDENT_SCHEMA_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IncidentDate(_Model):
    first: str
    last: str
    granularity: str  # of the most specific report: day | week | month | year | range | published


class IncidentLocation(_Model):
    name: Optional[str] = None
    country_code: Optional[str] = None
    admin1: Optional[str] = None
    geonames_id: Optional[int] = None
    lat: Optional[float] = None
    lon: Optional[float] = None


class FigureReportModel(_Model):
    value: int
    qualifier: str
    article_id: str
    event_id: str
    source: Optional[str] = None


class FigureRange(_Model):
    """Every source's figure, and their range: 9 in one report and 12 in another is 9-12, not 10.5."""

    min: int
    max: int
    reports: list[FigureReportModel]


class MemberRecord(_Model):
    article_id: str
    event_id: str
    type: Optional[str] = None  # null when the event is no longer in the database
    trigger: Optional[str] = None
    date: Optional[str] = None
    location: Optional[str] = None
    killed: Optional[int] = None
    injured: Optional[int] = None
    source: Optional[str] = None
    published: Optional[str] = None
    founded: bool
    score: Optional[float] = None
    evidence: list[dict]  # {evidence, detail, weight}: why it joined


class IncidentRecord(_Model):
    schema_version: int = INCIDENT_SCHEMA_VERSION
    incident_id: str
    type: str
    types: dict[str, int]
    date: Optional[IncidentDate] = None
    location: Optional[IncidentLocation] = None
    killed: Optional[FigureRange] = None
    injured: Optional[FigureRange] = None
    actors: dict[str, list[str]]
    n_events: int
    n_articles: int
    n_sources: int
    sources: list[str]
    articles: list[str]
    members: list[MemberRecord]


def display_actor(key: str) -> str:
    """The registry's canonical name for an actor key, else the key in title case."""
    actor = load_registry().lookup(key)
    return actor.canonical if actor else key.title()


def summary(incident_id: str, profile: Profile) -> dict:
    """The incident-level fields of a record (everything but its members)."""
    span: Optional[DaySpan] = profile.tightest
    place = profile.best_place
    return {
        "incident_id": incident_id,
        "type": profile.main_type,
        "types": dict(sorted(profile.types.items())),
        "date": {"first": span.iso()[0], "last": span.iso()[1], "granularity": span.granularity} if span else None,
        "location": {"name": place.display or place.name, "country_code": place.country_code, "admin1": place.admin1,
                     "geonames_id": place.geonames_id, "lat": place.lat, "lon": place.lon} if place else None,
        "killed": profile.figure_range("killed"),
        "injured": profile.figure_range("injured"),
        "actors": {group: sorted(display_actor(k) for k in actors.named) + sorted(actors.nominal)
                   for group, actors in sorted(profile.actors.items())},
        "n_events": profile.members,
        "n_articles": len(profile.articles),
        "n_sources": profile.source_count,
        "sources": sorted(profile.sources),
        "articles": sorted(profile.articles),
    }
