"""The event filter (``news_event_filter``): a learnt check that an event the rules found is an incident a
coder would record, which sets its ``confidence`` and, asked to, drops it below a threshold.

The rule extractor finds every sentence with an attack word. Many are not incidents of their own: a battle
between the army and the guerrillas, a general "wave of attacks", a threat, a statement about an earlier
attack. On MUC-4 dev, 223 of the 387 incidents the default pipeline reported matched no gold template, and
each of them costs precision in every slot it fills.

The filter is a logistic regression over what the rules saw of each event (its type, kind and status, which
roles it filled and with names or descriptions, who struck whom (the head word and actor type of its
perpetrators and of whom or what they struck), its trigger word and the words of its sentence, where in the
article it is and how often it is mentioned), trained on MUC-4 train by ``pipeline/training/event_filter.py``
(``make train-event-filter``, configs/event_filter.cfg): an event is a positive when the MUC-4 metric's
optimal alignment pairs it with a gold template. The weights are a readable JSON table of feature -> weight.
It runs before the trained event extractor adds its fillers, so that it sees on new text what it saw in
training.

The transformer variant's filter brings a *judge* as well (``judge/`` in its folder, configs/event_judge-trf.cfg):
MiniLM fine-tuned as a text classifier on what a reader sees of each event (``event_context``: its type, its
trigger word and its sentence), trained on the same events and labels. The filter then scores an event with the
mean of the two probabilities: the weights know the rules' view of the event (who struck whom, how often it is
mentioned), the judge reads the sentence as a whole ("the army bombed guerrilla positions" is a battle even when
the rules saw a bombing with a target).
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Iterable, Optional

import spacy
import srsly
from spacy.language import Language
from spacy.tokens import Doc

from ..normalize.actors import guess_actor_type
from .events import EventMention

ROLES = ("perpetrator", "perpetrator_org", "target", "victim", "weapon", "location", "date")
SIDE_ROLES = ("perpetrator", "perpetrator_org", "target", "victim")
NAME_LABELS = ("ORG", "PERSON", "FAC")
# The words of the event's sentence count for less than the event's own features: there are many of them.
# Out-of-fold MUC-4 train F1 by this weight (configs/event_filter.cfg otherwise): 0.3 51.52, 0.4 51.82,
# 0.5 51.93, 0.6 51.85, 0.7 51.68, 1.0 51.51; without the words 51.15.
SENTENCE_WORD_WEIGHT = 0.5
# Counts are scaled to [0, 1] by these caps.
MAX_MENTIONS, MAX_RANK, MAX_EVENTS = 5, 5, 8


def event_features(doc: Doc, events: list[EventMention]) -> list[dict[str, float]]:
    """The features of each event of ``doc`` (``doc._.events`` as the rules left them)."""
    starts = [sentence.start for sentence in doc.sents]
    return [_features(event, rank, len(events), starts) for rank, event in enumerate(events)]


def _features(event: EventMention, rank: int, n_events: int, sentence_starts: list[int]) -> dict[str, float]:
    features = {"bias": 1.0, f"type={event.type}": 1.0, f"kind={event.kind}": 1.0, f"status={event.status}": 1.0,
                "confidence": event.confidence}
    if event.subtype:
        features["subtype"] = 1.0
    for role in ROLES:
        count = sum(argument.role == role for argument in event.arguments)
        if count:
            features[f"has_{role}"] = 1.0
        if count > 1:
            features[f"several_{role}"] = 1.0
    if any(a.role in ("perpetrator_org", "victim", "target") and a.span.label_ in NAME_LABELS
           for a in event.arguments):
        features["named_participant"] = 1.0
    for argument in event.arguments:
        if argument.role in SIDE_ROLES:
            # Who struck whom: an ambush on an army patrol by guerrillas is a battle, which MUC-4 and
            # ACLED's "violence against civilians" leave out; a bomb at a bank or a killed mayor is not.
            side = "perpetrator" if argument.role.startswith("perpetrator") else "struck"
            features[f"{side}_head={argument.span.root.lemma_.lower()}"] = 1.0
            features[f"{side}_type={actor_type(argument.span)}"] = 1.0
    if event.killed:
        features["killed"] = 1.0
    if event.injured:
        features["injured"] = 1.0
    mentions = 1 + len(event.extra_triggers)
    features["mentions"] = min(mentions, MAX_MENTIONS) / MAX_MENTIONS
    if mentions > 1:
        features["mentioned_again"] = 1.0
    trigger = event.trigger.root
    features[f"trigger={trigger.lemma_.lower()}"] = 1.0
    features[f"trigger_pos={trigger.pos_}"] = 1.0
    features[f"trigger_head={trigger.head.lemma_.lower()}"] = 1.0
    if any(child.dep_ == "neg" for token in (trigger, trigger.head) for child in token.children):
        features["negated"] = 1.0
    if trigger.tag_ in ("VBG", "NNS"):
        features["plural_or_gerund"] = 1.0
    sentence = sum(1 for start in sentence_starts if start <= event.sentence.start) - 1
    features["first_sentence"] = float(sentence == 0)
    features["sentence_position"] = sentence / max(1, len(sentence_starts))
    features["rank"] = min(rank, MAX_RANK) / MAX_RANK
    features["first_event"] = float(rank == 0)
    features["events_in_article"] = min(n_events, MAX_EVENTS) / MAX_EVENTS
    for token in event.sentence:
        if token.is_alpha and not token.is_stop:
            features[f"word={token.lemma_.lower()}"] = SENTENCE_WORD_WEIGHT
    return features


def event_context(event: EventMention) -> str:
    """What the judge reads of an event: its type and trigger word, then its sentence, on one line."""
    return " ".join(f"{event.type.lower()} ({event.trigger.text.lower()}): {event.sentence.text}".split())


JUDGE_LABEL = "INCIDENT"  # the judge's textcat label (the other: NOT_INCIDENT)
JUDGE_DIR = "judge"


def with_judgement(weighted: float, judged: float) -> float:
    """An event's probability from the weights' and the judge's: their mean (on out-of-fold MUC-4 train F1, an
    equal share beat 0.3 and 0.7 for the judge; docs/muc4_metric.md). Training chooses the threshold on it too."""
    return (weighted + judged) / 2


def actor_type(span) -> str:
    """The actor type of a participant: the one the actors stage gave it, else guessed from its words."""
    return span._.actor_type or guess_actor_type(span.text, span.label_)


def probability(weights: dict[str, float], features: dict[str, float]) -> float:
    score = sum(weights.get(name, 0.0) * value for name, value in features.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


@Language.factory("news_event_filter", requires=["doc._.events"], assigns=["doc._.events"],
                  default_config={"threshold": 0.3, "drop": False})
def make_event_filter(nlp: Language, name: str, threshold: float, drop: bool) -> "EventFilter":
    return EventFilter(name, threshold, drop=drop)


class WeightedFilter:
    """A learnt filter's state: a logistic regression's weights (feature -> weight, a readable JSON table), a
    ``threshold`` and whether to ``drop`` what falls below it. The event filter and the argument filter
    (components/argument_filter.py) differ only in what they judge."""

    def __init__(self, name: str, threshold: float, weights: Optional[dict[str, float]] = None, drop: bool = False):
        self.name = name
        self.cfg = {"threshold": threshold, "drop": drop}
        self.weights = dict(weights or {})

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)  # each subclass's own __call__

    def to_disk(self, path: Path, exclude: tuple = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "cfg", self.cfg)
        srsly.write_json(path / "weights.json", dict(sorted(self.weights.items(), key=lambda kv: -abs(kv[1]))))

    def from_disk(self, path: Path, exclude: tuple = ()):
        path = Path(path)
        self.cfg.update(srsly.read_json(path / "cfg"))
        self.weights = srsly.read_json(path / "weights.json")
        return self


class EventFilter(WeightedFilter):
    """Gives each event its probability of being an incident a coder would record as its ``confidence``;
    with ``drop`` (``build_pipeline(incidents_only=True)``, ``news-pipeline run --incidents-only``), the
    events below ``threshold`` are left out. Untrained (no weights), it leaves the events as they are. With a
    ``judge`` (a spaCy text classifier with the label ``JUDGE_LABEL``), the probability is the mean of the
    weights' and the judge's.

    The events are kept by default: MUC-4 templates are narrower than what our guidelines annotate as
    events (a battle between the army and guerrillas, a general wave of attacks), and on the gold splits
    dropping them loses more events than it saves (see docs/muc4_metric.md)."""

    def __init__(self, name: str, threshold: float, weights: Optional[dict[str, float]] = None, drop: bool = False,
                 judge: Optional[Language] = None):
        super().__init__(name, threshold, weights, drop)
        self.judge = judge

    def __call__(self, doc: Doc) -> Doc:
        events = list(doc._.events or ())
        if not self.weights or not events:
            return doc
        scores = [probability(self.weights, features) for features in event_features(doc, events)]
        if self.judge is not None:
            judged = self.judge.pipe(event_context(event) for event in events)
            scores = [with_judgement(score, judgement.cats[JUDGE_LABEL]) for score, judgement in zip(scores, judged)]
        kept = []
        for event, score in zip(events, scores):
            event.confidence = round(score, 4)
            if not self.cfg["drop"] or event.confidence >= self.cfg["threshold"]:
                kept.append(event)
        doc._.events = kept
        return doc

    def to_disk(self, path: Path, exclude: tuple = ()) -> None:
        super().to_disk(path, exclude)
        if self.judge is not None:
            self.judge.to_disk(Path(path) / JUDGE_DIR)

    def from_disk(self, path: Path, exclude: tuple = ()):
        super().from_disk(path, exclude)
        if (Path(path) / JUDGE_DIR / "config.cfg").exists():  # the transformer variant's: needs its extra
            self.judge = spacy.load(Path(path) / JUDGE_DIR)
        return self
