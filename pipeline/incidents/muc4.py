"""MUC-4 evaluation: documents that report the same incident, from the gold templates.

Gold incident grouping (derived, documented in docs/incidents.md): two templates of different
documents describe one incident when they have the same incident type, compatible dates (their
spans overlap or are a day apart; "- 04 FEB 90", "on or before", reaches back without limit; no
date is compatible),
compatible places (one location path is a prefix of the other, for some pair of the alternatives;
no place is compatible), and share a victim or physical-target filler that is not a generic noun
("JESUITS" counts, "PEASANTS" does not). Groups grow along such links only while every pair of
templates across them stays compatible (type, date, place, different documents): two templates of
one document are never put together (MUC-4 annotators made them separate incidents), and a chain
of links cannot join incidents that contradict each other.

Two inputs are clustered and scored against that grouping:

- ``templates``: the templates' own slot values as observations (an oracle extraction): this
  isolates the clustering from extraction;
- ``pipeline``: the events the pipeline extracts from the texts (published = the dateline's date),
  each aligned to the template of its document it matches best (type, victim/target head words,
  place, date) and scored on the events that align to one; the others are counted.
"""
from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Optional

from ..normalize.actors import normalise_name
from .cluster import cluster
from .evidence import DEFAULT_TYPE_PARENTS, ClusteringConfig, types_compatible
from .metrics import score
from .observations import ActorSet, DaySpan, Observation, PlaceRef, actor_sets, canonical_actor, from_record

MONTHS = {m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), start=1)}
_DATE = re.compile(r"(\d{1,2}) ([A-Z]{3}) (\d{2})")
# Fillers that name a kind of victim or target, not one in particular.
GENERIC_FILLERS = frozenset("""
people persons person civilians civilian peasants peasant soldiers soldier policemen policeman police residents
resident passengers passenger students student children child women woman men man victims victim dead wounded
members member population guerrillas guerrilla houses house vehicles vehicle buses bus homes home buildings
building individuals individual workers worker employees employee youths youth villagers relatives relative
family families inhabitants agents agent troops troop bodies body officials official deaths injured casualties
vehicle cars car trucks truck offices office priests priest leaders leader bodyguards bodyguard escorts escort
assistants engineers engineer son daughter wife husband mother father brother sister nephew cook maid maids
plane aircraft
""".split())
TYPES = {"ATTACK": "ATTACK", "BOMBING": "BOMBING", "KIDNAPPING": "KIDNAPPING", "ARSON": "ARSON",
         "ROBBERY": "ROBBERY", "FORCED WORK STOPPAGE": "FORCED_WORK_STOPPAGE"}
TEMPLATE_CONFIG = ClusteringConfig(same_article_merges=False)


@dataclass
class Template:
    doc_id: str
    template_id: str
    type: str
    dates: list[tuple[int, int]]  # alternatives, as (first, last) day ordinals
    open_dates: list[int]  # "- X": on or before X
    locations: list[list[str]]  # alternatives, each a path country > ... > place
    victims: list[list[str]]  # fillers, each a list of coreferent strings
    targets: list[list[str]]
    perpetrators: list[list[str]]
    published: Optional[date]

    @property
    def key(self) -> tuple[str, str]:
        return self.doc_id, self.template_id


def _day(match: re.Match) -> Optional[int]:
    day, month, year = int(match.group(1)), MONTHS.get(match.group(2)), int(match.group(3))
    if month is None:
        return None
    try:
        return date(1900 + year if year > 30 else 2000 + year, month, day).toordinal()
    except ValueError:
        return None


def parse_dates(values: Iterable[str]) -> tuple[list[tuple[int, int]], list[int]]:
    closed, open_ended = [], []
    for value in values:
        for alternative in re.split(r"\)\s*/\s*\(", value):
            alternative = alternative.strip("() ")
            days = [d for d in (_day(m) for m in _DATE.finditer(alternative)) if d is not None]
            if not days:
                continue
            if alternative.startswith("-"):
                open_ended.append(days[-1])
            else:
                closed.append((min(days), max(days)))
    return closed, open_ended


def parse_locations(values: Iterable[str]) -> list[list[str]]:
    paths = []
    for value in values:
        for alternative in re.split(r"\)\s*/\s*\(", value):
            alternative = alternative.strip()
            if alternative.startswith("(") and alternative.count("(") > alternative.count(")"):
                alternative = alternative[1:]
            if alternative.endswith(")") and alternative.count(")") > alternative.count("("):
                alternative = alternative[:-1]
            levels = [re.sub(r"\s*\([^)]*\)", "", level).strip() for level in alternative.split(":")]
            # "COLOMBIA / VENEZUELA": either country; "COPIAPO (CITY) - TALCA (CITY)": either place
            choices = [[c.strip() for c in re.split(r" / | - ", level) if c.strip()] or [""] for level in levels]
            for path in itertools.product(*choices):
                path = [level for level in path if level]
                if path and path not in paths:
                    paths.append(path)
    return paths


