"""The actor registry: canonical names, actor types and fuzzy lookup of aliases."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Optional

from rapidfuzz import fuzz, process

# Below this similarity (0-100) a name is not taken for a registry alias; chosen so that
# transliterations ("Tehrik-i-Taliban Pakistan") match and unrelated groups do not.
FUZZY_THRESHOLD = 90.0
_LEADING = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s?$")

# Head words that reveal an unknown organisation's type.
_TYPE_CUES = (
    ("state_security", ("army", "military", "police", "forces", "force", "troops", "soldiers", "guard", "battalion",
                        "brigade", "navy", "corps", "intelligence", "security")),
    ("government", ("government", "ministry", "minister", "president", "parliament", "congress", "cabinet",
                    "administration", "embassy", "department", "council", "regime")),
    ("armed_group", ("front", "militants", "militia", "rebels", "guerrillas", "insurgents", "taliban", "jihadists",
                     "liberation", "cartel", "brigades", "mujahideen", "terrorists", "commando")),
    ("international", ("united nations", "nato", "union", "organisation", "organization", "coalition", "red cross")),
    ("civilian", ("civilians", "villagers", "students", "peasants", "workers", "journalists", "people", "residents")),
)


@dataclass(frozen=True)
class Actor:
    canonical: str
    actor_type: str
    country: Optional[str]
    aliases: tuple[str, ...]
    abbreviations: tuple[str, ...]
    label: str = "ORG"  # the entity label a mention takes: ORG, or PERSON for an individual


class ActorRegistry:
    def __init__(self, actors: Iterable[Actor], version: str):
        self.actors = tuple(actors)
        self.version = version
        self._by_alias: dict[str, Actor] = {}
        self._by_abbreviation: dict[str, Actor] = {}
        for actor in self.actors:
            for alias in (actor.canonical, *actor.aliases):
                self._by_alias.setdefault(normalise_name(alias), actor)
            for abbreviation in actor.abbreviations:
                self._by_abbreviation.setdefault(abbreviation, actor)
        self._alias_keys = list(self._by_alias)
        # All-caps wires (MUC-4) write every name in capitals, so "Daesh" must match "DAESH" there.
        self._by_abbreviation_upper = {k.upper(): a for k, a in self._by_abbreviation.items()}

    @classmethod
    def from_json(cls, data: dict) -> "ActorRegistry":
        actors = [
            Actor(a["canonical"], a["actor_type"], a.get("country"), tuple(a.get("aliases", ())),
                  tuple(a.get("abbreviations", ())), a.get("label", "ORG"))
            for a in data["actors"]
        ]
        return cls(actors, data["version"])

    def lookup(self, name: str) -> Optional[Actor]:
        """Exact alias, then abbreviation (case-sensitive), then fuzzy alias above the threshold."""
        key = normalise_name(name)
        if key in self._by_alias:
            return self._by_alias[key]
        stripped = _POSSESSIVE.sub("", name.strip())
        actor = self._by_abbreviation.get(stripped)
        if actor is None and stripped.isupper():
            actor = self._by_abbreviation_upper.get(stripped)
        if actor is not None:
            return actor
        if len(key) < 6:
            return None  # short names collide too easily to be matched fuzzily
        best = process.extractOne(key, self._alias_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
        return self._by_alias[best[0]] if best else None

    def patterns(self) -> Iterable[tuple[str, bool, str]]:
        """(phrase, is_abbreviation, label) triples for the entity ruler."""
        for actor in self.actors:
            for alias in (actor.canonical, *actor.aliases):
                yield alias, False, actor.label
            for abbreviation in actor.abbreviations:
                yield abbreviation, True, actor.label


def normalise_name(name: str) -> str:
    name = _POSSESSIVE.sub("", name.strip())
    name = _LEADING.sub("", name)
    return " ".join(name.replace("-", " ").lower().split())


def canonical_from_text(name: str) -> str:
    """A readable canonical form for an actor the registry does not know."""
    name = _LEADING.sub("", _POSSESSIVE.sub("", " ".join(name.split()))).strip("\"“”‘’'")
    if name.isupper() and len(name) > 5 and " " in name:
        name = name.title()
    return name


_TITLES = frozenset("""
president vice-president colonel col gen general lieutenant lt major maj captain capt sergeant sgt corporal cpl
private pvt commander admiral adm marshal brigadier minister secretary deputy ambassador envoy mr mrs ms miss dr
father fr monsignor msgr archbishop bishop cardinal rev reverend judge justice senator sen rep representative
congressman mayor governor gov king queen prince princess sheikh ayatollah mullah imam emir chief premier
prime foreign defense defence interior finance home state special un u.s. us former late attorney commissioner
advisor adviser spokesman spokeswoman spokesperson magistrate councilman councilmen councilwoman alderman candidate
citizen citizens
""".split())


def is_title_word(word: str) -> bool:
    """'Minister', 'Gen.', 'PRESIDENT': a word of a title or office, not of a name."""
    return word.lower().rstrip(".") in _TITLES


def strip_titles(name: str) -> str:
    """The name after the last title word: 'PRESIDENT VINICIO CEREZO' -> 'VINICIO CEREZO', 'Russian
    Foreign Minister Sergei Lavrov' -> 'Sergei Lavrov'; a title alone stays ('Foreign Secretary')."""
    words = _LEADING.sub("", name.strip()).split()
    titles = [i for i, word in enumerate(words) if is_title_word(word)]
    if titles and titles[-1] < len(words) - 1:
        words = words[titles[-1] + 1:]
    return " ".join(words)


# Countries named by their abbreviation; other country names are canonical as written.
_COUNTRY_ABBREVIATIONS = {"us": "United States", "usa": "United States", "uk": "United Kingdom",
                          "gb": "United Kingdom", "uae": "United Arab Emirates", "ussr": "Soviet Union"}


def country_name(name: str) -> str:
    """'the U.S.' -> 'United States', 'The UK' -> 'United Kingdom', 'Russia' -> 'Russia'."""
    text = canonical_from_text(name)
    return _COUNTRY_ABBREVIATIONS.get(text.replace(".", "").lower(), text)


def guess_actor_type(name: str, label: str) -> str:
    lowered = name.lower()
    words = set(re.findall(r"[a-z]+", lowered))
    words |= {word + "s" for word in words}  # the cues are plurals: "a soldier" is state security too
    for actor_type, cues in _TYPE_CUES:
        if any((cue in lowered) if " " in cue else (cue in words) for cue in cues):
            return actor_type
    return "other"


@lru_cache(maxsize=1)
def load_registry() -> ActorRegistry:
    text = resources.files("pipeline.data").joinpath("actors.json").read_text(encoding="utf-8")
    return ActorRegistry.from_json(json.loads(text))
