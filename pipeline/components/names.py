"""Names in the whole document: their ends tidied, and a name the NER found once found in its
other mentions too.

A statistical NER reads each mention in its own context and misses some repeats of a name it
found elsewhere in the article: "COLONEL LUIS ARTURO ISAACS" is a PERSON, and two paragraphs
later "ISAACS LEFT HIS HOUSE" is nothing. ``news_name_mentions`` adds, where no entity is:

- every other mention of a name the NER found, with its label, where the NER gave every mention
  it found the same label;
- the surname of a person found with a first name or title ("Isaacs", "del Valle"), as PERSON.

First the ends of names are tidied, as OntoNotes and our guidelines mark names:
- the words the NER ran on into are cut off ("the city of Mosul marks" -> "the city of Mosul");
- a possessive is cut off ("Saddam Hussein's" -> "Saddam Hussein");
- two persons joined by "and" are two ("The Prime Minister and President Hollande");
- a credit line's names are one each ("AFP / Javed Tanveer");
- a nationality and a noun of places ("the Kuwaiti island") name no place: the nationality is a NORP;
- the people an organisation sends are not part of its name: "FMLN FIGHTERS" is a nominal actor
  mention with the ORG "FMLN" in it, "Kurdish fighters" one with the NORP "Kurdish", "US
  coalition forces" one with the GPE "US".
- given names the NER left out at the start of a person's name join it ("[MARTA] LUZ LOPEZ"), read
  off the US census given-name lists (PyPI package ``names``).
Then a label that the name's own words contradict is corrected (``_relabel``):
- a world region ("Middle East", "Central Asia") is a LOC; a military operation ("Operation Steel Curtain")
  an EVENT; a treaty ("VIENNA CONVENTION") a LAW; a holiday ("EASTER") a DATE;
- a nationality or group adjective alone ("Yezidi") is a NORP;
- a name that ends in an organisation's head noun is an ORG, whatever the NER read ("Monotheism
  Supporters Brigades", "Saray al-Jihad Group", "1st Marines");
- a name led by a person's title is a PERSON ("GENERAL THURMAN", "MSGR DURAND").
Then entities are only added, never removed.
"""
from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..normalize.actors import is_title_word
from ..normalize.places import TYPE_WORDS, load_gazetteer
from .actors import ACTOR_NOUNS, MEMBER_NOUNS, nationality_words, region_names
from .entities import document_case, longest_matches

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
# Particles that belong to a surname: "DEL VALLE", "de la Cruz", "bin Laden", "van Gogh".
SURNAME_PARTICLES = frozenset({"de", "del", "la", "van", "von", "bin", "al", "el", "da", "dos"})
MIN_NAME_CHARS = 3
POSSESSIVES = frozenset({"'s", "’s", "'", "’"})
_JOINERS = frozenset({"-", "–", "/"})

# Last words of an organisation's name: a name ending in one is an ORG ("Saray al-Jihad Group",
# "al-Ghuraba Brigades", "6th Marines"), never a person, place or nationality.
ORGANISATION_HEADS = frozenset("""brigade brigades group front army council party movement committee commission
ministry organization organisation association battalion battalions marines regiment militia agency federation
league cartel corps command""".split())
# Titles that only a person bears: "GENERAL THURMAN", "MSGR DURAND", "Sheikh Abu Omar".
PERSON_TITLES = frozenset("""gen general col colonel lt lieutenant maj major capt captain sgt sergeant cpl corporal adm
admiral msgr monsignor mr mrs ms dr fr father bishop archbishop cardinal rev reverend judge senator president
ambassador mayor governor sheikh ayatollah mullah imam commander advisor adviser envoy minister secretary""".split())

# Last words of a treaty's or law's name, and the holidays that date events in the news.
LAW_HEADS = frozenset({"treaty", "convention", "accord", "accords", "agreement", "pact", "protocol", "charter"})
HOLIDAYS = frozenset({"easter", "christmas", "christmas eve", "new year", "new year's day", "new year's eve",
                      "ramadan", "eid", "eid al-fitr", "eid al-adha", "nowruz", "passover", "hanukkah", "diwali",
                      "good friday", "holy week", "ashura"})

