"""The trained event extractor: incidents, their types and their role fillers, learned from MUC-4 and
the gold annotations; it supersedes the rule extractor (``events.py``) when its model is shipped.

The model (``news.event_model.v1``) tags role-filler spans, gives each filler the incident types it
takes part in, and gives the document the incident types it reports. Events are built from those:

- detection and typing: one event per incident type whose document probability reaches
  ``doc_threshold``; a document with none has no events;
- argument filling: each tagged span joins the events whose type it takes part in (probability
  ``type_threshold``, or else the likeliest of the document's types);
- incident grouping: mentions of the same type in one article are one incident, which is how
  MUC-4 groups them in most documents (with gold fillers, this grouping scores 84.9 on MUC-4 dev).

The trigger of an event is the incident word of its type ("attacked", "bomb", "kidnapped"; the
rule extractor's lexicon) nearest to its fillers; the trigger's sentence supplies locations and
dates as the rule extractor finds them, and the kind and status are read off the trigger by the
same rules. Casualties are attached afterwards by ``casualties.py``.
"""
from __future__ import annotations

from itertools import islice
from typing import Callable, Iterable, Optional

import numpy
from spacy.language import Language
from spacy.util import minibatch
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.vocab import Vocab
from thinc.api import Config, Model

from ..architectures.event_model import (EVENT_TYPES, ROLE_TAGS, ROLES, EventScores, decode_role_tags,
                                         role_tag)
from ..evaluation.muc4 import RECORD_ROLE_SLOTS, Template, make_template, normalize_mention, score_corpus
from .events import (EVENTS_KEY, PLACE_LABELS, TRIGGER_LEMMAS, EventArgument, EventMention, _is_locative, _kind,
                     _status, names_a_setting, noun_phrase, with_owner)
from .event_location import trigger_tokens

FACTORY = "news_event_model"
STOPPAGE_WORDS = {"strike", "stoppage", "walkout", "shutdown"}
DEFAULT_MODEL_CONFIG = """
[model]
@architectures = "news.event_model.v1"
hidden_width = 128
dropout = 0.1

[model.tok2vec]
@architectures = "spacy.Tok2Vec.v2"

[model.tok2vec.embed]
@architectures = "news.CaseInsensitiveEmbed.v1"
width = 96
rows = [5000, 1000, 2500, 500]

[model.tok2vec.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = 96
depth = 4
window_size = 1
maxout_pieces = 3
"""
DEFAULT_MODEL = Config().from_str(DEFAULT_MODEL_CONFIG)["model"]

if not Doc.has_extension(EVENTS_KEY):
    Doc.set_extension(EVENTS_KEY, default=None)


@Language.factory(
    FACTORY,
    requires=["token.lower"],
    assigns=["doc._.events"],
    default_config={"model": DEFAULT_MODEL, "doc_threshold": 0.5, "type_threshold": 0.5, "outside_scale": 1.0,
                    "outside_weight": 1.0, "doc_weight": 1.0},
    default_score_weights={"events_f": 1.0, "events_p": 0.0, "events_r": 0.0},
)
def make_event_model(nlp: Language, name: str, model: Model, doc_threshold: float, type_threshold: float,
                     outside_scale: float, outside_weight: float, doc_weight: float) -> "EventModel":
    return EventModel(nlp.vocab, model, name, doc_threshold=doc_threshold, type_threshold=type_threshold,
                      outside_scale=outside_scale, outside_weight=outside_weight, doc_weight=doc_weight)


