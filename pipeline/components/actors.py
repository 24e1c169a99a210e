"""Domain entities on top of the NER: armed groups from the registry, weapons, and actors.

``news_actors`` adds registry matches (as ORG, or PERSON for an individual) and weapon mentions
(as WEAPON) to ``doc.ents`` where the NER found nothing or only part of them, fills
``span._.canonical`` and ``span._.actor_type`` for every actor entity (registry, fuzzily; else an
alias within the document: an acronym introduced in parentheses or brackets, a short form such as
"the Front" or a surname; else a form derived from the text), and collects nominal actor mentions
("militants", "two soldiers") in ``doc.spans["actors"]``.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from importlib import resources
from typing import Optional

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..normalize.actors import (Actor, ActorRegistry, canonical_from_text, country_name, guess_actor_type,
                                is_title_word, load_registry, normalise_name, strip_titles)
from ..normalize.places import load_gazetteer
from .entities import NESTED_KEY, document_case, nested_names

ACTOR_LABELS = {"ORG", "NORP", "PERSON"}
ACTORS_KEY = "actors"
ACTOR_LABEL = "ACTOR"  # the label of the nominal actor mentions in doc.spans[ACTORS_KEY]
# Heads of nominal mentions that name people acting or acted upon in conflict news.
ACTOR_NOUNS = frozenset("""
militant gunman gunmen guerrilla guerrillas rebel insurgent terrorist fighter jihadist extremist attacker bomber
assailant kidnapper abductor commando soldier troop trooper policeman policemen police officer guard army military
force forces civilian peasant villager resident student worker child children woman women man men people person
official officer leader commander member farmer journalist worshipper passenger pilgrim tourist diplomat judge
mayor priest bodyguard victim hostage security personnel patrol squad unit column cell faction group
""".split())
# Plural nouns for the people of an organisation ("FMLN FIGHTERS", "U.S. TROOPS"); "forces" is part of a name
# where the case shows it ("Armed Forces"), components/names.py.
MEMBER_NOUNS = frozenset("""fighters troops militants guerrillas soldiers members supporters rebels gunmen insurgents
terrorists commandos jihadists militiamen combatants loyalists officials forces""".split())
_WEAPON_FILE = "weapons.txt"
_NATIONALITY_FILE = "nationalities.txt"
_REGION_FILE = "regions.txt"
# Cities smaller than this are not taken for places inside a longer name (a surname, a word).
NESTED_CITY_POPULATION = 100_000

for _name in ("canonical", "actor_type", "place"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


def _lexicon(name: str) -> list[str]:
    text = resources.files("pipeline.data").joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def nationality_words() -> frozenset[str]:
    """Nationality and group adjectives in lower case ("iraqi", "sunni"): pipeline/data/nationalities.txt."""
    return frozenset(word.lower() for word in _lexicon(_NATIONALITY_FILE))


@lru_cache(maxsize=1)
def region_names() -> frozenset[str]:
    """World regions in lower case ("middle east", "central asia"): pipeline/data/regions.txt."""
    return frozenset(word.lower() for word in _lexicon(_REGION_FILE))


def _weapon_terms() -> list[str]:
    terms = _lexicon(_WEAPON_FILE)
    return terms + [t + "s" for t in terms if not t.endswith("s") and not t.isupper()]


@Language.factory(
    "news_actors",
    requires=["doc.ents", "token.pos", "token.dep"],
    assigns=["doc.ents", "doc.spans", "span._.canonical", "span._.actor_type", "span._.place"],
)
def make_news_actors(nlp: Language, name: str) -> "NewsActors":
    return NewsActors(nlp, name, load_registry())


class NewsActors:
    def __init__(self, nlp: Language, name: str, registry: ActorRegistry):
        self.name = name
        self.registry = registry
        self.cased = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.uncased = PhraseMatcher(nlp.vocab, attr="LOWER")
        # Names match as written, in capitals (wire copy) or, unless an abbreviation, in lower
        # case (lower-cased corpora). A case-blind match would turn "an Islamic state" into a group.
        # A mixed-case abbreviation ("LeT") is not matched in capitals, where it is a word ("LET").
        for phrase, is_abbreviation, label in registry.patterns():
            if is_abbreviation:
                variants = {phrase, phrase.upper()} if phrase.isupper() or not phrase.isalpha() else {phrase}
            else:
                variants = {phrase, phrase.upper(), phrase.lower()}
            self.cased.add(label, [nlp.make_doc(v) for v in variants])
        self.uncased.add("WEAPON", [nlp.make_doc(term) for term in _weapon_terms()])
        self.nationalities = nationality_words()
        self.regions = region_names()

    def __call__(self, doc: Doc) -> Doc:
        entities = [part for ent in doc.ents if (part := within_a_line(ent)) is not None]
        doc.ents = merge_entities(entities, [Span(doc, s, e, label=lab) for lab, s, e in self._matches(doc)])
        resolver = DocumentActors(doc, self.registry)
        nested = nested_names(doc, self.nationalities, _is_place, is_title_word, self.regions)
        for ent in [*doc.ents, *nested]:
            if ent.label_ in ACTOR_LABELS or ent.label_ == "GPE":
                ent._.canonical, ent._.actor_type = resolver.resolve(ent)
        _resolve_places([e for e in nested if e.label_ == "GPE"], [e for e in doc.ents if e.label_ == "GPE"])
        doc.spans[NESTED_KEY] = nested
        doc.spans[ACTORS_KEY] = list(self._nominal_actors(doc))
        return doc

    def _matches(self, doc: Doc):
        # In wire copy in capitals an alias that describes a force by its people ("U.S. TROOPS") is the nominal
        # actor it is (GUIDELINES.md 2, as the MUC-4 gold marks it), with its country a GPE, not an ORG name.
        capitals = document_case(doc) == "upper"
        for matcher in (self.cased, self.uncased):
            for match_id, start, end in matcher(doc):
                if not (capitals and doc[end - 1].lower_ in MEMBER_NOUNS):
                    yield doc.vocab.strings[match_id], start, end

    def _nominal_actors(self, doc: Doc) -> list[Span]:
        """The trained recogniser's mentions (news_actor_ner, run before us) when there is one, else
        noun phrases headed by an actor noun; each with a canonical form and an actor type."""
        spans = list(self._actor_chunks(doc))
        if ACTORS_KEY in doc.spans:  # the model's, and the rules' where it found nothing
            trained = list(doc.spans[ACTORS_KEY])
            taken = {i for span in trained for i in range(span.start, span.end)}
            spans = sorted(trained + [s for s in spans if not taken.intersection(range(s.start, s.end))],
                           key=lambda s: s.start)
        spans = [with_modifiers(span) for span in spans]
        for span in spans:
            actor = self.registry.lookup(span.text)
            if actor is not None:
                span._.canonical, span._.actor_type = actor.canonical, actor.actor_type
            else:
                head = span.root
                span._.canonical = head.lower_ if head.text.isupper() else head.lemma_.lower()
                span._.actor_type = guess_actor_type(span.text, ACTOR_LABEL)
        return spans

    @staticmethod
    def _actor_chunks(doc: Doc):
        ent_tokens = {i for ent in doc.ents if ent.label_ in ACTOR_LABELS for i in range(ent.start, ent.end)}
        for chunk in doc.noun_chunks:
            root = chunk.root
            if root.i in ent_tokens or root.pos_ == "PROPN" and root.ent_type_:
                continue
            if root.lower_ in ACTOR_NOUNS or root.lemma_.lower() in ACTOR_NOUNS:
                start, end = chunk.start, chunk.end
                for token in chunk:  # a mention does not cross a line break: keep the head's line
                    if "\n" in token.text or "\n" in token.whitespace_:
                        if token.i < root.i:
                            start = token.i + 1
                        elif token.i >= root.i:
                            end = min(end, token.i + 1)
                while start < end and (doc[start].is_space or doc[start].is_punct):
                    start += 1
                while end > start and (doc[end - 1].is_space or doc[end - 1].is_punct):
                    end -= 1
                if start < end:
                    yield Span(doc, start, end, label=ACTOR_LABEL)


# Words that hedge who the people are ("ALLEGED SHINING PATH MEMBERS"): the report's doubt, not part of the
# description (MUC-4's fillers leave them out too).
HEDGE_WORDS = frozenset({"alleged", "presumed", "suspected", "supposed", "purported", "reported", "possible"})
_MODIFIER_POS = {"ADJ", "NUM", "NOUN", "PROPN", "VERB", "ADV"}
_MODIFIER_DEPS = {"amod", "nummod", "compound", "advmod", "quantmod"}
# Names and times in front of a description are no part of it: "FMLN GUERRILLAS", "EARLY SUNDAY MORNING TERRORISTS".
_NOT_MODIFIERS = {"ORG", "PERSON", "GPE", "FAC", "DATE", "TIME"}


def with_modifiers(span: Span) -> Span:
    """An actor mention with the numeral and adjectives of its noun phrase (GUIDELINES.md 2: "two soldiers",
    "URBAN GUERRILLAS", "the unidentified men"), which a recogniser trained on few such phrases leaves out;
    not the determiner, a hedge ("presumed"), nor a name in front ("FMLN GUERRILLAS": the group is its own
    entity, and the perpetrator's organisation), nor the end of one, nor a time ("SUNDAY MORNING"). Needs the
    parse."""
    doc = span.doc
    if not doc.has_annotation("DEP"):
        return span
    # The recogniser's own span may begin inside a name ("SHINING [PATH TERRORISTS]"), with a hedge
    # ("PRESUMED URBAN GUERRILLAS") or with a group's name ("FMLN TERRORISTS"): the description starts after
    # them, and the name is the group's own entity.
    start = span.start
    if doc[start].ent_iob_ == "I" and (end := _name_end(doc, start)) < span.end:
        start = end
    while start < span.end - 1 and doc[start].lower_ in HEDGE_WORDS:
        start += 1
    if doc[start].ent_iob_ == "B" and doc[start].ent_type_ == "ORG" and (end := _name_end(doc, start + 1)) < span.end:
        start = end
    if start != span.start:
        return Span(doc, start, span.end, label=span.label)
    while start > 0 and _modifies(doc[start - 1], span.root):
        start -= 1
    return span if start == span.start else Span(doc, start, span.end, label=span.label)


def _name_end(doc, i: int) -> int:
    """Where the entity that token ``i`` continues ends."""
    while i < len(doc) and doc[i].ent_iob_ == "I":
        i += 1
    return i


def _modifies(word, root) -> bool:
    """``word``, just before a mention headed by ``root``, is a modifier inside its noun phrase on the same line."""
    return (word.pos_ in _MODIFIER_POS or word.dep_ == "quantmod") and word.lower_ not in HEDGE_WORDS \
        and word.ent_type_ not in _NOT_MODIFIERS and "\n" not in word.whitespace_ \
        and word.i < word.head.i <= root.i and (word.dep_ in _MODIFIER_DEPS or word.head.i == root.i)


def _resolve_places(spans: list[Span], context: list[Span]) -> None:
    """news_places resolves doc.ents; the places nested in them are resolved here, among the countries the
    document names."""
    gazetteer = load_gazetteer()
    first = [gazetteer.resolve(span.text) for span in [*spans, *context]]
    countries = [place.country_code for place in first if place is not None and place.kind == "country"]
    for span, place in zip(spans, first):
        span._.place = place if place is None or place.kind == "country" else gazetteer.resolve(span.text, countries)


def _is_place(text: str, country_only: bool) -> bool:
    """Whether a name inside a longer one is a country (or, unless ``country_only``, a province or a large city)."""
    place = load_gazetteer().resolve(text)
    if place is None:
        return False
    return place.kind == "country" or not country_only and (place.kind == "admin1"
                                                            or place.population >= NESTED_CITY_POPULATION)


def within_a_line(ent: Span) -> Optional[Span]:
    """The entity without surrounding white space and, where it crosses a line break (hard-wrapped
    wire copy: "JUAN\nARAYA"), its longest part on one line (a person's name: its last part, "ARAYA"); None
    when nothing is left. An organisation wrapped over one line break stays whole ("NATIONALIST REPUBLICAN\nALLIANCE", ``_wrapped_name``)."""
    doc = ent.doc
    if ent.label_ == "ORG" and _wrapped_name(ent):
        return ent
    parts, start = [], ent.start
    for token in ent:
        if "\n" in token.text:
            parts.append((start, token.i))
            start = token.i + 1
        elif "\n" in token.whitespace_:
            parts.append((start, token.i + 1))
            start = token.i + 1
    parts.append((start, ent.end))
    best = None
    for begin, end in parts:
        while begin < end and doc[begin].is_space:
            begin += 1
        while end > begin and doc[end - 1].is_space:
            end -= 1
        # A person's name wrapped over lines keeps its surname, the part its head word is in ("MAXWELL\nTHURMAN");
        # other names their longest part.
        longer = best is not None and doc[begin:end].end_char - doc[begin:end].start_char > \
            doc[best[0]:best[1]].end_char - doc[best[0]:best[1]].start_char
        if begin < end and (best is None or ent.label_ == "PERSON" or longer):
            best = (begin, end)
    if best is None:
        return None
    if best == (ent.start, ent.end):
        return ent
    return Span(doc, best[0], best[1], label=ent.label)


def _wrapped_name(ent: Span) -> bool:
    """An organisation's name that one line break of wire copy splits ("FARABUNDO MARTI NATIONAL LIBERATION\nFRONT"):
    name words on both sides of a single break, none of them a sentence's end."""
    breaks = [t for t in ent if "\n" in t.text + t.whitespace_]
    if len(breaks) != 1 or (breaks[0].text + breaks[0].whitespace_).count("\n") > 1:
        return False
    after = breaks[0].i + (not breaks[0].is_space)  # the first token of the next line
    before_break, after_break = ent.doc[ent.start:after], ent.doc[after:ent.end]
    return any(not t.is_space for t in before_break) and any(not t.is_space for t in after_break) \
        and not any(t.text in {".", ";", ":", "--"} for t in ent)


def merge_entities(predicted: list[Span], matched: list[Span]) -> list[Span]:
    """The NER's entities plus rule matches. A match replaces the entities it covers (a partial
    "Tehreek-e", a mislabelled "RPG") or that only add an article to it ("The Revolutionary Armed
    Forces of Colombia": the gold has it both ways), and is dropped where an entity crosses it or
    holds more ("the Asad regime", "500 KG OF DYNAMITE GEL")."""
    kept = list(predicted)
    for match in filter_spans(matched):
        overlapping = [e for e in kept if e.start < match.end and match.start < e.end]
        if all(_covers(match, e) for e in overlapping):
            kept = [e for e in kept if e not in overlapping] + [match]
    return sorted(kept, key=lambda e: e.start)


def _covers(match: Span, ent: Span) -> bool:
    if match.start <= ent.start and ent.end <= match.end:
        return True
    return ent.end == match.end and ent.start == match.start - 1 and ent[0].lower_ in {"the", "a", "an"}


# Names of a country's forces or government that say which country only in context.
_NATIONAL_BODIES = frozenset({"army", "armed forces", "military", "air force", "navy", "police", "national police",
                              "national guard", "government", "security forces", "troops", "armed forces high command",
                              "high command", "military high command"})


# A nationality adjective ("Argentine", "Salvadoran", "Chinese", "British"), not a group ("Sunnis").
_NATIONALITY_ENDINGS = ("an", "ine", "ese", "ish", "ch", "i", "ic")


class DocumentActors:
    """Resolves an entity to (canonical name, actor type) with what the document says about it."""

    def __init__(self, doc: Doc, registry: ActorRegistry):
        self.doc = doc
        self.registry = registry
        self.ents = list(doc.ents)
        self.acronyms = introduced_acronyms(doc)
        nationalities = [e.text for e in self.ents if e.label_ == "NORP"]
        places = [e.text for e in self.ents if e.label_ == "GPE"]
        self.context = [n for n, _ in Counter(nationalities).most_common()], [p for p, _ in Counter(places).most_common()]

    def resolve(self, ent: Span) -> tuple[str, str]:
        """(canonical, actor_type); a country (GPE) stands for its government when it acts."""
        name = ent.text
        actor = self.registry.lookup(name)
        if ent.label_ == "GPE":
            return (actor.canonical, actor.actor_type) if actor is not None else (country_name(name), "government")
        if actor is None and name.strip() in self.acronyms:
            name = self.acronyms[name.strip()]
            actor = self.registry.lookup(name)
        if actor is None and ent.label_ == "PERSON":
            name = strip_titles(name)
            if all(is_title_word(word) for word in name.split()):  # "the Foreign Secretary"
                name = self._title_holder(name, ent)
            name = self._full_name(name, ent)
            actor = self.registry.lookup(name)
        elif actor is None and ent.label_ == "ORG" and _is_place(canonical_from_text(name), True):
            return country_name(name), "government"  # "The UK" (will continue to work with ...)
        elif actor is None and ent.label_ == "ORG":
            name = self._long_form(name, ent)
            actor = self.registry.lookup(name)
            if actor is None:
                actor, name = self._national_body(name)
        if actor is not None:
            return actor.canonical, actor.actor_type
        canonical = canonical_from_text(strip_titles(name) if ent.label_ == "PERSON" else name)
        return canonical, guess_actor_type(canonical, ent.label_)

    def _full_name(self, name: str, ent: Span) -> str:
        """A person's fullest name in the document that contains this one: "CEREZO" -> "VINICIO CEREZO"."""
        words = _name_words(name)
        best = name
        for other in self.ents:
            if other.label_ != "PERSON" or other == ent:
                continue
            full = strip_titles(other.text)
            others = _name_words(full)
            if len(others) > len(words) and _contains(others, words) and \
                    (best == name or len(others) < len(_name_words(best))):
                best = full
        return best

    def _title_holder(self, title: str, ent: Span) -> str:
        """The name of whoever holds a title in the document, the nearest mention before first: "the
        Foreign Secretary" -> "Boris Johnson" after "Foreign Secretary Boris Johnson"."""
        words = normalise_name(title).split()
        holders = []
        for other in self.ents:
            name = strip_titles(other.text)
            if other.label_ == "PERSON" and other != ent and not all(is_title_word(w) for w in name.split()) \
                    and _contains(normalise_name(other.text).split(), words):
                holders.append((other.start > ent.start, abs(other.start - ent.start), name))
        return min(holders)[2] if holders else title

    def _long_form(self, name: str, ent: Span) -> str:
        """The nearest longer name of the same head in the document: "the Front" -> "Farabundo Marti
        National Liberation Front", "ARMY" -> "GUATEMALAN ARMY"."""
        words = normalise_name(name).split()
        if not words:
            return name
        candidates = []
        for other in self.ents:
            if other.label_ != "ORG" or other == ent:
                continue
            others = normalise_name(other.text).split()
            if len(others) > len(words) and others[-1] == words[-1] and set(words) <= set(others):
                candidates.append((other.start > ent.start, abs(other.start - ent.start), other.text))
        return min(candidates)[2] if candidates else name

    def _national_body(self, name: str) -> tuple[Optional[Actor], str]:
        """A country's army or government named without the country, read from the nationalities and
        places the document mentions: "ARMED FORCES" among "SALVADORAN"s -> Salvadoran Armed Forces;
        one the registry does not know is named after the most mentioned nationality ("Argentine Navy")."""
        key = normalise_name(name)
        if key not in _NATIONAL_BODIES:
            return None, name
        nationalities, places = self.context
        for candidate in [f"{n} {key}" for n in nationalities] + [f"{key} of {p}" for p in places]:
            actor = self.registry.lookup(candidate)
            if actor is not None:
                return actor, name
        adjectives = [n for n in nationalities if " " not in n and n.lower().endswith(_NATIONALITY_ENDINGS)]
        if adjectives:
            return None, f"{adjectives[0].title()} {key.title()}"
        return None, name


def introduced_acronyms(doc: Doc) -> dict[str, str]:
    """Acronyms introduced beside their long form: 'Guatemalan National Revolutionary Unity (URNG)',
    'THE FARABUNDO MARTI NATIONAL LIBERATION FRONT [FMLN]', 'M-19 [19 APRIL MOVEMENT]'."""
    aliases = {}
    ents = [e for e in doc.ents if e.label_ in ACTOR_LABELS]
    for first, second in zip(ents, ents[1:]):
        between = doc[first.end:second.start].text.strip()
        if between not in {"(", "["} or second.end >= len(doc) or doc[second.end].text not in {")", "]"}:
            continue
        for short, long_form in ((second, first), (first, second)):
            if _is_acronym(short.text) and len(long_form) > len(short):
                aliases.setdefault(short.text, long_form.text)
    return aliases


def _is_acronym(text: str) -> bool:
    letters = text.replace("-", "").replace(".", "")
    return " " not in text and letters.isalnum() and sum(c.isupper() for c in letters) >= 2


def _name_words(name: str) -> list[str]:
    """Words of a person's name for matching, without the Arabic article: 'Al-Abadi' -> ['abadi']."""
    words = normalise_name(name).split()
    return [w[3:] if w.startswith("al ") else w for w in words if w not in {"al", "el"}]


def _contains(words: list[str], part: list[str]) -> bool:
    return any(words[i:i + len(part)] == part for i in range(len(words) - len(part) + 1))
