"""Trained pair classifiers: actor-actor relations and event-argument links.

Both are one TrainablePipe over the models of ``pipeline/architectures/relation_model.py``, after spaCy's
relation-extraction tutorial: candidate pairs within a window, a row per pair, one sigmoid per label.

- ``news_relation_linker`` reads ``doc.ents`` and the nominal actors, and sets ``doc._.relations``
  (``RelationMention``, the rule stage's type) with ALLIED_WITH, FIGHTING_AGAINST, MEMBER_OF,
  LEADER_OF, LOCATED_IN and ALIAS_OF; with ``keep_existing`` an earlier stage's relations stay;
- ``news_event_argument_linker`` pairs every trigger of every event in ``doc._.events`` with the
  entities up to a sentence away, the role as the label, and adds the arguments it finds to
  ``EventMention.arguments``, so that a perpetrator named in the next sentence is linked.

``confidence`` is calibrated: per label, Platt scaling ``sigmoid(a * logit + b)`` fitted on the dev
split after training (``pipeline/training/relations.py``), which also chooses the threshold on dev;
both travel in the component's ``cfg``, which wins over the factory's ``threshold`` (the starting
value that training scores with) when a trained component is loaded.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice
from typing import Callable, Iterable, Optional

import numpy
import spacy
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.scorer import PRFScore
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.vocab import Vocab
from thinc.api import Config, Model, Optimizer, set_dropout_rate
from thinc.types import Floats2d

from ..architectures import relation_model as _architectures  # noqa: F401  (registers the architectures)
from ..architectures.relation_model import TRIGGERS_KEY, Instance, event_triggers
from .events import EventArgument, EventMention
from .relations import RelationMention, listed_together

RELATION_LABELS = ("ALLIED_WITH", "FIGHTING_AGAINST", "MEMBER_OF", "LEADER_OF", "LOCATED_IN", "ALIAS_OF")
ARGUMENT_ROLES = ("perpetrator", "perpetrator_org", "target", "victim", "weapon", "location", "date")

_TOK2VEC = """
[model.create_instance_tensor.tok2vec]
@architectures = "spacy.Tok2Vec.v2"