class EventModel(TrainablePipe):
    def __init__(self, vocab: Vocab, model: Model, name: str = FACTORY, *, doc_threshold: float = 0.5,
                 type_threshold: float = 0.5, outside_scale: float = 1.0, outside_weight: float = 1.0,
                 doc_weight: float = 1.0):
        self.vocab = vocab
        self.model = model
        self.name = name
        # Decoding thresholds live in cfg, which is saved with the model: tuned values travel with it.
        # outside_scale < 1 makes the O tag less likely at decoding, trading precision for recall;
        # outside_weight and doc_weight weight the loss of O tags and of the document types.
        self.cfg = {"doc_threshold": doc_threshold, "type_threshold": type_threshold, "outside_scale": outside_scale,
                    "outside_weight": outside_weight, "doc_weight": doc_weight}

    # -- prediction -------------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128):
        """As spaCy's, except that with ``add_to_found`` a document in which no event was found is not read:
        there is no incident to add fillers to, and most news has none (23 events in 1,000 Reuters articles).
        With ``events_where_none`` as well (incidents only: language.set_incidents_only), such a document
        takes the model's own events."""
        error_handler = self.get_error_handler()
        for batch in minibatch(stream, size=batch_size):
            docs = [doc for doc in batch if doc._.events or self.cfg.get("events_where_none")] \
                if self.cfg.get("add_to_found") else batch
            try:
                if docs:
                    self.set_annotations(docs, self.predict(docs))
            except Exception as error:
                error_handler(self.name, self, docs, error)
            yield from batch

    def predict(self, docs: Iterable[Doc]) -> EventScores:
        return self.model.predict(list(docs))

    def set_annotations(self, docs: Iterable[Doc], scores: EventScores) -> None:
        for doc, (role_probs, type_probs, doc_probs) in zip(docs, self._probabilities(scores)):
            events = self.build_events(doc, role_probs, type_probs, doc_probs)
            if self.cfg.get("add_to_found") and (doc._.events or not self.cfg.get("events_where_none")):
                add_role_fillers(doc._.events or [], events)
            else:
                doc._.events = events

    def _probabilities(self, scores: EventScores):
        ops = self.model.ops
        role_probs = ops.to_numpy(ops.softmax(scores.role_logits))
        type_probs = ops.to_numpy(ops.sigmoid(scores.type_logits))
        doc_probs = ops.to_numpy(ops.sigmoid(scores.doc_logits))
        start = 0
        for i, n in enumerate(scores.lengths):
            yield role_probs[start:start + n], type_probs[start:start + n], doc_probs[i]
            start += n

    def build_events(self, doc: Doc, role_probs, type_probs, doc_probs) -> list[EventMention]:
        doc_types = [t for t, p in zip(EVENT_TYPES, doc_probs) if p >= self.cfg["doc_threshold"]]
        if not doc_types or not len(doc):
            return []
        fillers: dict[str, list[tuple[float, EventArgument]]] = {t: [] for t in doc_types}
        scale = numpy.ones(len(ROLE_TAGS), dtype="f")
        scale[0] = self.cfg["outside_scale"]
        for start, end, role in decode_role_tags((role_probs * scale).argmax(axis=1).tolist()):
            span = whole_phrase(doc[start:end])
            if span is None or not normalize_mention(span.text):
                continue  # punctuation alone scores as nothing
            if role == "target":
                if names_a_setting(span):
                    continue  # where it happened, not what was hit (events.names_a_setting)
                span = with_owner(span)
            confidence = float(role_probs[numpy.arange(start, end), role_probs[start:end].argmax(axis=1)].mean())
            span_types = type_probs[start:end].mean(axis=0)
            chosen = {t for t in doc_types if span_types[EVENT_TYPES.index(t)] >= self.cfg["type_threshold"]}
            chosen.add(max(doc_types, key=lambda t: span_types[EVENT_TYPES.index(t)]))
            for event_type in chosen:
                fillers[event_type].append((confidence, EventArgument(role, span, source="model")))
        events = []
        for event_type in doc_types:
            arguments = _unique_arguments(fillers[event_type])
            trigger = _trigger(doc, event_type, [a.span for a in arguments])
            events.append(self._event(doc, event_type, trigger, arguments, float(doc_probs[EVENT_TYPES.index(event_type)])))
        return sorted(events, key=lambda e: e.trigger.start)

    def _event(self, doc: Doc, event_type: str, trigger: Span, arguments: list[EventArgument],
               confidence: float) -> EventMention:
        sentence = trigger.sent if doc.has_annotation("SENT_START") else doc[0:len(doc)]
        event = EventMention(type=event_type, trigger=trigger, sentence=sentence, arguments=list(arguments),
                             confidence=round(confidence, 4),
                             extra_triggers=[doc[t.i:t.i + 1] for t in _trigger_words(doc, event_type)
                                             if t.i != trigger.start])
        seen = {(a.role, a.span.start, a.span.end) for a in arguments}
        triggers = trigger_tokens(event)
        for ent in sentence.ents:
            role = "date" if ent.label_ == "DATE" else "location" if ent.label_ in PLACE_LABELS and \
                _is_locative(ent, triggers) else None
            if role and (role, ent.start, ent.end) not in seen:
                seen.add((role, ent.start, ent.end))
                event.arguments.append(EventArgument(role, ent, source="model"))
        head = trigger.root
        event.kind = _kind([(head, event_type)]) if doc.has_annotation("TAG") else "incident"
        event.status = _status(head, sentence) if doc.has_annotation("DEP") else "reported"
        return event

    # -- training ---------------------------------------------------------------------------------
    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Optional[Language] = None) -> None:
        sample = [eg.predicted for eg in islice(get_examples(), 10)]
        self.model.initialize(X=sample)

    def get_loss(self, examples: Iterable[Example], scores: EventScores) -> tuple[float, EventScores]:
        ops = self.model.ops
        examples = list(examples)
        role_gold, type_gold, type_mask, doc_gold = gold_arrays(examples)
        role_probs = ops.softmax(scores.role_logits)
        role_target = ops.asarray2f(numpy.eye(len(ROLE_TAGS), dtype="f")[role_gold])
        weights = numpy.where(role_gold == 0, self.cfg["outside_weight"], 1.0).astype("f")[:, None]
        d_roles = (role_probs - role_target) * ops.asarray2f(weights)
        type_probs = ops.sigmoid(scores.type_logits)
        d_types = (type_probs - ops.asarray2f(type_gold)) * ops.asarray2f(type_mask[:, None])
        doc_probs = ops.sigmoid(scores.doc_logits)
        d_docs = (doc_probs - ops.asarray2f(doc_gold)) * self.cfg["doc_weight"]
        role_loss = -float((ops.xp.log(role_probs + 1e-8) * role_target * ops.asarray2f(weights)).sum())
        loss = role_loss + float((d_types ** 2).sum()) + float((d_docs ** 2).sum())
        return loss, EventScores(d_roles, d_types, d_docs, scores.lengths)

    def score(self, examples: Iterable[Example], **kwargs) -> dict[str, float]:
        """The MUC-4 metric of GTT over the examples' gold events (see ``evaluation/muc4.py``)."""
        examples = list(examples)
        gold = {str(i): gold_templates(eg.reference) for i, eg in enumerate(examples)}
        predicted = {str(i): event_templates(eg.predicted._.events or ()) for i, eg in enumerate(examples)}
        report = score_corpus(predicted, gold)["micro_avg"]
        return {"events_f": report["f1"] / 100, "events_p": report["p"] / 100, "events_r": report["r"] / 100}


