"""First-pass actor-actor relations, read off the parse and the events.

- ALIAS_OF: an acronym introduced in parentheses, or two names with one registry canonical;
- LEADER_OF: "TTP chief Noor Wali Mehsud", "Mehsud, the leader of TTP", "UN SECRETARY GENERAL JAVIER PEREZ"
  (a group's name, then the words of a title that heads it, then a person; a place's name, then the title of
  who governs it: "ANTIOQUIA DEPARTMENT GOVERNOR X"); the ruler a regime is named after ("the Asad regime");
- MEMBER_OF: "X, a member of Y", "X IS A MEMBER OF Y", "X, AN ARENA DEPUTY"; people listed with "other members" of
  a group ("X, Y AND OTHER MEMBERS OF THE RING"); the people a group is "identified as"; a group's name,
  then only a rank, then a person ("ARMY COLONEL X"); and a nominal actor that is members of a group it names
  ("MEMBERS OF THE FMLN", "ISIL terrorists");
- FIGHTING_AGAINST: an event's organised perpetrator against its victim or target
  organisation or state, and "X fights / wages war on / defeats / kills Y", where X and Y are names or
  nominal actors (the subject of "to defeat" being that of the verb it completes: "The UK stands by Iraq to
  defeat Daesh"), "X conducted raids on Y's targets", and the two sides named in a war's name ("the Iran-Iraq
  War");
- ALLIED_WITH: "X merged with Y", "X allied with Y", "ties to", "aligned"; the joined subjects of a verb of fighting
  ("X, Y and Z are committed to defeating W");
- LOCATED_IN: "Gilgit, Pakistan" and "X in Y" when the gazetteer puts X inside Y, or when the text says so
  ("Amarah, a city in southern Iraq", "Huaraz, the capital of Ancash department"); "towns in Y including X and Z";
  a named group or person right before "in" and a place ("defeat ISIL in Syria and Iraq").
A trained linker (components/relation_model.py) keeps these and adds its own in a later stage.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..normalize.actors import is_title_word
from .actors import ACTOR_LABEL, ACTORS_KEY, MEMBER_NOUNS as GROUP_MEMBER_NOUNS
from .entities import NESTED_KEY
from .events import prepositional_objects
from .normalization import PLACE_NOUNS, PLACE_NOUNS_AFTER

# What joins two names of one actor: "ISIL, also known by its Arabic acronym as DAESH", "X (Arabic: ...), also known
# as Y", "aka".
KNOWN_AS = re.compile(r"^(?:\([^()]*\)\s*)?[(\[,\s]*(?:(?:also\s+)?(?:locally\s+|widely\s+)?known\s+"
                      r"(?:(?:by|in)\s+(?:[\w']+\s+){0,4}?)?as|aka|a\.k\.a\.)$")
ACTOR_ENTS = {"ORG", "NORP", "PERSON", "GPE"}
LEADER_NOUNS = {"chief", "leader", "commander", "head", "founder", "emir", "chairman", "spokesman", "president"}
MEMBER_NOUNS = {"member", "fighter", "militant", "operative", "commander", "soldier", "deputy", "official", "officer",
                "agent", "activist", "guerrilla", "rebel"}
GROUP_ROLE_NOUNS = LEADER_NOUNS | MEMBER_NOUNS
# Title words that put a person at the head of the group named before them ("UN SECRETARY GENERAL X", "DAS
# DIRECTOR X"), and ranks and titles that make the person one of its members ("ARMY COLONEL X").
HEAD_TITLE_WORDS = LEADER_NOUNS | {"director", "secretary", "justice", "minister", "governor", "mayor", "premier"}
# Titles of who governs a place: "ANTIOQUIA DEPARTMENT GOVERNOR X", "U.S. PRESIDENT X".
PLACE_HEAD_WORDS = {"governor", "mayor", "president", "premier", "prime"}
# What is named after its ruler: "the Asad regime".
RULED_BY = {"regime", "government", "administration", "cabinet"}
RANK_WORDS = {"general", "colonel", "col", "major", "maj", "lieutenant", "lt", "captain", "capt", "sergeant", "sgt",
              "corporal", "private", "brigadier", "admiral", "marshal", "deputy", "spokeswoman", "official",
              "officer", "agent", "member"}
FIGHT_VERBS = {"fight", "battle", "attack", "wage", "target", "combat", "oppose", "confront", "defeat", "kill",
               "ambush", "massacre"}
ALLY_VERBS = {"ally", "align", "merge", "cooperate", "support", "join", "back"}
# Verbs of carrying out an attack, and the attacks: "CONDUCTED RAIDS ON", "LAUNCHED AN OFFENSIVE AGAINST".
LAUNCH_VERBS = {"conduct", "launch", "carry", "mount", "stage", "wage"}
ATTACK_NOUNS = {"attack", "raid", "strike", "airstrike", "assault", "offensive", "bombing", "operation", "ambush"}
WAR_NOUNS = {"war", "conflict", "fighting", "clash", "clashes"}
ALLY_NOUNS = {"tie", "alliance", "affinity", "link", "loyalty", "support"}

# The words that may stand between a place and one that holds it: "Gilgit, Pakistan", "Amarah, a city in southern
# Iraq", "Jabla in the northwest province of Latakia", "HUARAZ, THE CAPITAL OF ANCASH DEPARTMENT".
LOCATING_WORDS = frozenset({",", "in", "of", "a", "an", "the", "city", "town", "village", "port", "capital",
                            "province", "department", "region", "district", "state", "north", "south", "east", "west",
                            "northern", "southern", "eastern", "western", "central", "northeast", "northwest",
                            "southeast", "southwest", "small", "coastal", "border"})

# Kinds of place in the plural: "THE NEIGHBORHOODS OF SAN SALVADOR, SUCH AS ...", "towns in Y including ...".
PLURAL_PLACE_NOUNS = PLACE_NOUNS_AFTER - PLACE_NOUNS | {"neighborhoods", "neighbourhoods", "suburbs"}

if not Doc.has_extension("relations"):
    Doc.set_extension("relations", default=None)


@dataclass(frozen=True)
class RelationMention:
    head: Span
    tail: Span
    label: str
    confidence: float


@Language.component("news_relations", requires=["doc.ents", "doc._.events"], assigns=["doc._.relations"])
def news_relations(doc: Doc) -> Doc:
    found: dict[tuple, RelationMention] = {}
    for mention in (*_aliases(doc), *_leaders_and_members(doc), *_titled_people(doc), *_rulers(doc),
                    *_members_of_groups(doc), *_named_members(doc), *_listed_with_others(doc),
                    *_event_enemies(doc), *_verb_relations(doc), *_wars(doc), *_locations(doc),
                    *_listed_places(doc), *_led_by(doc), *_made_up_of(doc), *_supported_against(doc),
                    *_campaigns_against(doc), *_residents(doc), *_actors_in_places(doc), *_part_of(doc),
                    *_who_is_a_member(doc)):
        head, tail = (mention.head.start, mention.head.end), (mention.tail.start, mention.tail.end)
        key = (head, tail, mention.label)  # a name nested in another starts where it does: "the [Asad] regime"
        if head != tail and key not in found:
            found[key] = mention
    doc._.relations = list(found.values())
    return doc


def _ent_of(doc: Doc, token) -> Span | None:
    for ent in doc.ents:
        if ent.start <= token.i < ent.end:
            return ent
    return None


def _actor_of(doc: Doc, token) -> Span | None:
    """The name or, failing one, the nominal actor ("GOVERNMENT TROOPS") a token is part of."""
    ent = _ent_of(doc, token)
    if ent is not None:
        return ent if ent.label_ in ACTOR_ENTS else None
    return next((span for span in doc.spans.get(ACTORS_KEY, ()) if span.start <= token.i < span.end), None)


def _titled_people(doc: Doc):
    """A group's name, then only title words, then a person: "UN SECRETARY GENERAL JAVIER PEREZ DE CUELLAR" leads
    the UN, "ARMY COLONEL X" is one of its members; a place's name, then the title of who governs it: "ANTIOQUIA
    DEPARTMENT GOVERNOR X" leads the department."""
    ents = list(doc.ents)
    for org, person in zip(ents, ents[1:]):
        words = [t.lower_.strip(".") for t in doc[org.end:person.start]]
        if org.label_ not in {"ORG", "GPE"} or person.label_ != "PERSON" or not words \
                or not all(w in HEAD_TITLE_WORDS or w in RANK_WORDS or is_title_word(w) for w in words):
            continue
        if org.label_ == "GPE":
            label = "LEADER_OF" if set(words) & PLACE_HEAD_WORDS else None
        else:
            label = "LEADER_OF" if set(words) & HEAD_TITLE_WORDS else "MEMBER_OF" if set(words) & RANK_WORDS else None
        if label is not None:
            yield RelationMention(person, org, label, 0.7)


