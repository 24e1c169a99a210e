"""Normalisation on the Doc: TIMEX3 values on DATE/TIME entities, gazetteer places on GPE/LOC/FAC.

The publication date travels on ``doc._.published`` (an ISO string or None), set before the
pipeline runs. Without one, the publication window is inferred from the text's own dates (a
weekday written with a date fixes the year) and dates are resolved against it; without that
evidence they are resolved only as far as the text fixes them, with X for the unknown year.
``doc._.warnings`` says which.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Optional

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from ..normalize.dates import FREQUENCIES, WEEKDAYS, Timex, infer_publication_window, normalize_date
from .entities import document_case
from .names import surname_of
from ..normalize.actors import is_title_word, load_registry
from ..normalize.places import NOT_PLACES, TYPE_WORDS, GeoPlace, demonyms, load_gazetteer, place_key, query_forms

for _name in ("published", "warnings"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
for _name in ("timex", "place"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


def publication_date(doc: Doc) -> Optional[date]:
    try:
        return date.fromisoformat(doc._.published) if doc._.published else None
    except ValueError:
        return None


# Reference words that TIMEX3 marks as dates and the base NER does not ("now", "recently", "in the
# future"): added as DATE entities where no other entity is.
REFERENCE_PATTERNS = [
    [{"LOWER": {"IN": ["now", "currently", "recently", "nowadays"]}}],
    [{"LOWER": "the"}, {"LOWER": {"IN": ["near", "distant", "foreseeable", "immediate"]}, "OP": "?"},
     {"LOWER": "future"}],
    [{"LOWER": {"IN": ["in", "from"]}}, {"LOWER": "the"}, {"LOWER": "past"}],
]
QUARTER_VALUE = re.compile(r"\d{4}-Q[1-4]")
YEAR_AGO = re.compile(r"year[- ](?:ago|earlier)|previous year")
FUTURE_AUX = {"will", "shall", "'ll", "wo"}
FUTURE_MODALS = {"could", "might", "may", "would"}
PLAN_LEMMAS = {"plan", "schedule", "expect", "set", "due", "intend", "prepare", "hope", "aim", "propose", "slate", "be",
               "go"}


@Language.factory("news_dates", requires=["doc.ents"], assigns=["doc.ents", "span._.timex", "doc._.warnings"])
def news_dates(nlp: Language, name: str):
    matcher = Matcher(nlp.vocab)
    matcher.add("DATE_REFERENCE", REFERENCE_PATTERNS)

    def normalize_dates(doc: Doc) -> Doc:
        _add_reference_dates(doc, matcher)
        anchor = publication_date(doc)
        window = None
        if anchor is None:
            # With the words before each date: the NER often leaves "Wednesday (" out of "December 22".
            window = infer_publication_window([doc[max(0, e.start - 3):e.end].text for e in doc.ents
                                               if e.label_ == "DATE"])
            anchor = window.start if window is not None else None
        focus = None  # the first quarter the text names: what "the year-ago quarter" is a year before
        for ent in doc.ents:
            if ent.label_ == "TIME" and (clock := clock_time(ent)) is not None:
                ent._.timex = Timex(f"XXXX-XX-XXT{clock[:2]}:{clock[2:]}", "none", "TIME")
            elif ent.label_ in {"DATE", "TIME"}:
                ent._.timex = normalize_date(_with_signal(ent), anchor, clause_tense(ent), focus)
                if focus is None and ent._.timex is not None and QUARTER_VALUE.fullmatch(ent._.timex.value) \
                        and not YEAR_AGO.search(ent.text.lower()):
                    focus = ent._.timex
        if window is not None:
            doc._.warnings = [*(doc._.warnings or []),
                              f"no publication date: dates were resolved against the inferred publication window "
                              f"{window.start.isoformat()}/{window.end.isoformat()} ({window.evidence})"]
        elif anchor is None and any(ent.label_ == "DATE" for ent in doc.ents):
            doc._.warnings = [*(doc._.warnings or []),
                              "no publication date: relative dates were left unresolved and years may be XXXX"]
        return doc

    return normalize_dates


# Prepositions the NER takes into a date: signals, not part of it ("between July and September 2021").
DATE_SIGNALS = frozenset({"between", "from", "since", "until", "till", "on", "in", "during"})
# A signal that makes one range of the dates after it, whose value is read with it ("from ... to ..." may be two
# dates, as TimeML marks them).
RANGE_SIGNALS = frozenset({"between"})


# Wire copy gives times of day on the 24-hour clock ("AT 1830", "2145 LOCAL TIME", "0700 HOURS"), which the NER
# takes for years: four digits that read as hours and minutes, after "at" or before a word of clock time. "IN
# 1950", "SINCE 1930" and "1830" alone stay years.
CLOCK_DIGITS = re.compile(r"^(?:[01]\d|2[0-3])[0-5]\d$")
CLOCK_BEFORE = frozenset({"at"})
CLOCK_AFTER = frozenset({"hours", "hrs", "hr", "local", "gmt", "utc", "est", "edt", "cst", "pst", "zulu"})
APPROXIMATELY = frozenset({"approximately", "about", "around", "roughly"})  # "AT APPROXIMATELY 1830"


def clock_time(ent: Span) -> Optional[str]:
    """"1830" for a date entity that is a time of day on the 24-hour clock ("AT 1830", "2145 LOCAL TIME"), else
    None."""
    digits = [t for t in ent if t.text.isdigit()]
    if len(digits) != 1 or not CLOCK_DIGITS.match(digits[0].text):
        return None
    number = digits[0]
    if any(not (t.i == number.i or t.lower_ in CLOCK_BEFORE | CLOCK_AFTER | APPROXIMATELY | {"time"}) for t in ent):
        return None  # "25 MAY 1830", "the 1830s": more than a number
    start = number.i
    while start > 0 and number.doc[start - 1].lower_ in APPROXIMATELY:
        start -= 1
    before = number.doc[start - 1] if start > 0 else None
    after = number.doc[number.i + 1] if number.i + 1 < len(number.doc) else None
    if (before is not None and before.lower_ in CLOCK_BEFORE) or (after is not None and after.lower_ in CLOCK_AFTER):
        return number.text
    return None


def _with_signal(ent: Span) -> str:
    """The date's text with the range signal before it: "[between] July and September 2021"."""
    before = ent.doc[ent.start - 1] if ent.start > 0 else None
    ranged = any(t.lower_ in {"and", "to", "until", "through", "-", "–"} for t in ent)
    return f"{before.text} {ent.text}" if ranged and before is not None and before.lower_ in RANGE_SIGNALS \
        else ent.text