FILLER_ROLES = ("perpetrator", "perpetrator_org", "target", "victim", "weapon")


# Named entities a role filler may cut short.
NAME_LABELS = frozenset({"ORG", "PERSON", "NORP", "GPE", "FAC"})


def add_role_fillers(found: list[EventMention], predicted: list[EventMention]) -> None:
    """The model's role fillers added to the events another stage found (the rule extractor: its incidents, with
    their triggers, places and dates): each predicted event gives its fillers to the first found event of its
    type, leaving out a span that overlaps one the event has; a filler that cuts a name is the whole name. No event
    is added or removed."""
    for event in predicted:
        target = next((e for e in found if e.type == event.type), None)
        if target is None:
            continue
        taken = [a.span for a in target.arguments]
        for argument in event.arguments:
            span = _whole_name(argument.span)
            if argument.role in FILLER_ROLES and not any(span.start < t.end and t.start < span.end for t in taken):
                target.arguments.append(EventArgument(argument.role, span, source="model"))
                taken.append(span)


def _whole_name(span: Span) -> Span:
    """A filler that cuts a name the NER found ("SHINING" of "SHINING PATH", "TUPAC" of "TUPAC AMARU
    REVOLUTIONARY MOVEMENT") stretched to the whole name: token tags are decoded one by one and may stop short."""
    names = [e for e in span.doc.ents if e.start < span.end and span.start < e.end and e.label_ in NAME_LABELS]
    if len(names) != 1:
        return span
    start, end = min(span.start, names[0].start), max(span.end, names[0].end)
    return span if (start, end) == (span.start, span.end) else span.doc[start:end]


