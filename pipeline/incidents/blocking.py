"""Blocking: which incidents an event is compared with at all.

An incident is filed under (country, week) for every week its date window touches, and under
(@actor, week) for each named actor, so that an event whose place was not resolved still meets
the incidents of the actors it names. An event probes its own keys plus (unplaced, week). Only
incidents that share a key are scored, so the work per event depends on how many incidents
happen in a few weeks of one country, not on the size of the archive: cost grows close to
linearly with the archive. An undated report (its date is its article's publication) may follow
up an older incident: it also meets, at any time, the incidents of the victims and targets it
names (``ANY_TIME``), a block as small as how often one named victim is reported. An evaluation
topic (``Observation.block``) replaces all of this.
"""
from __future__ import annotations

from typing import Iterable, Optional

from .evidence import ClusteringConfig, expand
from .observations import DaySpan, Observation
from .profile import Profile

BUCKET_DAYS = 7
UNPLACED = ""
ANY_TIME = -1  # the bucket of keys that hold regardless of date
VICTIM_GROUPS = ("victim", "target")
BlockKey = tuple[str, int]


def _buckets(spans: Iterable[DaySpan], config: ClusteringConfig) -> Optional[range]:
    spans = [expand(s, config) for s in spans]
    if not spans:
        return None
    first, last = min(s.first for s in spans), max(s.last for s in spans)
    if last - first + 1 > config.max_block_days:
        return None
    return range(first // BUCKET_DAYS, last // BUCKET_DAYS + 1)


def _named_victims(actors) -> set[str]:
    return {"@any:" + actor for group in VICTIM_GROUPS if group in actors for actor in actors[group].named}


def probe_keys(observation: Observation, config: ClusteringConfig) -> Optional[set[BlockKey]]:
    """The keys whose incidents this event is compared with; None when it cannot be placed in time."""
    if observation.block is not None:
        return {("#" + observation.block, 0)}
    buckets = _buckets(observation.dates, config)
    if buckets is None:
        return None
    names = {p.country_code or UNPLACED for p in observation.places} | {UNPLACED}
    names |= {"@" + actor for actors in observation.actors.values() for actor in actors.named}
    keys = {(name, b) for name in names for b in buckets}
    if all(s.granularity == "published" for s in observation.dates):
        # An undated report may follow up an incident of any time before it: met through its named victims.
        keys |= {(name, ANY_TIME) for name in _named_victims(observation.actors)}
    return keys


def filing_keys(profile: Profile, block: Optional[str], config: ClusteringConfig) -> set[BlockKey]:
    """The keys an incident is filed under."""
    if block is not None:
        return {("#" + block, 0)}
    if profile.window is None or profile.window.width > config.max_block_days:
        return set()  # too vague to place in time: an incident of its own
    # The window is already widened by the slack; only its own days count.
    first, last = profile.window.first // BUCKET_DAYS, profile.window.last // BUCKET_DAYS
    names = {p.country_code or UNPLACED for p in profile.places} or {UNPLACED}
    names |= {"@" + actor for actors in profile.actors.values() for actor in actors.named}
    keys = {(name, b) for name in names for b in range(first, last + 1)}
    return keys | {(name, ANY_TIME) for name in _named_victims(profile.actors)}