@Language.component("news_name_mentions", requires=["doc.ents"], assigns=["doc.ents"])
def news_name_mentions(doc: Doc) -> Doc:
    case = document_case(doc)  # the text's case, which decides how names are marked
    _tidy(doc, case)
    _clock_times(doc)
    _relabel(doc)
    _titles(doc, case)
    _broken_names(doc, case)
    _given_names(doc)
    _first_names(doc, case)
    _regions_left_out(doc, case)
    names = document_names(doc)
    if not names:
        return doc
    # Longest first, looked up by their first word: one dictionary lookup per token.
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
    for words, label in sorted(names.items(), key=lambda item: -len(item[0])):
        by_first[words[0]].append((words, label))
    taken = [token.ent_iob_ in ("B", "I") for token in doc]
    added = []
    i = 0
    while i < len(doc):
        found = None
        candidates = () if taken[i] else by_first.get(doc[i].text, ())
        for words, label in candidates:
            end = i + len(words)
            if end <= len(doc) and tuple(t.text for t in doc[i:end]) == words and not any(taken[i:end]) \
                    and not _inside_word(doc, i, end):
                found = Span(doc, i, end, label=label)
                break
        if found is None:
            i += 1
            continue
        added.append(found)
        taken[found.start:found.end] = [True] * len(found)
        i = found.end
    if added:
        doc.ents = sorted([*doc.ents, *added], key=lambda e: e.start)
        _broken_names(doc, case)  # a name found again may be the rest of one the NER broke ("RENE | HURTADO")
    return doc


def _tidy(doc: Doc, case: Optional[str]) -> None:
    entities, changed = [], False
    upper, cased = case == "upper", case is None
    for original in doc.ents:
        ent, acronym = original, None
        if ent.label_ in NAME_LABELS and len(ent) > 1 and ent[-1].lower_ in POSSESSIVES:
            ent, changed = Span(doc, ent.start, ent.end - 1, label=ent.label_), True
        cut = _before_open_bracket(ent)
        if cut is not None:
            changed = True
            ent, acronym = cut
            if acronym is not None and any(e.start < acronym.end and acronym.start < e.end for e in doc.ents
                                           if (e.start, e.end) != (original.start, original.end)):
                acronym = None  # the NER has a name there already
            if ent is None:
                continue
        trimmed = _without_trailing_words(ent, cased)
        ent, changed = trimmed, changed or trimmed is not ent
        nationality = _nationality_of_a_description(ent)
        ent, changed = nationality or ent, changed or nationality is not None
        if ent.label_ == "ORG":
            organisation = _without_members(ent, upper)
            ent, changed = organisation or ent, changed or organisation is not None
        parts = [piece for part in _credited(ent) for piece in (_persons(part) if part.label_ == "PERSON" else [part])]
        changed = changed or len(parts) != 1 or parts[0].label_ != ent.label_
        entities.extend(parts if acronym is None else [*parts, acronym])
    if changed:
        doc.ents = entities


_OPENING, _CLOSING = {"(": ")", "[": "]"}, {")", "]"}


def _before_open_bracket(ent: Span) -> Optional[tuple[Optional[Span], Optional[Span]]]:
    """None for an entity whose brackets all close inside it ("Lima (Peru)"). Else, for one that opens a
    bracket it does not close or closes one it did not open: what comes before that bracket, without
    trailing punctuation (None if nothing does), and the acronym in the bracket as an entity of its own
    where the bracket holds one word and closes where the entity ends or right after it ("the
    Organization of Islamic Cooperation (OIC" -> the name and "OIC"; "RECREO (CAQUETA DEPARTMENT" ->
    "RECREO")."""
    doc, open_brackets, cut = ent.doc, [], None
    for token in ent:
        if token.text in _OPENING:
            open_brackets.append(token)
        elif token.text in _CLOSING:
            if not open_brackets or _OPENING[open_brackets[-1].text] != token.text:
                cut = token
                break
            open_brackets.pop()
    cut = cut if cut is not None else (open_brackets[0] if open_brackets else None)
    if cut is None:
        return None
    end = cut.i
    while end > ent.start and doc[end - 1].is_punct and doc[end - 1].text not in _CLOSING:
        end -= 1
    name = Span(doc, ent.start, end, label=ent.label_) if end > ent.start else None
    word, closing = cut.i + 1, cut.i + 2
    acronym = None
    if cut.text == "(" and closing < len(doc) and doc[closing].text == ")" and closing >= ent.end - 1 \
            and doc[word].is_upper and doc[word].is_alpha and len(doc[word]) >= 2:
        acronym = Span(doc, word, closing, label=ent.label_)
    return name, acronym


