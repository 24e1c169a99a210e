"""Killed and injured counts with their qualifiers, attached to the sentence's event.

Reads counts off the parse around casualty words: "killed 73 people", "two soldiers were
injured", "at least nine Chinese officials were killed", "a civilian was killed",
"no one was killed", "leaving 12 dead".
"""
from __future__ import annotations

from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Token

from .actors import ACTOR_NOUNS

KILLED = {"kill", "die", "dead", "death", "slay", "massacre", "murder", "execute", "behead", "fatality", "casualty"}
INJURED = {"injure", "wound", "hurt", "injury", "injured", "wounded"}
WORD_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
WORD_NUMBERS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
                     "ninety": 90, "hundred": 100, "dozen": 12, "a": 1, "an": 1})
ABOUT = {"about", "around", "nearly", "approximately", "some", "roughly", "almost", "estimated", "over", "more"}
AT_MOST = {"up", "most", "many"}  # "up to", "at most", "as many as"


@Language.component("news_casualties", requires=["doc._.events"], assigns=["doc._.events"])
def news_casualties(doc: Doc) -> Doc:
    # A casualty word counts for one event only: the incidents a sentence reports in several places share its
    # words (events.split_by_place), and their dead must not be added up twice.
    counted: set[int] = set()
    for event in doc._.events or ():
        sentences = (event.sentence, *getattr(event, "extra_sentences", ()))
        for token in (token for sentence in sentences for token in sentence):
            lemma = token.lemma_.lower()
            if lemma in KILLED or token.lower_ in KILLED:
                slot = "killed"
            elif lemma in INJURED or token.lower_ in INJURED:
                slot = "injured"
            else:
                continue
            if token.i in counted:
                continue
            count = casualty_count(token)
            if count is not None and getattr(event, slot) is None:
                setattr(event, slot, count)
                counted.add(token.i)
    return doc


def casualty_count(word: Token) -> Optional[tuple[int, str]]:
    """The number of people a casualty word counts, with its qualifier."""
    for person in _counted_nouns(word):
        if person.lower_ in {"one", "nobody"} and any(c.lower_ == "no" for c in person.children) \
                or person.lower_ == "nobody":
            return 0, "exact"
        number = _number_of(person)
        if number is not None:
            return number
    return None


def _counted_nouns(word: Token):
    if word.pos_ == "VERB":
        # passive "two soldiers were injured", active "killed 73 people", "leaving 12 dead"
        yield from (c for c in word.children if c.dep_ in {"nsubjpass", "dobj", "nsubj"} and c.dep_ != "nsubj"
                    or c.dep_ == "nsubj" and word.lemma_ == "die")
    elif word.dep_ in {"amod", "acomp", "oprd"} or word.pos_ == "ADJ":
        yield word.head  # "12 dead people", "left 12 dead"
        yield from (c for c in word.children if c.dep_ == "nummod")
    if word.pos_ == "ADJ" or word.dep_ == "acl":
        yield word.head


def _number_of(noun: Token) -> Optional[tuple[int, str]]:
    if noun.like_num:
        numeral, qualifier_source = noun, noun
    else:
        numerals = [c for c in noun.children if c.dep_ == "nummod"]
        if numerals:
            numeral, qualifier_source = numerals[0], numerals[0]
        elif noun.tag_ in {"NN", "NNP"} and (noun.lower_ in ACTOR_NOUNS or noun.lemma_ in ACTOR_NOUNS) and \
                any(c.lower_ in {"a", "an", "one"} for c in noun.children):
            return 1, "exact"  # "a civilian was killed"
        else:
            return None
    value = _parse_number(numeral)
    if value is None:
        return None
    return value, _qualifier(qualifier_source)


def _parse_number(token: Token) -> Optional[int]:
    text = token.lower_.replace(",", "")
    if text.isdigit():
        return int(text)
    if text in WORD_NUMBERS:
        value = WORD_NUMBERS[text]
        # "two dozen", "three hundred"
        head = token.head
        if head.lower_ in {"dozen", "hundred"} and head.i == token.i + 1:
            value *= WORD_NUMBERS[head.lower_]
        return value
    return None


def _qualifier(numeral: Token) -> str:
    modifiers = {c.lower_ for c in numeral.children if c.dep_ in {"advmod", "quantmod", "amod", "prep", "pobj"}}
    window = {t.lower_ for t in numeral.doc[max(numeral.i - 3, 0):numeral.i]}
    if "least" in modifiers | window:
        return "at_least"
    if modifiers & AT_MOST or {"up", "to"} <= window or {"as", "many"} <= window:
        return "at_most"
    if modifiers & ABOUT or window & ABOUT:
        return "about"
    return "exact"
