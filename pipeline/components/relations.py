"""First-pass actor-actor relations, read off the parse and the events.

- ALIAS_OF: an acronym introduced in parentheses, or two names with one registry canonical;
- LEADER_OF: "TTP chief Noor Wali Mehsud", "Mehsud, the leader of TTP";
- MEMBER_OF: "X, a member of Y";
- FIGHTING_AGAINST: an event's organised perpetrator against its victim or target
  organisation or state, and "X fights / wages war on Y";
- ALLIED_WITH: "X merged with Y", "X allied with Y", "ties to", "aligned";
- LOCATED_IN: "Gilgit, Pakistan" and "X in Y" when the gazetteer puts X inside Y.
A trained linker replaces these rules in a later stage.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

ACTOR_ENTS = {"ORG", "NORP", "PERSON", "GPE"}
LEADER_NOUNS = {"chief", "leader", "commander", "head", "founder", "emir", "chairman", "spokesman", "president"}
MEMBER_NOUNS = {"member", "fighter", "militant", "operative", "commander", "soldier"}
FIGHT_VERBS = {"fight", "battle", "attack", "wage", "target", "combat", "oppose", "confront"}
ALLY_VERBS = {"ally", "align", "merge", "cooperate", "support", "join", "back"}
ALLY_NOUNS = {"tie", "alliance", "affinity", "link", "loyalty", "support"}

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
    for mention in (*_aliases(doc), *_leaders_and_members(doc), *_event_enemies(doc), *_verb_relations(doc),
                    *_locations(doc)):
        key = (mention.head.start, mention.tail.start, mention.label)
        if mention.head.start != mention.tail.start and key not in found:
            found[key] = mention
    doc._.relations = list(found.values())
    return doc


def _ent_of(doc: Doc, token) -> Span | None:
    for ent in doc.ents:
        if ent.start <= token.i < ent.end:
            return ent
    return None


def _aliases(doc: Doc):
    ents = list(doc.ents)
    for long_form, short in zip(ents, ents[1:]):
        if doc[long_form.end:short.start].text.strip() == "(" and short.end < len(doc) and doc[short.end].text == ")":
            if long_form.label_ in ACTOR_ENTS and len(short) == 1:
                yield RelationMention(short, long_form, "ALIAS_OF", 0.9)


def _leaders_and_members(doc: Doc):
    for person in (e for e in doc.ents if e.label_ == "PERSON"):
        for token in (*person.root.children, person.root.head):
            noun = token.lemma_.lower()
            if token.i in range(person.start, person.end) or noun not in LEADER_NOUNS | MEMBER_NOUNS:
                continue
            label = "LEADER_OF" if noun in LEADER_NOUNS else "MEMBER_OF"
            for org_token in (*token.children, *(c for p in token.children if p.dep_ == "prep" for c in p.children)):
                org = _ent_of(doc, org_token)
                if org is not None and org.label_ == "ORG":
                    yield RelationMention(person, org, label, 0.7)


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
        if token.pos_ == "VERB" and lemma in FIGHT_VERBS | ALLY_VERBS:
            label = "FIGHTING_AGAINST" if lemma in FIGHT_VERBS else "ALLIED_WITH"
            subjects = [_ent_of(doc, c) for c in token.children if c.dep_ in {"nsubj"}]
            objects = [_ent_of(doc, c) for c in token.children if c.dep_ == "dobj"]
            objects += [_ent_of(doc, g) for c in token.children if c.dep_ == "prep" and c.lower_ in
                        {"with", "on", "against", "to"} for g in c.children if g.dep_ == "pobj"]
            objects += [_ent_of(doc, g) for c in token.children if c.dep_ == "dobj" for p in c.children
                        if p.dep_ == "prep" and p.lower_ in {"on", "against"} for g in p.children]
            for head in subjects:
                for tail in objects:
                    if head is not None and tail is not None and {head.label_, tail.label_} <= ACTOR_ENTS:
                        yield RelationMention(head, tail, label, 0.6)
        elif token.pos_ == "NOUN" and lemma in ALLY_NOUNS:
            owners = [_ent_of(doc, c) for c in token.children if c.dep_ in {"poss", "compound"}]
            if token.dep_ == "dobj":
                owners += [_ent_of(doc, c) for c in token.head.children if c.dep_ == "nsubj"]
            partners = [_ent_of(doc, g) for c in token.children if c.dep_ == "prep" and c.lower_ in {"to", "with"}
                        for g in c.children if g.dep_ == "pobj"]
            for head in owners:
                for tail in partners:
                    if head is not None and tail is not None and {head.label_, tail.label_} <= ACTOR_ENTS:
                        yield RelationMention(head, tail, "ALLIED_WITH", 0.5)


def _locations(doc: Doc):
    ents = list(doc.ents)
    for inner, outer in zip(ents, ents[1:]):
        if inner.label_ not in {"GPE", "FAC", "LOC"} or outer.label_ != "GPE":
            continue
        between = doc[inner.end:outer.start].text.strip()
        if between not in {",", "in"}:
            continue
        place, container = inner._.place, outer._.place
        if inner.label_ == "FAC" or (place and container and place.kind != "country"
                                     and place.country_code == container.country_code
                                     and container.kind in {"country", "admin1"}):
            yield RelationMention(inner, outer, "LOCATED_IN", 0.8)