def _rulers(doc: Doc):
    """The ruler a regime or government is named after leads it: "the Asad regime", "the Maliki government"
    (the name nested in the organisation's, components/entities.py: nested_names)."""
    for name in doc.spans.get(NESTED_KEY, ()):
        if name.label_ != "PERSON":
            continue
        outer = _ent_of(doc, name.root)
        if outer is not None and outer.label_ == "ORG" and outer[-1].lower_ in RULED_BY:
            yield RelationMention(name, outer, "LEADER_OF", 0.7)


def _members_of_groups(doc: Doc):
    """A nominal actor that names members of a group: "MEMBERS OF THE FMLN", "ISIL terrorists" (the group's
    name inside the mention or right before it). Also where such a mention is an ORG entity, as re3d marks "40
    members" of "40 members of the Coalition"."""
    nominal_orgs = (e for e in doc.ents if e.label_ == "ORG" and e.root.lower_ in GROUP_MEMBER_NOUNS)
    for actor in (*doc.spans.get(ACTORS_KEY, ()), *nominal_orgs):
        if actor.root.lower_ not in GROUP_MEMBER_NOUNS:
            continue
        groups = [_ent_of(doc, g) for p in actor.root.children if p.dep_ == "prep" and p.lower_ == "of"
                  for g in p.children if g.dep_ == "pobj"]
        groups += [_ent_of(doc, t) for t in doc[max(0, actor.start - 1):actor.end] if t.i < actor.root.i]
        for group in {g for g in groups if g is not None and g.label_ == "ORG"}:
            yield RelationMention(actor, group, "MEMBER_OF", 0.6)


