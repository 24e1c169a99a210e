"""Event places on MUC-4: country and place accuracy of the pipeline's event locations.

Each MUC-4 template gives an incident type and a location such as
``GUATEMALA: PETEN (DEPARTMENT): FLORES (CITY)``: a country, then named places from the least
to the most specific, each with its type; alternatives are joined by `` / `` and a stretch
between two places by `` - `` (``CHILE: COPIAPO (CITY) - TALCA (CITY)``: either place). Every
document is run through the pipeline with its dateline date as the publication date.

Alignment. Each template is aligned to one predicted event of its incident type, chosen
without looking at locations: the event whose sentence mentions most of the template's
role fillers (perpetrators, targets, victims, weapons, as MUC-4 spells them), the earliest on
a tie (an incident is introduced before it is elaborated). Aligning on the location itself
would let a document's many events be searched for the right place and reward scattering.
Templates with no predicted event of their type are misses in the ``all_templates`` figures
and left out of the ``aligned`` ones, which measure places, not event detection.

Scores, for the aligned event's location against any of the template's alternatives:

- country: the location's country is the template's;
- place (templates naming a place below the country in some alternative): the location is in
  the template's country and is one of its named places, at any level, by its gazetteer name
  or by its text (which may name a neighbourhood the gazetteer lacks; a text naming something other
  than the gazetteer place is such a part, and counts whatever the place around it is: "HOSTIGAL"
  inside Lima department, "ARCATAO" inside the country) (a city by its name;
  a first-level division by its name where the template types that level DEPARTMENT,
  PROVINCE, STATE or REGION, or INTENDANCY or COMMISSARY, Colombia's first-level divisions of
  the time), or a city inside such a named division (its admin1). Where an alternative gives
  the country alone, a location that is that country counts too;
- place_most_specific: as place, against the template's most specific level only.

Names are compared folded (case, accents, punctuation) and without a leading article or
type word ("LA OROYA" = "OROYA", "CARCHI PROVINCE" = "CARCHI"); the type words are the kinds of place MUC-4 writes
after its names ("SAN MIGUEL (RIVER)" = "SAN MIGUEL RIVER").

``oracle_alignment`` repeats the scores with the earlier alignment (the same-type event whose
location matches best): an upper bound, not the measure.

    python -m pipeline.evaluation.muc4_places --gold ../shared/data/muc4/dev.jsonl

The rules that choose an event's place (``components/event_location.py``) are developed on MUC-4
train documents, never on dev: ``news-pipeline evaluate-places --gold ../shared/data/muc4/train.jsonl
--first 400 --out build/places_muc4_train.json``.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Optional

from ..normalize.places import country_geonames_ids, place_key
from ..records import ArticleRecord, Event, EventLocation

_DATELINE_DATE = re.compile(r"\b(\d{1,2})\s+([A-Z]{3})\s+(\d{2})\b")
_MONTHS = {m: i + 1 for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
                                           "NOV", "DEC"))}
# Country names as MUC-4 writes them that pycountry does not look up by itself.
_COUNTRY_NAMES = {"BOLIVIA": "BO", "VENEZUELA": "VE", "UNITED STATES": "US", "WEST GERMANY": "DE",
                  "EAST GERMANY": "DE", "SOVIET UNION": "RU", "USSR": "RU", "IRAN": "IR"}
_TYPES = {"ATTACK": "ATTACK", "BOMBING": "BOMBING", "KIDNAPPING": "KIDNAPPING", "ARSON": "ARSON",
          "ROBBERY": "ROBBERY", "FORCED WORK STOPPAGE": "FORCED_WORK_STOPPAGE"}
# Level types that name a first-level division, where a city's admin1 may match.
_ADMIN_TYPES = frozenset({"DEPARTMENT", "PROVINCE", "STATE", "REGION", "INTENDANCY", "COMMISSARY"})
_FILLER_SLOTS = ("PerpInd", "PerpOrg", "Target", "Victim", "Weapon")
_ARTICLE = re.compile(r"^(?:la|las|los|lo|le|les|il|the|el|al)\s+")
# The kinds of place MUC-4 writes after a location's names ("SAN MIGUEL (RIVER)", "CARCHI (PROVINCE)"): a name
# with its kind ("SAN MIGUEL RIVER", "CARCHI PROVINCE") is the same name.
_TYPE_WORDS = re.compile(r"\b(?:city|town|department|province|municipality|neighborhood|district|region|canton|"
                         r"jurisdiction|village|hamlet|port|state|county|township|intendancy|corregimiento|suburb|"
                         r"quarter|sector|zone|area|community|farm|airport|river|island|mountain|jungle|university)\b")
_SENTENCE_END = re.compile(r"[.!?][\"']?\s+|\n\s*\n")


@dataclass(frozen=True)
class GoldLocation:
    country: Optional[str]  # ISO code
    levels: tuple[tuple[str, ...], ...] = ()  # name keys per level below the country, least to most specific
    admin: frozenset[str] = frozenset()  # the names typed as first-level divisions

    @property
    def places(self) -> tuple[str, ...]:
        return tuple(name for level in self.levels for name in level)


def name_key(name: str) -> str:
    """The folded key names are compared by: 'LA OROYA' -> 'oroya', 'CARCHI PROVINCE' -> 'carchi'."""
    key = _ARTICLE.sub("", place_key(name))
    return " ".join(_TYPE_WORDS.sub(" ", key).split()) or key


def dateline_date(dateline: str) -> Optional[str]:
    """'GUATEMALA CITY, 4 FEB 90 (ACAN-EFE)' -> '1990-02-04'."""
    match = _DATELINE_DATE.search(dateline or "")
    if match is None or match.group(2) not in _MONTHS:
        return None
    year = 1900 + int(match.group(3))
    try:
        return date(year, _MONTHS[match.group(2)], int(match.group(1))).isoformat()
    except ValueError:
        return None


def country_code(name: str) -> Optional[str]:
    import pycountry

    name = name.strip().upper()
    if name in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[name]
    try:
        return pycountry.countries.lookup(name.title()).alpha_2
    except LookupError:
        return None


def _split_top(text: str, separator: str) -> list[str]:
    """Split on a separator outside parentheses."""
    parts, depth, current = [], 0, ""
    i = 0
    while i < len(text):
        char = text[i]
        depth += char == "("
        depth -= char == ")"
        if depth == 0 and text.startswith(separator, i):
            parts.append(current)
            current = ""
            i += len(separator)
            continue
        current += char
        i += 1
    return [*parts, current]


def _level(text: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """'COPIAPO (CITY) - TALCA (CITY)' -> (('copiapo', 'talca'), {});
    'PETEN (DEPARTMENT)' -> (('peten',), {'peten'})."""
    names, admin = [], set()
    for part in _split_top(text, " - "):
        match = re.match(r"^(.*?)\s*(?:\(([^()]*)\))?\s*$", part.strip())
        name, kind = name_key(match.group(1)), match.group(2) or ""
        if name:
            names.append(name)
            if {k.strip() for k in kind.split("/")} & _ADMIN_TYPES:
                admin.add(name)
    return tuple(names), frozenset(admin)


def parse_location(raw: str) -> list[GoldLocation]:
    """'(EL SALVADOR: SAN SALVADOR (CITY)) / (EL SALVADOR)' -> its alternatives."""
    alternatives = []
    for alternative in _split_top(raw, " / "):
        alternative = alternative.strip()
        while alternative.startswith("(") and alternative.endswith(")") and \
                len(_split_top(alternative[1:-1], " / ")) == 1 and _balanced(alternative[1:-1]):
            alternative = alternative[1:-1].strip()
        levels = [level.strip() for level in _split_top(alternative, ":")]
        if not levels or not levels[0]:
            continue
        parsed = [_level(level) for level in levels[1:]]
        alternatives.append(GoldLocation(country_code(levels[0]), tuple(names for names, _ in parsed if names),
                                         frozenset().union(*(admin for _, admin in parsed))))
    return alternatives


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += (char == "(") - (char == ")")
        if depth < 0:
            return False
    return depth == 0


@dataclass(frozen=True)
class GoldTemplate:
    types: frozenset[str]
    alternatives: tuple[GoldLocation, ...]
    fillers: tuple[tuple[str, ...], ...]  # each role filler's spellings

    @property
    def names_place(self) -> bool:
        return any(g.levels for g in self.alternatives)


def gold_templates(row: dict) -> list[GoldTemplate]:
    templates = []
    for template in row["templates"]:
        types = {_TYPES[t.strip()] for t in template["incident_type"].split("/") if t.strip() in _TYPES}
        locations = [loc for raw in template.get("incident_location") or () for loc in parse_location(raw)]
        fillers = tuple(tuple(s.strip() for s in filler if sum(c.isalpha() for c in s) >= 3)
                        for slot in _FILLER_SLOTS for filler in template.get(slot) or ())
        if types and locations:
            templates.append(GoldTemplate(frozenset(types), tuple(locations), tuple(f for f in fillers if f)))
    return templates


def location_kind(location: EventLocation) -> str:
    """country, admin1 or place: what the pipeline resolved the event's location to."""
    if location.geonames_id is not None and location.geonames_id in country_geonames_ids():
        return "country"
    if location.geonames_id is None and location.admin1 is not None and location.name == location.admin1:
        return "admin1"
    return "place"


