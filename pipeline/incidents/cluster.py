"""Incremental incident clustering: each event joins the best-supported known incident or founds one.

Events are taken in a fixed order (``Observation.order_key``: first reports first), each compared
with the incidents that share a blocking key; it joins the one with the most evidence when that
evidence merges (``evidence.compare``), else it founds a new incident whose id derives from it
alone. An incident never changes id as members join, and the archive is never re-clustered: a
database run loads only the incidents the new events can meet (``store.py``).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Optional

from .blocking import BlockKey, filing_keys, probe_keys
from .evidence import ClusteringConfig, Evidence, compare
from .observations import Observation, incident_id
from .profile import Profile


@dataclass
class Member:
    observation: Observation
    evidence: Optional[Evidence]  # None for the founding member

    @property
    def explanation(self) -> dict:
        if self.evidence is None:
            return {"founded": True, "score": None, "reasons": []}
        return {"founded": False, **self.evidence.explanation()}


@dataclass
class Incident:
    incident_id: str
    profile: Profile
    block: Optional[str] = None
    new_members: list[Member] = field(default_factory=list)  # joined in this session
    filed: set[BlockKey] = field(default_factory=set)


@dataclass
class Assignment:
    incident_id: str
    founded: bool
    evidence: Optional[Evidence]
    candidates: int


class IncidentClusterer:
    def __init__(self, config: Optional[ClusteringConfig] = None):
        self.config = config or ClusteringConfig()
        self.incidents: dict[str, Incident] = {}
        self._index: dict[BlockKey, set[str]] = defaultdict(set)
        self.changed: set[str] = set()  # incidents founded or joined in this session
        self.comparisons = 0

    def load(self, incidents: Iterable[Incident]) -> None:
        """Known incidents (from the database) that new events may join."""
        for incident in incidents:
            self.incidents[incident.incident_id] = incident
            self._file(incident)

    def add(self, observation: Observation) -> Assignment:
        keys = probe_keys(observation, self.config)
        candidates: set[str] = set()
        for key in keys or ():
            candidates |= self._index.get(key, set())
        best: Optional[tuple[tuple[float, int], str, Evidence]] = None
        for candidate in sorted(candidates):
            incident = self.incidents[candidate]
            if incident.block != observation.block:
                continue
            evidence = compare(observation, incident.profile, self.config)
            self.comparisons += 1
            # Most evidence first; among equals, the incident more sources reported (the likelier one).
            rank = (evidence.score, incident.profile.members)
            if evidence.merges(self.config) and (best is None or rank > best[0]):
                best = (rank, candidate, evidence)
        if best is not None:
            incident = self.incidents[best[1]]
            incident.profile.add(observation, self.config)
            incident.new_members.append(Member(observation, best[2]))
            self._file(incident)
            self.changed.add(incident.incident_id)
            return Assignment(incident.incident_id, False, best[2], len(candidates))
        new_id = incident_id(*observation.key)
        if new_id in self.incidents:
            # A replaced article's event founds anew while the incident it once founded lives on.
            new_id = incident_id(observation.article_id, f"{observation.event_id}@{observation.content_hash}")
            if new_id in self.incidents:
                raise ValueError(f"event {observation.key} was clustered already")
        incident = Incident(new_id, Profile(), observation.block)
        incident.profile.add(observation, self.config)
        incident.new_members.append(Member(observation, None))
        self.incidents[new_id] = incident
        if keys is not None:  # an event too vague to place in time stays an incident of its own
            self._file(incident)
        self.changed.add(new_id)
        return Assignment(new_id, True, None, len(candidates))

    def add_all(self, observations: Iterable[Observation]) -> list[Assignment]:
        return [self.add(o) for o in sorted(observations, key=lambda o: o.order_key)]

    def _file(self, incident: Incident) -> None:
        for key in filing_keys(incident.profile, incident.block, self.config) - incident.filed:
            self._index[key].add(incident.incident_id)
            incident.filed.add(key)


def cluster(observations: Iterable[Observation], config: Optional[ClusteringConfig] = None) -> IncidentClusterer:
    """Cluster a closed set of observations from scratch."""
    clusterer = IncidentClusterer(config)
    clusterer.add_all(observations)
    return clusterer