def _listed_with_others(doc: Doc):
    """People listed with "other members" of a group are members too, and with "other leaders" leaders: "X,
    LIEUTENANT Y, MAJOR Z, AND OTHER MEMBERS OF THE KIDNAPPING RING"."""
    for token in doc:
        noun = token.lemma_.lower()
        if noun not in GROUP_ROLE_NOUNS or not any(c.lower_ == "other" for c in token.children):
            continue
        groups = [g for o in prepositional_objects(token, {"of"}) if (g := _actor_of(doc, o)) is not None
                  and g.label_ in {"ORG", ACTOR_LABEL}]
        for person in (_ent_of(doc, c) for c in token.conjuncts):
            if person is None or person.label_ != "PERSON":
                continue
            for group in groups:
                yield RelationMention(person, group, "LEADER_OF" if noun in LEADER_NOUNS else "MEMBER_OF", 0.6)


# Words that introduce the people a group is: "MERCENARIES IDENTIFIED AS X, Y AND Z".
MEMBER_LIST_CUES = (("identified", "as"), ("namely",), ("named", "as"))


def _named_members(doc: Doc):
    """The people a group is said to be, named in a list after it: "BRITISH AND ISRAELI MERCENARIES IDENTIFIED AS
    JOHN OWEN, DAVE TOMKINS AND P. ATHERTON", "the hostages, namely X and Y"."""
    people = [e for e in doc.ents if e.label_ == "PERSON"]
    groups = [*(e for e in doc.ents if e.label_ == "ORG"), *doc.spans.get(ACTORS_KEY, ())]
    for group in groups:
        start = _after_cue(doc, group, MEMBER_LIST_CUES)[1]
        for person in _listed(doc, people, start) if start is not None else ():
            yield RelationMention(person, group, "MEMBER_OF", 0.6)


def _after_cue(doc: Doc, span: Span, cues, skipped: frozenset[str] = frozenset({","})) \
        -> tuple[Optional[tuple[str, ...]], Optional[int]]:
    """(the cue, where the text goes on after it) where the words right after ``span`` say one of ``cues``, past
    line breaks (wire copy breaks its lines anywhere) and the punctuation in ``skipped``; (None, None) otherwise."""
    after = [t for t in doc[span.end:span.end + 6] if not t.is_space and t.text not in skipped]
    cue = next((c for c in cues if [t.lower_ for t in after[:len(c)]] == list(c)), None)
    return (cue, after[len(cue) - 1].i + 1) if cue is not None else (None, None)


def _listed(doc: Doc, spans, start: int, joiners: frozenset[str] = frozenset({",", "and"})) -> list[Span]:
    """The spans a list names from token ``start`` on: only ``joiners`` between them ("X, Y AND Z"), up to the first
    other word. A span inside one already listed is passed over."""
    listed: list[Span] = []
    for span in sorted((s for s in spans if s.start >= start), key=lambda s: s.start):
        if listed and span.start < listed[-1].end:
            continue
        if {t.lower_ for t in doc[listed[-1].end if listed else start:span.start] if not t.is_space} - joiners:
            break
        listed.append(span)
    return listed


def _aliases(doc: Doc):
    """A short form in brackets after the long one, or the long one in brackets after the short ("FARABUNDO
    MARTI NATIONAL LIBERATION FRONT [FMLN]", "CIN [NATIONAL INFORMATION CENTER]", "al-Qaeda in Iraq (AQI)"):
    the short form is an alias of the long one. Two names joined by "also known as" are aliases both ways."""
    ents = list(doc.ents)
    for first, second in zip(ents, ents[1:]):
        if first.label_ not in ACTOR_ENTS or second.label_ not in ACTOR_ENTS:
            continue
        between = doc[first.end:second.start].text.strip().lower()
        closed = second.end < len(doc) and doc[second.end].text in {")", "]"}
        if between in {"(", "["} and closed:
            short, long_form = sorted((first, second), key=lambda e: (len(e), len(e.text)))
            if _short_form(short) and len(long_form) > len(short):
                yield RelationMention(short, long_form, "ALIAS_OF", 0.9)
    for i, first in enumerate(ents):
        # the next name of an actor, past a language named on the way ("ISIL, also known by its ARABIC acronym as
        # DAESH")
        second = next((e for e in ents[i + 1:i + 4] if e.label_ in ACTOR_ENTS and e.label_ != "NORP"), None)
        if first.label_ in ACTOR_ENTS and second is not None and \
                KNOWN_AS.match(doc[first.end:second.start].text.strip().lower()):
            yield RelationMention(first, second, "ALIAS_OF", 0.8)
            yield RelationMention(second, first, "ALIAS_OF", 0.8)