def place_matches(event: Event, gold: GoldLocation) -> tuple[bool, bool]:
    """(matches a named place of the gold location at any level, matches its most specific level)."""
    location = event.location
    if location is None or not gold.levels or location.country_code != gold.country:
        return False, False
    kind = location_kind(location)
    name = name_key(location.name) if location.name else None
    # A text naming something other than the gazetteer place is a part of it the gazetteer lacks
    # ("HOSTIGAL" in Lima department, "ARCATAO" in El Salvador): a place below the country whatever
    # the place around it is.
    part = {name_key(location.text)} - {name} if location.text else set()
    if kind == "country":
        names = part
    elif kind == "admin1":  # a division matches only a level the template types as one
        names = ({name} & gold.admin) | part
    else:
        names = {name} | part
        if location.admin1:
            names |= {name_key(location.admin1)} & gold.admin  # a city inside the named department
    names.discard(None)
    return bool(names & set(gold.places)), bool(names & set(gold.levels[-1]))


def _country_only_match(event: Event, alternatives: Iterable[GoldLocation]) -> bool:
    location = event.location
    return location is not None and location_kind(location) == "country" and any(
        not g.levels and g.country == location.country_code for g in alternatives)


def _match_score(event: Event, gold: GoldLocation) -> tuple[int, int, int]:
    country = event.location is not None and event.location.country_code == gold.country
    any_level, specific = place_matches(event, gold)
    return int(country), int(any_level), int(specific)