_TIME_ZONES = frozenset({"GMT", "UTC", "EST", "EDT", "CET"})
_CLOCK = re.compile(r"([01]\d|2[0-3])[0-5]\d")


def _clock_times(doc: Doc) -> None:
    """A 24-hour clock time with its zone ("0530 GMT", wire copy's time stamps) is a TIME, not a number and
    an organisation."""
    found = [Span(doc, t.i - 1, t.i + 1, label="TIME") for t in doc[1:]
             if t.text in _TIME_ZONES and _CLOCK.fullmatch(doc[t.i - 1].text)]
    if found:
        kept = [e for e in doc.ents if not any(e.start < f.end and f.start < e.end for f in found)]
        doc.ents = sorted([*kept, *found], key=lambda e: e.start)


# Single words of the region list that are also common words or parts of other names ("the Gulf of Mexico",
# "PACIFIC SIDE"): found where the NER left them out only as part of a longer region name.
_AMBIGUOUS_REGIONS = frozenset({"gulf", "pacific", "mediterranean", "arctic", "andes", "caribbean"})


def _regions_left_out(doc: Doc, case: Optional[str]) -> None:
    """A world region the NER left out ("SOUTHERN CONE", "Central Asia"), written capitalised, is a LOC."""
    regions = region_names()
    cased = case is None  # in capitals every word after a region looks like a name's
    taken = [t.ent_type_ != "" for t in doc]

    def matches(i: int, j: int) -> bool:
        words, key = doc[i:j], doc[i:j].text.lower()
        return key in regions and not any(taken[i:j]) \
            and all(t.text[:1].isupper() for t in words if t.is_alpha and t.lower_ not in {"and", "of", "the"}) \
            and (j - i > 1 or key not in _AMBIGUOUS_REGIONS) \
            and not (cased and j < len(doc) and doc[j].text[:1].isupper() and doc[j].is_alpha) \
            and not _ends_a_name(doc, i)

    # Spans are built only from a region's first word: this scan reads every token of the article.
    starts = {region.split()[0].split("-")[0] for region in regions}
    found = list(longest_matches(doc, 0, len(doc), lambda i: doc[i].lower_ in starts, matches, "LOC"))
    if found:
        doc.ents = sorted([*doc.ents, *found], key=lambda e: e.start)


def _ends_a_name(doc: Doc, i: int) -> bool:
    """The words from ``i`` continue an organisation's name the NER cut short: "[the Islamic State of Iraq] and
    the Levant"."""
    j = i - 1
    while j >= 0 and doc[j].lower_ in {"the", "and", "of"}:
        j -= 1
    return j < i - 1 and j >= 0 and doc[j].ent_type_ == "ORG"


def _relabel(doc: Doc) -> None:
    """Labels that the name's own words contradict, corrected."""
    entities = [Span(doc, ent.start, ent.end, label=_label_from_words(ent) or ent.label_) for ent in doc.ents]
    if any(new.label_ != old.label_ for new, old in zip(entities, doc.ents)):
        doc.ents = entities


