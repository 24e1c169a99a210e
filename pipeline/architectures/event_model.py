"""Thinc models of the trained event extractor (``pipeline/components/event_model.py``).

``news.event_model.v1`` puts three heads on one token encoder:

- role tags: a BIO tag per token over the five role-filler roles (perpetrator, perpetrator_org, target,
  victim, weapon), softmax;
- filler types: per token, which incident types the filler it belongs to takes part in (independent
  sigmoids, one per type; a filler can belong to a bombing and an attack);
- document types: which incident types the document reports at all (sigmoids over a mean- and
  max-pooled document vector); a document with none gets no events.

The encoder is any ``Model[List[Doc], List[Floats2d]]``: a CNN (``spacy.Tok2Vec.v2`` over
``news.CaseInsensitiveEmbed.v1``) or a transformer (``spacy-transformers.Tok2VecTransformer.v3``),
embedded in this model rather than listening to a shared one, so that the component can be sourced
into another pipeline on its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

from spacy.attrs import LOWER
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import HashEmbed, Linear, Maxout, Model, chain, concatenate, with_array
from thinc.types import Floats2d, Ints2d

ROLES = ("perpetrator", "perpetrator_org", "target", "victim", "weapon")
EVENT_TYPES = ("ATTACK", "BOMBING", "KIDNAPPING", "ARSON", "ROBBERY", "FORCED_WORK_STOPPAGE")
# Tag 0 is O; role k has B = 1 + 2k and I = 2 + 2k.
ROLE_TAGS = ("O",) + tuple(f"{prefix}-{role}" for role in ROLES for prefix in ("B", "I"))


@dataclass
class EventScores:
    """What the model outputs for a batch (logits; the component applies softmax and sigmoid), and
    the shape of the gradient it takes back."""

    role_logits: Floats2d  # (tokens in batch, len(ROLE_TAGS))
    type_logits: Floats2d  # (tokens in batch, len(EVENT_TYPES))
    doc_logits: Floats2d  # (docs in batch, len(EVENT_TYPES))
    lengths: List[int]  # tokens per doc


@registry.architectures("news.CaseInsensitiveEmbed.v1")
def case_insensitive_embed(width: int, rows: List[int]) -> Model[List[Doc], List[Floats2d]]:
    """Hash embeddings of the lower-cased word's NORM, PREFIX, SUFFIX and SHAPE.

    MUC-4 text comes upper-cased in the original and lower-cased in GTT's data, the gold brat documents
    and real news are mixed case: features of the lower-cased form read all of them the same way."""
    if len(rows) != 4:
        raise ValueError(f"rows needs 4 sizes (NORM, PREFIX, SUFFIX, SHAPE), got {len(rows)}")
    embeddings = [HashEmbed(width, n_rows, column=i, seed=8 + i, dropout=0.0) for i, n_rows in enumerate(rows)]
    return chain(
        lower_case_features(),
        with_array(chain(concatenate(*embeddings),
                         Maxout(width, width * len(embeddings), nP=3, dropout=0.0, normalize=True))),
    )


def lower_case_features() -> Model[List[Doc], List[Ints2d]]:
    return Model("news.lower_case_features", _features_forward, attrs={"cache": {}})


def _features_forward(model: Model, docs: List[Doc], is_train: bool):
    cache: dict = model.attrs["cache"]
    features = []
    for doc in docs:
        rows = []
        for lower in doc.to_array(LOWER).tolist() if len(doc) else []:
            row = cache.get(lower)
            if row is None:
                lexeme = doc.vocab[lower]  # the lexeme of the lower-cased string
                row = cache[lower] = (lexeme.norm, lexeme.prefix, lexeme.suffix, lexeme.shape)
            rows.append(row)
        array = model.ops.asarray2i(rows, dtype="uint64") if rows else model.ops.alloc2i(0, 4, dtype="uint64")
        features.append(array)
    return features, lambda d_features: []


@registry.architectures("news.event_model.v1")
def build_event_model(tok2vec: Model[List[Doc], List[Floats2d]], hidden_width: int = 128,
                      dropout: float = 0.1) -> Model[List[Doc], EventScores]:
    token_hidden = Maxout(hidden_width, nP=2, dropout=dropout, normalize=True)
    role_output = Linear(len(ROLE_TAGS))
    type_output = Linear(len(EVENT_TYPES))
    doc_hidden = Maxout(hidden_width, nP=2, dropout=dropout, normalize=True)
    doc_output = Linear(len(EVENT_TYPES))
    return Model(
        "news.event_model.v1", _event_forward, init=_event_init,
        layers=[tok2vec, token_hidden, role_output, type_output, doc_hidden, doc_output],
        refs={"tok2vec": tok2vec, "token_hidden": token_hidden, "role_output": role_output,
              "type_output": type_output, "doc_hidden": doc_hidden, "doc_output": doc_output},
    )


def _event_init(model: Model, X: Optional[List[Doc]] = None, Y=None) -> None:
    tok2vec = model.get_ref("tok2vec")
    tok2vec.initialize(X=X)
    if X is None:
        return
    sample = model.ops.flatten(tok2vec.predict(X))
    token_hidden = model.get_ref("token_hidden")
    token_hidden.initialize(X=sample)
    hidden = token_hidden.predict(sample)
    model.get_ref("role_output").initialize(X=hidden)
    model.get_ref("type_output").initialize(X=hidden)
    pooled = _pool(model.ops, sample, [len(sample)])[0]
    doc_hidden = model.get_ref("doc_hidden")
    doc_hidden.initialize(X=pooled)
    model.get_ref("doc_output").initialize(X=doc_hidden.predict(pooled))


def _event_forward(model: Model, docs: List[Doc], is_train: bool):
    tokvecs, backprop_tok2vec = model.get_ref("tok2vec")(docs, is_train)
    lengths = [len(vectors) for vectors in tokvecs]
    width = tokvecs[0].shape[1] if tokvecs else 0
    X = model.ops.flatten(tokvecs) if sum(lengths) else model.ops.alloc2f(0, width)
    hidden, backprop_hidden = model.get_ref("token_hidden")(X, is_train)
    roles, backprop_roles = model.get_ref("role_output")(hidden, is_train)
    types, backprop_types = model.get_ref("type_output")(hidden, is_train)
    pooled, argmax = _pool(model.ops, X, lengths)
    doc_hidden, backprop_doc_hidden = model.get_ref("doc_hidden")(pooled, is_train)
    doc_types, backprop_doc_types = model.get_ref("doc_output")(doc_hidden, is_train)
    scores = EventScores(roles, types, doc_types, lengths)

    def backprop(d_scores: EventScores) -> List[Floats2d]:
        d_hidden = backprop_roles(d_scores.role_logits) + backprop_types(d_scores.type_logits)
        d_X = backprop_hidden(d_hidden)
        d_pooled = backprop_doc_hidden(backprop_doc_types(d_scores.doc_logits))
        d_X += _unpool(model.ops, d_pooled, argmax, lengths, width)
        return backprop_tok2vec(model.ops.unflatten(d_X, lengths) if sum(lengths) else
                                [model.ops.alloc2f(0, width) for _ in lengths])

    return scores, backprop


def _pool(ops, X: Floats2d, lengths: List[int]):
    """Mean and max of each document's token vectors, side by side (zeros for an empty document)."""
    xp = ops.xp
    width = X.shape[1]
    pooled = ops.alloc2f(len(lengths), 2 * width)
    argmax = []
    start = 0
    for i, n in enumerate(lengths):
        if n:
            segment = X[start:start + n]
            which = segment.argmax(axis=0)
            pooled[i, :width] = segment.mean(axis=0)
            pooled[i, width:] = segment[which, xp.arange(width)]
            argmax.append(which)
        else:
            argmax.append(None)
        start += n
    return pooled, argmax


def _unpool(ops, d_pooled: Floats2d, argmax, lengths: List[int], width: int) -> Floats2d:
    xp = ops.xp
    d_X = ops.alloc2f(sum(lengths), width)
    start = 0
    for i, n in enumerate(lengths):
        if n:
            d_X[start:start + n] += d_pooled[i, :width] / n
            d_X[start + argmax[i], xp.arange(width)] += d_pooled[i, width:]
        start += n
    return d_X


def role_tag(role: str, inside: bool) -> int:
    return 1 + 2 * ROLES.index(role) + (1 if inside else 0)


def decode_role_tags(tags: List[int]) -> List[tuple[int, int, str]]:
    """BIO tags -> (start, end, role) token spans; an I tag that follows no span of its role starts one."""
    spans, start, role = [], None, None
    for i, tag in enumerate(list(tags) + [0]):
        tag_role = ROLES[(tag - 1) // 2] if tag else None
        inside = bool(tag) and (tag - 1) % 2 == 1
        if start is not None and (not tag or not inside or tag_role != role):
            spans.append((start, i, role))
            start, role = None, None
        if tag and start is None:
            start, role = i, tag_role
    return spans

