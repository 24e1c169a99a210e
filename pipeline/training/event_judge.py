"""Train the event filter's judge (components/event_filter.py): MiniLM fine-tuned as a text classifier on what a
reader sees of each event the rules found (``event_context``), its label the event filter's own (whether the MUC-4
metric's alignment pairs the event with a gold template).

The event filter's training (``pipeline.training.event_filter`` with ``--paths.judge_config``) calls it twice: per
fold, for out-of-fold probabilities on which the filter's threshold is chosen, and on every event, for the judge
it ships. The architecture and the optimiser's settings come from configs/event_judge-trf.cfg.
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import Optional, Sequence

import spacy
from spacy.language import Language
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch
from thinc.api import Adam, warmup_linear
from tqdm import tqdm

from ..components.event_filter import JUDGE_LABEL

OTHER_LABEL = "NOT_INCIDENT"


def load_judge_config(path: Path, overrides: Optional[dict] = None):
    return spacy.util.load_config(path, overrides=overrides or {}, interpolate=True)


def train_judge(texts: Sequence[str], labels: Sequence[int], config) -> Language:
    """A text classifier of ``JUDGE_LABEL`` against ``OTHER_LABEL``, fitted to ``texts`` (1: an incident)."""
    settings = config["judge"]
    fix_random_seed(config["system"]["seed"])
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    textcat = nlp.get_pipe("textcat")
    for label in (JUDGE_LABEL, OTHER_LABEL):
        textcat.add_label(label)
    examples = [Example.from_dict(nlp.make_doc(text), {"cats": {JUDGE_LABEL: float(label), OTHER_LABEL: float(not label)}})
                for text, label in zip(texts, labels)]
    steps = settings["epochs"] * -(-len(examples) // settings["batch_size"])
    optimizer = Adam(warmup_linear(settings["learn_rate"], int(settings["warmup_fraction"] * steps), steps),
                     L2=settings["L2"], grad_clip=settings["grad_clip"])
    nlp.initialize(lambda: examples, sgd=optimizer)
    shuffled = random.Random(config["system"]["seed"])
    with tqdm(total=steps, desc="event judge") as progress:
        for _ in range(settings["epochs"]):
            shuffled.shuffle(examples)
            for batch in minibatch(examples, settings["batch_size"]):
                nlp.update(batch, sgd=optimizer, drop=settings["dropout"])
                optimizer.step_schedules()  # nlp.update leaves the learning-rate schedule where it was
                progress.update()
    return nlp


def judge_probabilities(judge: Language, texts: Sequence[str]) -> list[float]:
    return [doc.cats[JUDGE_LABEL] for doc in judge.pipe(texts)]


def out_of_fold_probabilities(contexts: Sequence[Sequence[str]], labels: Sequence[Sequence[int]],
                              config) -> list[list[float]]:
    """For each document's events, the probabilities of a judge trained without the document's fold (document i
    is in fold i % folds)."""
    folds = config["judge"]["folds"]
    result = [[0.0] * len(texts) for texts in contexts]
    for fold in range(folds):
        train = [(text, label) for i, (texts, ys) in enumerate(zip(contexts, labels)) if i % folds != fold
                 for text, label in zip(texts, ys)]
        judge = train_judge([t for t, _ in train], [y for _, y in train], config)
        held_out = [i for i in range(len(contexts)) if i % folds == fold]
        scores = iter(judge_probabilities(judge, [text for i in held_out for text in contexts[i]]))
        for i in held_out:
            result[i] = [next(scores) for _ in contexts[i]]
    return result