[model.create_instance_tensor.tok2vec.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = 96
attrs = ["NORM", "PREFIX", "SUFFIX", "SHAPE", "SPACY", "IS_SPACE"]
rows = [5000, 1000, 2500, 2500, 50, 50]
include_static_vectors = false

[model.create_instance_tensor.tok2vec.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = 96
depth = 4
window_size = 1
maxout_pieces = 3
"""
_HEAD = """
[model]
@architectures = "news.rel_model.v1"

[model.create_instance_tensor]
@architectures = "news.rel_instance_tensor.v1"

[model.create_instance_tensor.pair_features]
@architectures = "news.rel_pair_features.v1"
width = 64
rows = 8192

[model.classification_layer]
@architectures = "news.rel_classification_layer.v1"
hidden_width = 128
dropout = 0.2
"""
DEFAULT_RELATION_MODEL = Config().from_str(_HEAD + _TOK2VEC + """
[model.create_instance_tensor.get_instances]
@misc = "news.rel_instance_generator.v1"
max_length = 20
max_sentences = 0
""")["model"]
DEFAULT_ARGUMENT_MODEL = Config().from_str(_HEAD + _TOK2VEC + """
[model.create_instance_tensor.get_instances]
@misc = "news.event_argument_instance_generator.v1"
max_length = 60
max_sentences = 1
""")["model"]


def _sigmoid(x):
    return 1.0 / (1.0 + numpy.exp(-numpy.clip(x, -30.0, 30.0)))


class PairClassifier(TrainablePipe):
    """What both linkers share: instances, sigmoid loss, calibration, threshold, labels."""

    def __init__(self, vocab: Vocab, model: Model, name: str, *, threshold: float = 0.5,
                 positive_weight: float = 1.0):
        self.vocab = vocab
        self.model = model
        self.name = name
        # Trained state that travels with the model: labels, the dev-chosen threshold, Platt (a, b) per label.
        self.cfg = {"labels": [], "threshold": threshold, "calibration": {}, "positive_weight": positive_weight}

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.cfg["labels"])

    @property
    def threshold(self) -> float:
        return self.cfg["threshold"]

    def add_label(self, label: str) -> int:
        if label in self.labels:
            return 0
        self.cfg["labels"] = [*self.labels, label]
        return 1

    def instances(self, doc: Doc) -> list[Instance]:
        return self.model.attrs["get_instances"](doc)

    def predict(self, docs: Iterable[Doc]) -> Floats2d:
        """Label logits, one row per instance of the batch."""
        docs = list(docs)
        if not any(self.instances(doc) for doc in docs):
            return self.model.ops.alloc2f(0, len(self.labels))
        return self.model.predict(docs)

    def calibrated(self, logits: Floats2d) -> numpy.ndarray:
        """Calibrated probabilities: per label sigmoid(a * logit + b); a = 1, b = 0 before calibration."""
        logits = self.model.ops.to_numpy(logits)
        a = numpy.asarray([self.cfg["calibration"].get(label, (1.0, 0.0))[0] for label in self.labels], dtype="f")
        b = numpy.asarray([self.cfg["calibration"].get(label, (1.0, 0.0))[1] for label in self.labels], dtype="f")
        return _sigmoid(logits * a + b)

    def set_annotations(self, docs: Iterable[Doc], logits: Floats2d) -> None:
        probabilities = self.calibrated(logits)
        row = 0
        for doc in docs:
            instances = self.instances(doc)
            self.annotate(doc, instances, probabilities[row:row + len(instances)])
            row += len(instances)

    def annotate(self, doc: Doc, instances: list[Instance], probabilities: numpy.ndarray) -> None:
        raise NotImplementedError

    def gold_labels(self, example: Example) -> dict[tuple, set[str]]:
        """Gold labels keyed like ``instance_key`` on the predicted Doc."""
        raise NotImplementedError

    def link_outcomes(self, example: Example) -> list[tuple[float, bool]]:
        """(confidence, whether some gold link matches it) for each link this component set."""
        raise NotImplementedError

    @staticmethod
    def instance_key(instance: Instance) -> tuple:
        head, tail = instance
        return head.start_char, head.end_char, tail.start_char, tail.end_char

    def truths(self, examples: Iterable[Example]) -> Floats2d:
        rows = []
        index = {label: j for j, label in enumerate(self.labels)}
        for example in examples:
            gold = self.gold_labels(example)
            for instance in self.instances(example.predicted):
                row = numpy.zeros(len(self.labels), dtype="f")
                for label in gold.get(self.instance_key(instance), ()):
                    if label in index:
                        row[index[label]] = 1.0
                rows.append(row)
        array = numpy.vstack(rows) if rows else numpy.zeros((0, len(self.labels)), dtype="f")
        return self.model.ops.asarray2f(array)

    def update(self, examples: Iterable[Example], *, drop: float = 0.0, sgd: Optional[Optimizer] = None,
               losses: Optional[dict[str, float]] = None) -> dict[str, float]:
        losses = {} if losses is None else losses
        losses.setdefault(self.name, 0.0)
        examples = list(examples)
        if not any(self.instances(eg.predicted) for eg in examples):
            return losses
        set_dropout_rate(self.model, drop)
        logits, backprop = self.model.begin_update([eg.predicted for eg in examples])
        loss, gradient = self.get_loss(examples, logits)
        backprop(gradient)
        if sgd is not None:
            self.model.finish_update(sgd)
        losses[self.name] += loss
        return losses

    def get_loss(self, examples: Iterable[Example], logits: Floats2d) -> tuple[float, Floats2d]:
        """Binary cross-entropy per label, on the logits; positives weighted by ``positive_weight``."""
        truths = self.truths(examples)
        ops = self.model.ops
        probabilities = ops.sigmoid(logits)
        weights = 1.0 + (self.cfg["positive_weight"] - 1.0) * truths
        n = max(1, logits.shape[0])
        gradient = weights * (probabilities - truths) / n
        eps = 1e-7
        loss = -(weights * (truths * ops.xp.log(probabilities + eps)
                            + (1 - truths) * ops.xp.log(1 - probabilities + eps))).sum() / n
        return float(loss), gradient

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Optional[Language] = None,
                   labels: Optional[list[str]] = None, tok2vec_from: Optional[str] = None) -> None:
        """Labels from ``labels`` or the gold data; ``tok2vec_from`` names an installed pipeline whose
        ``tok2vec`` weights start the embedded token encoder (it must have the same architecture)."""
        for label in labels if labels is not None else self.default_labels:
            self.add_label(label)
        sample = list(islice(get_examples(), 10))
        self.model.initialize(X=[eg.predicted for eg in sample], Y=self.truths(sample))
        if tok2vec_from:
            source = spacy.load(tok2vec_from, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "ner",
                                                       "senter"])
            encoder = self.model.get_ref("instance_tensor").get_ref("tok2vec")
            encoder.from_bytes(source.get_pipe("tok2vec").model.to_bytes())

    default_labels: tuple[str, ...] = ()


def _prf(score: PRFScore, prefix: str, per_label: dict[str, PRFScore]) -> dict:
    return {f"{prefix}_p": score.precision, f"{prefix}_r": score.recall, f"{prefix}_f": score.fscore,
            f"{prefix}_per_type": {k: v.to_dict() for k, v in sorted(per_label.items())}}


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _count(gold: list[tuple], predicted: list[tuple], score: PRFScore, same) -> None:
    """Greedy one-to-one matching in document order, as the project's scorer matches."""
    used = set()
    for g in gold:
        match = next((j for j, p in enumerate(predicted) if j not in used and same(g, p)), None)
        if match is None:
            score.fn += 1
        else:
            used.add(match)
            score.tp += 1
    score.fp += len(predicted) - len(used)


def _aligned(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Gold character offsets snapped to the Doc's tokens, as the reader snapped the gold entities."""
    span = doc.char_span(start, end, alignment_mode="expand")
    return (span.start_char, span.end_char) if span is not None else (start, end)


def with_new_links(kept: list[RelationMention], found: Iterable[RelationMention]) -> list[RelationMention]:
    """The relations an earlier stage set, then each one found that they do not have. A pair they link keeps its
    label: it is not also two sides, or a member of its alias ("ISIL, also known as DAESH" fighting DAESH), as
    one label per pair decodes the linker's own; the other direction of the same label may still be added."""
    def ends(r: RelationMention) -> tuple[tuple[int, int], tuple[int, int]]:
        return (r.head.start, r.head.end), (r.tail.start, r.tail.end)

    label_of = {frozenset(ends(r)): r.label for r in kept}
    seen = {(*ends(r), r.label) for r in kept}
    relations = list(kept)
    for mention in found:
        if label_of.get(frozenset(ends(mention)), mention.label) == mention.label \
                and (*ends(mention), mention.label) not in seen:
            relations.append(mention)
            seen.add((*ends(mention), mention.label))
    return relations


class RelationLinker(PairClassifier):
    default_labels = RELATION_LABELS

    def __init__(self, vocab: Vocab, model: Model, name: str, *, threshold: float = 0.5,
                 positive_weight: float = 1.0, one_label_per_pair: bool = True, keep_existing: bool = False):
        super().__init__(vocab, model, name, threshold=threshold, positive_weight=positive_weight)
        self.one_label_per_pair = one_label_per_pair
        self.keep_existing = keep_existing

    def gold_labels(self, example: Example) -> dict[tuple, set[str]]:
        gold: dict[tuple, set[str]] = {}
        for label, hs, he, ts, te in example.reference.user_data.get("relations", ()):
            key = (*_aligned(example.predicted, hs, he), *_aligned(example.predicted, ts, te))
            gold.setdefault(key, set()).add(label)
        return gold

    def annotate(self, doc: Doc, instances: list[Instance], probabilities: numpy.ndarray) -> None:
        candidates = [RelationMention(head, tail, self.labels[j], round(float(row[j]), 4))
                      for (head, tail), row in zip(instances, probabilities)
                      for j in numpy.flatnonzero(row >= self.threshold)]
        # The items of one list are different people or groups: read as aliases, they are the commas of the list.
        candidates = [m for m in candidates if m.label != "ALIAS_OF" or not listed_together(m.head, m.tail)]
        if self.one_label_per_pair:
            # A pair of mentions gets its likeliest label only, in each direction that passes the
            # threshold (an alias and its full name may be linked both ways, a member and its group not).
            best: dict[tuple[int, int], RelationMention] = {}
            for mention in candidates:
                key = (min(mention.head.start, mention.tail.start), max(mention.head.start, mention.tail.start))
                if key not in best or best[key].confidence < mention.confidence:
                    best[key] = mention
            candidates = [m for m in candidates if m.label == best[(min(m.head.start, m.tail.start),
                                                                    max(m.head.start, m.tail.start))].label]
        found = {(m.head.start, m.tail.start, m.label): m for m in candidates}
        kept = self._kept(doc, instances, probabilities) if self.keep_existing else []
        doc._.relations = with_new_links(kept, sorted(found.values(), key=lambda m: (m.head.start, m.tail.start,
                                                                                    m.label)))

    def _kept(self, doc: Doc, instances: list[Instance], probabilities: numpy.ndarray) -> list[RelationMention]:
        """The relations an earlier stage set (the rules'), each with this model's calibrated
        probability of its label for its pair as confidence where the pair is a candidate."""
        by_pair = {(h.start, h.end, t.start, t.end): row for (h, t), row in zip(instances, probabilities)}
        index = {label: j for j, label in enumerate(self.labels)}
        kept = []
        for r in doc._.relations or ():
            row = by_pair.get((r.head.start, r.head.end, r.tail.start, r.tail.end))
            if row is not None and r.label in index:
                r = RelationMention(r.head, r.tail, r.label, round(float(row[index[r.label]]), 4))
            kept.append(r)
        return kept

    @staticmethod
    def _gold_and_predicted(example: Example) -> tuple[list[tuple], list[tuple]]:
        gold = [(label, _aligned(example.predicted, hs, he), _aligned(example.predicted, ts, te))
                for label, hs, he, ts, te in example.reference.user_data.get("relations", ())]
        predicted = [(r.label, (r.head.start_char, r.head.end_char), (r.tail.start_char, r.tail.end_char))
                     for r in example.predicted._.relations or ()]
        return gold, predicted

    def link_outcomes(self, example: Example) -> list[tuple[float, bool]]:
        gold, predicted = self._gold_and_predicted(example)
        return [(r.confidence, any(g[0] == p[0] and _overlaps(g[1], p[1]) and _overlaps(g[2], p[2]) for g in gold))
                for r, p in zip(example.predicted._.relations or (), predicted)]

    def score(self, examples: Iterable[Example], **kwargs) -> dict:
        total, per_label = PRFScore(), {}
        for example in examples:
            gold, predicted = self._gold_and_predicted(example)
            for label in {g[0] for g in gold} | {p[0] for p in predicted}:
                counts = per_label.setdefault(label, PRFScore())
                before = (counts.tp, counts.fp, counts.fn)
                _count([g for g in gold if g[0] == label], [p for p in predicted if p[0] == label], counts,
                       lambda g, p: _overlaps(g[1], p[1]) and _overlaps(g[2], p[2]))
                total.tp += counts.tp - before[0]
                total.fp += counts.fp - before[1]
                total.fn += counts.fn - before[2]
        return _prf(total, "relations", per_label)


@dataclass
class LinkedArgument(EventArgument):
    """An argument the linker added, with its calibrated confidence."""

    confidence: float = 1.0


def role_of(name: str) -> str:
    """brat's numbered repeats of a role ("victim2") are the role."""
    return re.sub(r"\d+$", "", name)


class EventArgumentLinker(PairClassifier):
    default_labels = ARGUMENT_ROLES

    def __init__(self, vocab: Vocab, model: Model, name: str, *, threshold: float = 0.5,
                 positive_weight: float = 1.0, keep_existing: bool = True):
        super().__init__(vocab, model, name, threshold=threshold, positive_weight=positive_weight)
        self.keep_existing = keep_existing

    def gold_labels(self, example: Example) -> dict[tuple, set[str]]:
        gold: dict[tuple, set[str]] = {}
        doc = example.predicted
        for event in example.reference.user_data.get("events", ()):
            triggers = [_aligned(doc, *event["trigger"]), *(_aligned(doc, *m) for m in event["mentions"])]
            for role, start, end in event["arguments"]:
                for trigger in triggers:
                    gold.setdefault((*trigger, *_aligned(doc, start, end)), set()).add(role_of(role))
        return gold

    def annotate(self, doc: Doc, instances: list[Instance], probabilities: numpy.ndarray) -> None:
        if doc._.events is None:  # a training Doc: its gold events, to be given arguments
            doc._.events = events_from_triggers(doc)
        events = doc._.events
        event_of = {(t.start, t.end): k for k, t in reversed(event_triggers(doc))}
        # Per event and entity: the likeliest role over all the event's triggers.
        best: dict[tuple[int, int, int], tuple[float, str, Span]] = {}
        for (trigger, span), row in zip(instances, probabilities):
            j = int(numpy.argmax(row))
            key = (event_of[(trigger.start, trigger.end)], span.start, span.end)
            if row[j] >= self.threshold and (key not in best or best[key][0] < row[j]):
                best[key] = (float(row[j]), self.labels[j], span)
        for k, event in enumerate(events):
            if not self.keep_existing:
                event.arguments = []
            linked = {(a.span.start, a.span.end) for a in event.arguments}
            for (event_number, start, end), (confidence, role, span) in sorted(best.items()):
                if event_number == k and (start, end) not in linked:
                    event.arguments.append(LinkedArgument(role, span, "linker", round(confidence, 4)))
                    linked.add((start, end))

    @staticmethod
    def _gold_and_predicted(example: Example) -> tuple[list[tuple], list[tuple]]:
        doc = example.predicted
        # Events are known by their main trigger: on gold-mention Docs the events are the gold ones.
        gold = [(_aligned(doc, *event["trigger"]), role_of(role), _aligned(doc, s, e))
                for event in example.reference.user_data.get("events", ()) for role, s, e in event["arguments"]]
        predicted = [((event.trigger.start_char, event.trigger.end_char), a.role, (a.span.start_char, a.span.end_char))
                     for event in doc._.events or () for a in event.arguments]
        return gold, predicted

    def link_outcomes(self, example: Example) -> list[tuple[float, bool]]:
        gold, predicted = self._gold_and_predicted(example)
        arguments = [a for event in example.predicted._.events or () for a in event.arguments]
        return [(a.confidence, any(g[0] == p[0] and g[1] == p[1] and _overlaps(g[2], p[2]) for g in gold))
                for a, p in zip(arguments, predicted) if isinstance(a, LinkedArgument)]

    def score(self, examples: Iterable[Example], **kwargs) -> dict:
        """Arguments of the gold events (the reader's triggers): event, role and overlapping span."""
        total, per_label = PRFScore(), {}
        for example in examples:
            gold, predicted = self._gold_and_predicted(example)
            for role in {g[1] for g in gold} | {p[1] for p in predicted}:
                counts = per_label.setdefault(role, PRFScore())
                before = (counts.tp, counts.fp, counts.fn)
                _count([g for g in gold if g[1] == role], [p for p in predicted if p[1] == role], counts,
                       lambda g, p: g[0] == p[0] and _overlaps(g[2], p[2]))
                total.tp += counts.tp - before[0]
                total.fp += counts.fp - before[1]
                total.fn += counts.fn - before[2]
        return _prf(total, "event_arguments", per_label)


@Language.factory(
    "news_relation_linker",
    requires=["doc.ents", "doc.spans"],
    assigns=["doc._.relations"],
    default_config={"model": DEFAULT_RELATION_MODEL, "threshold": 0.5, "positive_weight": 1.0,
                    "one_label_per_pair": True, "keep_existing": False},
    default_score_weights={"relations_f": 1.0, "relations_p": 0.0, "relations_r": 0.0, "relations_per_type": None},
)
def make_relation_linker(nlp: Language, name: str, model: Model, threshold: float, positive_weight: float,
                         one_label_per_pair: bool, keep_existing: bool) -> RelationLinker:
    return RelationLinker(nlp.vocab, model, name, threshold=threshold, positive_weight=positive_weight,
                          one_label_per_pair=one_label_per_pair, keep_existing=keep_existing)


@Language.factory(
    "news_event_argument_linker",
    requires=["doc.ents", "doc.spans", "doc._.events"],
    assigns=["doc._.events"],
    default_config={"model": DEFAULT_ARGUMENT_MODEL, "threshold": 0.5, "positive_weight": 1.0,
                    "keep_existing": True},
    default_score_weights={"event_arguments_f": 1.0, "event_arguments_p": 0.0, "event_arguments_r": 0.0,
                           "event_arguments_per_type": None},
)
def make_event_argument_linker(nlp: Language, name: str, model: Model, threshold: float,
                               positive_weight: float, keep_existing: bool) -> EventArgumentLinker:
    return EventArgumentLinker(nlp.vocab, model, name, threshold=threshold, positive_weight=positive_weight,
                               keep_existing=keep_existing)


def gold_triggers(doc: Doc, events: Iterable[dict]) -> list[Span]:
    """The triggers of gold events (``user_data["events"]``) as spans of ``doc``, each with its event's
    number as id, for ``doc.spans["event_triggers"]``."""
    spans = []
    for k, event in enumerate(events):
        for start, end in [event["trigger"], *event["mentions"]]:
            span = doc.char_span(start, end, label=event["type"], alignment_mode="expand")
            if span is not None:
                spans.append(Span(doc, span.start, span.end, label=event["type"], span_id=str(k)))
    return spans


def events_from_triggers(doc: Doc) -> list[EventMention]:
    """EventMentions (without arguments) from the gold triggers of a training Doc, in event order."""
    by_event: dict[int, list[Span]] = {}
    for span in doc.spans.get(TRIGGERS_KEY, ()):
        by_event.setdefault(int(span.id_), []).append(span)
    return [EventMention(type=spans[0].label_, trigger=spans[0], sentence=_sentence(spans[0]),
                         extra_triggers=spans[1:]) for _, spans in sorted(by_event.items())]


def _sentence(span: Span) -> Span:
    doc = span.doc
    return span.sent if doc.has_annotation("SENT_START") or doc.has_annotation("DEP") else doc[:]