def score_template(event: Event, template: GoldTemplate) -> tuple[int, int, int]:
    """(country, place, most specific place) for an aligned event, each 0 or 1, best over alternatives."""
    best = max(_match_score(event, gold) for gold in template.alternatives)
    if best[1] == 0 and _country_only_match(event, template.alternatives):
        best = (1, 1, 1)  # the template accepts the country alone, and that is what the event says
    return best


def _sentence(text: str, start: int, end: int) -> str:
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    return text[before[-1] if before else 0:after.start() if after else len(text)]


def _mentions(sentence: str, filler: tuple[str, ...]) -> bool:
    folded = f" {place_key(sentence)} "
    return any(f" {place_key(s)} " in folded for s in filler if place_key(s))


def align(record: ArticleRecord, template: GoldTemplate) -> Optional[Event]:
    """The predicted event of the template's type whose sentence names most of its role fillers;
    the earliest on a tie. Locations play no part."""
    candidates = [e for e in record.events if e.type in template.types]
    if not candidates:
        return None

    def evidence(event: Event) -> int:
        sentence = _sentence(record.text, event.trigger.start, event.trigger.end)
        return sum(_mentions(sentence, filler) for filler in template.fillers)

    return max(candidates, key=lambda e: (evidence(e), -e.trigger.start))