def _date_spans(entities: list[Span]) -> list[Span]:
    """Date spans as the guidelines mark them (GUIDELINES.md 7): without a leading preposition ("between July
    and September 2021" -> "July and September 2021"), and a weekday and the date it is written with as one
    date ("Wednesday (December 22)", "SATURDAY, 19 MAY")."""
    spans: list[Span] = []
    for ent in entities:
        if ent.label_ in {"DATE", "TIME"} and len(ent) > 1 and ent[0].lower_ in DATE_SIGNALS:
            ent = Span(ent.doc, ent.start + 1, ent.end, label=ent.label_)
        previous = spans[-1] if spans else None
        if previous is not None and ent.label_ == "DATE" and previous.label_ == "DATE" and len(previous) == 1 \
                and previous[0].lower_ in WEEKDAYS and any(c.isdigit() for c in ent.text):
            between = [t.text for t in ent.doc[previous.end:ent.start]]
            if between in (["("], [","]):
                closing = ent.end < len(ent.doc) and between == ["("] and ent.doc[ent.end].text == ")"
                spans[-1] = Span(ent.doc, previous.start, ent.end + closing, label="DATE")
                continue
        spans.append(ent)
    return spans


def _add_reference_dates(doc: Doc, matcher: Matcher) -> None:
    """Add the reference words as DATE entities, drop a trailing possessive from date entities and the
    frequencies the NER took for dates, and mark their spans as the guidelines do (``_date_spans``)."""
    taken = [False] * len(doc)
    entities = []
    for ent in _date_spans(list(doc.ents)):
        if ent.label_ == "DATE" and ent.text.lower() in FREQUENCIES:
            continue  # "DAILY": how often, not when (a TIMEX3 SET, no date)
        if ent.label_ == "DATE" and clock_time(ent) is not None:
            ent = Span(doc, ent.start, ent.end, label="TIME")  # "AT 1830": a time of day, not the year 1830
        if ent.label_ == "DATE" and len(ent) > 1 and ent[-1].tag_ == "POS":
            ent = Span(doc, ent.start, ent.end - 1, label="DATE")  # "last year's" -> "last year"
        entities.append(ent)
        for i in range(ent.start, ent.end):
            taken[i] = True
    added = False
    for _, start, end in matcher(doc):
        if doc[start].lower_ in {"in", "from"}:
            start += 1  # the preposition is a signal, not part of the date
        if doc[end - 1].lower_ == "now" and end < len(doc) and doc[end].lower_ == "that":
            continue  # "now that" is a conjunction
        if not any(taken[start:end]):
            entities.append(Span(doc, start, end, label="DATE"))
            for i in range(start, end):
                taken[i] = True
            added = True
    if added or len(entities) != len(doc.ents) or any(a != b for a, b in zip(entities, doc.ents)):
        doc.ents = sorted(entities, key=lambda e: e.start)


def clause_tense(span: Span) -> Optional[str]:
    """Which way the verb a date modifies points: "future" ("will meet Monday", "is to resume Tuesday",
    "as early as Tuesday"), "past" ("met Monday") or None (present, or no verb)."""
    doc = span.doc
    before = doc[max(0, span.start - 3):span.start].text.lower()
    if before.endswith(("as early as", "as soon as", "no later than")):
        return "future"
    # ``ancestors`` is bounded: the heads a sentence splitter leaves may not end in a root.
    verb = next((t for t in (span.root, *span.root.ancestors) if t.pos_ in {"VERB", "AUX"}), None)
    if verb is None:
        return None
    chain = [verb]
    if verb.dep_ in {"xcomp", "ccomp"} and verb.head is not verb:
        chain.append(verb.head)  # "planned to leave Thursday", "is scheduled to close Monday"
    auxiliaries = [c for v in chain for c in v.children if c.dep_ in {"aux", "auxpass"}]
    if any(a.lower_ in FUTURE_AUX for a in auxiliaries):
        return "future"
    infinitive = verb.tag_ == "VB" and any(c.lower_ == "to" for c in verb.children)
    if infinitive and len(chain) > 1 and chain[1].lemma_.lower() in PLAN_LEMMAS:
        return "future"
    if verb.tag_ == "VB" and any(a.lower_ in FUTURE_MODALS for a in auxiliaries):
        return "future"
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxiliaries if a.lemma_ != "be" or verb.tag_ != "VBG") \
            or (verb.tag_ == "VBN" and any(a.lemma_ == "have" for a in auxiliaries)):
        return "past"
    return None


LOCATIVE_WORDS = {"in", "near", "at", "outside", "inside", "into", "from", "across", "around", "along", "toward",
                  "towards", "to", "through", "between", "of"}
# Nouns for a settlement or division that a name follows after "of": "the town of Hostigal".
SETTLEMENT_NOUNS = frozenset({"city", "town", "village", "hamlet", "department", "province", "municipality", "region",
                              "district", "port", "canton", "neighborhood", "neighbourhood", "suburb", "settlement",
                              "township"})
# Nouns that make a name before or after them a place: the settlements, and "area", "border", "farm" ...
PLACE_NOUNS = SETTLEMENT_NOUNS - {"neighbourhood", "settlement", "township"} | {
    "state", "jurisdiction", "county", "capital", "area", "valley", "border", "highway", "farm"}
# The kind of place after a list of names types each of them: "IN SAN MIGUEL AND USULUTAN DEPARTMENTS".
PLACE_NOUNS_AFTER = PLACE_NOUNS | {"departments", "provinces", "municipalities", "cities", "towns", "villages",
                                   "cantons", "districts", "regions", "states", "jurisdictions"}
