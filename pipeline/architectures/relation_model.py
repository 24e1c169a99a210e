"""Thinc models of the trained pair classifiers (``pipeline/components/relation_model.py``).

After spaCy's relation-extraction tutorial (explosion/projects, tutorials/rel_component): a generator
named in the config lists the candidate pairs ("instances") of a Doc, each pair becomes one row, and a
classification layer gives one logit per label; the component applies the sigmoid, the calibration and
the threshold. The same machinery links two kinds of pairs:

- entity -> entity, for the actor relations (``news.rel_instance_generator.v1``);
- event trigger -> entity, for event arguments, the role as the label
  (``news.event_argument_instance_generator.v1``).

A pair's row is the mean token vector of its head span, of its tail span and of the words between
them, next to a sum of hashed sparse features of the pair (``pair_features``: the labels, order and
distance, the words between, the dependency path). With a few hundred gold relations the sparse
features carry most of the signal; the token vectors generalise across names and wordings.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from typing import Callable, Iterable, List, Optional, Sequence, Tuple

import numpy
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span
from spacy.util import registry
from thinc.api import HashEmbed, Linear, Maxout, Model, chain, reduce_sum, with_array
from thinc.types import Floats2d, Ragged

from ..components.actors import ACTORS_KEY
from ..components.events import EVENTS_KEY

Instance = Tuple[Span, Span]
InstanceGenerator = Callable[[Doc], List[Instance]]
ACTOR_LABELS = ("PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "ACTOR")
ARGUMENT_LABELS = ("PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "ACTOR", "DATE", "TIME", "WEAPON", "PRODUCT")
# Gold triggers in training Docs, which carry no ``doc._.events`` (a Doc's user data must survive
# ``Doc.copy``, and EventMention holds Spans): one span per trigger, the gold event's number as its id.
TRIGGERS_KEY = "event_triggers"
GAP_BUCKETS = (0, 1, 2, 3, 5, 8, 12, 20, 30)
MAX_PATH = 6  # dependency paths longer than this are a bucket, not a feature of their own


@registry.architectures("news.rel_model.v1")
def build_relation_model(create_instance_tensor: Model[List[Doc], Floats2d],
                         classification_layer: Model[Floats2d, Floats2d]) -> Model[List[Doc], Floats2d]:
    """Docs -> one row of label logits per candidate pair, in ``model.attrs["get_instances"]`` order."""
    model = chain(create_instance_tensor, classification_layer)
    model.attrs["get_instances"] = create_instance_tensor.attrs["get_instances"]
    model.set_ref("instance_tensor", create_instance_tensor)
    return model


@registry.architectures("news.rel_classification_layer.v1")
def build_classification_layer(hidden_width: int = 128, dropout: float = 0.2, nO: Optional[int] = None,
                               nI: Optional[int] = None) -> Model[Floats2d, Floats2d]:
    """A Maxout hidden layer, then one logit per label (no sigmoid: the loss and calibration want logits)."""
    return chain(Maxout(nO=hidden_width, nI=nI, nP=2, dropout=dropout, normalize=True), Linear(nO=nO))


@registry.architectures("news.rel_instance_tensor.v1")
def build_instance_tensor(tok2vec: Model[List[Doc], List[Floats2d]],
                          pair_features: Model[Tuple[List[Doc], List[List[Instance]]], Floats2d],
                          get_instances: InstanceGenerator) -> Model[List[Doc], Floats2d]:
    return Model("rel_instance_tensor", _instance_forward, init=_instance_init, layers=[tok2vec, pair_features],
                 refs={"tok2vec": tok2vec, "pair_features": pair_features}, attrs={"get_instances": get_instances},
                 dims={"nO": None})


def _instance_init(model: Model, X: Optional[List[Doc]] = None, Y=None) -> None:
    tok2vec, features = model.get_ref("tok2vec"), model.get_ref("pair_features")
    if X is not None:
        tok2vec.initialize(X=X)
        features.initialize(X=(X, [model.attrs["get_instances"](doc) for doc in X]))
    model.set_dim("nO", 3 * tok2vec.get_dim("nO") + features.get_dim("nO"))


def _instance_forward(model: Model, docs: List[Doc], is_train: bool):
    tok2vec, features = model.get_ref("tok2vec"), model.get_ref("pair_features")
    ops = model.ops
    instances = [model.attrs["get_instances"](doc) for doc in docs]
    tokvecs, backprop_tokvecs = tok2vec(docs, is_train)
    feature_rows, backprop_features = features((docs, instances), is_train)
    width = tok2vec.get_dim("nO")
    doc_offsets = numpy.cumsum([0] + [len(doc) for doc in docs])
    # For each pool (head, tail, between): which flat token rows go to which instance.
    pools = [_pool_index(instances, doc_offsets, part) for part in ("head", "tail", "between")]
    n_instances = sum(len(i) for i in instances)
    flat = ops.flatten(tokvecs) if sum(len(doc) for doc in docs) else ops.alloc2f(0, width)
    pooled = []
    for rows, owners, counts in pools:
        summed = ops.alloc2f(n_instances, width)
        if len(rows):
            ops.scatter_add(summed, ops.asarray1i(owners), flat[ops.asarray1i(rows)])
        pooled.append(summed / ops.asarray2f(counts.reshape(-1, 1)))
    output = ops.xp.hstack([*pooled, feature_rows]) if n_instances else ops.alloc2f(0, model.get_dim("nO"))

    def backprop(d_output: Floats2d) -> List[Doc]:
        d_flat = ops.alloc2f(*flat.shape)
        for k, (rows, owners, counts) in enumerate(pools):
            d_pool = d_output[:, k * width:(k + 1) * width] / ops.asarray2f(counts.reshape(-1, 1))
            if len(rows):
                ops.scatter_add(d_flat, ops.asarray1i(rows), d_pool[ops.asarray1i(owners)])
        backprop_features(ops.xp.ascontiguousarray(d_output[:, 3 * width:]))
        lengths = ops.asarray1i([len(doc) for doc in docs])
        backprop_tokvecs(ops.unflatten(d_flat, lengths) if len(flat) else [ops.alloc2f(0, width) for _ in docs])
        return docs

    return output, backprop


def _pool_index(instances: List[List[Instance]], doc_offsets, part: str):
    """Flat token rows, their instance numbers, and each instance's token count (at least 1, so that
    an empty pool, no words between, is a zero vector)."""
    rows: list[int] = []
    owners: list[int] = []
    counts: list[int] = []
    number = 0
    for doc_instances, offset in zip(instances, doc_offsets):
        for head, tail in doc_instances:
            if part == "head":
                start, end = head.start, head.end
            elif part == "tail":
                start, end = tail.start, tail.end
            else:
                start, end = min(head.end, tail.end), max(head.start, tail.start)
            tokens = range(offset + start, offset + max(start, end))
            rows.extend(tokens)
            owners.extend([number] * len(tokens))
            counts.append(max(1, len(tokens)))
            number += 1
    return (numpy.asarray(rows, dtype="int32"), numpy.asarray(owners, dtype="int32"),
            numpy.asarray(counts, dtype="float32"))


@registry.architectures("news.doc_tensor.v1")
def build_doc_tensor(width: int = 96) -> Model[List[Doc], List[Floats2d]]:
    """The token vectors an upstream tok2vec left in ``doc.tensor`` (in our pipeline the base model's),
    read, not updated: a few hundred relations are too few to train a token encoder from scratch."""
    return Model("doc_tensor", _doc_tensor_forward, dims={"nO": width})


def _doc_tensor_forward(model: Model, docs: List[Doc], is_train: bool):
    width = model.get_dim("nO")
    for doc in docs:
        if doc.tensor.shape != (len(doc), width):
            raise ValueError(f"news.doc_tensor.v1 needs doc.tensor of width {width} from an upstream tok2vec; "
                             f"found shape {doc.tensor.shape}")
    return [model.ops.asarray2f(doc.tensor) for doc in docs], lambda d_tokvecs: []


@registry.architectures("news.rel_pair_features.v1")
def build_pair_features(width: int = 64, rows: int = 20000, seed: int = 7) -> Model:
    """(docs, instances) -> the sum of the hashed embeddings of each pair's sparse features."""
    return chain(Model("pair_feature_ids", _feature_ids_forward),
                 with_array(HashEmbed(nO=width, nV=rows, seed=seed)), reduce_sum())


def _feature_ids_forward(model: Model, inputs: Tuple[List[Doc], List[List[Instance]]], is_train: bool):
    docs, instances = inputs
    ids: list[int] = []
    lengths: list[int] = []
    for doc, doc_instances in zip(docs, instances):
        context = PairContext(doc)
        for head, tail in doc_instances:
            names = pair_features(context, head, tail)
            ids.extend(get_string_id(name) for name in names)
            lengths.append(len(names))
    ragged = Ragged(model.ops.asarray(numpy.asarray(ids, dtype="uint64")),
                    model.ops.asarray1i(numpy.asarray(lengths, dtype="int32")))
    return ragged, lambda d_ragged: inputs


class PairContext:
    """What the features of every pair in one Doc share: sentence numbers and whether it is parsed."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.parsed = doc.has_annotation("DEP")
        self.sentence_of = sentence_numbers(doc)
        self._ent_starts = [e.start for e in doc.ents]
        self._ent_ends = [e.end for e in doc.ents]

    def entities_between(self, first: Span, second: Span) -> int:
        # doc.ents are sorted and do not overlap, so both bounds are bisections.
        return max(0, bisect_right(self._ent_ends, second.start) - bisect_left(self._ent_starts, first.end))


def sentence_numbers(doc: Doc) -> list[int]:
    """The sentence number of every token; one sentence when the Doc has no sentence boundaries."""
    if not (doc.has_annotation("SENT_START") or doc.has_annotation("DEP")):
        return [0] * len(doc)
    numbers, current = [], -1
    for token in doc:
        current += 1 if token.is_sent_start or token.i == 0 else 0
        numbers.append(current)
    return numbers


def pair_features(context: PairContext, head: Span, tail: Span) -> list[str]:
    """Names of the sparse features of an ordered pair; every name says which side it describes."""
    doc = context.doc
    order = "HT" if head.start <= tail.start else "TH"
    first, second = (head, tail) if order == "HT" else (tail, head)
    gap = max(0, second.start - first.end)
    between = doc[first.end:second.start] if gap else doc[0:0]
    labels = f"{head.label_}|{tail.label_}|{order}"
    names = [f"hl={head.label_}", f"tl={tail.label_}", f"lp={labels}", f"gap={labels}|{_bucket(gap)}",
             f"sd={min(3, abs(context.sentence_of[head.start] - context.sentence_of[tail.start]))}|{order}",
             f"hw={head.root.lower_}", f"tw={tail.root.lower_}", f"hlem={head.root.lemma_.lower()}",
             f"tlem={tail.root.lemma_.lower()}"]
    if gap <= 4:
        names.append(f"bws={order}|{between.text.lower()}")
        names.append(f"bwsl={labels}|{between.text.lower()}")
    names.extend(f"bw={order}|{token.lower_}" for token in between[:12])
    names.extend(f"bwe={order}|{token.lower_}" for token in between[-4:])
    names.append(f"ne={order}|{min(3, context.entities_between(first, second))}")
    names.extend(_edge_words(doc, first, second, "H" if order == "HT" else "T", "T" if order == "HT" else "H"))
    names.extend(_name_match(head, tail))
    if context.parsed:
        names.extend(_path_features(head, tail))
    return names


def _bucket(gap: int) -> int:
    return max(b for b in GAP_BUCKETS if b <= gap)


def _edge_words(doc: Doc, first: Span, second: Span, first_side: str, second_side: str) -> list[str]:
    names = []
    if first.start > 0:
        names.append(f"pre{first_side}={doc[first.start - 1].lower_}")
    if second.end < len(doc):
        names.append(f"post{second_side}={doc[second.end].lower_}")
    if first.start > 0 and second.end < len(doc) and doc[first.start - 1].text == "(" and doc[second.end].text == ")":
        names.append("both_in_parens")
    if second.start > 0 and doc[second.start - 1].text == "(" and second.end < len(doc) \
            and doc[second.end].text == ")":
        names.append(f"second_in_parens={second_side}")
    # Lists ("JOHN OWEN, DAVE TOMKINS, R. PAXTON") are not appositions: is either side one of several
    # mentions of its label joined by commas or "and"?
    if _listed(doc, first.start - 2, first.label_) or _listed(doc, first.start - 3, first.label_):
        names.append(f"list_before={first_side}")
    if _listed(doc, second.end + 1, second.label_) or _listed(doc, second.end + 2, second.label_):
        names.append(f"list_after={second_side}")
    return names


def _listed(doc: Doc, i: int, label: str) -> bool:
    """Whether token ``i`` is in an entity of ``label`` next to a comma or "and"."""
    if not 0 <= i < len(doc) or doc[i].ent_type_ != label:
        return False
    return any(0 <= j < len(doc) and doc[j].lower_ in {",", "and", ";"} for j in (i - 1, i + 1))


def _name_match(head: Span, tail: Span) -> list[str]:
    """Alias cues: an acronym of the other name, one name inside the other, the same last word."""
    names = []
    a, b = head.text.lower(), tail.text.lower()
    if a == b:
        names.append("same_text")
    elif a in b or b in a:
        names.append("text_inside")
    for short, long_, side in ((head, tail, "H"), (tail, head, "T")):
        if _is_acronym_of(short.text, long_.text):
            names.append(f"acronym={side}")
    if head[-1].lower_ == tail[-1].lower_:
        names.append("same_last_word")
    return names


def _is_acronym_of(short: str, long_: str) -> bool:
    """Whether the capitals of ``short`` are initials of ``long_``'s words, in any order (acronyms
    often come from another language: FARC, "Revolutionary Armed Forces of Colombia")."""
    letters = short.replace(".", "")
    words = long_.split()
    if not (2 <= len(letters) <= len(words) and letters.isalpha() and letters.isupper()):
        return False
    initials = Counter(w[0].upper() for w in words)
    return not Counter(letters) - initials


def _path_features(head: Span, tail: Span) -> list[str]:
    """The dependency path from the head's root to the tail's root through their lowest common
    ancestor: the labels going up and down, and the ancestor's lemma."""
    up = [head.root, *head.root.ancestors]
    down = [tail.root, *tail.root.ancestors]
    down_ids = {t.i: k for k, t in enumerate(down)}
    for k, token in enumerate(up):
        if token.i in down_ids:
            common, up_path, down_path = token, up[:k], down[:down_ids[token.i]]
            break
    else:
        return ["path=none"]  # different sentences
    length = len(up_path) + len(down_path)
    deps = "^".join(t.dep_ for t in up_path) + "|" + "v".join(t.dep_ for t in reversed(down_path))
    names = [f"plen={min(length, MAX_PATH + 1)}", f"lca={common.lemma_.lower()}",
             f"lcapos={common.pos_}|{head.label_}|{tail.label_}"]
    if length <= MAX_PATH:
        names.append(f"path={deps}")
        names.append(f"pathlem={deps}|{common.lemma_.lower()}")
        names.extend(f"pw={t.lemma_.lower()}" for t in (*up_path[1:], *down_path[1:]))
    return names


