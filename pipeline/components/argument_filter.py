"""The argument filter (``news_argument_filter``): a learnt check that a role filler of an incident is one a
coder would record, which, asked to, drops the fillers below a threshold.

The event filter (components/event_filter.py) decides which events are incidents; this one decides which of
their perpetrators, targets, victims and weapons are. The rules and the trained extractor's added fillers
(``news_event_fillers``) link every plausible noun phrase: a perpetrator that is a plain noun ("THE FACT"), a
target two sentences away, a weapon named in a list of seized arms. On the events the event filter keeps on
MUC-4 train, a third of the fillers match no filler of the gold template their event is aligned with.

A logistic regression over what the pipeline saw of each filler: its role and who linked it (the rules or the
trained extractor), its label, head word, dependency and the word it hangs off, its actor type, its length, how
far it is from the trigger and whether it is in the trigger's sentence, how often the article names it and
whether another incident has it too, the event's type and trigger, and the filler's words. Trained on MUC-4
train by ``pipeline/training/argument_filter.py`` (``make train-argument-filter``, configs/argument_filter.cfg):
a filler of an event that the MUC-4 metric's optimal alignment pairs with a gold template is a positive when it
matches one of that template's fillers. It runs after the trained extractor has added its fillers and only
drops when asked (``build_pipeline(incidents_only=True)``), like the event filter: our guidelines annotate
arguments more widely than MUC-4's templates.
"""
from __future__ import annotations

from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from .event_filter import WeightedFilter, actor_type, probability
from .events import EventArgument, EventMention

# The roles the MUC-4 templates score; locations and dates are left alone.
FILLER_ROLES = ("perpetrator", "perpetrator_org", "target", "victim", "weapon")
# A filler's own words count for less than its other features: there are many of them.
WORD_WEIGHT = 0.5
# Counts and distances are scaled to [0, 1] by these caps (tokens for the distance).
MAX_WORDS, MAX_DISTANCE, FAR, MAX_SAME_ROLE, MAX_OCCURRENCES = 6, 200, 50, 5, 5


def argument_features(doc: Doc, events: list[EventMention]) -> list[list[Optional[dict[str, float]]]]:
    """For each event of ``doc``, the features of each of its arguments (None for a location or a date)."""
    text = doc.text.lower()
    # How many events have each filler (role, text): a filler every incident of an article shares is seldom
    # any one incident's.
    shared: dict[tuple[str, str], int] = {}
    for event in events:
        for key in {(a.role, a.span.text.lower()) for a in event.arguments}:
            shared[key] = shared.get(key, 0) + 1
    return [[_features(argument, event, rank, text, shared) if argument.role in FILLER_ROLES else None
             for argument in event.arguments] for rank, event in enumerate(events)]


def _features(argument: EventArgument, event: EventMention, rank: int, text: str,
              shared: dict[tuple[str, str], int]) -> dict[str, float]:
    role, span = argument.role, argument.span
    root, label = span.root, span.label_ or "none"
    mention = span.text.lower()
    same_role = sum(a.role == role for a in event.arguments)
    distance = abs(span.start - event.trigger.start)
    occurrences = text.count(mention) if mention else 0
    features = {
        "bias": 1.0, f"role={role}": 1.0, f"{role}:source={argument.source}": 1.0, f"{role}:type={event.type}": 1.0,
        f"{role}:label={label}": 1.0, f"{role}:source={argument.source}|label={label}": 1.0,
        f"{role}:head={root.lemma_.lower()}": 1.0, f"{role}:dep={root.dep_}": 1.0,
        f"{role}:governor={root.head.lemma_.lower()}": 1.0,
        f"{role}:dep={root.dep_}|governor={root.head.lemma_.lower()}": 1.0,
        f"{role}:actor_type={actor_type(span)}": 1.0,
        f"{role}:trigger={event.trigger.root.lemma_.lower()}": 1.0,
        f"{role}:length": min(len(span), MAX_WORDS) / MAX_WORDS,
        f"{role}:distance": min(distance, MAX_DISTANCE) / MAX_DISTANCE,
        f"{role}:same_role": min(same_role, MAX_SAME_ROLE) / MAX_SAME_ROLE,
        f"{role}:occurrences": min(occurrences, MAX_OCCURRENCES) / MAX_OCCURRENCES,
    }
    if distance > FAR:
        features[f"{role}:far"] = 1.0
    if not any(_within(span, sentence) for sentence in (event.sentence, *event.extra_sentences)):
        features[f"{role}:outside_sentence"] = 1.0
    if rank == 0:
        features[f"{role}:first_event"] = 1.0
    if occurrences <= 1:
        features[f"{role}:named_once"] = 1.0
    if span.start_char < 0.2 * len(text):
        features[f"{role}:early"] = 1.0
    if shared.get((role, mention), 0) > 1:
        features[f"{role}:shared"] = 1.0
    for word in {t.lower_ for t in span if t.is_alpha}:
        features[f"{role}:word={word}"] = WORD_WEIGHT
    return features


def _within(span: Span, sentence: Span) -> bool:
    return sentence.start <= span.start and span.end <= sentence.end


@Language.factory("news_argument_filter", requires=["doc._.events"], assigns=["doc._.events"],
                  default_config={"threshold": 0.4, "drop": False})
def make_argument_filter(nlp: Language, name: str, threshold: float, drop: bool) -> "ArgumentFilter":
    return ArgumentFilter(name, threshold, drop=drop)


class ArgumentFilter(WeightedFilter):
    """With ``drop`` (``build_pipeline(incidents_only=True)``, ``news-pipeline run --incidents-only``), leaves out
    the perpetrators, targets, victims and weapons whose probability of being a filler a coder would record is
    below ``threshold``. Without it, or untrained (no weights), the events keep every argument."""

    def __call__(self, doc: Doc) -> Doc:
        events = list(doc._.events or ())
        if not self.weights or not self.cfg["drop"] or not events:
            return doc
        for event, features in zip(events, argument_features(doc, events)):
            event.arguments = [a for a, f in zip(event.arguments, features)
                               if f is None or probability(self.weights, f) >= self.cfg["threshold"]]
        return doc