LIST_JOINERS = frozenset({"and", "or"})
INITIAL = re.compile(r"[^\W\d_]\.")


def listed_together(a: Span, b: Span) -> bool:
    """Two names that are items of one list ("JOHN OWEN, DAVE TOMKINS, R. PAXTON AND P. ATHERTON"; "X and Y"): only
    commas, names of the same label and a final "and" or "or" between them, and the list is closed by "and" or "or"
    before its last item, so that it is no apposition ("Qanbar, Abu Haidar"). The items of a list are different
    people or groups, never each other's aliases."""
    first, second = sorted((a, b), key=lambda s: s.start)
    if first.label_ != second.label_ or first.end > second.start:
        return False
    doc = first.doc
    # A list item: a name of the label, with any initial the entity left out ("A. | DEWER").
    end = first.sent.end if doc.has_annotation("SENT_START") else len(doc)
    same = {t.i for e in doc.ents if e.label_ == first.label_ for t in e} | {t.i for t in doc[first.end:end]
                                                                            if INITIAL.fullmatch(t.text)}
    between = [t for t in doc[first.end:second.start] if not t.is_space and t.i not in same]
    if any(t.text != "," and t.lower_ not in LIST_JOINERS for t in between):
        return False
    if any(t.lower_ in LIST_JOINERS for t in between):
        return True
    # "X, Y" is a list only where it goes on to "..., and Z".
    i = second.end
    while i < end:
        token = doc[i]
        if token.is_space or token.text == "," or token.i in same:
            i += 1
        elif token.lower_ in LIST_JOINERS:  # "..., and" the list's last item, a name of any kind
            return any(t.ent_type_ or t.i in same for t in doc[i + 1:i + 3])
        else:
            return False
    return False


def _short_form(span: Span) -> bool:
    """An acronym or a short name: one word, or a few joined by hyphens ("M-19", "PGT-COMMUNIST")."""
    return len(span) == 1 or " " not in span.text.strip()


def _leaders_and_members(doc: Doc):
    """A person and the title noun next to them in the parse ("X, the leader of Y", "Y chief X"), with the group
    it names: "one of the MRTA's leaders" reads as "leader", "chief of staff of the armed forces" reaches the
    forces through the second "of"."""
    for person in (e for e in doc.ents if e.label_ == "PERSON"):
        root = person.root
        # "X IS A MEMBER OF Y": the title is the copula's attribute
        said = [c for c in root.head.children if c.dep_ == "attr"] if root.dep_ == "nsubj" and \
            root.head.lemma_ == "be" else []
        for token in (*root.children, root.head, *said):
            if token.lower_ == "one":  # "VICTOR POLAY, ONE OF THE MRTA'S LEADERS"
                token = next(iter(prepositional_objects(token, {"of"})), token)
            noun = token.lemma_.lower()
            if token.i in range(person.start, person.end) or noun not in LEADER_NOUNS | MEMBER_NOUNS:
                continue
            label = "LEADER_OF" if noun in LEADER_NOUNS else "MEMBER_OF"
            candidates = (*token.children, *(c for p in token.children if p.dep_ == "prep" for c in p.children),
                          *(c for o in prepositional_objects(token, {"of"})
                            for c in (*o.conjuncts, *prepositional_objects(o, {"of"}))))
            for org in dict.fromkeys(_ent_of(doc, t) for t in candidates):
                if org is not None and org.label_ == "ORG":
                    yield RelationMention(person, org, label, 0.7)


# Verbs of leading, said of a group in the passive: "the Federal Government of Iraq, led by Prime Minister X".
LEAD_VERBS = frozenset({"lead", "head", "command", "chair", "direct"})


def _led_by(doc: Doc):
    """A group "led by", "headed by" or "commanded by" a person is led by them: the participle's agent leads the
    group it describes ("THE GOVERNMENT, LED BY X") or the subject of its passive ("THE FRONT IS HEADED BY X")."""
    for verb in doc:
        if verb.lemma_.lower() not in LEAD_VERBS or verb.tag_ != "VBN":
            continue
        groups = [verb.head] if verb.dep_ == "acl" else [c for c in verb.children if c.dep_ == "nsubjpass"]
        leaders = [o for agent in verb.children if agent.dep_ == "agent" for p in agent.children
                   if p.dep_ == "pobj" for o in (p, *p.conjuncts)]
        for group in (g for t in groups if (g := _actor_of(doc, t)) is not None and g.label_ != "PERSON"):
            for leader in (e for t in leaders if (e := _ent_of(doc, t)) is not None and e.label_ == "PERSON"):
                yield RelationMention(leader, group, "LEADER_OF", 0.7)


