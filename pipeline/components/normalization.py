"""Normalisation on the Doc: TIMEX3 values on DATE/TIME entities, gazetteer places on GPE/LOC/FAC.

The publication date travels on ``doc._.published`` (an ISO string or None), set before the
pipeline runs. Without one, dates are resolved only as far as the text fixes them, with X for
the unknown year, and ``doc._.warnings`` says so.
"""
from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..normalize.dates import normalize_date
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


@Language.component("news_dates", requires=["doc.ents"], assigns=["span._.timex", "doc._.warnings"])
def news_dates(doc: Doc) -> Doc:
    anchor = publication_date(doc)
    for ent in doc.ents:
        if ent.label_ in {"DATE", "TIME"}:
            ent._.timex = normalize_date(ent.text, anchor)
    if anchor is None and any(ent.label_ == "DATE" for ent in doc.ents):
        doc._.warnings = [*(doc._.warnings or []),
                          "no publication date: relative dates were left unresolved and years may be XXXX"]
    return doc


@Language.factory("news_places", requires=["doc.ents"], assigns=["span._.place"])
def make_news_places(nlp: Language, name: str):
    gazetteer = load_gazetteer()

    def news_places(doc: Doc) -> Doc:
        places = [ent for ent in doc.ents if ent.label_ in {"GPE", "LOC", "FAC"}]
        # The article's countries, by how often they are named, steer ambiguous city names.
        first_pass = {ent.text: gazetteer.resolve(ent.text) for ent in places}
        countries = Counter(p.country_code for p in first_pass.values() if p is not None and p.kind == "country")
        context = [code for code, _ in countries.most_common(3)]
        for ent in places:
            ent._.place = gazetteer.resolve(ent.text, context) if context else first_pass[ent.text]
        return doc

    return news_places


def place_specificity(place: Optional[GeoPlace]) -> int:
    return {"city": 3, "admin1": 2, "country": 1}.get(place.kind, 0) if place else 0
