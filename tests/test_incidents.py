"""Incident clustering in memory: observations, evidence, vetoes, figures, ids, blocking."""
import random
from datetime import date

import pytest

from pipeline.incidents import ClusteringConfig, IncidentClusterer, cluster, from_record, incident_id
from pipeline.incidents.observations import day_span
from pipeline.incidents.store import records_of
from pipeline.records import (ArticleRecord, Argument, Count, Entity, Event, EventDate, EventLocation, Place,
                              Trigger)

PESHAWAR = ("Peshawar", "PK", 1168197, 34.008, 71.578)
QUETTA = ("Quetta", "PK", 1167528, 30.187, 67.0)
NOWSHERA = ("Nowshera", "PK", 1168879, 34.015, 71.975)  # 37 km from Peshawar
KABUL = ("Kabul", "AF", 1138958, 34.528, 69.172)


def article(article_id, *, day=None, place=PESHAWAR, killed=None, victims=(), perpetrator=None,
            event_type="BOMBING", source=None, published="2021-12-23", kind="incident", status="reported",
            granularity="day", text=None, content=None):
    """A record with one event; victims are named people, the perpetrator a named organisation."""
    text = text or "Report. " * 40
    entities, arguments = [], []
    if place is not None:
        entities.append(Entity(id="T1", text=place[0], label="GPE", start=0, end=len(place[0]), sentence=0,
                               normalized=Place(name=place[0], country_code=place[1], geonames_id=place[2],
                                                lat=place[3], lon=place[4])))
    for i, name in enumerate(victims):
        entities.append(Entity(id=f"T{i + 2}", text=name, label="PERSON", start=10, end=20, sentence=0))
        arguments.append(Argument(role="victim", entity=f"T{i + 2}", text=name, start=10, end=20))
    if perpetrator:
        arguments.append(Argument(role="perpetrator_org", entity=None, text=perpetrator, start=30, end=40))
    event = Event(
        id="E1", type=event_type, trigger=Trigger(text="blast", start=50, end=55), sentence=0, arguments=arguments,
        date=EventDate(text="on that day", value=day, granularity=granularity) if day else None,
        location=EventLocation(text=place[0], name=place[0], country_code=place[1], geonames_id=place[2],
                               lat=place[3], lon=place[4]) if place else None,
        killed=Count(value=killed, qualifier="exact") if killed is not None else None,
        kind=kind, status=status, confidence=0.7)
    return ArticleRecord(article_id=article_id, content_hash=content or f"hash-{article_id}", pipeline_version="t",
                         text=text, entities=entities, events=[event], source=source, published=published)


def observations(*records):
    return [o for r in records for o in from_record(r)]


def incidents_of(clusterer):
    """{frozenset of member article ids} for every incident."""
    return {frozenset(m.observation.article_id for m in i.new_members) for i in clusterer.incidents.values()}


def test_day_spans_follow_granularity():
    assert day_span("2021-12-22").width == 1
    assert day_span("2021-W51").iso() == ("2021-12-20", "2021-12-26")
    assert day_span("2021-02").iso() == ("2021-02-01", "2021-02-28")
    assert day_span("2021").width == 365
    assert day_span("2021-07/2021-09").iso() == ("2021-07-01", "2021-09-30")
    for vague in ("PAST_REF", "XXXX-12-22", "2021-02-30", None, ""):
        assert day_span(vague) is None


def test_two_reports_of_one_bombing_merge_and_keep_both_figures():
    found = cluster(observations(article("a1", day="2021-12-22", killed=9, source="Dawn"),
                                 article("a2", day="2021-12-22", killed=12, source="Reuters")))
    assert incidents_of(found) == {frozenset({"a1", "a2"})}
    record = next(iter(records_of(found)))
    assert (record.killed.min, record.killed.max) == (9, 12)  # a range, never 10.5
    assert {(r.value, r.source) for r in record.killed.reports} == {(9, "Dawn"), (12, "Reuters")}
    assert record.n_sources == 2 and record.n_articles == 2
    joined = next(m for m in record.members if not m.founded)
    assert {e["evidence"] for e in joined.evidence} >= {"type", "date", "place", "killed"}


@pytest.mark.parametrize("other, veto", [
    (dict(day="2021-12-22", place=QUETTA), "places"),
    (dict(day="2021-12-22", place=KABUL), "places"),
    (dict(day="2021-12-27"), "dates"),
    (dict(day="2021-12-22", event_type="KIDNAPPING"), "type"),
])
def test_contradicting_evidence_vetoes_a_merge(other, veto):
    clusterer = IncidentClusterer()
    clusterer.add_all(observations(article("a1", day="2021-12-22")))
    second = observations(article("a2", **other))[0]
    from pipeline.incidents.evidence import compare

    evidence = compare(second, clusterer.incidents[incident_id("a1", "E1")].profile, clusterer.config)
    assert evidence.explanation()["veto"].startswith(veto)
    assert clusterer.add(second).founded