# What a group is said to be made of: "THE URNG, MADE UP OF FOUR REBEL GROUPS", "the community, including Russia".
MADE_OF = {("made", "up", "of"), ("composed", "of"), ("consisting", "of"), ("comprising",), ("including",)}
# Bodies whose members are states: "the international community", "the Global Coalition".
BODY_NOUNS = frozenset({"community", "coalition", "alliance", "council", "union", "league"})


def _made_up_of(doc: Doc):
    """The groups a group is said to be made of, or to include, are its members: "THE URNG, MADE UP OF FOUR REBEL
    GROUPS", "The international community - including Russia and Iran -", "THE FOUR ORGANIZATIONS THAT MAKE UP THE
    URNG". Places are not members ("key towns in northern Iraq including Rabiyah" lie in it: _listed_places)."""
    actors = [*(e for e in doc.ents if e.label_ in {"ORG", "NORP", "GPE", "PERSON"}), *doc.spans.get(ACTORS_KEY, ())]
    for group in (a for a in actors if a.label_ in {"ORG", ACTOR_LABEL}):
        cue, start = _after_cue(doc, group, MADE_OF, skipped=frozenset({",", "-", "–", "—", "("}))
        # "including" lists examples, which are members only of a body ("the international community, including
        # Russia"), not of a description ("innocent civilians, including women and children").
        if cue is None or cue == ("including",) and not (group.label_ == "ORG" or group[-1].lower_ in BODY_NOUNS):
            continue
        for member in _listed(doc, actors, start, joiners=frozenset({",", "and", "the"})):
            if member.label_ != "GPE" or group[-1].lower_ in BODY_NOUNS:
                yield RelationMention(member, group, "MEMBER_OF", 0.6)
    for verb in doc:  # "THE ORGANIZATIONS THAT MAKE UP THE URNG"
        if verb.lemma_.lower() == "make" and any(c.dep_ == "prt" and c.lower_ == "up" for c in verb.children):
            wholes = [_actor_of(doc, c) for c in verb.children if c.dep_ == "dobj"]
            parts = [_actor_of(doc, c) for c in _subjects(verb)]
            if verb.dep_ == "relcl":
                parts.append(_actor_of(doc, verb.head))
            for whole in (w for w in wholes if w is not None and w.label_ in {"ORG", ACTOR_LABEL}):
                for part in dict.fromkeys(p for p in parts if p is not None and p != whole):
                    yield RelationMention(part, whole, "MEMBER_OF", 0.6)


# Verbs of helping someone in a fight: "support the Government of Iraq in defeating ISIL".
HELP_VERBS = frozenset({"support", "help", "assist", "aid", "back"})


def _supported_against(doc: Doc):
    """Whom one helps against an enemy fights that enemy: "supporting the Iraqi government against the terrorism
    of ISIL", "support the Government of Iraq in defeating ISIL", "supported the Iraqi Security Forces in its
    efforts to defeat ISIL". (The helper is the helped one's ally: _verb_relations.)"""
    for verb in doc:
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in HELP_VERBS:
            continue
        helped = [_actor_of(doc, o) for c in verb.children if c.dep_ == "dobj" for o in (c, *c.conjuncts)]
        enemies = [_actor_or_owner(doc, g) for g in prepositional_objects(verb, {"against"})]
        enemies += [_actor_or_owner(doc, o) for g in prepositional_objects(verb, {"against"})
                    for o in prepositional_objects(g, {"of"})]  # "against the terrorism of ISIL"
        for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ == "in"):
            enemies += [_actor_or_owner(doc, o) for fight in prep.subtree if fight.lemma_.lower() in FIGHT_VERBS
                        and fight.pos_ == "VERB" for o in fight.children if o.dep_ == "dobj"]
        for head in dict.fromkeys(h for h in helped if h is not None):
            for tail in dict.fromkeys(t for t in enemies if t is not None and t != head):
                yield RelationMention(head, tail, "FIGHTING_AGAINST", 0.6)


# Nouns for a fight that name its enemy after "against" or "on": "Pakistan's battle against the TTP".
CAMPAIGN_NOUNS = frozenset({"fight", "battle", "war", "campaign", "struggle", "offensive", "crackdown"})


def _campaigns_against(doc: Doc):
    """Whose fight, battle, war or campaign against someone it is fights them: "Pakistan's battle against the TTP"
    (the owner), "THE ARMY LAUNCHED AN OFFENSIVE AGAINST THE FMLN" (the subject of the verb it is the object of)."""
    for noun in doc:
        if noun.pos_ != "NOUN" or noun.lemma_.lower() not in CAMPAIGN_NOUNS:
            continue
        enemies = [_actor_or_owner(doc, g) for g in prepositional_objects(noun, {"against", "on"})]
        if not any(enemies):
            continue
        sides = [_actor_of(doc, c) for c in noun.children if c.dep_ in {"poss", "compound"}]
        if noun.dep_ == "dobj":
            sides += [_actor_of(doc, c) for c in _subjects(noun.head)]
        for head in dict.fromkeys(h for h in sides if h is not None):
            for tail in dict.fromkeys(t for t in enemies if t is not None and t != head):
                yield RelationMention(head, tail, "FIGHTING_AGAINST", 0.6)