def candidate_spans(doc: Doc, labels: Sequence[str], span_groups: Sequence[str] = (ACTORS_KEY,)) -> list[Span]:
    """The entities and the spans of ``span_groups`` with one of ``labels``, in document order, each once."""
    found: dict[tuple[int, int], Span] = {}
    spans: Iterable[Span] = list(doc.ents) + [s for g in span_groups if g in doc.spans for s in doc.spans[g]]
    for span in spans:
        if span.label_ in labels and (span.start, span.end) not in found:
            found[(span.start, span.end)] = span
    return sorted(found.values(), key=lambda s: (s.start, s.end))


@registry.misc("news.rel_instance_generator.v1")
def build_entity_pair_generator(max_length: int = 40, max_sentences: int = 1,
                                labels: Sequence[str] = ACTOR_LABELS) -> InstanceGenerator:
    """Ordered pairs of candidate entities at most ``max_length`` tokens and ``max_sentences`` sentences
    apart; both orders, as relations have a direction (the member, the leader, the located thing first)."""

    def get_instances(doc: Doc) -> List[Instance]:
        spans = candidate_spans(doc, labels)
        sentence_of = sentence_numbers(doc)
        instances = []
        for i, first in enumerate(spans):
            for second in spans[i + 1:]:
                if second.start - first.end > max_length:
                    break
                if second.start < first.end:  # nested or overlapping mentions of one thing
                    continue
                if sentence_of[second.start] - sentence_of[first.start] > max_sentences:
                    continue
                instances.append((first, second))
                instances.append((second, first))
        return instances

    return get_instances