def _label_from_words(ent: Span) -> Optional[str]:
    """ORG for a name ending in an organisation's head noun, PERSON for one led by a person's title
    and made of proper nouns only ("GENERAL THURMAN", not "GENERAL COMMAND")."""
    words = [t for t in ent if not t.is_punct]
    if ent.label_ in NAME_LABELS and len(words) >= 2 and words[0].lower_ == "operation" and words[1].text[:1].isupper():
        return "EVENT"  # "Operation Steel Curtain": a military operation, not an organisation
    if ent.label_ in NAME_LABELS and len(words) >= 2 and words[-1].lower_ in LAW_HEADS:
        return "LAW"  # "VIENNA CONVENTION", "the Minsk Agreement": a treaty, not a place or a group
    if ent.label_ in NAME_LABELS and " ".join(t.lower_ for t in words) in HOLIDAYS:
        return "DATE"  # "EASTER"
    if ent.label_ in NAME_LABELS and " ".join(t.lower_ for t in words if t.lower_ != "the") in region_names():
        return "LOC"  # "Middle East", "Central Asia", "the Balkans": a region, whatever the NER read
    if ent.label_ in {"ORG", "PERSON"} and len(words) == 1 and words[0].lower_ in nationality_words():
        return "NORP"  # "Yezidi" in "Kurdish and Yezidi fighters"
    if len(words) < 2:
        return None
    if ent.label_ in ("PERSON", "GPE", "LOC", "NORP") and words[-1].lower_ in ORGANISATION_HEADS:
        return "ORG"
    # The title may open with words of office ("Special Advisor Thames", "Deputy Mayor Ruiz").
    lead = 0
    while lead < len(words) - 1 and is_title_word(words[lead].text) \
            and words[lead].lower_.rstrip(".") not in PERSON_TITLES:
        lead += 1
    rest = words[lead + 1:]
    if ent.label_ != "PERSON" and words[lead].lower_.rstrip(".") in PERSON_TITLES and 1 <= len(rest) <= 3 \
            and all(t.pos_ == "PROPN" and t.lower_ not in ORGANISATION_HEADS and not is_title_word(t.text)
                    for t in rest):
        return "PERSON"
    return None


def _titles(doc: Doc, case: Optional[str]) -> None:
    """A person's title as the gold marks it, which differs with the kind of text: in cased reports the
    title written before the name is part of the PERSON ("President Hollande", "US Secretary of State
    John Kerry", "FCO Minister Tobias Ellwood"; the name alone is nested in it, components/entities.py),
    while wire copy in capitals (MUC-4) marks the name alone ("QUINTERO" of "COL QUINTERO")."""
    if case not in (None, "upper"):
        return
    upper = case == "upper"
    entities = [(_untitled(ent) if upper else _titled(ent)) if ent.label_ == "PERSON" else ent for ent in doc.ents]
    if any((new.start, new.end) != (old.start, old.end) for new, old in zip(entities, doc.ents)):
        doc.ents = _without_overlaps(entities)


def _untitled(ent: Span) -> Span:
    """The name after the title words that lead the span: "COL QUINTERO" -> "QUINTERO"."""
    start = ent.start
    while start < ent.end - 1 and is_title_word(ent.doc[start].text):
        start += 1
    return ent if start == ent.start else Span(ent.doc, start, ent.end, label=ent.label_)


def _titled(ent: Span) -> Span:
    """The person with the capitalised title written right before the name: its title words ("Prime
    Minister", "Secretary of State", "Mr"), then at most one word that says whose office it is (a
    nationality, a country or an acronym: "Iraqi", "US", "FCO")."""
    doc, start, i = ent.doc, ent.start, ent.start - 1
    while i >= 0 and doc[i].is_title and is_title_word(doc[i].text) and doc[i].whitespace_:
        start = i
        i -= 1
        # "Secretary of State": "of" between two title words.
        if i >= 1 and doc[i].lower_ == "of" and doc[i - 1].is_title and is_title_word(doc[i - 1].text):
            i -= 1
    if not (doc[start].is_title and is_title_word(doc[start].text)):
        return ent
    word = doc[i] if i >= 0 else None
    if word is not None and word.whitespace_ and (word.lower_ in nationality_words() or word.ent_type_ == "GPE"
                                                  and len(word.text) <= 3 or word.is_upper and 2 <= len(word) <= 5
                                                  and word.is_alpha):
        start = i
    return ent if start == ent.start else Span(doc, start, ent.end, label=ent.label_)


# A word of a person's name: letters, with an apostrophe or hyphen inside ("D'ESCOTO"), or an initial ("R.").
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|[^\W\d_]\.")