# Nouns for the people who live in a place: "the residents of Mosul", "civilians in Madaya".
RESIDENT_NOUNS = frozenset({"resident", "residents", "inhabitant", "inhabitants", "citizen", "citizens", "civilian",
                            "civilians", "villager", "villagers", "townspeople", "population"})


def _residents(doc: Doc):
    """The people said to live in a place are located in it: "the residents of Mosul", "civilians in Madaya" (a
    word for residents, then "of", "in", "across" or "within" and a place)."""
    places = [e for e in doc.ents if e.label_ in {"GPE", "LOC", "FAC"}]
    for actor in doc.spans.get(ACTORS_KEY, ()):
        if actor[-1].lower_ not in RESIDENT_NOUNS and actor.root.lower_ not in RESIDENT_NOUNS:
            continue
        place = _place_right_after(doc, actor, {"of", "in", "across", "within"}, places)
        if place is not None:
            yield RelationMention(actor, place, "LOCATED_IN", 0.6)


def _place_right_after(doc: Doc, span: Span, prepositions: set[str], places: list[Span]) -> Optional[Span]:
    """The place that the words right after ``span`` name after one of ``prepositions`` and at most a "the" ("in
    Madaya", "of the Old City"), within the next three tokens (a line break of wire copy counts as one); None where
    they name none."""
    after = [t for t in doc[span.end:min(span.end + 3, len(doc))] if not t.is_space]
    if not after or after[0].lower_ not in prepositions:
        return None
    named = 2 if len(after) > 1 and after[1].lower_ == "the" else 1
    return next((p for p in places if p.start == after[named].i), None) if len(after) > named else None


def _actors_in_places(doc: Doc):
    """A group or person named right before "in" and a place is located there: "the gathering of the Syrian opposition
    in Riyadh", "defeat ISIL in Syria and Iraq", "the UN Special Envoy de Mistura in Geneva" (and in each place a list
    there names)."""
    places = [e for e in doc.ents if e.label_ in {"GPE", "LOC", "FAC"}]
    # Named ones only: on the gold train split, a nominal actor before "in" and a place ("TRAIN ASSASSINS IN MIDDLE
    # MAGDALENA", "bring together world leaders in London") was as often not linked as linked.
    for actor in (e for e in doc.ents if e.label_ in {"ORG", "PERSON"}):
        first = _place_right_after(doc, actor, {"in"}, places)
        if first is None:
            continue
        for place in [first, *(p for p in _listed(doc, places, first.end) if listed_together(first, p))]:
            yield RelationMention(actor, place, "LOCATED_IN", 0.6)


def _part_of(doc: Doc):
    """Who is said to be part of a group is its member: "the UK is working as part of the Global Coalition", "X is
    part of Y", "X, part of Y" (the subject of the verb "as part of" hangs off, of "is", or the noun before)."""
    for part in doc:
        if part.lower_ != "part" or part.pos_ != "NOUN":
            continue
        groups = [g for o in prepositional_objects(part, {"of"}) if (g := _actor_of(doc, o)) is not None
                  and g.label_ in {"ORG", ACTOR_LABEL}]
        if not groups:
            continue
        if part.dep_ == "pobj" and part.head.lower_ == "as":  # "working as part of"
            members = _subjects(part.head.head)
        elif part.dep_ == "attr" and part.head.lemma_ == "be":  # "X is part of Y"
            members = [c for c in part.head.children if c.dep_ == "nsubj"]
        elif part.dep_ == "appos":  # "X, part of Y"
            members = [part.head]
        else:
            continue
        for member in dict.fromkeys(m for t in members if (m := _actor_of(doc, t)) is not None):
            for group in groups:
                if member != group:
                    yield RelationMention(member, group, "MEMBER_OF", 0.6)


def _who_is_a_member(doc: Doc):
    """Someone "who is a member of" a group (or its leader), named or not: "THE BUYER, WHO IS A MEMBER OF THE
    MEDELLIN CARTEL" (the relative clause's "who" is the noun it hangs off)."""
    for verb in doc:
        if verb.lemma_ != "be" or verb.dep_ != "relcl" or not any(c.dep_ == "nsubj" and c.tag_ == "WP"
                                                                     for c in verb.children):
            continue
        member = _actor_of(doc, verb.head)
        for title in (c for c in verb.children if c.dep_ == "attr"):
            noun = title.lemma_.lower()
            if member is None or noun not in LEADER_NOUNS | MEMBER_NOUNS:
                continue
            for group in dict.fromkeys(_actor_of(doc, o) for o in prepositional_objects(title, {"of"})):
                if group is not None and group.label_ in {"ORG", ACTOR_LABEL} and group != member:
                    yield RelationMention(member, group, "LEADER_OF" if noun in LEADER_NOUNS else "MEMBER_OF", 0.6)