def _oracle(record: ArticleRecord, template: GoldTemplate) -> Optional[Event]:
    candidates = [e for e in record.events if e.type in template.types]
    return max(candidates, key=lambda e: score_template(e, template), default=None)


@dataclass
class Tally:
    correct: int = 0
    total: int = 0

    def report(self) -> dict:
        return {"accuracy": round(self.correct / self.total, 4) if self.total else None, "correct": self.correct,
                "n": self.total}


def _tally(rows: list[dict], records: list[ArticleRecord], chooser) -> dict:
    tallies = {scope: {"country": Tally(), "place": Tally(), "place_most_specific": Tally()}
               for scope in ("aligned", "all_templates")}
    for row, record in zip(rows, records):
        for template in gold_templates(row):
            event = chooser(record, template)
            country, place, specific = score_template(event, template) if event is not None else (0, 0, 0)
            for scope in ("aligned", "all_templates"):
                if event is None and scope == "aligned":
                    continue
                tallies[scope]["country"].total += 1
                tallies[scope]["country"].correct += country
                if template.names_place:
                    for name, hit in (("place", place), ("place_most_specific", specific)):
                        tallies[scope][name].total += 1
                        tallies[scope][name].correct += hit
    return {scope: {k: v.report() for k, v in t.items()} for scope, t in tallies.items()}


def score(rows: list[dict], records: list[ArticleRecord]) -> dict:
    report = _tally(rows, records, align)
    report["oracle_alignment"] = _tally(rows, records, _oracle)
    templates = [(t, r) for row, r in zip(rows, records) for t in gold_templates(row)]
    report["templates"] = len(templates)
    report["templates_without_event_of_type"] = sum(align(r, t) is None for t, r in templates)
    report["events_with_location"] = sum(e.location is not None for r in records for e in r.events)
    report["events"] = sum(len(r.events) for r in records)
    return report


def read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


def predict(rows: list[dict]) -> list[ArticleRecord]:
    from ..execution.local import process_batch
    from ..ingest import ArticleLimits, make_article

    articles = [make_article(row["text"], row["docid"], ArticleLimits(), article_id=row["docid"],
                             published=dateline_date(row.get("dateline", ""))) for row in rows]
    return process_batch(articles)


def evaluate_places(gold: Path, first: Optional[int] = None) -> dict:
    rows = read_rows(gold)[:first]
    records = predict(rows)
    return {"gold": str(gold), "documents": len(rows), **score(rows, records)}


def summary_lines(report: dict) -> list[str]:
    lines = [f"MUC-4 {report['gold']}: {report['documents']} documents, {report['templates']} templates, "
             f"{report['templates_without_event_of_type']} without a predicted event of their type"]
    for scope, r in (("aligned", report["aligned"]), ("all_templates", report["all_templates"]),
                     ("oracle (bound)", report["oracle_alignment"]["aligned"])):
        lines.append(f"  {scope:14s} country {r['country']['accuracy']} (n={r['country']['n']})  "
                     f"place {r['place']['accuracy']} (n={r['place']['n']})  "
                     f"most specific place {r['place_most_specific']['accuracy']}")
    return lines


def write_report(report: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def main(argv: Optional[Iterable[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("metrics/places_muc4.json"))
    parser.add_argument("--first", type=int, default=None, help="score only the first N documents")
    args = parser.parse_args(list(argv) if argv is not None else None)
    report = evaluate_places(args.gold, args.first)
    write_report(report, args.out)
    print("\n".join(summary_lines(report)))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
