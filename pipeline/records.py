"""Typed records at the pipeline's boundaries (schema version 1).

Plain data, no spaCy import, so that sinks and scorers stay light. The JSON Schema
in ``docs/records.schema.json`` is generated from these models
(``python -m pipeline schema``) and every output is validated against it in the tests.
"""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1

EVENT_TYPES = ("ATTACK", "BOMBING", "KIDNAPPING", "ARSON", "ROBBERY", "FORCED_WORK_STOPPAGE")
ROLES = ("perpetrator", "perpetrator_org", "target", "victim", "weapon", "location", "date")
ACTOR_TYPES = ("armed_group", "state_security", "government", "civilian", "international", "other")
RELATION_LABELS = ("ALLIED_WITH", "FIGHTING_AGAINST", "MEMBER_OF", "LEADER_OF", "LOCATED_IN", "ALIAS_OF")
QUALIFIERS = ("exact", "at_least", "about", "at_most")
KINDS = ("incident", "aggregate", "background")
STATUSES = ("reported", "claimed", "denied", "threatened", "attempted")
GRANULARITIES = ("day", "week", "month", "year", "range", "none")

EventType = Literal["ATTACK", "BOMBING", "KIDNAPPING", "ARSON", "ROBBERY", "FORCED_WORK_STOPPAGE"]
Role = Literal["perpetrator", "perpetrator_org", "target", "victim", "weapon", "location", "date"]
ActorType = Literal["armed_group", "state_security", "government", "civilian", "international", "other"]
RelationLabel = Literal["ALLIED_WITH", "FIGHTING_AGAINST", "MEMBER_OF", "LEADER_OF", "LOCATED_IN", "ALIAS_OF"]
Qualifier = Literal["exact", "at_least", "about", "at_most"]
Granularity = Literal["day", "week", "month", "year", "range", "none"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Article(_Record):
    """One input article, as the readers yield it."""

    article_id: str
    content_hash: str
    text: str
    title: Optional[str] = None
    url: Optional[str] = None
    source: Optional[str] = None
    published: Optional[str] = Field(None, description="ISO date (YYYY-MM-DD) or null")
    origin: str = Field(..., description="where it was read: file path and line number")


class Quarantined(_Record):
    """An input that could not become an article, and why."""

    origin: str
    line: Optional[int] = None
    reason: str
    article_id: Optional[str] = None
    excerpt: str = ""


class DateValue(_Record):
    value: str = Field(..., description="TIMEX3 value: 2021-12-22, 2021-W51, 2021-07, 2021, PAST_REF")
    granularity: Granularity


class Place(_Record):
    geonames_id: Optional[int] = None
    name: str
    country_code: Optional[str] = None
    admin1: Optional[str] = None
    lat: Optional[float] = None
    lon: Optional[float] = None


class Entity(_Record):
    id: str
    text: str
    label: str = Field(..., description="OntoNotes label as the base model uses it, WEAPON, or ACTOR (a nominal actor)")
    start: int
    end: int
    sentence: int
    canonical: Optional[str] = None
    actor_type: Optional[ActorType] = None
    normalized: Optional[DateValue | Place] = None


class Trigger(_Record):
    text: str
    start: int
    end: int


class Argument(_Record):
    role: Role
    entity: Optional[str] = Field(None, description="id of an entity in this record, or null")
    text: str
    start: int
    end: int


class EventDate(_Record):
    text: str
    value: Optional[str] = None
    granularity: Optional[Granularity] = None


class EventLocation(_Record):
    text: str
    name: Optional[str] = None
    country_code: Optional[str] = None
    admin1: Optional[str] = None
    lat: Optional[float] = None
    lon: Optional[float] = None
    geonames_id: Optional[int] = None


class Count(_Record):
    value: int = Field(..., ge=0)
    qualifier: Qualifier


class Event(_Record):
    id: str
    type: EventType
    subtype: Optional[str] = None
    trigger: Trigger
    sentence: int
    arguments: list[Argument] = []
    date: Optional[EventDate] = None
    location: Optional[EventLocation] = None
    killed: Optional[Count] = None
    injured: Optional[Count] = None
    kind: Literal["incident", "aggregate", "background"]
    status: Literal["reported", "claimed", "denied", "threatened", "attempted"]
    confidence: float = Field(..., ge=0.0, le=1.0)


class Relation(_Record):
    head: str
    tail: str
    label: RelationLabel
    confidence: float = Field(..., ge=0.0, le=1.0)


class ArticleRecord(_Record):
    """The one output record per article."""

    schema_version: Literal[1] = SCHEMA_VERSION
    article_id: str
    content_hash: str
    title: Optional[str] = None
    url: Optional[str] = None
    source: Optional[str] = None
    published: Optional[str] = None
    pipeline_version: str
    text: str
    entities: list[Entity] = []
    events: list[Event] = []
    relations: list[Relation] = []
    warnings: list[str] = []


def record_json_schema() -> dict:
    schema = ArticleRecord.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://example.org/news-pipeline/records/v1.json"
    return schema