# A filler's span never ends on these: the tags, decoded token by token, may stop on the word that
# introduces a noun phrase ("THE OFFICES OF | THE NEWSPAPER EL SIGLO"), or begin on one (a determiner
# may begin a phrase).
_DANGLING_POS = frozenset({"ADP", "DET", "CCONJ", "PART", "PUNCT"})
_LEADING_POS = _DANGLING_POS - {"DET"}


def whole_phrase(span: Span) -> Optional[Span]:
    """A filler cut at a function word made whole, or None when nothing but function words is left:

    - ending on "of" (or "of the"): stretched over the noun phrase the preposition introduces ("homes
      of" -> "homes of mayoral candidates"); any other function word or verb at the end is dropped
      ("unidentified men set" -> "unidentified men");
    - beginning on "of": stretched back to the noun the phrase belongs to ("of the social savings
      fund" -> "offices of the social savings fund"), else the preposition is dropped.

    Needs the parse; without one the span is returned as it is."""
    doc = span.doc
    if not doc.has_annotation("DEP") or not doc.has_annotation("TAG"):
        return span
    start, end = span.start, span.end
    if doc[start].pos_ == "ADP" and doc[start].head.i < start and doc[start].head.pos_ in ("NOUN", "PROPN"):
        start = noun_phrase(doc[start].head)[0]
    while start < end and doc[start].pos_ in _LEADING_POS:
        start += 1
    while end > start:
        last = doc[end - 1]
        objects = [c for c in last.children if c.dep_ == "pobj" and c.i >= end]
        if last.pos_ == "ADP" and objects and end - 1 > start:
            end = noun_phrase(objects[0])[1]
            break
        if last.pos_ in _DANGLING_POS or last.pos_ in ("VERB", "AUX") and end - 1 > start:
            end -= 1
            continue
        break
    if start >= end:
        return None
    return span if (start, end) == (span.start, span.end) else doc[start:end]


def _unique_arguments(scored: list[tuple[float, EventArgument]]) -> list[EventArgument]:
    """One argument per role and mention string (the most confident place), in text order."""
    best: dict[tuple[str, str], tuple[float, EventArgument]] = {}
    for confidence, argument in scored:
        key = (argument.role, normalize_mention(argument.span.text))
        if key not in best or confidence > best[key][0]:
            best[key] = (confidence, argument)
    return sorted((a for _, a in best.values()), key=lambda a: a.span.start)


def _trigger_words(doc: Doc, event_type: str):
    lemmas = STOPPAGE_WORDS if event_type == "FORCED_WORK_STOPPAGE" else TRIGGER_LEMMAS[event_type]
    for token in doc:
        if token.lower_ in lemmas or token.lemma_.lower() in lemmas:
            yield token


def _trigger(doc: Doc, event_type: str, fillers: list[Span]) -> Span:
    """The incident word of this type nearest to the fillers; failing one, the first filler, else the
    document's first word."""
    words = list(_trigger_words(doc, event_type))
    if words:
        def distance(token):
            return min((abs(token.i - s.start) for s in fillers), default=token.i)
        word = min(words, key=lambda t: (distance(t), t.i))
        return doc[word.i:word.i + 1]
    return fillers[0] if fillers else doc[0:1]


