"""A first, rule-based attack-event extractor: triggers, types, arguments, kind and status.

Triggers come from a lexicon of verb and noun lemmas per MUC-4 incident type; arguments from
the dependency parse (subject and "by"-agent -> perpetrator, object and "on"/"against" ->
victim or target), with weapons, places and dates taken from the trigger's sentence. The
triggers of one sentence form one incident, and the later mentions of an incident in other sentences
join it (``group_incidents``); an attack with explosives (dynamite, a bomb) is a bombing, and the
subtype is what the words state ("a suicide bomber", "an air strike"). Where an article names one
armed group only, that group is the responsible organisation of the acts of its members
("GUERRILLAS ATTACKED ..."). Casualties are read by ``casualties.py``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Iterator, Optional

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..normalize.dates import day_span
from .actors import ACTOR_LABEL, ACTOR_NOUNS, ACTORS_KEY
from .event_location import (after_place_preposition, earlier_conjuncts, incident_place, list_head, off_another_verb,
                             own_places, part_name, qualifier, trigger_tokens)
from .names import ORGANISATION_HEADS
from .normalization import SETTLEMENT_NOUNS, publication_date
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
                "orchestrate", "wage", "mastermind"}
THREAT_CUES = {"threaten", "vow", "warn", "plan", "plot", "intend", "capable", "could", "might", "may", "would"}
ATTEMPT_CUES = {"attempt", "try", "foil", "thwart", "fail", "prevent", "defuse", "avert"}
DENY_CUES = {"deny", "reject", "refute"}
CLAIM_CUES = {"claim", "admit"}

# Collective nouns whose "of" phrase says who they are: "A GROUP OF HEAVILY ARMED MEN", "A COLUMN OF SHINING
# PATH TERRORISTS", "PRESUMED MEMBERS OF THE SHINING PATH".
COLLECTIVE_NOUNS = {"group", "column", "band", "gang", "squad", "unit", "team", "cell", "member", "detachment",
                    "platoon", "patrol", "commando", "contingent", "battalion", "company"}

if not Doc.has_extension(EVENTS_KEY):
    Doc.set_extension(EVENTS_KEY, default=None)


@dataclass
class EventArgument:
    role: str
    span: Span
    # Who linked it: the rule extractor ("rules") or the trained event extractor ("model", its role fillers
    # added to the rules' incidents); the argument filter weighs the two differently.
    source: str = "rules"


@dataclass
class EventMention:
    """One incident found in a sentence, as the events stage leaves it on ``doc._.events``."""

    type: str
    trigger: Span
    sentence: Span
    arguments: list[EventArgument] = field(default_factory=list)
    kind: str = "incident"
    status: str = "reported"
    subtype: Optional[str] = None  # what the text says of how it was done: SUBTYPES
    killed: Optional[tuple[int, str]] = None
    injured: Optional[tuple[int, str]] = None
    confidence: float = 0.5
    extra_triggers: list[Span] = field(default_factory=list)
    # The sentences of the other mentions of the same incident (``group_incidents``).
    extra_sentences: list[Span] = field(default_factory=list)
    # The mentions as found, each with its own arguments, where several were joined (the first is this one as
    # it was found): where the incident happened is read off them one by one (event_location.incident_place).
    mentions: list["EventMention"] = field(default_factory=list)


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
                events.extend(split_by_place(self._build_event(doc, sentence, triggers), doc))
            if events:  # "THE VICTIMS WERE IDENTIFIED AS X AND Y": the names are the last report's people
                known = {(a.role, a.span.start, a.span.end) for a in events[-1].arguments}
                events[-1].arguments.extend(EventArgument(role, span) for role, span in _identified(doc, sentence)
                                            if (role, span.start, span.end) not in known)
        events = group_incidents(events)
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
        participants = [pair for token, _ in triggers for pair in _participants(doc, token)]
        found = participants + list(_outcomes(doc, sentence))
        found += [("victim", owner) for role, span in found if role == "target" for owner in _owners(span)]
        found += [("perpetrator_org", group) for role, span in found if role == "perpetrator"
                  for group in _groups_of(span)]
        for role, span in found:
            key = (role, span.start, span.end)
            if key not in seen:
                seen.add(key)
                event.arguments.append(EventArgument(role, span))
        for ent in sentence.ents:
            role = {"WEAPON": "weapon", "DATE": "date"}.get(ent.label_)
            if ent.label_ in PLACE_LABELS and _is_locative(ent, trigger_tokens(event)):
                role = "location"
            if role and (role, ent.start, ent.end) not in seen:
                seen.add((role, ent.start, ent.end))
                event.arguments.append(EventArgument(role, ent))
        if event.type == "ATTACK" and any(a.role == "weapon" and _explosive(a.span) for a in event.arguments):
            event.type = "BOMBING"  # an attack with dynamite or a bomb is a bombing (MUC-4, ACLED "explosions")
        event.subtype = _subtype(event.type, [t for t, _ in triggers], event.arguments)
        event.kind = _kind(triggers)
        if event.kind == "incident" and _recalled(main):
            event.kind = "background"
        event.status = _status(main, sentence)
        event.confidence = min(0.9, 0.4 + 0.1 * len({a.role for a in event.arguments}))
        return event


STRUCK_ROLES = ("victim", "target")


def split_by_place(event: EventMention, doc: Doc) -> list[EventMention]:
    """A sentence that reports the act in places apart, each in a phrase of its own ("MURDERED THREE PEASANTS IN
    GUACHICONO, TWO IN ANTIOQUIA, AND THREE IN CORDOBA", "BOMBS EXPLODED IN LIMA AND IN CUZCO"), reports one
    incident in each, as MUC-4 and ACLED count them (one event per place). Places one of which holds the other
    ("GUACHICONO, SOUTHERN CAUCA DEPARTMENT") are one place, and names joined in one phrase stay one act ("BLEW UP
    FIVE ELECTRICITY POSTS IN SAN VICENTE AND MORAZAN DEPARTMENTS": on MUC-4 train, splitting those too added more
    incidents no template has than it found), unless the acts are told in the plural ("SEVEN BOMBS WERE SET OFF IN
    BOGOTA AND MEDELLIN"). Each incident keeps the sentence's perpetrators, weapons and dates;
    a victim or target goes with the first place named after it, else the last before it."""
    triggers = trigger_tokens(event)
    locations = [a.span for a in event.arguments if a.role == "location"]
    resolved = own_places(locations, triggers, doc)
    # Each after a preposition of place of its own ("IN LIMA"); a name the gazetteer lacks ("GUACHICONO") is a place
    # too, but a country is no separate place of an act beside a town ("THE BURNING OF BUSES IN LIMA ... IN PERU").
    def below_country(s: Span) -> bool:
        return s in resolved and s._.place.kind != "country" or s._.place is None

    places = [s for s in locations if after_place_preposition(s) and not off_another_verb(s, triggers)
              and below_country(s)]
    if any(doc[i].tag_ == "NNS" for i in triggers):
        # Acts told in the plural in places joined in one phrase are one act in each: "SEVEN BOMBS WERE SET OFF IN
        # BOGOTA AND MEDELLIN", "SIMULTANEOUS BOMB EXPLOSIONS IN THE CAPITAL AND LA CEIBA".
        places += [s for s in locations if s not in places and below_country(s)
                   and any(p.start <= t.i < p.end for t in earlier_conjuncts(s.root) for p in places)]
    groups: list[list[Span]] = []
    for span in sorted(places, key=lambda s: s.start):
        group = next((g for g in groups if any(_one_place(span, o) for o in g)), None)
        if group is None:
            groups.append([span])
        else:
            group.append(span)
    if len(groups) < 2:
        return [event]
    starts = [g[0].start for g in groups]

    def group_of(span: Span) -> int:
        after = [i for i, start in enumerate(starts) if start >= span.end]
        return after[0] if after else max(i for i, start in enumerate(starts) if start < span.start)

    split = []
    for i, group in enumerate(groups):
        keys = {(s.start, s.end) for s in group}
        arguments = [a for a in event.arguments
                     if (a.role == "location" and (a.span.start, a.span.end) in keys)
                     or (a.role in STRUCK_ROLES and group_of(a.span) == i)
                     or a.role not in STRUCK_ROLES + ("location",)]
        # Lists of their own: group_incidents extends them on the incident a later mention joins.
        split.append(replace(event, arguments=arguments, extra_triggers=list(event.extra_triggers),
                             extra_sentences=list(event.extra_sentences), mentions=[]))
    return split


def _one_place(later: Span, earlier: Span) -> bool:
    """Two names of one place of an act: one holds the other ("LIMA ... PERU"), or a name the gazetteer lacks is
    followed by the place it lies in ("GUACHICONO, SOUTHERN CAUCA DEPARTMENT")."""
    if later._.place is not None and earlier._.place is not None:
        return _same_area(later._.place, earlier._.place)
    between = [t.text for t in later.doc[earlier.end:later.start] if not t.is_space]
    return between in ([], [","]) or (later.root.dep_ == "appos" and later.root.head.i == earlier.root.i)


# A status other than "reported", said of any mention, is the incident's ("... CLAIMED RESPONSIBILITY FOR THE ATTACK").
_STATUS_PRIORITY = ("denied", "claimed", "attempted", "threatened", "reported")


def group_incidents(events: list[EventMention]) -> list[EventMention]:
    """The mentions of one incident in an article as one event: a report names its attack again and again
    ("A BOMB EXPLODED ... THE EXPLOSION ... THE BOMBING"), and MUC-4, ACLED and our gold count it once.

    A mention joins the first earlier incident of its type and kind that it is a later mention of
    (``_same_incident``); its triggers, sentences and arguments are added there, and the mentions as found
    are kept in ``mentions``."""
    incidents: list[EventMention] = []
    for event in events:
        same = next((i for i in incidents if i.kind == event.kind and _same_incident(i, event)), None)
        if same is None:
            incidents.append(event)
            continue
        if same.type != event.type:  # "A BOMB EXPLODED ..." then "... KILLED X": the bombing, told by its outcome
            same.type = min(same.type, event.type, key=TYPE_PRIORITY.index)
        if not same.mentions:
            same.mentions = [replace(same, arguments=list(same.arguments), extra_triggers=list(same.extra_triggers))]
        same.mentions.append(event)
        same.extra_triggers.extend([event.trigger, *event.extra_triggers])
        same.extra_sentences.extend([event.sentence, *event.extra_sentences])
        taken = {(a.role, a.span.start, a.span.end) for a in same.arguments}
        same.arguments.extend(a for a in event.arguments if (a.role, a.span.start, a.span.end) not in taken)
        if _STATUS_PRIORITY.index(event.status) < _STATUS_PRIORITY.index(same.status):
            same.status = event.status
        same.confidence = max(same.confidence, event.confidence)
        same.subtype = same.subtype or event.subtype
    return incidents


# Types whose incident may be told again by what it did to its victims: a bombing or an arson kills ("A BOMB
# EXPLODED AT THE CAFE ... THE EXPLOSION KILLED MARIO DIAZ ... DIAZ WAS KILLED AS HE ..."). A kidnapping and the
# killing of its hostage are two acts, as MUC-4 and ACLED code them.
TOLD_BY_OUTCOME = {"BOMBING", "ARSON"}
_OUTCOME_PAIRS = {frozenset({"ATTACK", told}) for told in TOLD_BY_OUTCOME}


def _same_incident(incident: EventMention, mention: EventMention) -> bool:
    """A later mention of the incident: nothing in it says otherwise, and it either names one of the incident's
    named victims (a person is killed once), refers back ("THE ATTACK", "this bombing") or names no victim or
    target that the incident does not have already. A mention of another type joins only by a shared named
    victim, where one is an attack and the other a type told by its outcome (``TOLD_BY_OUTCOME``)."""
    shared_victim = bool(_named(incident, "victim", {"PERSON"}) & _named(mention, "victim", {"PERSON"}))
    if incident.type != mention.type and not (shared_victim
                                              and frozenset({incident.type, mention.type}) in _OUTCOME_PAIRS):
        return False
    if _conflict(incident, mention, shared_victim):
        return False
    if shared_victim or _refers_back(mention.trigger.root):
        return True
    return not _heads(mention, ("victim", "target")) - _heads(incident, ("victim", "target"))


def _refers_back(trigger: Token) -> bool:
    return trigger.pos_ == "NOUN" and any(c.dep_ in {"det", "poss"} and c.lower_ not in {"a", "an", "another"}
                                          for c in trigger.children)


def _heads(event: EventMention, roles: tuple[str, ...]) -> set[str]:
    return {(getattr(a.span._, "canonical", None) or a.span.root.lemma_).lower() for a in event.arguments
            if a.role in roles}


def _conflict(a: EventMention, b: EventMention, shared_victim: bool) -> bool:
    """Two mentions that say different things of themselves are two incidents: a place (the incident's own,
    or where it is placed), a date (month or day), a named victim, target or responsible group. Each side
    names one, and none of one side matches one of the other."""
    places_b = _placed(b)
    # Where a mention with no place of its own is placed is read off the story around it. The same named victim
    # outweighs any place ("THE MURDER OF LUIS CARLOS GALAN" ... "THE MURDER OF LUIS CARLOS GALAN IN SOACHA";
    # "... KILLED ABOARD A PLANE FROM BOGOTA TO BARRANQUILLA"): a person dies once, wherever the reports put it
    # (``shared_victim``: they name one person among their victims).
    places_a = (_placed(a) or _where_placed(a)) if places_b and not shared_victim else []
    if places_a and places_b and not any(_same_area(p, q) for p in places_a for q in places_b):
        return True
    dates_a, dates_b = _dates(a), _dates(b)
    if dates_a and dates_b and not any(x.startswith(y) or y.startswith(x) for x in dates_a for y in dates_b):
        return True  # "2021-07" and "2021-07-14" may be one incident; "2021-04" and "2021-07" are not
    for role in ("perpetrator_org", "victim", "target"):
        named_a, named_b = _named(a, role), _named(b, role)
        if named_a and named_b and not named_a & named_b:
            return True
    return False


def _named(event: EventMention, role: str, labels=("ORG", "PERSON", "GPE", "FAC")) -> set[str]:
    return {(getattr(a.span._, "canonical", None) or a.span.text).lower() for a in event.arguments
            if a.role == role and a.span.label_ in labels}


def _dates(event: EventMention) -> set[str]:
    """The calendar values of its dates (2021-07-14, 2021-07, 2021); not PAST_REF or a weekday alone."""
    return {timex.value for a in event.arguments if a.role == "date"
            and (timex := getattr(a.span._, "timex", None)) is not None and timex.value[:4].isdigit()}


def _where_placed(event: EventMention) -> list:
    """Where an incident that names no place of its own is placed (the article's story place, its dateline):
    a later mention in another town is another incident."""
    found = incident_place(event, event.sentence.doc)
    return [found[1]] if found is not None else []


def _placed(event: EventMention) -> list:
    return [place for a in event.arguments if a.role == "location"
            and (place := getattr(a.span._, "place", None)) is not None]


def _same_area(p, q) -> bool:
    if p.geonames_id is not None and p.geonames_id == q.geonames_id or p.name == q.name:
        return True
    for inner, outer in ((p, q), (q, p)):
        if outer.kind == "country" and inner.country_code == outer.country_code:
            return True
        if outer.kind == "admin1" and inner.country_code == outer.country_code and inner.admin1 in (outer.admin1, None):
            return True
    return False


# A bomb or a fire strikes the building it goes off in: "A BOMB EXPLODED AT THE UCR HEADQUARTERS" (MUC-4's
# physical target, GTD's target). Only for these types, and only a facility: "exploded in Lima" is a place.
STRUCK_WHERE_IT_HAPPENS = {"BOMBING", "ARSON"}
# "near" and "between" too: MUC-4 makes the facility a bomb went off next to its target ("AN EXPLOSION OCCURRED
# NEAR AN AGRARIAN TRUST BRANCH"); only facilities count (_struck_facilities), never a street or a town.
STRUCK_AT_PREPS = {"at", "in", "inside", "outside", "into", "near", "beside", "between"}
FACILITY_NOUNS = {"building", "house", "home", "residence", "office", "headquarters", "embassy", "consulate", "store",
                  "shop", "bank", "branch", "station", "tower", "pylon", "bridge", "church", "school", "hospital",
                  "hotel", "factory", "plant", "facility", "installation", "dealership", "ministry", "booth",
                  "pipeline", "car", "vehicle", "bus", "train", "truck", "restaurant", "market", "supermarket",
                  "warehouse", "mall", "theater", "cinema", "club", "barracks", "court", "courthouse", "mosque",
                  "temple", "airport", "terminal", "substation", "refinery", "premises", "compound", "checkpoint"}


# Verbs that say only that an act happened, where the prepositions say what it struck: "OCCURRED NEAR THE BANK".
HAPPEN_VERBS = {"occur", "happen", "take", "go"}
# A bomb thrown or planted at, against, in or under a facility strikes it.
PLACING_VERBS = {"throw", "hurl", "toss", "lob", "plant", "place", "leave"}
PLACED_AT_PREPS = STRUCK_AT_PREPS | {"against", "under"}


def _struck_facilities(preposition: Token) -> Iterator[Token]:
    """The facilities a preposition names as where a bomb or fire struck, "in front of X" read as X ("A CAR FULL OF
    DYNAMITE EXPLODED IN FRONT OF THE ECONOMY MINISTRY")."""
    for obj in preposition.children:
        if obj.dep_ == "pobj":
            near = obj.lower_ in {"front", "vicinity"}  # "IN FRONT OF X", "IN THE VICINITY OF X"
            yield from (c for c in (prepositional_objects(obj, {"of"}) if near else [obj]) if _facility(c))


def _struck_through(verb: Token, prepositions: set[str]) -> Iterator[Token]:
    """The facilities the prepositions of a verb name as struck: "THROWN AT X", "OCCURRED NEAR X"."""
    for p in verb.children:
        if p.dep_ == "prep" and p.lower_ in prepositions:
            yield from _struck_facilities(p)


def prepositional_objects(token: Token, prepositions: set[str]) -> list[Token]:
    """The objects of the prepositions in ``prepositions`` that hang off ``token``: "DAMAGE [TO] OVER 20 STORES"."""
    return [c for p in token.children if p.dep_ == "prep" and p.lower_ in prepositions for c in p.children
            if c.dep_ == "pobj"]


def _facility(token: Token) -> bool:
    return token.lemma_.lower() in FACILITY_NOUNS or token.lower_ in FACILITY_NOUNS


# Nouns of an act done to someone: their possessor is its victim ("ROMERO'S MURDER").
PATIENT_NOUNS = {"murder", "killing", "assassination", "kidnapping", "abduction", "massacre", "execution", "slaying",
                 "hostage"}
# Acts done to people only: whoever they are done to is a victim, even a noun no lexicon lists as a person
# ("the murder of six JESUITS", "KIDNAPPED A SPANISH TECHNICIAN").
HARM_TO_PEOPLE = PATIENT_NOUNS | {"kill", "assassinate", "kidnap", "abduct", "execute", "slay", "behead", "stab"}

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


ALIGHT_WORDS = {"ablaze", "afire", "alight"}
FLAME_NOUNS = {"fire", "flame"}


def _sets_alight(verb: Token) -> bool:
    """ "set X on fire", "set X ablaze" (not "set fire to X", where the noun "fire" is the trigger)."""
    return any(c.lower_ in ALIGHT_WORDS or (c.dep_ == "prep" and c.lower_ == "on" and any(
        o.dep_ == "pobj" and o.lemma_.lower() in FLAME_NOUNS for o in c.children)) for c in verb.children)


# Verbs of wrecking that are an attack when armed men do it ("REBELS DESTROYED FIVE BRIDGES"), and only then: "THE
# FLOOD DESTROYED", "THE ARMY DESTROYED A CAMP" are no incident of MUC-4's.
SABOTAGE_VERBS = {"destroy", "sabotage", "wreck"}


def _done_by_armed_men(verb: Token) -> bool:
    """Whether the subject of an active verb, or the agent of a passive one, is a member of an armed group by
    its head word ("THE SALVADORAN GUERRILLAS", "BY TERRORISTS")."""
    return any(_group_member(d) for d in (*(c for c in verb.children if c.dep_ == "nsubj"), *_by_agents(verb)))


def trigger_type(token: Token) -> Optional[str]:
    lemma = token.lemma_.lower()
    if token.pos_ not in {"VERB", "NOUN"}:
        return None
    if lemma in {"strike", "stoppage", "walkout"}:
        modifiers = {c.lower_ for c in token.children}
        if "air" in modifiers or "drone" in modifiers:
            return "ATTACK"
        return "FORCED_WORK_STOPPAGE" if token.pos_ == "NOUN" and modifiers & STOPPAGE_MODIFIERS else None
    if lemma == "fire" and token.pos_ == "NOUN" and token.head.lemma_.lower() == "set":
        return "ARSON"  # "SET FIRE TO A GROCERY STORE"
    if lemma == "set" and token.pos_ == "VERB" and _sets_alight(token):
        return "ARSON"  # "SET THE CLUB ON FIRE", "THE SHACK WAS SET ABLAZE": the verb, so its subject and object count
    if lemma == "fire" and not (token.pos_ == "VERB" or any(c.lower_ == "open" for c in token.ancestors)):
        return None  # "fire" the noun is a blaze, not gunfire, unless someone "opened fire"
    if lemma in SABOTAGE_VERBS and token.pos_ == "VERB" and _done_by_armed_men(token):
        return "ATTACK"  # "THE GUERRILLAS HAVE DESTROYED AT LEAST 10 POWER TRANSMISSION TOWERS": sabotage
    if lemma == "blow" and any(c.dep_ == "prt" and c.lower_ == "up" for c in token.children):
        return "BOMBING"  # "THE REBELS BLEW UP A GROCERY STORE"
    if lemma in {"burn", "torch"} and token.pos_ != "VERB":
        return None
    if lemma == "gun" and token.pos_ != "VERB":
        return None  # "gun" the noun is a weapon; "gunned down" is the attack
    if token.pos_ == "VERB" and (lemma == "dynamite" or token.lower_.startswith(("machinegun", "machine-gun"))):
        # the noun "dynamite" is a weapon; "THE OFFICES, WHICH WERE DYNAMITED", "MACHINEGUNNED A BUILDING" are acts
        return "BOMBING" if lemma == "dynamite" else "ATTACK"
    if lemma == "execute" and not any(c.dep_ in {"dobj", "nsubjpass"} and _is_person(c) for c in token.children):
        return None  # "execute a plan" is not a killing
    return _LEMMA_TYPES.get(lemma)


# Words for what an attack did, no attack words themselves (our guidelines: when an attack is named, they are
# its outcome): the people they say were harmed are its victims, the things damaged or destroyed its targets.
HARM_VERBS = {"wound", "injure", "hurt", "die", "perish"}
DAMAGE_VERBS = {"damage", "destroy", "derail", "raze", "gut"}
NOT_THINGS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "QUANTITY", "MONEY"}  # "30 PERCENT WAS DESTROYED"


def _outcomes(doc: Doc, sentence: Span) -> Iterator[tuple[str, Span]]:
    """("victim", span) for the people an outcome word in the sentence says were harmed ("AN OFFICER WAS SERIOUSLY
    WOUNDED", "INSPECTOR EULOGIO FLORES DIED IN THE EXPLOSION"), ("target", span) for the things it says were
    damaged ("ONE BUS AND ONE ELECTRICAL TRANSFORMER WERE DAMAGED", "DAMAGE TO OVER 20 STORES"; not people, groups,
    amounts or a setting)."""
    for word in sentence:
        lemma = word.lemma_.lower()
        if word.pos_ == "VERB" and lemma in HARM_VERBS | DAMAGE_VERBS:
            subject = "nsubj" if lemma in {"die", "perish"} else "nsubjpass"
            affected = [c for c in word.children if c.dep_ in {subject, "dobj"}]
        elif word.pos_ == "NOUN" and lemma == "damage":
            affected = prepositional_objects(word, {"to"})
        else:
            continue
        if _only_asked(word):
            continue
        for token in _resolved(word, affected):
            span = _mention(doc, token)
            if span is None:
                continue
            person = span.label_ in PERSON_LABELS or _is_person(token)
            if lemma in HARM_VERBS:
                if person:
                    yield "victim", span
            elif not person and span.label_ not in ORG_LABELS | NOT_THINGS and not names_a_setting(span) \
                    and not _LEMMA_TYPES.get(span.root.lemma_.lower()):
                yield "target", with_owner(span)


def _only_asked(word: Token) -> bool:
    """Asked, not said to have happened: "IT IS UNKNOWN WHETHER CIVILIANS HAVE BEEN HURT"."""
    return any(c.dep_ == "mark" and c.lower_ in {"whether", "if"} for c in word.children)


# Head nouns of an organisation that the NER left unnamed ("THE ARMED FORCES", "THE DRUG MAFIAS", "THE TERRORIST
# ORGANIZATION"): responsible as a body, MUC-4's PerpOrg, not a perpetrator individual. A collective noun of people
# ("A GROUP OF MEN", "URBAN COMMANDO UNITS") stays a perpetrator.
BODY_NOUNS = ORGANISATION_HEADS - COLLECTIVE_NOUNS | {"mafia", "mafias", "government", "forces"}


def _names_a_body(span: Span) -> bool:
    root = span.root
    return root.pos_ != "PROPN" and (root.lower_ in BODY_NOUNS or root.lemma_.lower() in BODY_NOUNS) \
        and span.label_ != "PERSON"


def _in_actor(doc: Doc, token: Token) -> bool:
    """Whether the actors stage found a nominal actor there ("ARMED NARCOTERRORISTS")."""
    return any(actor.start <= token.i < actor.end for actor in doc.spans.get(ACTORS_KEY, ()))


def _is_person(token: Token) -> bool:
    return token.ent_type_ in PERSON_LABELS or token.lemma_.lower() in ACTOR_NOUNS or token.lower_ in ACTOR_NOUNS


def _participants(doc: Doc, trigger: Token):
    """(role, span) pairs read off the dependency tree around one trigger."""
    agents, patients = [], []
    lemma = trigger.lemma_.lower()
    event_type = trigger_type(trigger)
    if trigger.pos_ == "VERB":
        for child in trigger.children:
            if child.dep_ in {"nsubj"}:
                agents.append(child)
            elif child.dep_ in {"dobj", "nsubjpass"}:
                patients.append(child)
            elif child.dep_ == "prep" and child.lower_ in STRUCK_AT_PREPS and event_type in STRUCK_WHERE_IT_HAPPENS:
                patients.extend(_struck_facilities(child))
        agents.extend(_by_agents(trigger))  # "WAS KIDNAPPED BY X"
        if not agents and trigger.dep_ == "conj" and trigger.head.pos_ == "VERB":
            # "GUERRILLAS KILLED A PEASANT AND BURNED A TANK TRUCK": the second verb shares the subject
            agents.extend(c for c in trigger.head.children if c.dep_ == "nsubj")
        if not agents:  # "THE MOVEMENT CLAIMED RESPONSIBILITY FOR DETONATING A BOMB"
            agents.extend(_held_responsible(trigger))
        if not agents and trigger.dep_ == "xcomp" and trigger.head.pos_ == "VERB" \
                and not any(c.dep_ in {"dobj", "nsubjpass"} for c in trigger.head.children):
            # "the rebels attempted to kidnap the mayor": the subject of a verb of trying, planning or
            # managing does the act; "ordered the soldiers to shoot" (an object) names someone else
            agents.extend(c for c in trigger.head.children if c.dep_ == "nsubj")
    else:
        for child in trigger.children:
            if child.dep_ in {"poss", "compound"} and (child.ent_type_ in ORG_LABELS or _is_person(child)):
                # "ROMERO'S MURDER": the one a killing noun happens to; "the FMLN's attack": who made it
                victim = lemma in PATIENT_NOUNS and child.ent_type_ not in ORG_LABELS \
                    and not _group_member(child)
                (patients if victim else agents).append(child)
            elif child.dep_ == "prep" and child.lower_ == "by":  # "ATTACKS BY ABOUT 150 SHINING PATH MEMBERS"
                agents.extend(c for c in child.children if c.dep_ == "pobj" and (
                    c.ent_type_ in ORG_LABELS or _is_person(c) or _group_member(c) or _in_actor(doc, c)))
            elif child.dep_ == "prep" and child.lower_ == "of":
                # "the attack of the guerrillas" (a group: who made it); "the assassination of HECTOR OQUELI",
                # "the bombing of the embassy" (anyone or anything else: whom or what it struck)
                for c in child.children:
                    if c.dep_ == "pobj":
                        by_group = c.ent_type_ in ORG_LABELS or _group_member(c)
                        (agents if by_group and lemma not in PATIENT_NOUNS else patients).append(c)
            elif child.dep_ == "prep" and child.lower_ in {"on", "against", "targeting"}:
                patients.extend(c for c in child.children if c.dep_ == "pobj")
            elif child.dep_ == "prep" and child.lower_ in STRUCK_AT_PREPS and event_type in STRUCK_WHERE_IT_HAPPENS:
                patients.extend(_struck_facilities(child))
        head = trigger.head
        agents.extend(_held_responsible(trigger))
        patients.extend(_survivors(trigger))
        if lemma == "hostage" and head.lemma_.lower() in {"hold", "take", "keep"}:
            # "THE REBELS HOLD HIM HOSTAGE", "X IS BEING HELD HOSTAGE BY MEMBERS OF Y"
            agents.extend([c for c in head.children if c.dep_ == "nsubj"] + _by_agents(head))
            patients.extend(c for c in head.children if c.dep_ in {"nsubjpass", "dobj"} and c.i != trigger.i)
        if trigger.dep_ in {"dobj", "nsubjpass"} and head.lemma_.lower() in LAUNCH_VERBS | PLACING_VERBS | {"set"}:
            agents.extend(c for c in head.children if c.dep_ in {"nsubj"})
            if trigger.dep_ == "nsubjpass":  # "THE BOMB HAD BEEN PLANTED BY X", "THE ATTACK WAS PERPETRATED BY X"
                agents.extend(_by_agents(head))
        for child in trigger.children:  # "ATTACKS CARRIED OUT BY X"
            if child.dep_ == "acl" and child.lemma_.lower() in LAUNCH_VERBS | PLACING_VERBS:
                agents.extend(_by_agents(child))
        subject = head.head if trigger.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ == "NUM" \
            else trigger  # "ONE OF THE EXPLOSIONS OCCURRED ..."
        if event_type in STRUCK_WHERE_IT_HAPPENS and subject.dep_ == "nsubj" \
                and subject.head.lemma_.lower() in HAPPEN_VERBS:
            # "AN EXPLOSION OCCURRED NEAR THE BANK", "THE BLAST TOOK PLACE IN FRONT OF THE MINISTRY"
            patients.extend(_struck_through(subject.head, STRUCK_AT_PREPS))
        if trigger.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() == "target" \
                and head.head.dep_ == "attr":  # "X AND Y WERE THE TARGETS OF TERRORIST ATTACKS"
            patients.extend(c for c in head.head.head.children if c.dep_ == "nsubj")
        if event_type in STRUCK_WHERE_IT_HAPPENS and trigger.dep_ in {"dobj", "nsubjpass"} \
                and head.lemma_.lower() in PLACING_VERBS:  # "A BOMB WAS THROWN AT THE MARVIN SODA SHOP"
            patients.extend(_struck_through(head, PLACED_AT_PREPS))
        if event_type == "ARSON":  # "SET FIRE TO THE TOWN HALL": "to" on the noun, or on the verb
            patients.extend(prepositional_objects(trigger, {"to"}))
            if head.lemma_.lower() == "set":
                patients.extend(prepositional_objects(head, {"to"}))
    agents, patients = _resolved(trigger, agents), _resolved(trigger, patients)
    # a dateline's words or a section label ("-- [EXCERPTS] THE EXTRADITABLES CLAIMED ...") take no part
    agents = [t for t in agents if not in_boilerplate(doc, doc[t.i:t.i + 1])]
    patients = [named for token in patients for named in _named_by_apposition(token)]
    for token in agents:
        span = _mention(doc, token)
        # "A BOMB EXPLODED, KILLING FIVE", "the blast killed": a weapon or an explosion is no perpetrator
        if span is not None and span.label_ != "WEAPON" and not _LEMMA_TYPES.get(span.root.lemma_.lower()):
            yield ("perpetrator_org" if span.label_ in ORG_LABELS or _names_a_body(span) else "perpetrator"), span
    harms_people = lemma in HARM_TO_PEOPLE
    for token in patients:
        span = _mention(doc, token)
        # not a date or a number, and not another attack word ("charged with murder, assault and robbery")
        if span is not None and span.label_ not in {"DATE", "TIME", "CARDINAL", "WEAPON"} \
                and not _LEMMA_TYPES.get(span.root.lemma_.lower()):
            # people the actors stage found ("THE JESUITS", "SEVERAL MEMBERS OF THE UNION") are struck as
            # victims whatever their head word; a physical target is a thing
            person = harms_people or _is_person(token) or span.label_ in PERSON_LABELS or span.label_ == ACTOR_LABEL
            if person:
                yield "victim", span
            elif not names_a_setting(span):
                yield "target", with_owner(span)


# What a person lives in, works in or travels in: an attack on it has that person as its "obvious or apparent
# target", MUC-4's human target (template doc, slot 18): "THE RESIDENCE OF PRESIDENT ALFREDO CRISTIANI",
# "THE HOMES OF DEPUTY MINISTER X AND GOVERNOR Y", "SENATOR X'S CAR".
PERSONAL_PROPERTY_NOUNS = {"residence", "home", "house", "apartment", "office", "car", "vehicle", "jeep", "farm",
                           "estate", "ranch"}


def _owners(target: Span) -> list[Span]:
    """The named people whose home, office or vehicle a target is (of-phrase or possessive, with those
    coordinated with them); nobody for any other target."""
    root = target.root
    if root.lemma_.lower() not in PERSONAL_PROPERTY_NOUNS and root.lower_ not in PERSONAL_PROPERTY_NOUNS:
        return []
    owners = [c for c in root.children if c.dep_ == "poss"] + prepositional_objects(root, {"of"})
    people = []
    for token in (t for owner in owners for t in (owner, *_conjuncts(owner))):
        for named in _named_by_apposition(token):
            span = _mention(target.doc, named)
            if span is not None and span.label_ == "PERSON" and span not in people:
                people.append(span)
    return people


def _groups_of(perpetrator: Span) -> list[Span]:
    """The named organisations a nominal perpetrator is said to belong to: "MEMBERS OF THE COMMUNIST PARTY OF
    CHILE", "GUERRILLAS OF THE POPULAR LIBERATION ARMY", "A GROUP OF REBELS BELONGING TO THE FMLN". MUC-4 and
    ACLED alike code the group as responsible for what its members did."""
    doc = perpetrator.doc
    if perpetrator.label_ in ORG_LABELS:
        return []
    root = perpetrator.root
    # the collective noun and the people it is made of: "A GROUP [OF REBELS] BELONGING TO ..."
    heads = [root, *(o for o in prepositional_objects(root, {"of"}) if o.i < perpetrator.end)]
    objects = [o for h in heads for o in prepositional_objects(h, {"of"})]
    objects += [o for h in heads for verb in h.children if verb.dep_ == "acl" and verb.lemma_.lower() == "belong"
                for o in prepositional_objects(verb, {"to"})]
    groups = []
    for token in objects:
        span = _mention(doc, token)
        if span is not None and span.label_ in ORG_LABELS and span not in groups:
            groups.append(span)
    return groups


# Words saying that someone came through an attack aimed at them: "ESCAPED THE ATTACK UNHARMED", "SURVIVED AN
# ASSASSINATION ATTEMPT", "WAS UNHURT IN THE BOMBING": the apparent target, a victim in MUC-4's sense.
SURVIVAL_VERBS = {"escape", "survive"}
UNHARMED_WORDS = {"unharmed", "unhurt", "uninjured", "unscathed", "safe"}


def _survivors(trigger: Token) -> list[Token]:
    """Who the sentence says survived the attack a noun names (a relative pronoun is resolved by the caller)."""
    head = trigger.head
    if trigger.dep_ == "dobj" and head.lemma_.lower() in SURVIVAL_VERBS:
        verb = head
    elif trigger.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ in {"in", "after", "following", "during"}:
        # "X WAS UNHARMED FOLLOWING A TERRORIST ATTACK": the phrase hangs off the adjective or off its verb
        word = head.head
        if word.lower_ in UNHARMED_WORDS and word.dep_ in {"acomp", "oprd", "advcl", "xcomp"}:
            verb = word.head
        elif any(c.dep_ == "acomp" and c.lower_ in UNHARMED_WORDS for c in word.children):
            verb = word
        else:
            return []
    else:
        return []
    return [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]


# Words that say the people identified are those an attack struck, or those who made it.
IDENTIFIED_VICTIM_WORDS = {"victim", "dead", "body", "casualty", "killed", "wounded", "injured", "murdered",
                           "kidnapped", "hostage", "deceased"}
IDENTIFIED_PERPETRATOR_WORDS = {"suspect", "arrested", "detained", "attacker", "assailant", "kidnapper", "gunman",
                                "gunmen", "perpetrator", "murderer", "killer"}


def _identified(doc: Doc, sentence: Span) -> Iterator[tuple[str, Span]]:
    """The people a sentence names as those an attack struck or those who made it: "THE VICTIMS WERE IDENTIFIED AS
    X, Y AND Z", "THE CIVILIAN WHO WAS KILLED HAS BEEN IDENTIFIED AS X", "THE ARRESTED MEN HAVE BEEN IDENTIFIED AS
    X" (victims, perpetrators); the words of the subject say which."""
    for verb in sentence:
        if verb.lemma_.lower() != "identify" or verb.pos_ != "VERB":
            continue
        subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        if subject is None:
            continue
        words = {t.lemma_.lower() for t in subject.subtree} | {t.lower_ for t in subject.subtree}
        role = "victim" if words & IDENTIFIED_VICTIM_WORDS else \
            "perpetrator" if words & IDENTIFIED_PERPETRATOR_WORDS else None
        if role is None:
            continue
        for name in (t for o in prepositional_objects(verb, {"as"}) for t in (o, *_conjuncts(o))):
            span = _mention(doc, name)
            if span is not None and span.label_ == "PERSON":
                yield role, span


# Verbs that lay an act at someone's door: "BLAMED THE FMLN FOR THE ATTACK", "ATTRIBUTED THE BOMBING TO THE ELN".
BLAME_VERBS = {"blame", "accuse", "attribute", "ascribe", "hold", "charge"}
# Nouns of owning up to an act: "THE ELN CLAIMED RESPONSIBILITY FOR THE ATTACK".
RESPONSIBILITY_NOUNS = {"responsibility", "authorship", "credit"}
# Verbs of having a part in an act: "X ARE IMPLICATED IN THE ASSASSINATION", "X PARTICIPATED IN THE ATTACK".
PART_IN_VERBS = {"implicate", "involve", "participate"}


def _held_responsible(trigger: Token) -> list[Token]:
    """Who the text says did an act named by a noun, though not as its grammatical agent: whoever claims
    responsibility for it ("THE ELN CLAIMED RESPONSIBILITY FOR THE ATTACK"), is blamed or held responsible
    for it ("POLICE BLAMED THE FMLN FOR THE ATTACK"), has it attributed to them ("THE BOMBING WAS ATTRIBUTED
    TO THE ELN") or is said to have had a part in it ("TWO OFFICERS ARE IMPLICATED IN THE MURDER"). MUC-4's
    perpetrators include those the report names so; a denial is read elsewhere (``_status``)."""
    head = trigger.head
    if trigger.dep_ in {"pobj", "pcomp"} and head.lower_ == "for":  # "... FOR THE ATTACK", "... FOR DETONATING"
        owner = head.head
        if owner.lemma_.lower() in RESPONSIBILITY_NOUNS and owner.head.pos_ in {"VERB", "AUX"}:
            return [c for c in owner.head.children if c.dep_ == "nsubj"]  # X claimed/assumed responsibility for it
        if owner.pos_ == "VERB" and any(c.dep_ == "dobj" and c.lemma_.lower() in RESPONSIBILITY_NOUNS
                                        for c in owner.children):
            return [c for c in owner.children if c.dep_ == "nsubj"]  # X claimed responsibility today for it
        if owner.pos_ == "VERB" and owner.lemma_.lower() in BLAME_VERBS:
            return [c for c in owner.children if c.dep_ in {"dobj", "nsubjpass"}]  # blamed X for it
        if owner.pos_ == "ADJ" and owner.lower_ == "responsible" and owner.head.pos_ in {"VERB", "AUX"}:
            return [c for c in owner.head.children if c.dep_ in {"dobj", "nsubj", "nsubjpass"}
                    and c.pos_ != "PRON"]  # held X responsible for it / X was responsible for it
    if trigger.dep_ == "pobj" and head.lower_ == "in" and head.head.lemma_.lower() in PART_IN_VERBS:
        verb = head.head  # "X ARE IMPLICATED IN THE ASSASSINATION", "the soldiers involved in the killing"
        if verb.dep_ == "acl":
            return [verb.head]
        return [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"} and c.pos_ != "PRON"]
    if trigger.dep_ in {"dobj", "nsubjpass"} and head.lemma_.lower() in {"attribute", "ascribe", "blame"}:
        return [c for p in head.children if p.dep_ in {"prep", "dative"} and p.lower_ in {"to", "on"}
                for c in p.children if c.dep_ == "pobj"]  # attributed it to X, blamed it on X
    if trigger.dep_ == "nsubj" and head.lemma_.lower() == "be":  # "THE ATTACK WAS THE WORK OF X"
        return [o for c in head.children if c.dep_ == "attr" and c.lemma_.lower() == "work"
                for o in prepositional_objects(c, {"of"})]
    return []


def _by_agents(verb: Token) -> list[Token]:
    """The "by" phrase of a passive verb: who did it."""
    return [c for a in verb.children if a.dep_ == "agent" for c in a.children if c.dep_ == "pobj"]


def _named_by_apposition(token: Token) -> list[Token]:
    """A person described by a common noun and then named: "the mayor of Cali, Jorge Perez" is Jorge Perez, the
    most specific mention of the one person; so is "JUDGE MARIELA ESPINOSA ARANGO", a title right before the name,
    where the parser hung the name elsewhere ("THE ASSASSINATION OF JUDGE [...]": the judge). Anything else stands
    as it is."""
    if token.ent_type_ or token.pos_ != "NOUN":
        return [token]
    names = [c for c in token.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"]
    if not names and token.tag_ == "NN":
        after = next((t for t in token.doc[token.i + 1:token.i + 3] if not t.is_space), None)
        if after is not None and after.ent_iob_ == "B" and after.ent_type_ == "PERSON" and "\n\n" not in \
                token.doc[token.i:after.i].text_with_ws:
            names = [next(t for t in token.doc.ents if t.start == after.i).root]
    return names[:1] or [token]


# Nouns for where something happened, not for what was hit: "ATTACKED SEVERAL AREAS", "BOMBED THE TOWN". Our
# guidelines (as MUC-4's) make a place named only as the setting a location, never a target.
# ("port" and "department" are left out: a port is an installation, and "the police department" a body.)
SETTING_NOUNS = SETTLEMENT_NOUNS - {"port", "department"} | {"area", "zone", "sector", "territory", "countryside",
                                                             "outskirts", "region"}


def names_a_setting(span: Span) -> bool:
    """Whether a mention is a common noun for a setting ("several areas", "the towns"), not a name
    ("the town of San Antonio Abad" is a place too, but its head is the name's). Reads the lemma, or
    without a lemmatizer (the trained event extractor run on its own) the word made singular."""
    words = [t for t in span if not t.is_punct]
    if not words or words[-1].ent_type_:
        return False
    last = words[-1]
    word = last.lower_
    singular = word[:-3] + "y" if word.endswith("ies") else word[:-1] if word.endswith("s") else word
    return bool({last.lemma_.lower(), word, singular} & SETTING_NOUNS)


def with_owner(span: Span) -> Span:
    """A target named by a common noun, with the "of" phrase that says whose it is: "the offices of the
    telecommunications enterprise", "the branch of EL ESPECTADOR", "the residence of President Alfredo
    Cristiani". Without it "the offices" or "the building" is no particular target; our FAC spans and MUC-4's
    fillers alike name a facility with its owner. A name ("the Sheraton") and a setting ("several areas of San
    Salvador", see names_a_setting) keep their span. Needs the parse."""
    doc = span.doc
    if not doc.has_annotation("DEP"):
        return span
    root = span.root
    if span.end >= len(doc) or root.i != span.end - 1 or root.pos_ != "NOUN" or root.ent_type_:
        return span
    if names_a_setting(span):
        return span
    preposition = doc[span.end]
    if preposition.lower_ != "of" or preposition.dep_ != "prep" or preposition.head.i != root.i:
        return span
    owners = [c for c in preposition.children if c.dep_ == "pobj"]
    if not owners:
        return span
    owner = owners[0]
    end = _noun_phrase_end(owner)
    # a short phrase only, in the same sentence: a long one is a clause of its own, not a name
    if end - span.end > 8 or doc[span.end].sent != doc[end - 1].sent:
        return span
    return Span(doc, span.start, end, label=span.label)


def _noun_phrase_end(token: Token) -> int:
    """Where the name or base noun phrase that holds ``token`` ends."""
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end:
            return ent.end
    return noun_phrase(token)[1]


def noun_phrase(token: Token) -> tuple[int, int]:
    """(start, end) of the base noun phrase that holds ``token``, or of the token alone. Looked up only for the
    few spans that need it: most mentions end on their noun."""
    for chunk in token.doc.noun_chunks:
        if chunk.start <= token.i < chunk.end:
            return chunk.start, chunk.end
    return token.i, token.i + 1


def _resolved(trigger: Token, tokens: list[Token]) -> list[Token]:
    """The participants a parse gives, with those coordinated with them ("KILLED HECTOR OQUELI ... AND GILDA
    FLORES") and a relative pronoun read as the noun it stands for ("OQUELI, WHO WAS KIDNAPPED")."""
    out: list[Token] = []
    for token in tokens:
        if token.tag_ in {"WP", "WDT"} and token.head.dep_ == "relcl":
            token = token.head.head  # "OQUELI, WHO WAS KIDNAPPED", "GUERRILLAS, WHO PLANTED THE BOMB"
        for t in (token, *_conjuncts(token)):
            if t not in out:
                out.append(t)
    return out


def _conjuncts(token: Token) -> list[Token]:
    found = []
    for child in token.children:
        if child.dep_ == "conj":
            found.extend([child, *_conjuncts(child)])
    return found


def _mention(doc: Doc, token: Token) -> Optional[Span]:
    """The entity, nominal actor or noun chunk that a head token stands for."""
    if token.pos_ == "PRON" or token.like_num or token.lower_ in {"one", "nobody", "none", "anyone"}:
        return None  # pronouns need coreference, which this stage does not do; "no one" is nobody
    for ent in doc.ents:
        if ent.start <= token.i < ent.end:
            return ent
    for actor in doc.spans.get(ACTORS_KEY, ()):
        if actor.start <= token.i < actor.end:
            end = _with_members(token, actor.end) if token.i == actor.end - 1 else actor.end
            return actor if end == actor.end else Span(doc, actor.start, end, label=actor.label)
    for chunk in doc.noun_chunks:
        if chunk.root.i == token.i:
            start = chunk.start + (1 if chunk[0].dep_ == "det" else 0)
            return Span(doc, start, _with_members(token, chunk.end), label="NOUN") if start < chunk.end else None
    return None


def _with_members(token: Token, end: int) -> int:
    """Where the mention headed by ``token`` ends: after the "of" phrase of a collective noun."""
    if token.lemma_.lower() not in COLLECTIVE_NOUNS and token.lower_.rstrip("s") not in COLLECTIVE_NOUNS:
        return end
    for prep in token.rights:
        if prep.dep_ == "prep" and prep.lower_ == "of" and prep.i == end:
            objects = [c for c in prep.children if c.dep_ == "pobj"]
            if objects:
                # a short phrase only: a long one is a clause of its own, not a name for the group
                return objects[0].right_edge.i + 1 if objects[0].right_edge.i - end < 8 else end
    return end


def _is_locative(ent: Span, triggers: set[int]) -> bool:
    if qualifier(ent, triggers):
        return False  # "U.S. PROFESSOR DAVID KENT": whose, not where (event_location.qualifier)
    head = ent.root.head
    if ent.root.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in SETTLEMENT_NOUNS:
        return True  # "the town of Hostigal": the name of a place the sentence is about
    if part_name(ent) != ent.text:
        return True  # the NER took the noun in: "(THE MAYOR OF) THE SMALL TOWN OF HOSTIGAL"
    root = list_head(ent.root)  # a later name of a list: "IN BOGOTA AND MEDELLIN"
    return root.dep_ == "pobj" and root.head.lower_ in LOCATIVE_PREPS or ent.root.dep_ in {"compound", "npadvmod"}


# The guidelines' subtypes (annotations/GUIDELINES.md, section 5), each given only where the text states it;
# they map onto ACLED's sub-event types (docs/records.md).
SUBTYPES = ("suicide_bombing", "car_bomb", "ied", "assassination", "massacre", "armed_clash", "air_strike",
            "shelling", "ambush", "hostage_taking")
_SUBTYPE_WORDS = {
    "assassination": {"assassinate", "assassination", "assassin"},
    "massacre": {"massacre"},
    "armed_clash": {"clash", "skirmish", "firefight", "shootout", "gunbattle"},
    "air_strike": {"airstrike", "air-strike", "bombardment", "bombard", "airstrikes"},
    "shelling": {"shell", "shelling", "mortar", "artillery"},
    "ambush": {"ambush"},
    "hostage_taking": {"hostage"},
}
_CARS = {"car", "vehicle", "truck", "car-bomb", "van", "vbied"}
_IEDS = {"ied", "ieds", "roadside", "improvised", "landmine", "mine"}


def _subtype(event_type: str, triggers: list[Token], arguments: list[EventArgument]) -> Optional[str]:
    """The subtype the words of the incident state: "a suicide bomber", "a car bomb", "an air strike",
    "ambushed", "took hostage"; None where they state none."""
    words = {w for t in triggers for w in (t.lemma_.lower(), t.lower_)}
    near = words | {c.lower_ for t in triggers for c in t.children if c.dep_ in {"compound", "amod", "nmod"}}
    weapons = {w.lower_ for a in arguments if a.role == "weapon" for w in a.span}
    if event_type == "BOMBING" or "bomb" in weapons:
        if "suicide" in near | weapons:
            return "suicide_bombing"
        if near & _CARS or weapons & _CARS:
            return "car_bomb"
        if near & _IEDS or weapons & _IEDS:
            return "ied"
    if "air" in near and words & {"strike", "raid", "attack"}:
        return "air_strike"
    for subtype, lexicon in _SUBTYPE_WORDS.items():
        if words & lexicon:
            return subtype
    if event_type == "ATTACK" and weapons & {"mortar", "mortars", "artillery", "shells"}:
        return "shelling"
    return None


def _kind(triggers: list[tuple[Token, str]]) -> str:
    nouns = [t for t, _ in triggers if t.pos_ == "NOUN"]
    verbs = [t for t, _ in triggers if t.pos_ == "VERB"]
    # "44 attacks", "a series of bombings": many incidents counted together.
    plural_counted = [t for t in nouns if t.tag_ == "NNS" and any(c.dep_ == "nummod" for c in t.children)]
    if plural_counted or (nouns and not verbs and all(t.tag_ == "NNS" for t in nouns)):
        return "aggregate"
    return "incident"


# Nouns for a matter that an earlier incident gives its name to: "THE JESUITS' MURDER CASE".
CASE_NOUNS = {"case", "trial", "investigation", "inquiry", "probe", "anniversary"}
TIME_UNITS = {"day", "week", "month", "year", "decade"}
# An incident dated more than this many days before the article's publication is recalled, not reported.
RECALLED_AFTER_DAYS = 30


def _recalled(trigger: Token) -> bool:
    """A past incident recalled as context, not the article's news (GUIDELINES.md, Kind: ``background``):
    "SINCE THE 1932 MASSACRE", "A SCANT 1 MONTH AFTER THE MURDER OF ...", "THE JESUITS' MURDER CASE", or an
    incident whose own date lies over a month before the article was published ("In July, nine officials were
    killed" in an October article). An older incident the article brings news of is told with a recent date
    or none, and stays an incident."""
    head = trigger.head
    if trigger.pos_ == "NOUN":
        if trigger.dep_ == "pobj" and head.lower_ == "since":
            return True
        if trigger.dep_ == "pobj" and head.lower_ in {"after", "before"} \
                and any(c.dep_ == "npadvmod" and c.lemma_.lower() in TIME_UNITS for c in head.children):
            return True
        if trigger.dep_ == "compound" and head.lemma_.lower() in CASE_NOUNS:
            return True
        if trigger.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() == "anniversary":
            return True
    published = publication_date(trigger.doc)
    if published is None:
        return False
    spans = [day_span(ent._.timex.value) for ent in trigger.sent.ents
             if ent.label_ == "DATE" and ent._.timex is not None and _dates_the(ent, trigger)]
    lasts = [span.last for span in spans if span is not None]
    return bool(lasts) and max(lasts) < (published - timedelta(days=RECALLED_AFTER_DAYS)).toordinal()


def _dates_the(ent: Span, trigger: Token) -> bool:
    """The date hangs off the trigger or its verb: "IN JULY, ... WERE KILLED", "THE 1932 MASSACRE"."""
    near = {trigger.i} | ({trigger.head.i} if trigger.pos_ == "NOUN" and trigger.dep_ in {"dobj", "nsubjpass",
                                                                                         "nsubj"} else set())
    root = ent.root
    return root.head.i in near or root.head.dep_ == "prep" and root.head.head.i in near


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
