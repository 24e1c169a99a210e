"""Event places on MUC-4: country and place accuracy of the pipeline's event locations.

Each MUC-4 template gives an incident type and a location such as
``GUATEMALA: PETEN (DEPARTMENT): FLORES (CITY)`` (alternatives joined by `` / ``). Every
document is run through the pipeline with its dateline date as the publication date; each
template is aligned to the predicted event of the same incident type whose location matches
it best (country, then place). Scores:

- country: the aligned event's location has the template's country;
- place (over templates naming a place below the country): the event's place is one of the
  template's named places, or lies in it (its admin1 is the template's department);
- place_most_specific: the event's place is the template's most specific named place.

Templates with no predicted event of their type are counted as misses in the ``all_templates``
figures and left out of the ``aligned`` ones, which measure the places, not event detection.

    python -m pipeline.evaluation.muc4_places --gold ../shared/data/muc4/dev.jsonl
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

from ..normalize.places import place_key
from ..records import ArticleRecord, Event

_DATELINE_DATE = re.compile(r"\b(\d{1,2})\s+([A-Z]{3})\s+(\d{2})\b")
_MONTHS = {m: i + 1 for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
                                           "NOV", "DEC"))}
# Country names as MUC-4 writes them that pycountry does not look up by itself.
_COUNTRY_NAMES = {"BOLIVIA": "BO", "VENEZUELA": "VE", "UNITED STATES": "US", "WEST GERMANY": "DE",
                  "EAST GERMANY": "DE", "SOVIET UNION": "RU", "USSR": "RU", "IRAN": "IR"}
_TYPES = {"ATTACK": "ATTACK", "BOMBING": "BOMBING", "KIDNAPPING": "KIDNAPPING", "ARSON": "ARSON",
          "ROBBERY": "ROBBERY", "FORCED WORK STOPPAGE": "FORCED_WORK_STOPPAGE"}


@dataclass(frozen=True)
class GoldLocation:
    country: Optional[str]  # ISO code
    places: tuple[str, ...]  # place keys below the country, least to most specific


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
        places = tuple(place_key(re.sub(r"\s*\([^)]*\)\s*$", "", level)) for level in levels[1:])
        alternatives.append(GoldLocation(country_code(levels[0]), tuple(p for p in places if p)))
    return alternatives


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += (char == "(") - (char == ")")
        if depth < 0:
            return False
    return depth == 0


def gold_templates(row: dict) -> list[tuple[set[str], list[GoldLocation]]]:
    templates = []
    for template in row["templates"]:
        types = {_TYPES[t.strip()] for t in template["incident_type"].split("/") if t.strip() in _TYPES}
        locations = [loc for raw in template.get("incident_location") or () for loc in parse_location(raw)]
        if types and locations:
            templates.append((types, locations))
    return templates


def place_matches(event: Event, gold: GoldLocation) -> tuple[bool, bool]:
    """(matches any named place of the gold location, matches its most specific one)."""
    location = event.location
    if location is None or not gold.places:
        return False, False
    names = {place_key(n) for n in (location.name, location.text) if n}
    within = {place_key(location.admin1)} if location.admin1 and location.name != location.admin1 else set()
    any_level = bool(names & set(gold.places)) or bool(within & set(gold.places))
    return any_level, gold.places[-1] in names


def _match_score(event: Event, gold: GoldLocation) -> tuple[int, int, int]:
    country = event.location is not None and event.location.country_code == gold.country
    any_level, specific = place_matches(event, gold)
    return int(country), int(any_level), int(specific)


@dataclass
class Tally:
    correct: int = 0
    total: int = 0

    def report(self) -> dict:
        return {"accuracy": round(self.correct / self.total, 4) if self.total else None, "correct": self.correct,
                "n": self.total}


def score(rows: list[dict], records: list[ArticleRecord]) -> dict:
    tallies = {scope: {"country": Tally(), "place": Tally(), "place_most_specific": Tally()}
               for scope in ("aligned", "all_templates")}
    unaligned = 0
    for row, record in zip(rows, records):
        for types, alternatives in gold_templates(row):
            candidates = [e for e in record.events if e.type in types]
            best: Optional[tuple[tuple[int, int, int], GoldLocation]] = None
            for event in candidates:
                for gold in alternatives:
                    key = _match_score(event, gold)
                    if best is None or key > best[0]:
                        best = (key, gold)
            if best is None:
                unaligned += 1
            named = [g for g in alternatives if g.places]
            for scope in ("aligned", "all_templates"):
                if best is None and scope == "aligned":
                    continue
                (country, any_level, specific), gold = best if best else ((0, 0, 0), alternatives[0])
                tallies[scope]["country"].total += 1
                tallies[scope]["country"].correct += country
                if named:
                    tallies[scope]["place"].total += 1
                    tallies[scope]["place"].correct += any_level
                    tallies[scope]["place_most_specific"].total += 1
                    tallies[scope]["place_most_specific"].correct += specific
    report = {scope: {k: v.report() for k, v in t.items()} for scope, t in tallies.items()}
    report["templates"] = sum(len(gold_templates(r)) for r in rows)
    report["templates_without_event_of_type"] = unaligned
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


def evaluate_places(gold: Path) -> dict:
    rows = read_rows(gold)
    records = predict(rows)
    return {"gold": str(gold), "documents": len(rows), **score(rows, records)}


def summary_lines(report: dict) -> list[str]:
    lines = [f"MUC-4 {report['gold']}: {report['documents']} documents, {report['templates']} templates, "
             f"{report['templates_without_event_of_type']} without a predicted event of their type"]
    for scope in ("aligned", "all_templates"):
        r = report[scope]
        lines.append(f"  {scope:13s} country {r['country']['accuracy']} (n={r['country']['n']})  "
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
    args = parser.parse_args(list(argv) if argv is not None else None)
    report = evaluate_places(args.gold)
    write_report(report, args.out)
    print("\n".join(summary_lines(report)))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