# -- gold -----------------------------------------------------------------------------------------
def _gold_events(doc: Doc) -> list[dict]:
    return [e for e in doc.user_data.get("events", ()) or () if e.get("type") in EVENT_TYPES]


def gold_arrays(examples: list[Example]):
    """Per-token role tags, per-token filler types (and which tokens have them), per-doc types."""
    role_gold, type_gold, type_mask, doc_gold = [], [], [], []
    for eg in examples:
        doc = eg.predicted
        tags = numpy.zeros(len(doc), dtype="i")
        types = numpy.zeros((len(doc), len(EVENT_TYPES)), dtype="f")
        doc_types = numpy.zeros(len(EVENT_TYPES), dtype="f")
        spans: dict[tuple[int, int], tuple[str, set[str]]] = {}
        for event in _gold_events(eg.reference):
            event_types = [t for t in event.get("types") or [event["type"]] if t in EVENT_TYPES]
            for t in event_types:
                doc_types[EVENT_TYPES.index(t)] = 1.0
            for role, start, end, *_ in event["arguments"]:
                span = doc.char_span(start, end, alignment_mode="expand") if role in ROLES else None
                if span is not None and len(span):
                    _, seen = spans.setdefault((span.start, span.end), (role, set()))
                    seen.update(event_types)
        taken = numpy.zeros(len(doc), dtype=bool)
        for (start, end), (role, span_types) in sorted(spans.items(), key=lambda kv: kv[0][0] - kv[0][1]):
            if taken[start:end].any():
                continue  # overlapping fillers: the longest wins, as BIO tags need one layer
            taken[start:end] = True
            tags[start] = role_tag(role, inside=False)
            tags[start + 1:end] = role_tag(role, inside=True)
            for t in span_types:
                types[start:end, EVENT_TYPES.index(t)] = 1.0
        role_gold.append(tags)
        type_gold.append(types)
        type_mask.append(taken.astype("f"))
        doc_gold.append(doc_types)
    return (numpy.concatenate(role_gold) if role_gold else numpy.zeros(0, dtype="i"),
            numpy.concatenate(type_gold) if type_gold else numpy.zeros((0, len(EVENT_TYPES)), dtype="f"),
            numpy.concatenate(type_mask) if type_mask else numpy.zeros(0, dtype="f"),
            numpy.stack(doc_gold) if doc_gold else numpy.zeros((0, len(EVENT_TYPES)), dtype="f"))


def gold_templates(doc: Doc) -> list[Template]:
    """A reference Doc's gold events as MUC-4 templates (coreferent mentions grouped by entity number)."""
    templates = []
    for event in _gold_events(doc):
        entities: dict[tuple[str, object], list[str]] = {}
        for index, (role, start, end, *entity) in enumerate(event["arguments"]):
            if role in RECORD_ROLE_SLOTS:
                key = (RECORD_ROLE_SLOTS[role], entity[0] if entity else f"argument-{index}")
                mention = normalize_mention(doc.text[start:end])
                if mention not in entities.setdefault(key, []):
                    entities[key].append(mention)
        fillers: dict[str, list[tuple[str, ...]]] = {}
        for (slot, _), mentions in entities.items():
            fillers.setdefault(slot, []).append(tuple(mentions))
        incident_type = " / ".join(t.lower().replace("_", " ") for t in event.get("types") or [event["type"]])
        template = Template(incident_type, {slot: tuple(v) for slot, v in fillers.items()})
        if template not in templates:
            templates.append(template)
    return templates


def event_templates(events: Iterable[EventMention]) -> list[Template]:
    """Predicted events as MUC-4 templates."""
    return [make_template(e.type, ((a.role, a.span.text) for a in e.arguments)) for e in events]