NAME_JOINERS = {"de", "del", "la", "las", "los", "el", "san", "santa", "of", "y", "da", "do", "dos"}
# Labels the base NER puts on place names it misreads (wire copy in capitals: "IN MEXICO" as ORG).
RELABEL_FROM = {"ORG", "PERSON", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
MIN_ADDED_POPULATION = 20_000
# A noun of the word list is a name where the gazetteer holds a town this big by that name ("LIMA").
MIN_NAME_POPULATION = 100_000
# Parts of speech a place name is never read as: "TO SAVE" is a verb after an infinitive marker.
NOT_NAME_POS = {"VERB", "AUX", "ADV", "PRON", "DET", "SCONJ", "CCONJ", "PART", "NUM"}
# The dateline: "SAN SALVADOR, 12 JAN 90 (RADIO ...) --", "ROME (ITALY), 11 JAN 90 --", "KABUL (Reuters) -".
DATELINE = re.compile(r"^\s*(?P<place>[A-Z][A-Za-z .'-]{1,40}?)\s*(?:\((?P<paren>[A-Za-z .'-]{2,40})\))?\s*"
                      r"(?:,\s*[^\n(),]{1,30}?)?\s*(?:\([^()\n]{1,60}\))?\s*(?:--|—|–|-\s)")
# A second dateline where the text begins, after the wire's own ("BOGOTA, 11 SEP 89 (RADIO CADENA NACIONAL) -- [TEXT]
# CALI -- THE AUTHORITIES ..."): the network's bureau relays a report filed from that town.
INNER_DATELINE = re.compile(r"\s*(?:\[[A-Z]+(?: [A-Z]+)?\]\s*)?(?P<place>[A-Z][A-Z .'-]{2,30}?)\s+--\s")


# How much each kind of mention says about which countries an article is about.
COUNTRY_WEIGHTS = {"dateline": 3.0, "dateline_abroad": 1.0, "country": 1.0, "qualifier": 0.5, "nationality": 1.0,
                   "actor": 1.0, "place": 0.5}
# Dependencies by which a name qualifies another noun ("U.S. CITIZENS", "COLOMBIA'S PRESIDENT").
MODIFIER_DEPS = {"compound", "amod", "nmod", "poss"}

# dateline_end: the character where the dateline _dateline read ends (the inner one's, where it took that).
for _name in ("dateline_place", "dateline_abroad", "dateline_end", "article_countries"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


@Language.factory("news_places", requires=["doc.ents"],
                  assigns=["doc.ents", "span._.place", "doc._.dateline_place", "doc._.dateline_abroad", "doc._.dateline_end",
                           "doc._.article_countries"])
def make_news_places(nlp: Language, name: str):
    gazetteer = load_gazetteer()
    words = english_words(nlp)
    registry = load_registry()

    def news_places(doc: Doc) -> Doc:
        caseless = document_case(doc) is not None  # all capitals or all lower case: case tells no name from a word
        _coordinates(doc)
        _find_places(doc, gazetteer, words if caseless else (frozenset(), frozenset()))
        _named_sites(doc)
        dateline, abroad, dateline_end = _dateline(doc, gazetteer)
        surnames = _surname_places(doc)
        places = [ent for ent in doc.ents if ent.label_ in PLACE_LABELS and not _street_name(ent)]
        # Without case, "STREET" or "COAST" may be a word: only a big place or one in the article's countries.
        word = {mention(ent): caseless and _is_word(ent, words, gazetteer) for ent in places}
        first_pass = {text: gazetteer.resolve(text, common_word=w) for text, w in word.items()}
        context = article_countries(doc, first_pass, dateline, abroad, dateline_end, registry, surnames)
        relabelled = _places_of_the_article(doc, gazetteer, context, registry, words if caseless else None)
        if relabelled:
            places = [ent for ent in doc.ents if ent.label_ in PLACE_LABELS and not _street_name(ent)]
            word = {mention(ent): caseless and _is_word(ent, words, gazetteer) for ent in places}
        capitals = _capitals(doc, gazetteer, next(iter(context), None))
        places += capitals
        resolved = {text: gazetteer.resolve(text, context, common_word=w) for text, w in word.items()}
        # The provinces the article names steer its towns: "SAN MIGUEL" near "MORAZAN DEPARTMENT".
        provinces = {(p.country_code, p.admin1) for p in resolved.values() if p is not None and p.kind == "admin1"}
        for ent in places:
            text = mention(ent)
            if text in word:
                ent._.place = gazetteer.resolve(text, context, provinces, word[text]) if provinces else resolved[text]
        _surnames_are_no_places(doc, surnames, next(iter(context), None))
        _filed_from(doc, dateline, gazetteer)
        doc._.dateline_place = dateline
        doc._.dateline_abroad = abroad
        doc._.dateline_end = dateline_end
        doc._.article_countries = list(context)
        return doc

    return news_places


def mention(ent: Span) -> str:
    """The text a place entity is looked up by, with a type word just after it that the NER left
    out: "SAN PATRICIO" + "NEIGHBORHOOD", "ARAUCA" + "INTENDANCY" (across a line break)."""
    doc = ent.doc
    after = word_after(doc, ent.end)
    if after < len(doc) and doc[after].lower_ in TYPE_WORDS and place_key(ent.text).split()[-1:] != [doc[after].lower_]:
        return f"{ent.text} {doc[after].text}"
    return ent.text


# Nouns after a name that make it a site's, which the NER may leave out: "THE EL DORADO INTERNATIONAL AIRPORT" is
# an airport in Bogota, not the town of El Dorado in Narino; "THE SAN MIGUEL RIVER" is a river.
SITE_NOUNS = frozenset({"airport", "airfield", "airbase", "river", "bridge", "dam", "barracks", "refinery", "stadium"})
SITE_MODIFIERS = frozenset({"international", "military", "air", "national", "municipal", "regional"})
# Sites whose name the NER may read as an organisation's ("EL DORADO INTERNATIONAL"): not "ARMY BARRACKS", whose
# army is an actor.
NAMED_SITE_NOUNS = frozenset({"airport", "airfield", "stadium"})


def _named_sites(doc: Doc) -> None:
    """A place name followed by a site noun is the site's name: the entity takes the words in, as a facility
    (FAC), which the places stage does not look up as a town (event_location places it as a named part). A name
    the NER read as an organisation that ends in a site noun is a facility too."""
    entities, changed = list(doc.ents), False
    for n, ent in enumerate(entities):
        if ent.label_ == "ORG" and ent[-1].lower_ in NAMED_SITE_NOUNS:  # "EL DORADO INTERNATIONAL AIRPORT"
            entities[n] = Span(doc, ent.start, ent.end, label="FAC")
            changed = True
            continue
        if ent.label_ not in {"GPE", "LOC", "ORG"}:  # "EL DORADO INTERNATIONAL" + "AIRPORT"
            continue
        i = word_after(doc, ent.end)
        while i < len(doc) and doc[i].lower_ in SITE_MODIFIERS:
            i = word_after(doc, i + 1)
        if i >= len(doc) or doc[i].lower_ not in (SITE_NOUNS if ent.label_ != "ORG" else NAMED_SITE_NOUNS):
            continue
        if any(other.start <= i for other in entities[n + 1:n + 2]):
            continue  # another entity comes first
        entities[n] = Span(doc, ent.start, i + 1, label="FAC")
        changed = True
    if changed:
        doc.ents = entities


# Words after a name that make it a street's: "SAN MARTIN STREETS" is no town, "PLAYA AVENUE" no beach.
STREET_WORDS = frozenset({"street", "streets", "avenue", "avenues", "boulevard", "road", "st", "ave"})


def _street_name(ent: Span) -> bool:
    after = word_after(ent.doc, ent.end)
    return after < len(ent.doc) and ent.doc[after].lower_ in STREET_WORDS


def english_words(nlp: Language) -> tuple[frozenset[str], frozenset[str]]:
    """(nouns, other words): lower-case English words from the base model's lemmatizer tables, to
    tell "STREET" the word from Street the town in text without case. The noun list (WordNet's)
    also holds famous places ("paris", "tegucigalpa"), which ``_is_word`` lets through."""
    if "lemmatizer" not in nlp.pipe_names:
        return frozenset(), frozenset()
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return frozenset(), frozenset()
    table = lookups.get_table("lemma_index")
    others = [word for pos in ("verb", "adj", "adv") for word in table.get(pos, [])]
    return frozenset(w for w in table.get("noun", []) if "_" not in w), frozenset(w for w in others if "_" not in w)


def _is_word(ent: Span, words: tuple[frozenset[str], frozenset[str]], gazetteer) -> bool:
    """One English word ("STREET", "SAVE"), not the name of a notable place that is also a noun
    in the word list ("TEGUCIGALPA", "LIMA")."""
    tokens = [t for t in ent if t.lower_ not in {"the", "a"}]
    if len(tokens) != 1 or not words[0] and not words[1]:
        return False
    word = tokens[0].lower_
    if word in words[1]:
        return True
    return word in words[0] and not any(p.kind != "city" or p.population >= MIN_NAME_POPULATION
                                        for p in gazetteer.candidates(word) if place_key(p.name) == word)


def article_countries(doc: Doc, first_pass: dict, dateline: Optional[Span], abroad: bool, dateline_end: int,
                      registry, surnames: frozenset[int] = frozenset()) -> dict[str, float]:
    """The countries an article is about with their weights, the most evidenced first (at most
    three): the dateline's,
    the countries it names, its nationality words ("SALVADORAN"), the home countries of the armed
    groups it names (FMLN: El Salvador) and, weakly, its other places."""
    nationalities = demonyms()
    weights: Counter = Counter()
    for ent in doc.ents:
        if names_a_border(ent) or names_a_mission(ent) or ent.start in surnames:
            continue  # "NEAR THE COLOMBIAN BORDER", "THE SOVIET EMBASSY": the neighbour's, the guest's country
        if ent.label_ in PLACE_LABELS and first_pass.get(mention(ent)) is not None:
            place = first_pass[mention(ent)]
            if dateline is not None and ent.start == dateline.start:
                weights[place.country_code] += COUNTRY_WEIGHTS["dateline_abroad" if abroad else "dateline"]
            elif ent.end_char <= dateline_end:
                continue  # the country of a dateline abroad, "ROME (ITALY)", is counted with it
            elif place.kind == "country":
                weights[place.country_code] += COUNTRY_WEIGHTS["qualifier" if qualifies(ent) else "country"]
            else:
                weights[place.country_code] += COUNTRY_WEIGHTS["place"]
        elif ent.label_ == "NORP" and place_key(ent.text) in nationalities:
            weights[nationalities[place_key(ent.text)]] += COUNTRY_WEIGHTS["nationality"]
        elif ent.label_ in {"ORG", "NORP"} and ent._.canonical:
            actor = registry.lookup(ent._.canonical)
            if actor is not None and actor.country:
                weights[actor.country] += COUNTRY_WEIGHTS["actor"]
    return {code: weight for code, weight in weights.most_common(3) if code}


def _surname_places(doc: Doc) -> frozenset[int]:
    """The starts of one-word place entities that are the surname of a person named in full in the article
    ("MARCO TULIO MONTENEGRO ... MONTENEGRO'S RELATIVES", "GENERAL AUGUSTO PINOCHET ... PINOCHET"): a surname the NER
    read as a place, which says nothing of where the article is."""
    surnames = {place_key(" ".join(surname)) for ent in doc.ents if ent.label_ == "PERSON"
                and (surname := surname_of(ent)) is not None}
    return frozenset(ent.start for ent in doc.ents if ent.label_ in PLACE_LABELS and len(ent) == 1
                     and place_key(ent.text) in surnames and place_key(ent.text) not in TYPE_WORDS)


def _surnames_are_no_places(doc: Doc, surnames: frozenset[int], country: Optional[str]) -> None:
    """The surnames read as places (``_surname_places``) name no place, except a place of the article's main country,
    which a person may share a name with ("JOSE TRUJILLO" and the town of Trujillo in a Peruvian report). Their label
    stays the NER's: the events stage reads it, and relabelling them as persons added wrong role fillers on MUC-4
    train."""
    for ent in doc.ents:
        if ent.start in surnames and ent._.place is not None and ent._.place.country_code != country:
            ent._.place = None


BORDER_WORDS = {"border", "borders", "frontier", "frontiers"}


def names_a_border(span: Span) -> bool:
    """The name is that of the country across a border: "THE COLOMBIAN BORDER", "THE BORDER WITH COLOMBIA"."""
    head = span.root.head
    if head.lemma_.lower() in BORDER_WORDS and not span.start <= head.i < span.end:
        return True
    return head.lower_ == "with" and head.head.lemma_.lower() in BORDER_WORDS


# A country's missions abroad and their staff: the country that owns one is a guest where it stands.
MISSION_WORDS = {"embassy", "embassies", "consulate", "consulates", "ambassador", "ambassadors", "diplomat",
                 "diplomats", "consul", "legation", "chancery"}


def names_a_mission(span: Span) -> bool:
    """The name is that of the country whose embassy or diplomat it is: "THE USSR EMBASSY", "THE PERUVIAN
    AMBASSADOR", "THE EMBASSIES OF THE USSR AND THE PRC"; the embassy stands in another country."""
    root = span.root
    while root.dep_ == "conj" and root.head.i != root.i:
        root = root.head
    head = root.head
    if head.lower_ in MISSION_WORDS and not span.start <= head.i < span.end and root.dep_ in MODIFIER_DEPS:
        return True
    return root.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in MISSION_WORDS


def qualifies(span: Span) -> bool:
    """The name qualifies a noun outside it ("U.S. CITIZENS", "COLOMBIA'S PRESIDENT"): a nationality."""
    root = span.root
    return root.dep_ in MODIFIER_DEPS and not span.start <= root.head.i < span.end


def _capitals(doc: Doc, gazetteer, country: Optional[str]) -> list[Span]:
    """"The capital", "the country's capital" as an entity naming the capital of the article's country ("BOMBED THE
    CAPITAL"), and "the Peruvian capital" naming that nationality's, whatever the article's country (a dispatch from
    Moscow on "terrorist acts in the Peruvian capital"); not "the capital of Peru", which names its own."""
    nationalities = demonyms()
    demonym_before = {e.end: e for e in doc.ents if e.label_ == "NORP" and place_key(e.text) in nationalities}
    found = []
    for token in doc:
        if token.lower_ != "capital" or token.ent_type_ or token.i < 1 \
                or token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "of":
            continue
        start, code, demonym = token.i - 1, country, demonym_before.get(token.i)
        if demonym is not None:
            start, code = demonym.start - 1, nationalities[place_key(demonym.text)]
        elif start >= 2 and doc[start].lower_ in {"'s", "’s"} and doc[start - 1].lower_ in {"country", "nation"}:
            start -= 2
        capital = gazetteer.capital(code) if code else None
        if capital is not None and start >= 0 and doc[start].lower_ == "the" \
                and (demonym is not None or not any(t.ent_type_ for t in doc[start:token.i])):
            found.append((Span(doc, start, token.i + 1, label="GPE"), capital))
    _add_places(doc, found)
    return [span for span, _ in found]


def _add_places(doc: Doc, named: list[tuple[Span, GeoPlace]]) -> None:
    """Put these spans in as entities (in place of any they overlap), each naming its place."""
    if named:
        _set_entities(doc, [span for span, _ in named])
        for span, place in named:
            span._.place = place


def _filed_from(doc: Doc, dateline: Optional[Span], gazetteer) -> None:
    """"This city", "this capital" as an entity naming the town the report was filed from, its dateline's
    ("SAN SALVADOR, 12 JAN 90 -- ... IN THIS CAPITAL, FMLN URBAN COMMANDOS BLEW UP ..."): "this capital" only
    where that town is its country's capital; not "this city of X", which names its own."""
    filed = dateline._.place if dateline is not None else None
    if filed is None or filed.kind != "city":
        return
    capital = gazetteer.capital(filed.country_code)
    is_capital = capital is not None and capital.geonames_id == filed.geonames_id
    found = []
    for token in doc[1:]:
        if token.lower_ not in {"city", "capital"} or token.ent_type_ or doc[token.i - 1].lower_ != "this" \
                or token.lower_ == "capital" and not is_capital \
                or token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "of":
            continue
        found.append((Span(doc, token.i - 1, token.i + 1, label="GPE"), filed))
    _add_places(doc, found)


# Geographic coordinates, as reference works give them: "33°47′N 44°30′E", "59°10′25″N 18°10′05″E",
# "33.783°N 44.500°E"; and the bare decimal pair "33.783; 44.500" that follows them (three decimals at least,
# and only in a text that gives coordinates in degrees too, so that no pair of figures is read as one).
_DEGREES = r"\d{1,3}(?:\.\d+)?\s?°(?:\s?\d{1,2}(?:\.\d+)?\s?[′'](?:\s?\d{1,2}(?:\.\d+)?\s?(?:″|''|\"))?)?"
COORDINATES = re.compile(rf"(?<![\w.]){_DEGREES}\s?[NS][,;]?\s{{0,2}}{_DEGREES}\s?[EW]\b")
DECIMAL_COORDINATES = re.compile(r"(?<![\w.])-?\d{1,2}\.\d{3,}\s?[;,]\s?-?\d{1,3}\.\d{3,}(?![\w.]*\d)")


def _coordinates(doc: Doc) -> None:
    """Coordinates are a location (LOC), in place of the numbers the NER found in them."""
    found = list(COORDINATES.finditer(doc.text))
    if found:
        found += DECIMAL_COORDINATES.finditer(doc.text)
    for m in found:
        _split_final_period(doc, m.end())
    spans = [doc.char_span(m.start(), m.end(), label="LOC", alignment_mode="expand") for m in found]
    spans = [s for s in spans if s is not None]
    if spans:
        _set_entities(doc, spans)


def _split_final_period(doc: Doc, end: int) -> None:
    """Split the sentence's full stop off a token that a match ends inside ("18°10′05″E." -> "...E", ".")."""
    token = next((t for t in doc if t.idx < end < t.idx + len(t)), None)
    if token is None or doc.text[end:token.idx + len(token)] != ".":
        return
    head = (token, 0) if token.head.i == token.i else token.head
    with doc.retokenize() as retokenizer:
        retokenizer.split(token, [token.text[:-1], "."], heads=[head, (token, 0)],
                          attrs={"DEP": [token.dep_, "punct"], "POS": [token.pos_, "PUNCT"]})


def _dateline(doc: Doc, gazetteer) -> tuple[Optional[Span], bool, int]:
    """The place a report was filed from, made an entity; whether the dateline names a country of
    its own ("MADRID (SPAIN), ...": a bureau abroad, reporting on elsewhere); where it ends."""
    match = DATELINE.match(doc.text[:200])
    if match is None:
        return None, False, 0
    country = None
    if match.group("paren"):
        found = gazetteer.resolve(match.group("paren"))
        country = found if found is not None and found.kind == "country" else None
    place = gazetteer.resolve(match.group("place"), [country.country_code] if country else ())
    inner = INNER_DATELINE.match(doc.text, match.end())
    inner_place = gazetteer.resolve(inner.group("place"), [place.country_code] if place else ()) if inner else None
    if inner_place is not None and inner_place.kind != "country":
        span = doc.char_span(inner.start("place"), inner.end("place"), label="GPE", alignment_mode="expand")
        if span is not None:
            _set_entities(doc, [span])
            return span, False, inner.end()
    span = doc.char_span(match.start("place"), match.end("place"), label="GPE", alignment_mode="expand")
    if place is None or span is None:
        return None, False, 0  # "CLANDESTINE, NO DATE (RADIO VENCEREMOS)"
    spans = [span]
    if country is not None:
        spans.append(doc.char_span(match.start("paren"), match.end("paren"), label="GPE", alignment_mode="expand"))
    _set_entities(doc, [s for s in spans if s is not None])
    return span, country is not None, match.end()


def _set_entities(doc: Doc, spans: list[Span]) -> None:
    """Put these entities in, in place of any they overlap."""
    kept = [e for e in doc.ents if not any(e.start < s.end and s.start < e.end for s in spans)]
    doc.ents = sorted([*kept, *spans], key=lambda e: e.start)


def _find_places(doc: Doc, gazetteer, words: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())) \
        -> None:
    """Relabel place names the base NER misread, complete the ones it cut short ("VINA" of
    "VINA DEL MAR"), and add the ones it missed after a locative preposition.

    A country is a GPE wherever it stands; a city or province only where the text puts it as
    a place: after "in", "near", "the city of", or before "department", "province".
    """
    entities, changed = [], False
    taken = [False] * len(doc)
    for ent in doc.ents:
        if ent.label_ in {"GPE", "LOC"} and place_key(ent.text) in NOT_PLACES:
            changed = True  # "CITY" of "THE CITY OF FLORES" is no place: Flores is
            continue
        if ent.label_ in RELABEL_FROM:
            place = gazetteer.resolve(ent.text, common_word=_is_word(ent, words, gazetteer))
            # "EL PETEN DEPARTMENT" (an ORG to the NER) says itself that it is a place.
            key = place_key(ent.text)
            typed = " " in key and key.rsplit(" ", 1)[1] in PLACE_NOUNS
            if place is not None and (place.kind == "country" or typed or (_locative(doc, ent.start, ent.end)
                                                                           and _notable(place))) \
                    or _named_settlement(doc, ent):
                ent = Span(doc, ent.start, ent.end, label="GPE")
                changed = True
        if ent.label_ in {"GPE", "LOC"}:
            longer = _completed(doc, ent, gazetteer) or _begun(doc, ent, gazetteer, taken)
            if longer is not None:
                ent, changed = longer, True
        if any(taken[ent.start:ent.end]):
            changed = True
            continue
        parts = _listed_places(ent, gazetteer) if ent.label_ in {"GPE", "LOC"} else [ent]
        changed = changed or len(parts) > 1
        entities.extend(parts)
        taken[ent.start:ent.end] = [True] * len(ent)
    # The places found so far by where they end, with their country: the items of a list that follow them take it.
    places_by_end: dict[int, Optional[str]] = {}
    place_starts = {e.start: e for e in entities if e.label_ in {"GPE", "LOC"}}
    i = 0
    while i < len(doc):
        found = None
        if i in place_starts:
            ent = place_starts[i]
            places_by_end[ent.end] = _country_of(ent, gazetteer, _listed_after(doc, i, places_by_end))
        # "CITY OF\nFLORES" names Flores: the name is the entity, and the words that type it are not.
        typing = i + 1 < len(doc) and doc[i].lower_ in TYPE_WORDS and doc[i + 1].lower_ == "of"
        listed = _listed_after(doc, i, places_by_end) if not taken[i] and not typing else None
        if not taken[i] and _name_like(doc[i]) and not typing:
            for end in range(min(len(doc), i + 4), i, -1):
                # A name may wrap onto the next line of wire copy ("SAN\nSALVADOR").
                if any(taken[i:end]) or not all(_name_like(t) or t.lower_ in NAME_JOINERS or _line_break(t)
                                                for t in doc[i:end]) \
                        or doc[end - 1].lower_ in NAME_JOINERS or _line_break(doc[end - 1]):
                    continue
                locative = _locative(doc, i, end)
                if listed is None and not locative:
                    continue
                span = doc[i:end]
                if not locative:
                    # An item of a list of places, in the country of the one before it, is a place too, however
                    # small or however like an English word ("IN CHALATENANGO, SAN ANTONIO, CIUDAD BARRIOS").
                    # ("" : a list of places the gazetteer does not know, "IN ZELAYA, MATAGALPA": only a notable one.)
                    place = next((p for p in gazetteer.candidates(span.text) if p.country_code == listed), None) \
                        if listed else gazetteer.resolve(span.text)
                    if place is not None and len(span.text) >= 4 and (listed or _notable(place)) \
                            and (len(span) > 1 or not _is_word(span, words, gazetteer)):
                        found = Span(doc, i, end, label="GPE")
                        break
                    continue
                place = gazetteer.resolve(span.text, common_word=_is_word(span, words, gazetteer))
                cue = end < len(doc) and doc[word_after(doc, end)].lower_ in PLACE_NOUNS_AFTER \
                    or doc[max(0, word_before(doc, word_before(doc, i)))].lower_ in PLACE_NOUNS
                if place is not None and (_notable(place) or cue) and len(span.text) >= 4:
                    found = Span(doc, i, end, label="GPE")
                    break
        if found is None and not taken[i] and _name_like(doc[i]) and _settlement_typed(doc, i):
            found = _settlement_name(doc, i, taken, words)
        if found is not None:
            entities.append(found)
            taken[found.start:found.end] = [True] * len(found)
            places_by_end[found.end] = _country_of(found, gazetteer, listed)
            changed = True
            i = found.end
        else:
            i += 1
    if not words[0] and not words[1]:  # cased text
        countries = _countries(doc, gazetteer, taken)
        entities.extend(countries)
        changed = changed or bool(countries)
    entities, relabelled = _one_sense(doc, entities, gazetteer)
    if changed or relabelled:
        doc.ents = sorted(entities, key=lambda e: e.start)


# What stands between two items of a list: "CHALATENANGO, SAN ANTONIO", "MEJICANOS, AND DELGADO".
_LIST_SEPARATORS = frozenset({",", "and", "or"})


def _listed_after(doc: Doc, i: int, places_by_end: dict[int, Optional[str]]) -> Optional[str]:
    """The country of the place that a list puts right before token i ("IN CHALATENANGO, SAN ANTONIO": El
    Salvador), where only commas, "and" or "or" stand between them ("" where the gazetteer does not know that
    place); None where no place comes right before."""
    j, separators = word_before(doc, i), 0
    while j >= 0 and doc[j].lower_ in _LIST_SEPARATORS and separators < 2:
        j, separators = word_before(doc, j), separators + 1
    return places_by_end.get(j + 1) if separators else None


def _country_of(ent: Span, gazetteer, listed: Optional[str] = None) -> str:
    """The country of a place, or that of the list it is in: the places of one list lie in one country ("SAN
    ANTONIO" after "CHALATENANGO" is a Salvadoran town, whatever Texan city the gazetteer knows by that name)."""
    if listed:
        return listed
    place = gazetteer.resolve(ent.text)
    return place.country_code if place is not None else ""


def _settlement_name(doc: Doc, start: int, taken: list[bool], words: tuple[frozenset[str], frozenset[str]]) \
        -> Optional[Span]:
    """The name after "THE TOWN OF" that no gazetteer holds ("THE TOWN OF\nCHINAMECA", "THE VILLAGE OF
    QUELLOPATA"): the text types it as a settlement. Its words are names, up to an English word ("THE TOWN OF
    TOCACHE TERRORISTS"), at most four."""
    end = start
    while end < min(len(doc), start + 4) and not taken[end] and (
            _name_like(doc[end]) and not _english_word(doc[end], words)
            or end > start and (doc[end].lower_ in NAME_JOINERS or _line_break(doc[end]))):
        end += 1
    while end > start and (doc[end - 1].lower_ in NAME_JOINERS or _line_break(doc[end - 1])):
        end -= 1
    span = doc[start:end]
    if end == start or len(span.text) < 4 or place_key(span.text) in NOT_PLACES:
        return None
    return Span(doc, start, end, label="GPE")


def _english_word(token, words: tuple[frozenset[str], frozenset[str]]) -> bool:
    """An English word of the word lists, as written or by its lemma ("TERRORISTS")."""
    forms = {token.lower_, token.lemma_.lower()} if token.lemma_ else {token.lower_}
    return any(form in words[0] or form in words[1] for form in forms)


# Nouns of a settlement that a name after "the ... of" is the name of: "THE VILLAGE OF CHINCHIPE". Not
# "department" or "state", which also name ministries ("THE DEPARTMENT OF JUSTICE").
NAMED_SETTLEMENT_NOUNS = frozenset({"city", "town", "village", "hamlet", "municipality", "township", "canton",
                                    "settlement", "port"})
# Nouns of an area that a name after "the ... of" is the name of: "IN THE AREA OF PERQUIN", "THE BANANA REGION OF
# URABA", "THE JURISDICTION OF CACAOPERA" (a village or a region too small or too vague for the gazetteer).
NAMED_AREA_NOUNS = frozenset({"area", "region", "zone", "jurisdiction"})
NAMED_PLACE_NOUNS = NAMED_SETTLEMENT_NOUNS | NAMED_AREA_NOUNS


def _named_settlement(doc: Doc, ent: Span) -> bool:
    """The text types the name as a town or village ("THE VILLAGE OF CHINCHIPE", "THE SMALL TOWN OF X"),
    known to the gazetteer or not: a place, whatever the NER read it as."""
    return _settlement_typed(doc, ent.start) and all(t.is_alpha or t.text in {"-", "'", ","} or _line_break(t)
                                                     for t in ent)


def _settlement_typed(doc: Doc, start: int) -> bool:
    """The words before token ``start`` type what follows as a settlement: "THE TOWN OF", "THE SMALL VILLAGE
    OF\n" (wire copy breaks its lines anywhere), or a list after a plural one: "THE TOWNS OF SANTO TOMAS DE PATA,
    PULLUHUAMAN, ANTA, AND ROSASPATA"."""
    of = word_before(doc, start)
    listed = False
    while of >= 0 and start - of <= LIST_REACH and doc[of].lower_ != "of" and (
            doc[of].lower_ in {",", "and"} or _name_like(doc[of]) or doc[of].lower_ in NAME_JOINERS):
        listed = listed or doc[of].lower_ in {",", "and"}
        of = word_before(doc, of)
    noun = word_before(doc, of) if of >= 0 else -1
    if noun < 0 or doc[of].lower_ != "of":
        return False
    lemma = (doc[noun].lemma_ or doc[noun].lower_).lower()
    return lemma in NAMED_PLACE_NOUNS and (not listed or doc[noun].lower_ != lemma) \
        and any(t.lower_ == "the" for t in doc[max(0, noun - 3):noun])


# How far back a list of names may reach to the noun that types them: "THE TOWNS OF A, B, C, AND D".
LIST_REACH = 16


def _listed_places(ent: Span, gazetteer) -> list[Span]:
    """A place entity that runs over a comma into another place ("MAICAO, GUAJIRA INTENDANCY", "TOMAS DE PATA
    DISTRICT, HUANCAVELICA DEPARTMENT", "PULLUHUAMAN, ANTA" of a list of towns) as the places it names: each
    part a name, and each known to the gazetteer or typed by its last word ("... DEPARTMENT"), or all of them
    names of a list of settlements."""
    doc = ent.doc
    commas = [t.i for t in ent if t.text == ","]
    if not commas:
        return [ent]
    bounds = [ent.start, *commas, ent.end]
    parts = []
    for i, (start, end) in enumerate(zip(bounds, bounds[1:])):
        start += i > 0  # after the comma
        while start < end and (doc[start].is_space or doc[start].lower_ == "and"):
            start += 1
        part = doc[start:end]
        words = place_key(part.text).split()
        if not words or not all(_name_like(t) or t.lower_ in NAME_JOINERS or t.is_space for t in part):
            return [ent]
        parts.append((part, words))
    listed = _settlement_typed(doc, ent.start)
    if not listed and not all(words[-1] in TYPE_WORDS or gazetteer.resolve(part.text) is not None
                              for part, words in parts):
        return [ent]
    return [Span(doc, part.start, part.end, label=ent.label_) for part, _ in parts]


# Labels a town's name may get from a NER that has not seen it: "Sinjar" as an ORG, "Karabilah" as a PERSON.
MISREAD_PLACE_LABELS = RELABEL_FROM | {"NORP"}


def _places_of_the_article(doc: Doc, gazetteer, context: dict[str, float], registry,
                           words: Optional[tuple[frozenset[str], frozenset[str]]]) -> bool:
    """Relabel GPE the places the NER misread in an article about ``context``'s countries; True if any.

    - A name read as a person, organisation or nationality that the gazetteer knows as a town or province
      of the article's main country: "Sinjar" (an ORG to the NER) in a report on Iraq, "PUERTO LOPEZ" (a
      PERSON) in one on Colombia. Not a known armed group or party, a demonym, a word of a person the
      article names in full, or a name after a person's title; every mention of it (one sense per document).
    - A LOC that names a province or a large town of the main country by its own name: "Al Anbar"."""
    if not context:
        return False
    top = max(context.values())
    main = {code for code, weight in context.items() if weight >= top / 2}
    # The words of the persons named in full: "PIZARRO" of "PIZARRO LEONGOMEZ" is no town.
    person_words = {place_key(t.text) for e in doc.ents if e.label_ == "PERSON" and len(e) > 1 for t in e}
    nationalities = demonyms()
    verdicts: dict[str, bool] = {}

    def misread_place(ent: Span) -> bool:
        key = place_key(ent.text)
        if key not in verdicts:
            verdicts[key] = (len(key) >= 4 or gazetteer.aliases.get(ent.text.strip()) is not None) \
                and key not in nationalities and key not in person_words \
                and key not in NOT_PLACES and all(t.is_alpha and (t.is_title or t.is_upper) and not t.is_stop
                                                  or t.lower_ in NAME_JOINERS for t in ent) \
                and registry.lookup(ent.text) is None and _in_main_country(ent, gazetteer, context, main, words)
        before = word_before(doc, ent.start)
        return verdicts[key] and key in placed and not (before >= 0 and is_title_word(doc[before].text))

    # A name read as a person's or a nationality is a town's only where the text puts one of its mentions as a
    # place ("FLED KARABILAH", "MOSUL AND RAQQAH", "Punjab-based"): "THE ASSASSINATED CARLOS PIZARRO" is no town.
    ents = list(doc.ents)
    placed = {place_key(e.text) for i, e in enumerate(ents) if e.label_ in MISREAD_PLACE_LABELS - {"PERSON", "NORP"}
              or e.label_ in {"PERSON", "NORP"} and (_locative(doc, e.start, e.end) or _based_in(e)
                                                     or _listed_with_a_place(ents, i))}
    entities = [_untyped(Span(doc, e.start, e.end, label="GPE")) if e.label_ in MISREAD_PLACE_LABELS
                and misread_place(e) or e.label_ == "LOC" and _province(e, gazetteer, context, main) else e
                for e in doc.ents]
    changed = any(new.label_ != old.label_ for new, old in zip(entities, doc.ents))
    if changed:
        doc.ents = entities
    return changed


_LIST_WORDS = _LIST_SEPARATORS | {"(", ")", ";"}  # and the brackets and semicolons of a list of places


def _listed_with_a_place(ents: list[Span], i: int) -> bool:
    """``ents[i]`` stands in a list with the entity before or after it, a place: "MOSUL AND RAQQAH", "LA
    AZULITA (SOUTHERN PUTUMAYO), PUERTO LOPEZ (META DEPARTMENT)". Not a list of streets ("THE CORNER OF SARMIENTO
    AND SAN MARTIN STREETS"), whose names are often those of towns and of people."""
    ent, doc = ents[i], ents[i].doc
    for neighbour in ents[max(0, i - 1):i] + ents[i + 1:i + 2]:
        between = doc[neighbour.end:ent.start] if neighbour.end <= ent.start else doc[ent.end:neighbour.start]
        if neighbour.label_ in {"GPE", "LOC"} and len(between) <= 3 and not _street_name(neighbour) \
                and all(t.lower_ in _LIST_WORDS or t.is_space for t in between):
            return True
    return False


def _based_in(ent: Span) -> bool:
    """"Punjab-based groups": the name is where something is based."""
    doc = ent.doc
    return ent.end + 1 < len(doc) and doc[ent.end].text == "-" and doc[ent.end + 1].lower_ == "based"


def _untyped(ent: Span) -> Span:
    """"CITY OF POTOSI" -> "POTOSI": the words that type a place are not its name."""
    doc = ent.doc
    if len(ent) > 2 and ent[0].lower_ in TYPE_WORDS and ent[1].lower_ == "of":
        return Span(doc, ent.start + 2, ent.end, label=ent.label_)
    return ent


# A town this big, named by its own name, is the town (GPE) where the NER read a region (LOC): "Calais".
LOC_CITY_POPULATION = 50_000


def _province(ent: Span, gazetteer, context: dict[str, float], main: set[str]) -> bool:
    """A LOC that names a province or a large town of the article's main country by its own name ("Al Anbar",
    "ANTIOQUIA", "Calais"): a GPE."""
    place = gazetteer.resolve(ent.text, context)
    return place is not None and (place.kind == "admin1" or place.kind == "city"
                                  and place.population >= LOC_CITY_POPULATION) \
        and place.country_code in main and place_key(place.name) == place_key(ent.text)


def _in_main_country(ent: Span, gazetteer, context: dict[str, float], main: set[str],
                     words: Optional[tuple[frozenset[str], frozenset[str]]]) -> bool:
    common_word = words is not None and _is_word(ent, words, gazetteer)
    place = gazetteer.resolve(ent.text, context, common_word=common_word)
    return place is not None and place.kind in {"city", "admin1"} and place.country_code in main


def _countries(doc: Doc, gazetteer, taken: list[bool]) -> list[Span]:
    """A country's name that the NER left out, as one capitalised word of cased text: "UK" and "France"
    in "the 2016 UK-France Summit", "US" in "sophisticated US drone technology"."""
    found = []
    for token in doc:
        if taken[token.i] or not (token.is_title or token.is_upper and len(token) >= 2) or not token.is_alpha \
                and token.text not in {"U.S.", "U.K."}:
            continue
        place = gazetteer.resolve(token.text)
        if place is not None and place.kind == "country" and (place_key(place.name) == place_key(token.text)
                                                              or token.is_upper):
            found.append(Span(doc, token.i, token.i + 1, label="GPE"))
    return found


def _one_sense(doc: Doc, entities: list[Span], gazetteer) -> tuple[list[Span], bool]:
    """A name the text has placed somewhere ("IN THE PORT OF CARTAGENA") is that place in its other
    mentions too, where the NER read it as something else ("CARTAGENA HAD UP TO NOW ESCAPED ...");
    one sense per document, for names the gazetteer knows only."""
    placed = {place_key(e.text) for e in entities if e.label_ == "GPE"}
    placed = {key for key in placed if key not in NOT_PLACES}
    relabel = [e for e in entities if e.label_ in RELABEL_FROM and place_key(e.text) in placed]
    if not relabel:
        return entities, False
    known = {key for key in {place_key(e.text) for e in relabel} if gazetteer.resolve(key) is not None}
    swapped = {id(e): Span(doc, e.start, e.end, label="GPE") for e in relabel if place_key(e.text) in known}
    return [swapped.get(id(e), e) for e in entities], bool(swapped)


def _completed(doc: Doc, ent: Span, gazetteer) -> Optional[Span]:
    """The entity with the words after it, where that makes a longer name the gazetteer knows by
    its own name: "VINA" + "DEL MAR", "SAN PEDRO" + "SULA" (across a line break too)."""
    after = word_after(doc, ent.end)
    if after >= len(doc) or not (doc[after].lower_ in NAME_JOINERS - {"of"} or _name_like(doc[after])):
        return None
    for end in range(min(len(doc), after + 3), after, -1):
        tail = doc[after:end]
        if not all((t.is_alpha or _line_break(t)) and t.ent_type_ not in {"DATE", "TIME", "PERSON"} for t in tail) \
                or tail[-1].lower_ in NAME_JOINERS or _line_break(tail[-1]):
            continue
        longer = doc[ent.start:end]
        place = gazetteer.resolve(longer.text)
        # The words after complete the name ("NORTHERN CITY OF SAN PEDRO" + "SULA"), not just type it (+ "PROVINCE").
        if place is not None and place_key(place.name) in {key for key, _ in query_forms(longer.text)} \
                and place_key(place.name) not in {key for key, _ in query_forms(ent.text)}:
            return Span(doc, ent.start, end, label=ent.label_)
    return None


def _begun(doc: Doc, ent: Span, gazetteer, taken: list[bool]) -> Optional[Span]:
    """The entity with the one or two capitalised words before it that the NER left out, where that makes a
    longer name the gazetteer knows by its own name: "Dera Ismail" + "Khan district", "SAN" + "PEDRO SULA"."""
    one = word_before(doc, ent.start)  # "SAN\nCLEMENTE": across a line break too
    for start in (word_before(doc, one) if one > 0 else -1, one):
        if start < 0 or any(taken[start:ent.start]) \
                or not all(_name_like(t) or _line_break(t) for t in doc[start:ent.start]) \
                or any(t.ent_type_ for t in doc[start:ent.start]):
            continue
        longer = doc[start:ent.end]
        place = gazetteer.resolve(longer.text)
        if place is not None and place_key(place.name) in {key for key, _ in query_forms(longer.text)} \
                and place_key(place.name) not in {key for key, _ in query_forms(ent.text)}:
            return Span(doc, start, ent.end, label=ent.label_)
    return None


def _line_break(token) -> bool:
    return token.is_space and token.text.count("\n") == 1


def _name_like(token) -> bool:
    return token.is_alpha and (token.is_title or token.is_upper) and not token.is_stop and token.ent_type_ not in {
        "DATE", "TIME", "NORP", "CARDINAL", "ORDINAL"} and token.pos_ not in NOT_NAME_POS


def _locative(doc: Doc, start: int, end: int) -> bool:
    # Wire copy wraps lines anywhere: "IN\nARAUCA INTENDANCY", "THE CARIBBEAN PORT OF\nCARTAGENA".
    i = word_before(doc, start)
    if i > 0 and doc[i].lower_ in {"the", "el", "la"}:
        i = word_before(doc, i)
    before = doc[i] if i >= 0 else None
    if before is not None and before.lower_ == "of":  # "the city of Flores", not "the leader of Mexico Inc."
        noun = word_before(doc, i)
        return noun >= 0 and (doc[noun].lower_ in PLACE_NOUNS or doc[max(0, word_before(doc, noun))].lower_
                               in PLACE_NOUNS)
    # A preposition, not the "to" of an infinitive ("TO TURN", "TO SAVE").
    preposition = before is not None and before.lower_ in LOCATIVE_WORDS and before.tag_ != "TO" \
        and before.dep_ not in {"aux", "mark"} or before is not None and before.lower_ == "to" and before.dep_ == "prep"
    after = word_after(doc, end)
    return preposition or (after < len(doc) and doc[after].lower_ in PLACE_NOUNS_AFTER)


def word_after(doc: Doc, i: int) -> int:
    """The index of token i or, where it is a line break, of the token after it; len(doc) at the end. Wire copy
    breaks its lines anywhere, so a rule that reads the next word reads it over one line break (not a paragraph
    break)."""
    while i < len(doc) and _line_break(doc[i]):
        i += 1
    return i


def word_before(doc: Doc, i: int) -> int:
    """The index of the token before token i, over a line break; -1 at the start."""
    i -= 1
    while i >= 0 and _line_break(doc[i]):
        i -= 1
    return i


def _notable(place: GeoPlace) -> bool:
    return place.kind in {"country", "admin1"} or place.population >= MIN_ADDED_POPULATION


def place_specificity(place: Optional[GeoPlace]) -> int:
    return {"city": 3, "admin1": 2, "country": 1}.get(place.kind, 0) if place else 0
