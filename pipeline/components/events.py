"""A first, rule-based attack-event extractor: triggers, types, arguments, kind and status.

Triggers come from a lexicon of verb and noun lemmas per MUC-4 incident type; arguments from
the dependency parse (subject and "by"-agent -> perpetrator, object and "on"/"against" ->
victim or target), with weapons, places and dates taken from the trigger's sentence. The
triggers of one sentence form one incident; an attack with explosives (dynamite, a bomb) is a
bombing. Where an article names one armed group only, that group is the responsible organisation
of the acts of its members ("GUERRILLAS ATTACKED ..."). Casualties are read by ``casualties.py``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .actors import ACTOR_NOUNS, ACTORS_KEY
from .normalization import SETTLEMENT_NOUNS
from .sentences import in_boilerplate

EVENTS_KEY = "events"
TRIGGER_LEMMAS = {
    "BOMBING": {"bomb", "bombing", "blast", "explosion", "explode", "detonate", "detonation", "bomber", "car-bomb"},
    "KIDNAPPING": {"kidnap", "kidnapping", "abduct", "abduction", "kidnapper", "hostage"},
    "ARSON": {"arson", "torch", "burn", "firebomb"},
    "ROBBERY": {"rob", "robbery", "loot", "looting", "steal", "heist", "holdup"},
    "ATTACK": {"attack", "assault", "ambush", "raid", "shoot", "shooting", "gunfire", "kill", "killing", "murder",
               "massacre", "assassinate", "assassination", "clash", "shell", "shelling", "airstrike", "behead",
               "stab", "slay", "gun", "storm", "execute", "strafe", "fire"},
}
# More specific types win when one incident has several triggers ("attack" + "bomb").
TYPE_PRIORITY = ("BOMBING", "KIDNAPPING", "ARSON", "ROBBERY", "FORCED_WORK_STOPPAGE", "ATTACK")
STOPPAGE_MODIFIERS = {"armed", "transport", "general", "national", "nationwide", "labor", "labour"}
_LEMMA_TYPES = {lemma: t for t in reversed(TYPE_PRIORITY) for lemma in TRIGGER_LEMMAS.get(t, ())}
PERSON_LABELS = {"PERSON", "NORP"}
ORG_LABELS = {"ORG"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
LOCATIVE_PREPS = {"in", "near", "at", "outside", "inside", "on", "into", "from", "across", "around", "along"}
LAUNCH_VERBS = {"carry", "launch", "mount", "stage", "conduct", "claim", "perpetrate", "commit", "plan", "execute",
                "orchestrate", "wage"}
THREAT_CUES = {"threaten", "vow", "warn", "plan", "plot", "intend", "capable", "could", "might", "may", "would"}
ATTEMPT_CUES = {"attempt", "try", "foil", "thwart", "fail", "prevent", "defuse", "avert"}
DENY_CUES = {"deny", "reject", "refute"}
CLAIM_CUES = {"claim", "admit"}

if not Doc.has_extension(EVENTS_KEY):
    Doc.set_extension(EVENTS_KEY, default=None)


@dataclass
class EventArgument:
    role: str
    span: Span


@dataclass
class EventMention:
    """One incident found in a sentence, as the events stage leaves it on ``doc._.events``."""

    type: str
    trigger: Span
    sentence: Span
    arguments: list[EventArgument] = field(default_factory=list)
    kind: str = "incident"
    status: str = "reported"
    killed: Optional[tuple[int, str]] = None
    injured: Optional[tuple[int, str]] = None
    confidence: float = 0.5
    extra_triggers: list[Span] = field(default_factory=list)


@Language.factory(
    "news_events",
    requires=["doc.ents", "doc.spans", "token.dep", "token.lemma"],
    assigns=["doc._.events"],
    default_score_weights={"events_f": 1.0},
)
def make_news_events(nlp: Language, name: str) -> "RuleEventExtractor":
    return RuleEventExtractor(name)


class RuleEventExtractor:
    def __init__(self, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        events = []
        for sentence in doc.sents:
            if in_boilerplate(doc, sentence):
                continue
            triggers = [(t, event_type) for t in sentence if (event_type := trigger_type(t))]
            if triggers:
                events.append(self._build_event(doc, sentence, triggers))
        group = _only_armed_group(doc)
        if group is not None:
            for event in events:
                _add_responsible_group(event, group)
        doc._.events = events
        return doc

    def _build_event(self, doc: Doc, sentence: Span, triggers: list[tuple[Token, str]]) -> EventMention:
        main, event_type = min(triggers, key=lambda pair: (TYPE_PRIORITY.index(pair[1]), pair[0].i))
        event = EventMention(type=event_type, trigger=doc[main.i:main.i + 1], sentence=sentence,
                             extra_triggers=[doc[t.i:t.i + 1] for t, _ in triggers if t.i != main.i])
        seen: set[tuple[str, int, int]] = set()
        for token, _ in triggers:
            for role, span in _participants(doc, token):
                key = (role, span.start, span.end)
                if key not in seen:
                    seen.add(key)
                    event.arguments.append(EventArgument(role, span))
        for ent in sentence.ents:
            role = {"WEAPON": "weapon", "DATE": "date"}.get(ent.label_)
            if ent.label_ in PLACE_LABELS and _is_locative(ent):
                role = "location"
            if role and (role, ent.start, ent.end) not in seen:
                seen.add((role, ent.start, ent.end))
                event.arguments.append(EventArgument(role, ent))
        if event.type == "ATTACK" and any(a.role == "weapon" and _explosive(a.span) for a in event.arguments):
            event.type = "BOMBING"  # an attack with dynamite or a bomb is a bombing (MUC-4, ACLED "explosions")
        event.kind = _kind(triggers)
        event.status = _status(main, sentence)
        event.confidence = min(0.9, 0.4 + 0.1 * len({a.role for a in event.arguments}))
        return event


# Nominal perpetrators that belong to some armed group: "GUERRILLAS ATTACKED ..." in a report about the FMLN.
GROUP_MEMBER_NOUNS = {"guerrilla", "rebel", "insurgent", "terrorist", "militant", "fighter", "commando", "column",
                      "unit", "member", "gunman", "gunmen", "urban", "subversive", "extremist", "jihadist"}


def _only_armed_group(doc: Doc) -> Optional[Span]:
    """The first mention of the one armed group an article names (by its canonical name), or None where it
    names none or several."""
    groups: dict[str, Span] = {}
    for ent in doc.ents:
        if ent.label_ in ORG_LABELS and getattr(ent._, "actor_type", None) == "armed_group" and ent._.canonical:
            groups.setdefault(ent._.canonical, ent)
    return next(iter(groups.values())) if len(groups) == 1 else None


def _group_member(token: Token) -> bool:
    """'guerrillas', 'GUERRILLAS' (whose lemma a tagger reading capitals may leave as it is), 'gunmen'."""
    word = token.lower_
    return bool({token.lemma_.lower(), word, word[:-1] if word.endswith("s") else word} & GROUP_MEMBER_NOUNS)


def _add_responsible_group(event: "EventMention", group: Span) -> None:
    """Members of an armed group acting, with no organisation named in the sentence: the article's only
    armed group is the one responsible (as MUC-4 and ACLED coders read it)."""
    roles = {a.role for a in event.arguments}
    members = [a for a in event.arguments if a.role == "perpetrator" and _group_member(a.span.root)]
    if members and "perpetrator_org" not in roles:
        event.arguments.append(EventArgument("perpetrator_org", group))


EXPLOSIVES = {"dynamite", "explosive", "explosives", "tnt", "bomb", "bombs", "ied", "ieds", "c-4", "semtex",
              "car-bomb", "landmine", "mine", "mines", "anfo"}


def _explosive(span: Span) -> bool:
    return any(t.lower_ in EXPLOSIVES or t.lemma_.lower() in EXPLOSIVES for t in span)


def trigger_type(token: Token) -> Optional[str]:
    lemma = token.lemma_.lower()
    if token.pos_ not in {"VERB", "NOUN"}:
        return None
    if lemma in {"strike", "stoppage", "walkout"}:
        modifiers = {c.lower_ for c in token.children}
        if "air" in modifiers or "drone" in modifiers:
            return "ATTACK"
        return "FORCED_WORK_STOPPAGE" if token.pos_ == "NOUN" and modifiers & STOPPAGE_MODIFIERS else None
    if lemma == "fire" and not (token.pos_ == "VERB" or any(c.lower_ == "open" for c in token.ancestors)):
        return None  # "fire" the noun is a blaze, not gunfire, unless someone "opened fire"
    if lemma in {"burn", "torch"} and token.pos_ != "VERB":
        return None
    if lemma == "gun" and token.pos_ != "VERB":
        return None  # "gun" the noun is a weapon; "gunned down" is the attack
    if lemma == "execute" and not any(c.dep_ in {"dobj", "nsubjpass"} and _is_person(c) for c in token.children):
        return None  # "execute a plan" is not a killing
    return _LEMMA_TYPES.get(lemma)


def _is_person(token: Token) -> bool:
    return token.ent_type_ in PERSON_LABELS or token.lemma_.lower() in ACTOR_NOUNS or token.lower_ in ACTOR_NOUNS


def _participants(doc: Doc, trigger: Token):
    """(role, span) pairs read off the dependency tree around one trigger."""
    agents, patients = [], []
    if trigger.pos_ == "VERB":
        for child in trigger.children:
            if child.dep_ in {"nsubj"}:
                agents.append(child)
            elif child.dep_ in {"dobj", "nsubjpass"}:
                patients.append(child)
            elif child.dep_ == "agent":
                agents.extend(c for c in child.children if c.dep_ == "pobj")
        if not agents and trigger.dep_ == "conj" and trigger.head.pos_ == "VERB":
            # "GUERRILLAS KILLED A PEASANT AND BURNED A TANK TRUCK": the second verb shares the subject
            agents.extend(c for c in trigger.head.children if c.dep_ == "nsubj")
    else:
        for child in trigger.children:
            if child.dep_ in {"poss", "compound"} and (child.ent_type_ in ORG_LABELS or _is_person(child)):
                agents.append(child)
            elif child.dep_ == "prep" and child.lower_ in {"by", "of"}:
                agents.extend(c for c in child.children if c.dep_ == "pobj" and (c.ent_type_ in ORG_LABELS or _is_person(c)))
            elif child.dep_ == "prep" and child.lower_ in {"on", "against", "targeting"}:
                patients.extend(c for c in child.children if c.dep_ == "pobj")
        head = trigger.head
        if trigger.dep_ in {"dobj", "nsubjpass"} and head.lemma_.lower() in LAUNCH_VERBS:
            agents.extend(c for c in head.children if c.dep_ in {"nsubj"})
    for token in agents:
        span = _mention(doc, token)
        # "A BOMB EXPLODED, KILLING FIVE", "the blast killed": a weapon or an explosion is no perpetrator
        if span is not None and span.label_ != "WEAPON" and not _LEMMA_TYPES.get(span.root.lemma_.lower()):
            yield ("perpetrator_org" if span.label_ in ORG_LABELS else "perpetrator"), span
    for token in patients:
        span = _mention(doc, token)
        if span is not None and span.label_ not in {"DATE", "TIME", "CARDINAL", "WEAPON"}:
            yield ("victim" if _is_person(token) or span.label_ in PERSON_LABELS else "target"), span


def _mention(doc: Doc, token: Token) -> Optional[Span]:
    """The entity, nominal actor or noun chunk that a head token stands for."""
    if token.pos_ == "PRON" or token.like_num or token.lower_ in {"one", "nobody", "none", "anyone"}:
        return None  # pronouns need coreference, which this stage does not do; "no one" is nobody
    for ent in doc.ents:
        if ent.start <= token.i < ent.end:
            return ent
    for actor in doc.spans.get(ACTORS_KEY, ()):
        if actor.start <= token.i < actor.end:
            return actor
    for chunk in doc.noun_chunks:
        if chunk.root.i == token.i:
            start = chunk.start + (1 if chunk[0].dep_ == "det" else 0)
            return Span(doc, start, chunk.end, label="NOUN") if start < chunk.end else None
    return None


def _is_locative(ent: Span) -> bool:
    head = ent.root.head
    if ent.root.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in SETTLEMENT_NOUNS:
        return True  # "the town of Hostigal": the name of a place the sentence is about
    return ent.root.dep_ == "pobj" and head.lower_ in LOCATIVE_PREPS or ent.root.dep_ in {"compound", "npadvmod"}


def _kind(triggers: list[tuple[Token, str]]) -> str:
    nouns = [t for t, _ in triggers if t.pos_ == "NOUN"]
    verbs = [t for t, _ in triggers if t.pos_ == "VERB"]
    # "44 attacks", "a series of bombings": many incidents counted together.
    plural_counted = [t for t in nouns if t.tag_ == "NNS" and any(c.dep_ == "nummod" for c in t.children)]
    if plural_counted or (nouns and not verbs and all(t.tag_ == "NNS" for t in nouns)):
        return "aggregate"
    return "incident"


def _status(trigger: Token, sentence: Span) -> str:
    chain = [trigger, *trigger.ancestors]
    lemmas = {t.lemma_.lower() for t in chain} | {c.lemma_.lower() for t in chain for c in t.children if c.dep_ == "aux"}
    if lemmas & DENY_CUES:
        return "denied"
    if lemmas & ATTEMPT_CUES:
        return "attempted"
    if lemmas & CLAIM_CUES or any(t.lemma_ == "responsibility" and t.head.lemma_ == "claim" for t in sentence):
        return "claimed"
    if lemmas & THREAT_CUES:
        return "threatened"
    return "reported"