def _fillers(slot: list) -> list[list[str]]:
    cleaned = []
    for filler in slot:
        strings = [" ".join(s.replace("\\", " ").replace('"', " ").split()) for s in filler]
        strings = [s for s in strings if s and s != "-"]
        if strings:
            cleaned.append(strings)
    return cleaned


def dateline_date(dateline: str) -> Optional[date]:
    match = _DATE.search(dateline or "")
    day = _day(match) if match else None
    return date.fromordinal(day) if day else None


def read_templates(path: Path) -> tuple[list[Template], list[dict]]:
    templates, documents = [], []
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            doc = json.loads(line)
            documents.append(doc)
            published = dateline_date(doc.get("dateline", ""))
            for t in doc.get("templates", []):
                event_type = TYPES.get(t["incident_type"].split(" / ")[0].strip())
                if event_type is None:
                    continue
                closed, open_ended = parse_dates(t.get("incident_date", []))
                templates.append(Template(
                    doc["docid"], t["template_id"], event_type, closed, open_ended,
                    parse_locations(t.get("incident_location", [])), _fillers(t.get("Victim", [])),
                    _fillers(t.get("Target", [])), _fillers(t.get("PerpOrg", [])) + _fillers(t.get("PerpInd", [])),
                    published))
    return templates, documents


# --- the derived gold grouping ----------------------------------------------------------------

def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def specific_fillers(t: Template) -> set[str]:
    return {_norm(s) for filler in t.victims + t.targets for s in filler
            if _norm(s) and _norm(s) not in GENERIC_FILLERS and _norm(s).split()[-1] not in GENERIC_FILLERS}


def _dates_compatible(a: Template, b: Template) -> bool:
    spans_a = a.dates + [(0, d) for d in a.open_dates]
    spans_b = b.dates + [(0, d) for d in b.open_dates]
    if not spans_a or not spans_b:
        return True
    # One day of tolerance: sources (and annotators) differ by a day on overnight incidents.
    return any(fa <= lb + 1 and fb <= la + 1 for fa, la in spans_a for fb, lb in spans_b)


def _places_compatible(a: Template, b: Template) -> bool:
    if not a.locations or not b.locations:
        return True
    return any(pa[:len(pb)] == pb or pb[:len(pa)] == pa for pa in a.locations for pb in b.locations)


def compatible(a: Template, b: Template) -> bool:
    return a.doc_id != b.doc_id and a.type == b.type and _dates_compatible(a, b) and _places_compatible(a, b)


def same_incident(a: Template, b: Template) -> bool:
    return compatible(a, b) and bool(specific_fillers(a) & specific_fillers(b))


def gold_grouping(templates: list[Template]) -> dict[tuple[str, str], str]:
    """{template key: gold incident label}. Two groups join on a ``same_incident`` link between them
    when every pair across them is ``compatible`` (so one document never holds two of a group, and a
    chain of links cannot join the 1980 and the 1989 murders of two different priests)."""
    group = {t.key: i for i, t in enumerate(templates)}
    members = {i: [t] for i, t in enumerate(templates)}
    for i, a in enumerate(templates):
        for b in templates[i + 1:]:
            ga, gb = group[a.key], group[b.key]
            if ga == gb or not same_incident(a, b):
                continue
            if all(compatible(x, y) for x in members[ga] for y in members[gb]):
                for t in members.pop(gb):
                    group[t.key] = ga
                    members[ga].append(t)
    return {t.key: "/".join(min(m.key for m in members[group[t.key]])) for t in templates}


# --- observations from the templates ----------------------------------------------------------

def _place(path: list[str]) -> Optional[PlaceRef]:
    from ..normalize.places import load_gazetteer

    gazetteer = load_gazetteer()
    country = gazetteer.resolve(path[0].title())
    code = country.country_code if country else None
    if len(path) == 1:
        return PlaceRef(code, display=path[0]) if code else PlaceRef(None, name=_norm(path[0]), display=path[0])
    name = path[-1].title()
    found = [p for p in gazetteer.candidates(name) if p.country_code == code]
    if found:
        best = max(found, key=lambda p: (p.kind == "city", p.population))
        return PlaceRef(code, best.admin1, best.geonames_id if best.kind == "city" else None, None, best.lat, best.lon,
                        name)
    # A place the gazetteer lacks (a farm, a neighbourhood): known by its name, within its country.
    return PlaceRef(None, name=_norm(path[-1]), display=name) if code is None else PlaceRef(
        code, name=_norm(" ".join(path)), display=name)


def _template_actors(t: Template) -> dict[str, ActorSet]:
    triples = []
    for group, fillers in (("victim", t.victims), ("target", t.targets), ("perpetrator", t.perpetrators)):
        for filler in fillers:
            for string in filler:  # the filler's coreferent strings: "JESUIT PRIESTS" / "JESUITS"
                key, named = canonical_actor(string.title())
                text = _norm(string)
                if not named and text and text.split()[-1] not in GENERIC_FILLERS:
                    key, named = normalise_name(text), True  # a name in capitals: "IGNACIO ELLACURIA"
                triples.append((group, key, named))
    return actor_sets(triples)


