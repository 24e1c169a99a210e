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

from ..normalize.dates import infer_publication_window, normalize_date
from ..normalize.places import GeoPlace, load_gazetteer

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
            if ent.label_ in {"DATE", "TIME"}:
                ent._.timex = normalize_date(ent.text, anchor, clause_tense(ent), focus)
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


def _add_reference_dates(doc: Doc, matcher: Matcher) -> None:
    """Add the reference words as DATE entities, and drop a trailing possessive from date entities."""
    taken = [False] * len(doc)
    entities = []
    for ent in doc.ents:
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
PLACE_NOUNS = {"city", "town", "village", "department", "province", "municipality", "region", "district", "state",
               "hamlet", "jurisdiction", "port", "canton", "county", "capital", "neighborhood", "suburb", "area",
               "valley", "border", "highway", "farm"}
NAME_JOINERS = {"de", "del", "la", "las", "los", "el", "san", "santa", "of", "y", "da", "do", "dos"}
# Labels the base NER puts on place names it misreads (wire copy in capitals: "IN MEXICO" as ORG).
RELABEL_FROM = {"ORG", "PERSON", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW"}
MIN_ADDED_POPULATION = 20_000

for _name in ("dateline_place",):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


@Language.factory("news_places", requires=["doc.ents"], assigns=["doc.ents", "span._.place", "doc._.dateline_place"])
def make_news_places(nlp: Language, name: str):
    gazetteer = load_gazetteer()

    def news_places(doc: Doc) -> Doc:
        _find_places(doc, gazetteer)
        places = [ent for ent in doc.ents if ent.label_ in {"GPE", "LOC", "FAC"}]
        first_pass = {ent.text: gazetteer.resolve(ent.text) for ent in places}
        dateline = _dateline_place(doc, places)
        # The article's countries, by how often they are named (the dateline's counts too), and the
        # provinces its places lie in steer ambiguous names: "SAN MIGUEL" in a Salvadoran report.
        countries = Counter(p.country_code for p in first_pass.values() if p is not None and p.kind == "country")
        if dateline is not None and first_pass.get(dateline.text) is not None:
            countries[first_pass[dateline.text].country_code] += 1
        context = [code for code, _ in countries.most_common(3)]
        resolved = {text: gazetteer.resolve(text, context) for text in first_pass}
        provinces = {p.admin1 for p in resolved.values() if p is not None and p.kind == "admin1"}
        for ent in places:
            ent._.place = gazetteer.resolve(ent.text, context, provinces) if provinces else resolved[ent.text]
        doc._.dateline_place = dateline
        return doc

    return news_places


def _dateline_place(doc: Doc, places: list[Span]) -> Optional[Span]:
    """The first place of the dateline ("GUATEMALA CITY, 4 FEB 90 (ACAN-EFE) --"), where the report was filed."""
    for line in doc.spans.get("boilerplate", ()):
        if line.label_ == "DATELINE":
            return next((p for p in places if line.start <= p.start < line.end), None)
    return None


def _find_places(doc: Doc, gazetteer) -> None:
    """Relabel place names the base NER misread, and add the ones it missed after a locative word.

    A country is a GPE wherever it stands; a city or province only where the text puts it as
    a place: after "in", "near", "the city of", or before "department", "province".
    """
    entities, changed = [], False
    taken = [False] * len(doc)
    for ent in doc.ents:
        if ent.label_ in RELABEL_FROM:
            place = gazetteer.resolve(ent.text)
            if place is not None and (place.kind == "country" or (_locative(doc, ent.start, ent.end)
                                                                  and _notable(place))):
                ent = Span(doc, ent.start, ent.end, label="GPE")
                changed = True
        entities.append(ent)
        taken[ent.start:ent.end] = [True] * len(ent)
    i = 0
    while i < len(doc):
        found = None
        if not taken[i] and _name_like(doc[i]) and _locative(doc, i, i + 1):
            for end in range(min(len(doc), i + 4), i, -1):
                if any(taken[i:end]) or not all(_name_like(t) or t.lower_ in NAME_JOINERS for t in doc[i:end]) \
                        or doc[end - 1].lower_ in NAME_JOINERS:
                    continue
                span = doc[i:end]
                place = gazetteer.resolve(span.text)
                cue = end < len(doc) and doc[end].lower_ in PLACE_NOUNS or doc[max(0, i - 2)].lower_ in PLACE_NOUNS
                if place is not None and (_notable(place) or cue) and len(span.text) >= 4:
                    found = Span(doc, i, end, label="GPE")
                    break
        if found is not None:
            entities.append(found)
            taken[found.start:found.end] = [True] * len(found)
            changed = True
            i = found.end
        else:
            i += 1
    if changed:
        doc.ents = sorted(entities, key=lambda e: e.start)


def _name_like(token) -> bool:
    return token.is_alpha and (token.is_title or token.is_upper) and not token.is_stop and token.ent_type_ not in {
        "DATE", "TIME", "NORP", "CARDINAL", "ORDINAL"}


def _locative(doc: Doc, start: int, end: int) -> bool:
    before = doc[start - 1].lower_ if start > 0 else ""
    if before in {"the", "el", "la"} and start > 1:
        before = doc[start - 2].lower_
    if before == "of":  # "the city of Flores", not "the leader of Mexico Inc."
        return start > 1 and doc[start - 2].lower_ in PLACE_NOUNS or doc[max(0, start - 3)].lower_ in PLACE_NOUNS
    return before in LOCATIVE_WORDS or (end < len(doc) and doc[end].lower_ in PLACE_NOUNS)


def _notable(place: GeoPlace) -> bool:
    return place.kind in {"country", "admin1"} or place.population >= MIN_ADDED_POPULATION


def place_specificity(place: Optional[GeoPlace]) -> int:
    return {"city": 3, "admin1": 2, "country": 1}.get(place.kind, 0) if place else 0