def _broken_names(doc: Doc, case: Optional[str]) -> None:
    """One person's name that the NER read as two, side by side with nothing but a space between them ("RENE
    RODRIGUEZ | HURTADO"), or, in wire copy in capitals, a line break ("GUSTAVO ALVAREZ\\nMARTINEZ": MUC-4 wraps
    its lines inside names): two people are never written so, a list puts a comma or "and" between them. Not
    where either holds a title, a word for a person or a nationality ("FOREIGN MINISTER | CARLOS LOPEZ", "GEN |
    HECTOR GRAMEJO"): those are the title the gold leaves out of the name, not a part of it."""
    entities = list(doc.ents)
    merged, changed = [], False
    for ent in entities:
        before = merged[-1] if merged else None
        if before is not None and before.label_ == ent.label_ == "PERSON" and _name_only(before) \
                and _name_only(ent) and _wrapped_or_spaced(doc, before, ent, case):
            merged[-1] = Span(doc, before.start, ent.end, label="PERSON")
            changed = True
            continue
        merged.append(ent)
    if changed:
        doc.ents = merged


def _name_only(ent: Span) -> bool:
    return all(_NAME_WORD.fullmatch(t.text) for t in ent if not t.is_space) \
        and not any(is_title_word(t.text) or t.lower_ in ACTOR_NOUNS or t.lower_ in nationality_words()
                    for t in ent)


def _wrapped_or_spaced(doc: Doc, before: Span, after: Span, case: Optional[str]) -> bool:
    """Nothing but one space between the two names, or (in text in capitals) one line break."""
    between = doc[before.end:after.start]
    if not len(between):
        return doc[before.end - 1].whitespace_ == " "
    if len(between) > 1 or not between[0].is_space or case != "upper":
        return False
    return between[0].text.count("\n") + doc[before.end - 1].whitespace_.count("\n") == 1


def _given_names(doc: Doc) -> None:
    """A given name the NER left out between a person's title and the rest of the name: "MAGISTRATE [CARLOS]
    VALENCIA GARCIA", "attorney general [carlos] mauro hoyos". Without capitals to go by (MUC-4's text is
    all lower case) the NER starts some names one word late; a proper noun right after a title or a word
    for a person ("leader", "priest") and right before the name is the name's first word."""
    entities, changed = [], False
    for ent in doc.ents:
        start = ent.start
        if ent.label_ == "PERSON" and start >= 2 and not doc[start - 1].ent_type_:
            word, before = doc[start - 1], doc[start - 2]
            if word.pos_ == "PROPN" and word.is_alpha and not word.is_stop and word.whitespace_ \
                    and not is_title_word(word.text) and word.lower_ not in ACTOR_NOUNS \
                    and word.lower_ not in nationality_words() \
                    and (is_title_word(before.text) or before.lower_ in ACTOR_NOUNS):
                start, changed = start - 1, True
        entities.append(ent if start == ent.start else Span(doc, start, ent.end, label=ent.label_))
    if changed:
        doc.ents = entities


