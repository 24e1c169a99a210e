"""The evidence that an event describes an incident already known, and its explanation.

``compare`` weighs an observation against an incident's profile (everything its members said):
type, date, place, actors and casualty figures each add or subtract weight, and some evidence
vetoes a merge outright (incompatible types, dates further apart than their granularity allows,
places in different branches of the hierarchy). A merge needs no veto and a total weight of at
least ``threshold``. Every weight that counted is kept as a reason, so each merge carries the
evidence that supported it.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Callable, Optional, Union

from .observations import ActorSet, DaySpan, Figure, Observation, PlaceRef

if TYPE_CHECKING:
    from .profile import Profile

# ATTACK is the umbrella the pipeline uses when a report does not say how: a bombing, an arson or a
# kidnapping may be told as an "attack" by another source, but a bombing is never a kidnapping.
DEFAULT_TYPE_PARENTS = {"BOMBING": "ATTACK", "ARSON": "ATTACK", "KIDNAPPING": "ATTACK", "ROBBERY": "ATTACK"}


@dataclass(frozen=True)
class ClusteringConfig:
    """Weights and tolerances; the defaults are for extracted news events (see docs/incidents.md)."""

    threshold: float = 4.0
    type_parents: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TYPE_PARENTS))
    same_type: float = 1.0
    # Days two reports of one incident may disagree by, per granularity: "overnight", time zones.
    date_slack: dict[str, int] = field(default_factory=lambda: {"day": 1, "week": 0, "month": 0, "year": 0,
                                                                "range": 0, "published": 0})
    date_day: float = 2.0  # both dates within a few days
    date_week: float = 1.0
    date_month: float = 0.5
    same_city: float = 2.0
    nearby_km: float = 50.0  # "near Peshawar" and the town itself: reports name the nearest city they know
    nearby_city: float = 1.5
    same_admin1: float = 1.0
    same_country: float = 0.5
    same_place_name: float = 1.5
    named_actor: dict[str, float] = field(default_factory=lambda: {"perpetrator": 1.0, "victim": 2.5, "target": 2.0,
                                                                   "participant": 2.0})
    nominal_actor: float = 0.5
    actor_conflict: dict[str, float] = field(default_factory=lambda: {"perpetrator": -1.0, "victim": -1.0,
                                                                      "target": -0.5, "participant": 0.0})
    figures_agree: float = 0.5
    figures_disagree: float = -0.5
    same_article: float = 0.0  # weight of two events being told by one article
    same_article_merges: bool = True  # False where one article's events are distinct by definition
    # True: any two places in different branches veto (one event, one place). False: only when no two
    # places are compatible (document-level evidence, where a text names several places).
    place_veto_any: bool = True
    max_block_days: int = 93  # an event whose date is vaguer than this is not clustered

    def version(self) -> str:
        """A short digest of the settings: incidents made under other settings are not extended."""
        import hashlib
        import json

        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:12]


# Details are written out only for the merges kept, not for every candidate compared: a text or a
# function that returns it.
Detail = Union[str, Callable[[], str]]


def _text(detail: Optional[Detail]) -> Optional[str]:
    return detail() if callable(detail) else detail


def _later(template: str, *values) -> Callable[[], str]:
    """A detail written out only when asked for, from the values given now."""
    return partial(_render, template, values)


def _render(template: str, values: tuple) -> str:
    def show(value) -> str:
        if isinstance(value, DaySpan):
            return _iso(value)
        if isinstance(value, PlaceRef):
            return value.label()
        if isinstance(value, (set, frozenset)):
            return ", ".join(sorted(value))
        return str(value)

    return template.format(*(show(v) for v in values))


@dataclass
class Reason:
    evidence: str  # type | date | place | perpetrator | victim | target | participant | killed | injured
    detail: Detail
    weight: float

    def as_dict(self) -> dict:
        return {"evidence": self.evidence, "detail": _text(self.detail), "weight": round(self.weight, 3)}


@dataclass
class Evidence:
    score: float = 0.0
    veto: Optional[Detail] = None
    reasons: list[Reason] = field(default_factory=list)

    def add(self, evidence: str, detail: Detail, weight: float) -> None:
        self.reasons.append(Reason(evidence, detail, weight))
        self.score += weight

    def merges(self, config: ClusteringConfig) -> bool:
        return self.veto is None and self.score >= config.threshold

    def explanation(self) -> dict:
        return {"score": round(self.score, 3), "veto": _text(self.veto),
                "reasons": [r.as_dict() for r in self.reasons]}


def compare(observation: Observation, profile: "Profile", config: ClusteringConfig) -> Evidence:
    """The evidence that ``observation`` belongs to the incident summarised by ``profile``."""
    evidence = Evidence()
    if observation.article_id in profile.articles:
        if not config.same_article_merges:
            evidence.veto = "same article: its events are distinct incidents"
            return evidence
        if config.same_article:
            evidence.add("article", _later("same article {}", observation.article_id), config.same_article)
    for step in (_type, _date, _place, _actors, _figures):
        step(observation, profile, config, evidence)
        if evidence.veto:
            break
    return evidence


def _ancestors(event_type: str, parents: dict[str, str]) -> list[str]:
    chain = [event_type]
    while chain[-1] in parents and len(chain) < 8:
        chain.append(parents[chain[-1]])
    return chain


def types_compatible(a: str, b: str, parents: dict[str, str]) -> bool:
    return a == b or a in _ancestors(b, parents) or b in _ancestors(a, parents)


def _type(observation, profile, config, evidence) -> None:
    for known in profile.types:
        if not types_compatible(observation.type, known, config.type_parents):
            evidence.veto = _later("type {} vs {}", observation.type, known)
            return
    if observation.type in profile.types:
        evidence.add("type", _later("same type {}", observation.type), config.same_type)
    else:
        evidence.add("type", _later("compatible types {} / {}", observation.type, frozenset(profile.types)), 0.0)


def expand(span: DaySpan, config: ClusteringConfig) -> DaySpan:
    slack = config.date_slack.get(span.granularity, 0)
    return DaySpan(span.first - slack, span.last + slack, span.granularity)


def _date(observation, profile, config, evidence) -> None:
    if not observation.dates or profile.window is None:
        return
    # The window is already widened by each member's slack: the observation's own days must fall in it.
    spans = list(observation.dates)
    overlapping = [s for s in spans if s.gap(profile.window) == 0]
    undated = all(s.granularity == "published" for s in observation.dates)
    if not overlapping and (undated or not profile.dated):
        # A report without a date of its own only says the incident happened before it came out.
        published = min(s.last for s in observation.dates) if undated else None
        if undated and profile.dated and profile.window.first > published:
            evidence.veto = _later("incident ({}) after the report ({})", profile.window, observation.dates[0])
        elif not undated and profile.published_by is not None and min(s.first for s in spans) > profile.published_by:
            evidence.veto = _later("event ({}) after the incident's reports", observation.dates[0])
        else:
            evidence.add("date", "undated report: only published after the other", 0.0)
        return
    if not overlapping:
        gap = min(s.gap(profile.window) for s in spans)
        evidence.veto = _later("dates {} days apart ({} vs {})", gap, observation.dates[0], profile.window)
        return
    # Agreement is worth what the vaguer of the two dates can tell apart.
    width = max(min(s.width for s in observation.dates), profile.tightest.width)
    if width <= 3:
        weight, what = config.date_day, "same day"
    elif width <= 8:
        weight, what = config.date_week, "same week"
    elif width <= 31:
        weight, what = config.date_month, "same month"
    else:
        weight, what = 0.0, "compatible dates"
    evidence.add("date", _later("{}: {} / {}", what, observation.dates[0], profile.tightest), weight)


def _iso(span: DaySpan) -> str:
    first, last = span.iso()
    return first if first == last else f"{first}..{last}"


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def place_relation(a: PlaceRef, b: PlaceRef, config: ClusteringConfig) -> tuple[Optional[str], float]:
    """(relation, weight) of two places; relation None means they cannot be the same incident's place,
    "unknown" that nothing can be said (an unresolved name against a resolved place)."""
    if a.level == 0 or b.level == 0:
        if a.name and a.name == b.name:
            return "same place name", config.same_place_name
        return "unknown", 0.0
    if a.country_code != b.country_code:
        return None, 0.0
    if a.level == 3 and b.level == 3:
        if a.geonames_id == b.geonames_id:
            return "same city", config.same_city
        if None not in (a.lat, a.lon, b.lat, b.lon):
            distance = haversine_km(a.lat, a.lon, b.lat, b.lon)
            if distance <= config.nearby_km:
                return f"nearby cities ({distance:.0f} km)", config.nearby_city
        return None, 0.0
    if a.level == 2 and b.level == 2:
        return ("same admin1", config.same_admin1) if a.admin1 == b.admin1 else (None, 0.0)
    if a.level >= 2 and b.level >= 2:
        city, region = (a, b) if a.level == 3 else (b, a)
        if city.admin1:
            return ("city in admin1", config.same_admin1) if city.admin1 == region.admin1 else (None, 0.0)
        # A city given without its admin1: containment cannot be checked, only the country.
        return "same country (city and admin1)", config.same_country
    return "same country", config.same_country


def _place(observation, profile, config, evidence) -> None:
    best: tuple[float, Detail] = (-1.0, "")
    conflict = None
    for place in observation.places:
        for known in profile.places:
            relation, weight = place_relation(place, known, config)
            if relation is None:
                conflict = conflict or _later("places {} vs {}", place, known)
            elif relation != "unknown" and weight > best[0]:
                best = (weight, _later("{}: {} / {}", relation, place, known))
    if conflict and (config.place_veto_any or best[0] < 0):
        evidence.veto = conflict
    elif best[0] >= 0:
        evidence.add("place", best[1], best[0])


def _actors(observation, profile, config, evidence) -> None:
    for group, mine in sorted(observation.actors.items()):
        known: ActorSet = profile.actors.get(group, ActorSet())
        if not mine or not known:
            continue
        shared = mine.named & known.named
        if shared:
            evidence.add(group, _later("shared {}", shared), config.named_actor.get(group, 1.0))
        elif mine.named and known.named:
            penalty = config.actor_conflict.get(group, 0.0)
            if penalty:
                evidence.add(group, _later("different {} / {}", mine.named, known.named), penalty)
        elif mine.nominal & known.nominal:
            evidence.add(group, _later("shared nominal {}", mine.nominal & known.nominal), config.nominal_actor)


def figures_agree(figure: Figure, low: int, high: int) -> bool:
    """Whether a reported figure fits the range others reported, allowing for early counts that grow."""
    tolerance = max(1, round(0.25 * max(figure.value, high)))
    if figure.qualifier == "at_least":
        return figure.value <= high + tolerance
    if figure.qualifier == "at_most":
        return figure.value >= low - tolerance
    return low - tolerance <= figure.value <= high + tolerance


def _figures(observation, profile, config, evidence) -> None:
    for name in ("killed", "injured"):
        figure = getattr(observation, name)
        reports = profile.figures.get(name)
        if figure is None or not reports:
            continue
        low, high = min(r.value for r in reports), max(r.value for r in reports)
        known = str(low) if low == high else f"{low}-{high}"
        if figures_agree(figure, low, high):
            evidence.add(name, _later("{} {} fits {}", name, figure.value, known), config.figures_agree)
        else:
            evidence.add(name, _later("{} {} vs {}", name, figure.value, known), config.figures_disagree)