def _event_enemies(doc: Doc):
    for event in doc._.events or ():
        attackers = [a.span for a in event.arguments if a.role == "perpetrator_org" and a.span.label_ == "ORG"]
        attacked = [a.span for a in event.arguments if a.role in {"victim", "target"} and a.span.label_ in ACTOR_ENTS]
        for head in attackers:
            for tail in attacked:
                yield RelationMention(head, tail, "FIGHTING_AGAINST", 0.6)


def _verb_relations(doc: Doc):
    for token in doc:
        lemma = token.lemma_.lower()
        # "THE UK HAS CONDUCTED 265 BOMBING RAIDS ON ISIL TARGETS": launching attacks on someone is fighting them
        launched = token.pos_ == "VERB" and lemma in LAUNCH_VERBS and any(
            c.dep_ == "dobj" and c.lemma_.lower() in ATTACK_NOUNS for c in token.children)
        # "The UK stands by Iraq", "the United States stands shoulder to shoulder with the Iraqi people"
        stands_by = token.pos_ == "VERB" and lemma == "stand" and any(
            c.dep_ == "prep" and c.lower_ in {"by", "with"} for c in token.subtree if c.head.i == token.i or
            c.head.head.i == token.i)
        if stands_by:
            allies = [_actor_of(doc, g) for p in token.subtree if p.dep_ == "prep" and p.lower_ in {"by", "with"}
                      and token.i in (p.head.i, p.head.head.i) for g in p.children if g.dep_ == "pobj"]
            for head in (_actor_of(doc, c) for c in _subjects(token)):
                for tail in allies:
                    if head is not None and tail is not None and head != tail:
                        yield RelationMention(head, tail, "ALLIED_WITH", 0.5)
        if token.pos_ == "VERB" and (lemma in FIGHT_VERBS | ALLY_VERBS or launched):
            label = "FIGHTING_AGAINST" if lemma in FIGHT_VERBS or launched else "ALLIED_WITH"
            subjects = [_actor_of(doc, c) for c in _subjects(token)]
            objects = [] if launched else [_actor_of(doc, c) for c in token.children if c.dep_ == "dobj"]
            objects += [_actor_of(doc, g) for g in prepositional_objects(token, {"with", "on", "against", "to"})]
            objects += [_actor_or_owner(doc, g) for c in token.children if c.dep_ == "dobj" for p in c.children
                        if p.dep_ == "prep" and p.lower_ in {"on", "against"} for g in p.children]
            for head in subjects:
                for tail in objects:
                    if head is not None and tail is not None and head != tail:
                        yield RelationMention(head, tail, label, 0.6)
            if label == "FIGHTING_AGAINST" and any(objects):
                # "The UK, the Global Coalition and the Government of Iraq are committed to defeating ISIL": who
                # fight a common enemy together are allies (written once, first to later)
                sides = list(dict.fromkeys(s for s in subjects if s is not None))
                for i, ally in enumerate(sides):
                    for other in sides[i + 1:]:
                        yield RelationMention(ally, other, "ALLIED_WITH", 0.5)
        elif token.pos_ == "NOUN" and lemma in ALLY_NOUNS:
            owners = [_ent_of(doc, c) for c in token.children if c.dep_ in {"poss", "compound"}]
            if token.dep_ == "dobj":
                owners += [_ent_of(doc, c) for c in token.head.children if c.dep_ == "nsubj"]
            partners = [_ent_of(doc, g) for c in token.children if c.dep_ == "prep"
                        and c.lower_ in {"to", "with", "for"} for g in c.children if g.dep_ == "pobj"]
            for head in owners:
                for tail in partners:
                    if head is not None and tail is not None and {head.label_, tail.label_} <= ACTOR_ENTS:
                        yield RelationMention(head, tail, "ALLIED_WITH", 0.5)


def _actor_or_owner(doc: Doc, token) -> Span | None:
    """The actor a token is part of, or the named one whose thing it is: "ISIL TARGETS", "the FMLN's camps"."""
    return _actor_of(doc, token) or next((ent for c in token.children if c.dep_ in {"compound", "poss"}
                                          for ent in [_ent_of(doc, c)] if ent is not None and ent.label_ == "ORG"),
                                         None)


def _wars(doc: Doc):
    """"the Iran-Iraq War", "the Israel-Hamas conflict": the two sides named in a war's name fight each other."""
    ents = [e for e in doc.ents if e.label_ in {"GPE", "ORG", "NORP"}]
    for first, second in zip(ents, ents[1:]):
        if doc[first.end:second.start].text.strip() not in {"-", "–"} or second.end >= len(doc):
            continue
        if doc[second.end].lemma_.lower() in WAR_NOUNS:
            yield RelationMention(first, second, "FIGHTING_AGAINST", 0.7)
            yield RelationMention(second, first, "FIGHTING_AGAINST", 0.7)