# Words that are given names in the census lists but mostly something else in the news.
NOT_GIVEN_NAMES = frozenset("""january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday""".split())


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Given names, lower-cased: the US census 1990 lists (male and female, about 5,500 names, Spanish ones
    among them) that the PyPI package ``names`` ships."""
    import names

    found = set()
    for key in ("first:male", "first:female"):
        with open(names.FILES[key], encoding="ascii") as lines:
            found.update(line.split()[0].lower() for line in lines if line.strip())
    return frozenset(found - NOT_GIVEN_NAMES)


def _first_names(doc: Doc, case: Optional[str]) -> None:
    """Given names the NER left out at the start of a person's name: "[MARTA] LUZ LOPEZ", "[JOSE ERNESTO]
    VASQUEZ, 72", "former mayor [pablo] pelaez gonzalez". Spanish names run to four words, and in text without
    capitals the NER often starts them late; a reader needs the whole name to tell two people apart. Up to two
    words right before a PERSON are taken in when each is a given name and nothing else there: no entity
    (or a PERSON of given names only, "[PEDRO] [RAFAEL ORDONEZ]"), no stop word, title, word for a person or
    nationality, and, in cased text, capitalised."""
    given, nationalities = given_names(), nationality_words()
    previous: dict[int, Span] = {ent.end: ent for ent in doc.ents}

    def given_name(token) -> bool:
        return token.lower_ in given and token.is_alpha and bool(token.whitespace_) and not token.is_stop \
            and not is_title_word(token.text) and token.lower_ not in ACTOR_NOUNS \
            and token.lower_ not in nationalities and (case is not None or _capitalised(token))

    entities, dropped, changed = [], set(), False
    for ent in doc.ents:
        start = ent.start
        while ent.label_ == "PERSON" and start > 0 and ent.start - start < 2:
            before = previous.get(start) if doc[start - 1].ent_type_ else None
            if before is not None:  # a PERSON of given names only right before: "[PEDRO] [RAFAEL ORDONEZ]"
                if before.label_ == "PERSON" and ent.start - before.start <= 2 and all(map(given_name, before)):
                    dropped.add((before.start, before.end))
                    start = before.start
                break
            if doc[start - 1].ent_type_ or not given_name(doc[start - 1]):
                break
            start -= 1
        if start != ent.start:
            changed = True
        entities.append(ent if start == ent.start else Span(doc, start, ent.end, label=ent.label_))
    if changed:
        doc.ents = [e for e in entities if (e.start, e.end) not in dropped]


def _without_overlaps(entities: list[Span]) -> list[Span]:
    """The entities with those that a grown span now covers left out (the nested ones are found again
    inside it, components/entities.py)."""
    grown = sorted(entities, key=lambda e: (e.start, -(e.end - e.start)))
    kept, end = [], -1
    for ent in grown:
        if ent.start >= end:
            kept.append(ent)
            end = ent.end
    return kept


def _without_members(ent: Span, upper: bool) -> Optional[Span]:
    """The organisation, nationality or country named before a plural noun for its people, if
    any: "FMLN" in "FMLN FIGHTERS", "Kurdish" in "Kurdish fighters", "US" in "US coalition forces"
    (the lower-case words before the noun describe; they are no part of a name)."""
    last = ent[-1]
    if len(ent) < 2 or last.lower_ not in MEMBER_NOUNS or not (last.is_lower or (upper and last.lower_ != "forces")):
        return None
    start, end = ent.start + (ent[0].lower_ == "the"), ent.end - 1
    while end > start and ent.doc[end - 1].is_lower and not upper:
        end -= 1
    if start >= end or not _capitalised(ent.doc[start]):
        return None
    name = ent.doc[start:end].text
    if name.lower() in nationality_words():
        return Span(ent.doc, start, end, label="NORP")
    place = load_gazetteer().resolve(name)
    return Span(ent.doc, start, end, label="GPE" if place is not None and place.kind == "country" else "ORG")


# Parts of speech a name or noun phrase does not end in: "the city of Mosul in", "an extremist group centered".
_NOT_FINAL_POS = frozenset({"ADP", "VERB", "AUX", "CCONJ", "SCONJ", "PART", "DET", "PRON", "ADV"})


def _without_trailing_words(ent: Span, cased: bool) -> Span:
    """The entity without the lower-case function words and verbs the NER ran on into ("the city of Mosul
    marks" -> "the city of Mosul"). Cased text only, where case tells them apart; a span of such words alone
    ("we", re3d's pronoun mentions) is left as it is."""
    if ent.label_ not in NAME_LABELS or not cased:
        return ent
    doc, start, end = ent.doc, ent.start, ent.end
    while end > start and (doc[end - 1].is_lower and doc[end - 1].pos_ in _NOT_FINAL_POS
                           or doc[end - 1].text in _JOINERS and not doc[end - 1].whitespace_):
        end -= 1  # "the Beijing-funded" -> "the Beijing-" -> "the Beijing"
    # Nor does a name hold a verb before its words: "Some saw Pakistan" -> "Pakistan".
    verbs = [t.i for t in doc[start:end] if t.is_lower and t.pos_ in {"VERB", "AUX"} and t.i > 0
             and doc[t.i - 1].whitespace_]  # a word of its own, not "Arabic-speaking"
    if verbs and verbs[-1] + 1 < end and doc[verbs[-1] + 1].text[:1].isupper():
        start = verbs[-1] + 1
    if (start, end) == (ent.start, ent.end) or end <= start:
        return ent
    return Span(doc, start, end, label=ent.label_)


# Common nouns of places: with a nationality before them they describe a place, and name none.
_PLACE_WORDS = frozenset(TYPE_WORDS) | {"island", "islands", "capital", "coast", "border", "side", "territory",
                                       "soil", "countryside", "mountains", "desert", "waters", "airspace"}


def _nationality_of_a_description(ent: Span) -> Optional[Span]:
    """"the Kuwaiti island", "BOLIVIAN CITY": a place entity made of a nationality and a common noun of places
    describes a place and names none; the nationality in it is the NORP."""
    if ent.label_ not in {"GPE", "LOC", "FAC"}:
        return None
    words = [t for t in ent if t.lower_ not in {"the", "a", "an"}]
    if len(words) != 2 or words[0].lower_ not in nationality_words() or words[1].lower_ not in _PLACE_WORDS:
        return None
    return Span(ent.doc, words[0].i, words[0].i + 1, label="NORP")


def _credited(ent: Span) -> list[Span]:
    """A credit line's names, which a slash between spaces separates ("AFP / Javed Tanveer", "Facebook /
    Dawn"): one word is an agency or outlet (ORG); two or three capitalised words a person's name."""
    if ent.label_ not in NAME_LABELS or not any(t.text == "/" and t.whitespace_ and t.i > ent.start
                                                and ent.doc[t.i - 1].whitespace_ for t in ent):
        return [ent]
    parts, start = [], ent.start
    for t in [*[t for t in ent if t.text == "/"], None]:
        end = t.i if t is not None else ent.end
        if end > start:
            part = ent.doc[start:end]
            words = [w for w in part if not w.is_punct]
            if len(words) == 1:
                label = "ORG"
            elif len(words) <= 3 and all(w.is_title for w in words) and words[-1].lower_ not in ORGANISATION_HEADS:
                label = "PERSON"
            else:
                label = ent.label_
            parts.append(Span(ent.doc, start, end, label=label))
        start = end + 1
    return parts


def _persons(ent: Span) -> list[Span]:
    """A PERSON span split at "and" where a capitalised word follows it and one precedes it:
    names do not contain "and" (organisations do: "Foreign and Commonwealth Office")."""
    parts, start = [], ent.start
    for token in ent:
        if token.lower_ == "and" and start < token.i and token.i + 1 < ent.end and _capitalised(ent.doc[token.i + 1]) \
                and _capitalised(ent.doc[token.i - 1]):
            parts.append(Span(ent.doc, start, token.i, label="PERSON"))
            start = token.i + 1
    return [*parts, Span(ent.doc, start, ent.end, label="PERSON")] if parts else [ent]


def document_names(doc: Doc) -> dict[tuple[str, ...], str]:
    """The names the NER found (as token texts), each with the one label it has everywhere in the
    document, and the surnames of the persons it found with more than one word."""
    labels: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for ent in doc.ents:
        if ent.label_ in NAME_LABELS and len(ent.text) >= MIN_NAME_CHARS and _capitalised(ent[0]):
            labels[tuple(t.text for t in ent)].add(ent.label_)
    # A name the NER read with two labels ("TIAR" as PERSON and as ORG) is left as it is.
    names = {words: next(iter(found)) for words, found in labels.items() if len(found) == 1}
    for ent in doc.ents:
        surname = surname_of(ent) if ent.label_ == "PERSON" else None
        if surname is not None:
            names.setdefault(surname, "PERSON")
    return names


def surname_of(ent: Span) -> Optional[tuple[str, ...]]:
    """The surname of a person named with more than one word, as token texts (with a particle: "DEL VALLE")."""
    words = [t for t in ent if not t.is_space]
    if len(words) < 2 or not words[-1].is_alpha or len(words[-1]) < MIN_NAME_CHARS or not _capitalised(words[-1]):
        return None
    if len(words) >= 3 and words[-2].lower_ in SURNAME_PARTICLES:
        return words[-2].text, words[-1].text
    return (words[-1].text,)


def _capitalised(token) -> bool:
    return token.text[:1].isupper()


def _inside_word(doc: Doc, start: int, end: int) -> bool:
    """Glued to a longer word ("Al" in "Al-Nusra", "U.S." in "PANAMANIAN-U.S."): not a mention of
    its own."""
    before = doc[start - 1] if start > 0 else None
    after = doc[end] if end < len(doc) else None
    return (before is not None and not before.whitespace_ and (before.is_alpha or before.text in _JOINERS)) or \
        (after is not None and not doc[end - 1].whitespace_ and (after.is_alpha or after.text in _JOINERS))