def event_triggers(doc: Doc) -> list[tuple[int, Span]]:
    """(event number, trigger) for every trigger of every event: from ``doc._.events`` when an events
    stage ran, else from the gold triggers of a training Doc (``doc.spans["event_triggers"]``)."""
    events = getattr(doc._, EVENTS_KEY)
    if events is not None:
        return [(k, trigger) for k, event in enumerate(events) for trigger in (event.trigger, *event.extra_triggers)]
    return [(int(span.id_), span) for span in doc.spans.get(TRIGGERS_KEY, ())]


@registry.misc("news.event_argument_instance_generator.v1")
def build_event_argument_generator(max_length: int = 60, max_sentences: int = 1,
                                   labels: Sequence[str] = ARGUMENT_LABELS) -> InstanceGenerator:
    """(trigger, entity) pairs for every trigger of every event and every candidate entity at most
    ``max_sentences`` sentences and ``max_length`` tokens away, so that an argument in the next sentence
    can be linked."""

    def get_instances(doc: Doc) -> List[Instance]:
        spans = candidate_spans(doc, labels)
        sentence_of = sentence_numbers(doc)
        instances = []
        for _, trigger in event_triggers(doc):
            for span in spans:
                if span.start < trigger.end and trigger.start < span.end:
                    continue
                distance = max(span.start - trigger.end, trigger.start - span.end)
                if distance <= max_length and abs(sentence_of[span.start] - sentence_of[trigger.start]) <= max_sentences:
                    instances.append((trigger, span))
        return instances

    return get_instances