def test_date_tolerance_depends_on_granularity():
    next_day = cluster(observations(article("a1", day="2021-12-22"), article("a2", day="2021-12-23")))
    assert len(next_day.incidents) == 1  # "overnight": one day of slack for day dates
    month = cluster(observations(article("a1", day="2021-12-22", victims=["Ali Khan"]),
                                 article("a2", day="2021-12", granularity="month", victims=["Ali Khan"])))
    assert len(month.incidents) == 1
    other_month = cluster(observations(article("a1", day="2021-12-22", victims=["Ali Khan"]),
                                       article("a2", day="2021-11", granularity="month", victims=["Ali Khan"])))
    assert len(other_month.incidents) == 2


def test_nearby_cities_and_the_place_hierarchy():
    nearby = cluster(observations(article("a1", day="2021-12-22"), article("a2", day="2021-12-22", place=NOWSHERA)))
    assert len(nearby.incidents) == 1
    country_only = ("Pakistan", "PK", None, None, None)
    wider = cluster(observations(article("a1", day="2021-12-22", victims=["Ali Khan"]),
                                 article("a2", day="2021-12-22", place=country_only, victims=["Ali Khan"])))
    assert len(wider.incidents) == 1  # Peshawar is inside Pakistan


def test_same_day_and_country_alone_is_not_enough():
    country_only = ("Pakistan", "PK", None, None, None)
    found = cluster(observations(article("a1", day="2021-12-22", place=country_only),
                                 article("a2", day="2021-12-22", place=country_only)))
    assert len(found.incidents) == 2


def test_named_actors_canonicalised_through_the_registry_support_a_merge():
    country_only = ("Pakistan", "PK", None, None, None)
    found = cluster(observations(
        article("a1", day="2021-12-22", place=country_only, perpetrator="Tehrik-i-Taliban Pakistan"),
        article("a2", day="2021-12-22", place=country_only, perpetrator="TTP")))
    assert len(found.incidents) == 1
    reasons = next(m for i in found.incidents.values() for m in i.new_members if m.evidence).evidence.reasons
    assert any(r.evidence == "perpetrator" and r.weight > 0 for r in reasons)


def test_an_undated_follow_up_joins_through_its_named_victim():
    first = article("a1", day="2021-11-16", victims=["Ignacio Ellacuria"], published="2021-11-17")
    follow_up = article("a2", day=None, victims=["Ignacio Ellacuria"], published="2022-01-26", event_type="ATTACK")
    unrelated = article("a3", day=None, victims=["Someone Else"], published="2022-01-26", event_type="ATTACK")
    found = cluster(observations(first, follow_up, unrelated))
    assert incidents_of(found) == {frozenset({"a1", "a2"}), frozenset({"a3"})}
    before = article("a4", day=None, victims=["Ignacio Ellacuria"], published="2021-11-10")
    assert len(cluster(observations(first, before)).incidents) == 2  # reported before it happened: no


def test_ids_are_stable_whatever_the_input_order_and_kept_as_members_join():
    records = [article(f"a{i}", day="2021-12-22", published=f"2021-12-{23 + i % 3:02d}") for i in range(6)]
    expected = None
    for seed in range(3):
        shuffled = observations(*records)
        random.Random(seed).shuffle(shuffled)
        found = cluster(shuffled)
        ids = {i: frozenset(m.observation.key for m in inc.new_members) for i, inc in found.incidents.items()}
        expected = expected or ids
        assert ids == expected
    clusterer = IncidentClusterer()
    founded = clusterer.add(observations(records[0])[0]).incident_id
    assert founded == incident_id("a0", "E1")
    assert clusterer.add(observations(records[1])[0]).incident_id == founded


def test_aggregates_background_and_threats_are_not_clustered():
    assert observations(article("a1", kind="aggregate"), article("a2", kind="background"),
                        article("a3", status="threatened")) == []
    assert len(observations(article("a4", status="claimed"))) == 1


def test_blocking_compares_only_incidents_of_the_same_weeks_and_country():
    records = [article(f"far{i}", day=date.fromordinal(date(2021, 1, 1).toordinal() + 14 * i).isoformat(),
                       place=KABUL if i % 2 else QUETTA) for i in range(20)]
    clusterer = cluster(observations(*records, article("x1", day="2021-12-22"), article("x2", day="2021-12-22")))
    assert clusterer.comparisons <= 2  # x2 meets x1, nothing of the other 20
    assert len(clusterer.incidents) == 21


def test_settings_have_a_version():
    assert ClusteringConfig().version() == ClusteringConfig().version()
    assert ClusteringConfig(threshold=5).version() != ClusteringConfig().version()