def _subjects(verb) -> list:
    """The verb's subject, or, for "to defeat" completing another verb, that verb's ("The UK stands by Iraq to
    defeat Daesh")."""
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if not subjects and verb.dep_ in {"xcomp", "advcl"} and any(c.dep_ == "aux" and c.lower_ == "to"
                                                               for c in verb.children):
        subjects = [c for c in verb.head.children if c.dep_ == "nsubj"]
    if not subjects and verb.dep_ == "pcomp" and verb.head.lower_ == "to":  # "X is committed to defeating Y"
        governor = verb.head.head
        governor = governor.head if governor.dep_ == "acomp" else governor
        subjects = [c for c in governor.children if c.dep_ in {"nsubj", "nsubjpass"}]
    # "The UK and Iraq fight Daesh": each of the joined subjects, also where the parser reads a list "A, B and C" as A
    # with the apposition "B and C"
    listed = [a for subject in subjects for c in subject.children if c.dep_ == "appos" and c.conjuncts
              for a in (c, *c.conjuncts)]
    return [s for subject in subjects for s in (subject, *subject.conjuncts)] + listed


def _locations(doc: Doc):
    """"Gilgit, Pakistan", "Karrada, Baghdad", "a village in Kunar": a place next to a larger one that holds it, as
    the places stage resolved them (a name the gazetteer lacks, such as a neighbourhood, lies in the known town or
    province after it). A site (FAC) lies in the place after it. A place named only by its kind between them ("a
    city" of "Amarah, a city in southern Iraq", as the gold marks it) is the first one again, not a third place."""
    ents = [e for e in doc.ents if not all(t.lower_ in LOCATING_WORDS for t in e)]
    for i, (inner, outer) in enumerate(zip(ents, ents[1:])):
        if inner.label_ not in {"GPE", "FAC", "LOC"} or outer.label_ not in {"GPE", "LOC"}:
            continue
        between = [t.lower_ for t in doc[inner.end:outer.start] if not t.is_space]
        if not between or between[-1] not in {",", "in", "of"} or not set(between) <= LOCATING_WORDS:
            continue
        if between == [","] and listed_together(inner, outer):  # "SUCH AS MIRALVALLE, SATELITE, ... AND SAN RAMON"
            continue
        typed = len(between) > 1  # "a city in", "the capital of": the text says the one lies in the other
        if inner.label_ == "FAC" or _holds(outer._.place, inner._.place) or typed and outer._.place is not None \
                and outer._.place.kind != "city":
            yield RelationMention(inner, outer, "LOCATED_IN", 0.8)
        if inner.label_ == "FAC" and between[-1] == "in":  # "a petrol station and restaurant in al-Hilla": each site
            listed = inner
            for site in reversed(ents[:i]):
                if site.label_ != "FAC" or {t.lower_ for t in doc[site.end:listed.start] if not t.is_space} \
                        - {",", "and"}:
                    break
                yield RelationMention(site, outer, "LOCATED_IN", 0.8)
                listed = site


def _listed_places(doc: Doc):
    """"key towns in northern Iraq including Rabiyah and Zumar", "25% of Iraqi territory, including Tikrit": the
    places listed after "including" or "such as" lie in the place the phrase before names."""
    ents = [e for e in doc.ents if e.label_ in {"GPE", "LOC"}]
    for i, ent in enumerate(ents):
        before = [t for t in doc[max(ent.start - 4, 0):ent.start] if not t.is_space][-2:]  # wire copy breaks lines
        if before and before[-1].lower_ == "including":
            cue = before[-1].i
        elif [t.lower_ for t in before] == ["such", "as"]:
            cue = before[0].i
        else:
            continue
        outer = next((e for e in reversed(ents[:i]) if cue - 10 <= e.end <= cue
                      and e.sent.start == ent.sent.start), None)
        if outer is None:
            continue
        # "THE NEIGHBORHOODS OF NORTHERN SAN SALVADOR, SUCH AS ...": the kind of what is listed, in the plural, says
        # that each lies in the place, whatever else the gazetteer knows by its name (MONTEBELLO, a US town)
        typed = any(t.lower_ in PLURAL_PLACE_NOUNS for t in doc[max(outer.start - 6, 0):cue])
        for inner in [ent, *_listed(doc, ents[i + 1:], ent.end)]:  # "Rabiyah and Zumar", "Tikrit, Baiji and Ramadi"
            # a name the gazetteer lacks is a village or district of the place the list is of
            if _holds(outer._.place, inner._.place) or inner._.place is None and outer._.place is not None \
                    or typed and outer._.place is not None and inner._.place.kind != "country":
                yield RelationMention(inner, outer, "LOCATED_IN", 0.7)


def _holds(container, place) -> bool:
    """A country or province holds a place of its country below it; a town or province holds a name the gazetteer
    lacks (a neighbourhood, a village)."""
    if container is None:
        return False
    if place is None:
        return container.kind in {"admin1", "city"}
    return container.kind in {"country", "admin1"} and place.kind != "country" \
        and place.country_code == container.country_code
