"""An incident's profile: what all its members said, kept small enough to store and compare.

The date window is the intersection of the members' dates (each widened by its granularity's
slack): the days the incident can have happened on given every report. Places, actors and the
casualty figures of every source are kept side by side; conflicting figures stay a range with
their sources, never an average.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .evidence import ClusteringConfig, expand
from .observations import ActorSet, DaySpan, Observation, PlaceRef

MAX_PLACES = 16


@dataclass(frozen=True)
class FigureReport:
    value: int
    qualifier: str
    article_id: str
    event_id: str
    source: Optional[str]

    def as_dict(self) -> dict:
        return {"value": self.value, "qualifier": self.qualifier, "article_id": self.article_id,
                "event_id": self.event_id, "source": self.source}


@dataclass
class Profile:
    types: dict[str, int] = field(default_factory=dict)  # type -> members of that type
    window: Optional[DaySpan] = None
    tightest: Optional[DaySpan] = None  # the most specific member date
    dated: bool = False  # whether any member had a date of its own (not only its article's publication)
    published_by: Optional[int] = None  # the earliest publication day of an undated member
    places: list[PlaceRef] = field(default_factory=list)
    actors: dict[str, ActorSet] = field(default_factory=dict)
    figures: dict[str, list[FigureReport]] = field(default_factory=dict)  # killed / injured
    articles: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    unsourced: set[str] = field(default_factory=set)  # articles without a source: each counts as one
    members: int = 0

    def add(self, observation: Observation, config: ClusteringConfig) -> None:
        self.members += 1
        self.types[observation.type] = self.types.get(observation.type, 0) + 1
        for span in observation.dates:
            undated = span.granularity == "published"
            if undated:
                self.published_by = min(self.published_by or span.last, span.last)
            if not undated and not self.dated:
                self.window, self.tightest, self.dated = None, None, True  # own dates outrank publication days
            if undated and self.dated:
                # Only an upper bound: the incident happened before the report came out.
                if self.window.first <= span.last < self.window.last:
                    self.window = DaySpan(self.window.first, span.last, "window")
                continue
            wide = expand(span, config)
            if self.window is None:
                self.window = wide
            else:
                first, last = max(self.window.first, wide.first), min(self.window.last, wide.last)
                if first <= last:  # a member merged against the evidence (a rebuild) does not empty it
                    self.window = DaySpan(first, last, "window")
            if self.tightest is None or span.width < self.tightest.width:
                self.tightest = span
        for place in observation.places:
            if place not in self.places:
                self.places.append(place)
        if len(self.places) > MAX_PLACES:
            self.places = sorted(self.places, key=lambda p: -p.level)[:MAX_PLACES]
        for group, actors in observation.actors.items():
            self.actors[group] = self.actors.get(group, ActorSet()).union(actors)
        for name in ("killed", "injured"):
            figure = getattr(observation, name)
            if figure is not None:
                self.figures.setdefault(name, []).append(FigureReport(
                    figure.value, figure.qualifier, observation.article_id, observation.event_id, observation.source))
        self.articles.add(observation.article_id)
        if observation.source:
            self.sources.add(observation.source)
        else:
            self.unsourced.add(observation.article_id)

    @property
    def main_type(self) -> str:
        """The most reported type; among equals, the more specific one (not the ATTACK umbrella)."""
        return max(sorted(self.types), key=lambda t: (self.types[t], t != "ATTACK"))

    @property
    def source_count(self) -> int:
        return len(self.sources) + len(self.unsourced)

    @property
    def best_place(self) -> Optional[PlaceRef]:
        return max(self.places, key=lambda p: p.level) if self.places else None

    def figure_range(self, name: str) -> Optional[dict]:
        reports = self.figures.get(name)
        if not reports:
            return None
        return {"min": min(r.value for r in reports), "max": max(r.value for r in reports),
                "reports": [r.as_dict() for r in reports]}

    # --- storage ---------------------------------------------------------------------------

    def to_json(self) -> dict:
        return {
            "types": self.types,
            "window": _span_json(self.window), "tightest": _span_json(self.tightest), "dated": self.dated,
            "published_by": self.published_by,
            "places": [[p.country_code, p.admin1, p.geonames_id, p.name, p.lat, p.lon, p.display]
                       for p in self.places],
            "actors": {g: {"named": sorted(a.named), "nominal": sorted(a.nominal)}
                       for g, a in sorted(self.actors.items())},
            "figures": {n: [r.as_dict() for r in reports] for n, reports in sorted(self.figures.items())},
            "articles": sorted(self.articles), "sources": sorted(self.sources), "unsourced": sorted(self.unsourced),
            "members": self.members,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Profile":
        return cls(
            types=dict(data["types"]), window=_span(data["window"]), tightest=_span(data["tightest"]),
            dated=data["dated"], published_by=data["published_by"],
            places=[PlaceRef(*p) for p in data["places"]],
            actors={g: ActorSet(frozenset(a["named"]), frozenset(a["nominal"])) for g, a in data["actors"].items()},
            figures={n: [FigureReport(**r) for r in reports] for n, reports in data["figures"].items()},
            articles=set(data["articles"]), sources=set(data["sources"]), unsourced=set(data["unsourced"]),
            members=data["members"],
        )


def _span_json(span: Optional[DaySpan]) -> Optional[list]:
    return [span.first, span.last, span.granularity] if span else None


def _span(data: Optional[list]) -> Optional[DaySpan]:
    return DaySpan(*data) if data else None