def template_observation(t: Template) -> Observation:
    spans = [DaySpan(first, last, "day" if first == last else "range") for first, last in t.dates]
    # "On or before X": the report's own horizon, as for an undated event (observations.PUBLISHED_LOOKBACK_DAYS).
    spans += [DaySpan(d - 3, d, "published") for d in t.open_dates]
    places = [p for p in (_place(path) for path in t.locations) if p is not None]
    return Observation(t.doc_id, t.template_id, t.type, dates=tuple(spans[:1]), places=tuple(places[:1]),
                       actors=_template_actors(t), published=t.published.isoformat() if t.published else None)


# --- aligning pipeline events to templates ----------------------------------------------------

def _words(texts: Iterable[str]) -> set[str]:
    return {w for text in texts for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2}


def align(event, record, templates: list[Template]) -> Optional[Template]:
    """The template of the event's document the event describes best, or None."""
    arguments = _words(a.text for a in event.arguments if a.role in ("victim", "target"))
    place = _words([event.location.text]) if event.location else set()
    best, best_score = None, 0.0
    for t in templates:
        if not types_compatible(event.type, t.type, DEFAULT_TYPE_PARENTS):
            continue
        points = 1.0 if event.type == t.type else 0.5
        points += 2.0 * bool(arguments & _words(s for f in t.victims + t.targets for s in f))
        points += 1.0 * bool(place & _words(level for path in t.locations for level in path))
        if event.date and event.date.value and t.dates:
            points += 0.5 * any(str(date.fromordinal(first))[:7] == event.date.value[:7] for first, _ in t.dates)
        if points > best_score:
            best, best_score = t, points
    # The type alone aligns only where the document has a single template of that type.
    if best is not None and best_score < 2.0 and sum(t.type == best.type for t in templates) > 1:
        return None
    return best


def evaluate_templates(templates: list[Template], config: ClusteringConfig = TEMPLATE_CONFIG) -> dict:
    gold = gold_grouping(templates)
    clusterer = cluster([template_observation(t) for t in templates], config)
    predicted = {m.observation.key: i.incident_id for i in clusterer.incidents.values() for m in i.new_members}
    singletons = {key: key for key in gold}
    return {"input": "gold template slot values", "templates": len(templates),
            "gold_incidents_with_2_or_more_templates": sum(1 for label in set(gold.values())
                                                             if list(gold.values()).count(label) > 1),
            "incidents": score(gold, predicted), "all_singletons": score(gold, singletons)}


def evaluate_pipeline(templates: list[Template], documents: list[dict], records: list,
                      config: Optional[ClusteringConfig] = None) -> dict:
    gold = gold_grouping(templates)
    by_doc: dict[str, list[Template]] = {}
    for t in templates:
        by_doc.setdefault(t.doc_id, []).append(t)
    aligned: dict[tuple[str, str], tuple[str, str]] = {}
    observations = []
    n_events = 0
    for record in records:
        for event in record.events:
            n_events += 1
            match = align(event, record, by_doc.get(record.article_id, []))
            if match is not None:
                aligned[(record.article_id, event.id)] = match.key
        observations.extend(from_record(record))
    clusterer = cluster(observations, config)
    predicted = {m.observation.key: i.incident_id for i in clusterer.incidents.values() for m in i.new_members}
    scored = [key for key in aligned if key in predicted]
    gold_of_event = {key: gold[aligned[key]] for key in scored}
    return {"input": "pipeline events (news-pipeline run on the texts)", "events": n_events,
            "clustered_events": len(observations), "aligned_events": len(scored),
            "incidents": score(gold_of_event, {k: predicted[k] for k in scored}),
            "all_singletons": score(gold_of_event, {k: k for k in scored})}


def dateline_source(dateline: str) -> Optional[str]:
    """The agency in a MUC-4 dateline: "GUATEMALA CITY, 4 FEB 90 (ACAN-EFE)" -> "ACAN-EFE"."""
    match = re.search(r"\(([^()]*)\)?\s*$", dateline or "")
    return match.group(1).strip() or None if match else None


def predict_records(documents: list[dict], batch_size: int = 32) -> list:
    """The pipeline's records of the MUC-4 texts, published on their dateline's date."""
    from ..execution.worker import load_pipeline, process_batch
    from ..ingest import ArticleLimits, make_article

    nlp = load_pipeline()
    articles = []
    for doc in documents:
        published = dateline_date(doc.get("dateline", ""))
        articles.append(make_article(doc["text"], doc["docid"], ArticleLimits(), article_id=doc["docid"],
                                     published=published.isoformat() if published else None,
                                     source=dateline_source(doc.get("dateline", ""))))
    records = []
    for start in range(0, len(articles), batch_size):
        records.extend(process_batch(articles[start:start + batch_size], nlp))
    return records
