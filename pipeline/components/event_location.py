"""Where an event happened: the most specific place linked to it, not the article's first country.

Candidates, in order, each step used only when the one before finds nothing:

1. the event's own locative places (``location`` arguments: "KILLED ... IN FLORES", "the Kabul
   bombing"), leaving out a country that only qualifies a noun ("a U.S. CITIZEN", "the U.S.
   EMBASSY": a nationality, not where it happened). Places in the trigger's own clause (its
   dependency subtree) first, then the most specific, then the nearest; a place of the
   sentence inside the chosen one is more specific still ("IN THE CITY OF FLORES, IN THE
   NORTHERN EL PETEN DEPARTMENT"); a country chosen here that hangs off another noun, not the
   trigger's clause ("ARENA IN EL SALVADOR CONDEMNED THE MURDER"), gives way as in step 2;
   then a town of the article's main country that opens the name of what was struck ("ANOTHER MEDELLIN
   SHOPPING MALL WAS ATTACKED", "THE PEREIRA-CARTAGO PIPELINE"): a facility is named after the town it
   serves;
2. the other places of the trigger's sentence (read to its full stop: the parser may break
   wire copy at line ends), then those named before the trigger in the two sentences above (a
   report often places an incident in the sentence that introduces it): in the article's main
   country first, then in the trigger's own sentence, then in its clause, then the nearest;
   never a nationality, a person's home town ("ROASCIO OF MILAN") or the dateline, and abroad
   only in the trigger's clause (a trip "TO WASHINGTON" near a murder is not its place). A
   country found this way gives way to the story's place in it, or failing one to the
   dateline's (below): a country named near the event is seldom all the report says of where;
3. the place a sentence soon after gives the act when it names it again, by a word for an act
   ("... SET FIRE TO THE FARM. ... THE INCIDENT OCCURRED IN SEVILLA MUNICIPALITY"), where no other
   act is told in between; or else where the next act told is placed, when it is of the same type, told
   within three sentences and placed below the main country by a place of its own (a lead tells the
   killing, the next sentence where the attack was: ``_told_again``), unless the act is told in the plural;
4. the story's place: the first place below a country that the article names in its main
   country, after the dateline (a wire filed in the capital opens on where it happened:
   "BOGOTA -- MEDELLIN CONTINUES TO LIVE THROUGH A WAVE OF TERROR");
5. the dateline's place, where it lies in the article's main country (a bureau abroad, "MADRID
   (SPAIN)", says where the report was filed, not where the event was);
6. the first place below a country that the article names in its main country after the trigger
   (a report filed abroad may name the town only once it has told the event: "... FIRED AT THE
   SALVADORAN PRESIDENTIAL HOUSE ... THE FMLN HAS USED THEM AGAINST GARRISONS IN SAN SALVADOR");
7. the article's main country (``doc._.article_countries``, from its places, nationalities and
   armed groups), even where no sentence names it.

Steps 1 and 2 leave out a place where the news was told ("POLICE REPORTED TODAY IN LIMA THAT
..."): it hangs off a verb of saying, not off a trigger. They also leave out where someone or something came
from in another verb's clause ("AMBUSHED A CONVOY TRANSPORTING TROOPS FROM METAPAN"), but not in the act's own
("FIRED FROM A HILL"). Steps 1 to 4 leave out a landmark named to
measure a distance from ("IN NEIVA, 250 KM SOUTHWEST OF BOGOTA"), unless it is close by ("7 KM FROM
CARTAGO"): a report places an incident relative to the capital, not in it.

A named part of a town or a site among the event's locative places, which no gazetteer holds
("IN THE ZACAMIL NEIGHBORHOOD", "THE SMALL TOWN OF QUELLOPATA"), becomes the location's text,
with the place found above as the one it lies in (name, GeoNames id, admin1, coordinates). So does a
division the gazetteer lacks that the text types as one ("LA MAR PROVINCE", a province of Ayacucho).

The order of steps 2-7 and the rules for countries and verbs of saying were chosen on the first
400 MUC-4 *train* documents (their location fills), not on the dev split they are scored on.
"""
from __future__ import annotations

from typing import Iterator, Optional

from spacy.tokens import Doc, Span, Token

from ..normalize.places import GENERIC_WORDS, NOT_PLACES, TYPE_WORDS, GeoPlace, demonyms, load_gazetteer, place_key
from .normalization import (NAME_JOINERS, NAMED_AREA_NOUNS, PLACE_LABELS, PLACE_NOUNS, SETTLEMENT_NOUNS,
                            place_specificity, qualifies, word_after, word_before)

# Nouns a name after "the ... of" is the name of, a settlement's or an area's: "THE TOWN OF HOSTIGAL", "THE AREA OF
# PERQUIN".
NAMED_AFTER_NOUNS = SETTLEMENT_NOUNS | NAMED_AREA_NOUNS

# Head nouns of the parts of towns and the sites an event may be placed at.
PART_NOUNS = {"neighborhood", "neighbourhood", "suburb", "district", "canton", "hamlet", "village", "farm", "estate",
              "ranch", "camp", "base", "barracks", "airport", "university", "hospital", "hotel", "embassy", "street",
              "avenue", "boulevard", "road", "highway", "bridge", "river", "station", "market", "square", "plaza",
              "church", "cathedral", "school", "prison", "jail", "mosque", "temple", "port", "refinery", "dam", "alley",
              "sector"}

# Type words of a named part of a town: "THE BELEN NEIGHBORHOOD OF ...".
TOWN_PART_WORDS = frozenset({word for word, kind in TYPE_WORDS.items() if kind == "part"} | {"district", "canton"})

# Words of a description of terrain, not a name: "THE NORTHERN MOUNTAIN REGION", "THE JUNGLE".
# (Directions, "area" and the type words such as "region" are left out by NOT_PLACES and TYPE_WORDS already.)
TERRAIN_WORDS = frozenset({"mountain", "mountains", "hill", "hills", "jungle", "zone", "territory", "border", "coast",
                           "frontier", "countryside", "interior", "outskirts", "slopes", "part", "parts", "rural",
                           "urban", "metropolitan"})

# Prepositions that put an event at a place ("IN ARCATAO"), unlike "from" or "to".
PLACE_PREPOSITIONS = frozenset({"in", "near", "at", "outside", "inside", "into"})
# Oceans, continents and great regions, which are no event's place where a town is known.
MACRO_REGIONS = frozenset({"pacific", "atlantic", "caribbean", "amazon", "americas", "america", "andes", "europe",
                           "asia", "africa", "gulf", "ocean", "sea"})
# Military units and companies, which the NER may read as places.
UNIT_NOUNS = frozenset({"battalion", "brigade", "regiment", "division", "company", "corporation", "command", "front",
                        "squad", "unit", "plant"})
_NOT_NAME_WORDS = NOT_PLACES | TERRAIN_WORDS | MACRO_REGIONS | frozenset(TYPE_WORDS) | frozenset(PART_NOUNS)

# Units of a distance from a place ("315 KM EAST OF LIMA"), and the distance beyond which the place is only
# a landmark to find the event by, not where it was: on the first 400 MUC-4 train documents, the location
# fill names the landmark for "7 KM FROM CARTAGO", never for "315 KM EAST OF LIMA" or "50 KM WEST OF SAN
# SALVADOR" unless the template is elsewhere in the capital.
DISTANCE_UNITS = frozenset({"km", "kms", "kilometer", "kilometers", "kilometre", "kilometres", "mile", "miles"})
LANDMARK_DISTANCE = 20
DIRECTIONS = frozenset({"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"})

# Verbs of saying: a place attached to one is where the news was told ("REPORTED TODAY IN LIMA THAT ...").
REPORTING_VERBS = {"say", "report", "announce", "tell", "state", "confirm", "disclose", "declare", "add", "indicate",
                   "reveal", "inform", "explain", "note", "quote", "broadcast", "publish"}


def event_place(locations: list[Span], mention, doc: Doc) -> Optional[tuple[str, GeoPlace]]:
    """(the text naming it, the place) for an event mention and its ``location`` arguments, or None."""
    triggers = trigger_tokens(mention)
    found = _gazetteer_place(locations, mention, triggers, doc)
    parts = _unknown_parts(locations)
    if found is not None and parts:
        part = max(parts, key=lambda s: (_in_clause(s, triggers), -abs(s.start - mention.trigger.start)))
        place = found[1]
        if place.kind == "country":
            # A street or a site lies in a town ("A BOMB WENT OFF ... ON NORTH SECOND AVENUE" in a report filed
            # from San Salvador).
            town = _town_in_country(place.country_code, doc, mention.trigger.start)
            place = town._.place if town is not None else place
        return part_name(part), place
    return found


def incident_place(mention, doc: Doc) -> Optional[tuple[str, GeoPlace]]:
    """Where an incident is placed: for one told in several mentions (``events.group_incidents``), where the
    first mention that names a place of its own (its ``location`` arguments) puts it, else where its first
    mention is placed by the story around it; for a single mention, as ``event_place``."""
    mentions = getattr(mention, "mentions", None) or [mention]
    told = next((m for m in mentions if _names_a_place(m, doc)), mentions[0])
    return event_place(_locations(told), told, doc)


def _locations(mention) -> list[Span]:
    return [a.span for a in mention.arguments if a.role == "location"]


def _names_a_place(mention, doc: Doc) -> bool:
    """The mention says where, by a place of its own or a named part of one, rather than being placed
    only by the story around it."""
    locations = _locations(mention)
    return bool(own_places(locations, trigger_tokens(mention), doc) or _unknown_parts(locations))


def _unknown_parts(locations: list[Span]) -> list[Span]:
    return [s for s in locations if s._.place is None and _part_of_place(s)]


def trigger_tokens(mention) -> set[int]:
    """The indices of the tokens of a mention's triggers."""
    return {t.i for span in (mention.trigger, *getattr(mention, "extra_triggers", ())) for t in span}


def own_places(locations: list[Span], triggers: set[int], doc: Doc) -> list[Span]:
    """The places among an event mention's location arguments that say where it happened (``_may_place``)."""
    return [s for s in locations if _may_place(s, triggers, doc)]


def _may_place(span: Span, triggers: set[int], doc: Doc) -> bool:
    """A resolved place that may say where the act happened: no qualifier, dateline, place of reporting, distant
    landmark or place someone came from (steps 1 and 2)."""
    return span._.place is not None and not qualifier(span, triggers) and not _in_dateline(span, doc) \
        and not _where_reported(span, triggers) and not _landmark(span) and not _whence(span, triggers)


def _whence(span: Span, triggers: set[int]) -> bool:
    """Where someone or something came from, in another verb's clause: "A HELICOPTER THAT WAS TRAVELING FROM
    USULUTAN", "TRUCKS THAT WERE CARRYING OIL FROM CANO LIMON" (not "FIRED FROM A HILL", the act's own clause)."""
    root = list_head(span.root)
    return root.dep_ == "pobj" and root.head.lower_ == "from" and off_another_verb(span, triggers)


def earlier_conjuncts(token: Token) -> Iterator[Token]:
    """The words a list item is joined to, back to the first: "MEDELLIN" of "IN BOGOTA AND MEDELLIN" -> BOGOTA."""
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
        yield token


def list_head(token: Token) -> Token:
    """The first word of the list ``token`` is in (itself where it is in none): where the list hangs in the parse."""
    for token in earlier_conjuncts(token):
        pass
    return token


def _gazetteer_place(locations: list[Span], mention, triggers: set[int], doc: Doc) -> Optional[tuple[str, GeoPlace]]:
    start = mention.trigger.start
    sentence = mention.sentence
    countries = list(getattr(doc._, "article_countries", None) or ())
    linked = own_places(locations, triggers, doc)
    if linked:
        best = max(linked, key=lambda s: (_in_clause(s, triggers), place_specificity(s._.place),
                                          -abs(s.start - start)))
        inside = [e for e in sentence.ents if e.label_ in PLACE_LABELS and _within(e._.place, best._.place)]
        town = _town_of_part(best)
        if town is not None:
            return best.text, town._.place
        if inside:
            best = min(inside, key=lambda s: abs(s.start - start))
        elif best._.place.kind == "country":
            # A country is seldom all a report says of where: the act told again soon after may say more ("THE
            # EXPLOSION OF A BOMB AT THE MAIN OIL PIPELINE IN COLOMBIA ... BLEW UP A STRETCH OF THE PIPELINE IN
            # NORTE DE SANTANDER DEPARTMENT").
            again = _told_again(mention, doc, _whole_sentence(doc, sentence), [best._.place.country_code])
            if again is not None:
                return again
            if not _in_clause(best, triggers):
                # A country that hangs off another noun of the sentence ("ARENA IN EL SALVADOR CONDEMNED THE
                # MURDER") gives way as in step 2.
                best = _place_in_country(best, doc, start)
        return best.text, best._.place
    named = _town_in_target_name(mention, countries)
    if named is not None:
        return named
    sentence = _whole_sentence(doc, sentence)
    window = _sentences_before(doc, sentence, 2)
    nearby = [e for e in doc.ents if e.label_ in PLACE_LABELS
              and (sentence.start <= e.start < sentence.end or window <= e.start < start)
              and _may_place(e, triggers, doc) and _here(e, triggers, countries)]
    if nearby:
        best = max(nearby, key=lambda s: (s._.place.country_code in countries[:1], sentence.start <= s.start,
                                          _in_clause(s, triggers), -abs(s.start - start)))
        if best._.place.kind == "country":
            best = _place_in_country(best, doc, start)
        return best.text, best._.place
    told = _told_after(doc, sentence, start, countries)
    if told is not None:
        return told.text, told._.place
    again = _told_again(mention, doc, sentence, countries)
    if again is not None:
        return again
    story = _story_place(doc, countries, start)
    if story is not None:
        return story.text, story._.place
    dateline = _dateline_place(doc, countries)
    if dateline is not None:
        return dateline.text, dateline._.place
    later = _story_place(doc, countries, len(doc))
    if later is not None:
        return later.text, later._.place
    if countries:
        named = next((e for e in doc.ents if e.label_ in PLACE_LABELS and e._.place is not None
                      and e._.place.kind == "country" and e._.place.country_code == countries[0]), None)
        if named is not None:
            return named.text, named._.place
        country = load_gazetteer().country(countries[0])
        if country is not None:
            return country.name, country
    return None


# Nouns that name an act already told, without saying what it was: "THE INCIDENT OCCURRED IN SEVILLA MUNICIPALITY".
ANAPHOR_NOUNS = frozenset({"incident", "action", "act", "event", "crime", "sabotage"})
ANAPHOR_DETERMINERS = frozenset({"the", "this", "that", "these", "those"})
# Verbs that place an act ("OCCURRED IN", "HAPPENED AT"), and those that do with a word of their own ("TOOK PLACE
# AT", "WAS CARRIED OUT IN").
PLACING_ACT_VERBS = frozenset({"occur", "happen"})
PLACING_ACT_PHRASES = {"take": "place", "carry": "out"}
# How many sentences after the act a report may go on to say where it happened.
ANAPHOR_REACH = 3


def _told_after(doc: Doc, sentence: Span, start: int, countries: list[str]) -> Optional[Span]:
    """The place a sentence soon after the act gives it by naming it again ("UNIDENTIFIED INDIVIDUALS ... SET FIRE
    TO THE FARM. ... THE INCIDENT OCCURRED IN SEVILLA MUNICIPALITY (370 KM FROM BOGOTA)"): the subject is a word for
    an act, with an article or a demonstrative, of a verb of happening; the place hangs off that verb. Not when
    another act is told in between, which the words would name instead."""
    from .events import trigger_type  # events imports this module: read at call time

    after = sentence.end
    for _ in range(ANAPHOR_REACH):
        if after >= len(doc):
            return None
        following = _whole_sentence(doc, doc[after].sent)
        for token in following:
            if trigger_type(token):
                return None  # another act, which a word for an act after it names
            verb = token.head
            if token.lemma_.lower() in ANAPHOR_NOUNS and token.dep_ in {"nsubj", "nsubjpass"} \
                    and _places_an_act(verb) and any(c.lower_ in ANAPHOR_DETERMINERS for c in token.children):
                places = [e for e in following.ents if e.label_ in PLACE_LABELS and e._.place is not None
                          and verb in e.root.ancestors and not _landmark(e) and not qualifier(e, set())
                          and (not countries or e._.place.country_code == countries[0])]
                if places:
                    return max(places, key=lambda e: (place_specificity(e._.place), -e.start))
        after = following.end
    return None


def _told_again(mention, doc: Doc, sentence: Span, countries: list[str]) -> Optional[tuple[str, GeoPlace]]:
    """Where the next act the article tells is placed, when it is an act of the same type told soon after (within
    ``ANAPHOR_REACH`` sentences) by a place of its own below the article's main country: a report's lead often tells
    the act and a later sentence tells how and where ("THE KILLING OF A NATIONAL POLICEMAN AND HIS SON ... THE TWO
    WERE KILLED AS THEY WERE LEAVING A CHURCH IN TULUA"; "ONE SOLDIER WAS KILLED ... IN AN ATTACK AGAINST A
    HELICOPTER ... THE FMLN MACHINEGUNNED THE HELICOPTER AS IT WAS FLYING TO THE TOWN OF GUANCORITA"). Not for acts
    told in the plural, which a report goes on to place one by one. It reads the acts off ``doc._.events``, which the
    events stage sets only after its grouping (``events._where_placed``): incidents are grouped without it."""
    if not countries or mention.trigger.root.tag_ == "NNS" or mention.kind == "aggregate":
        return None  # "CLASHES ... IN DIFFERENT PARTS OF THE COUNTRY": acts in several places, not one told again
    following = min((m for m in (getattr(doc._, "events", None) or ()) if m.trigger.start >= sentence.end),
                    key=lambda m: m.trigger.start, default=None)
    if following is None or following.type != mention.type:
        return None  # another kind of act comes first: what the text says next is of that one
    if following.trigger.start >= _sentences_after(doc, sentence, ANAPHOR_REACH):
        return None
    triggers = trigger_tokens(following)
    places = [s for s in own_places(_locations(following), triggers, doc)
              if s._.place is not None and s._.place.kind != "country" and s._.place.country_code == countries[0]]
    if not places:
        return None
    found = _gazetteer_place(_locations(following), following, triggers, doc)
    return found if found is not None and found[1].country_code == countries[0] else None


def _places_an_act(verb) -> bool:
    """"OCCURRED", "HAPPENED", "TOOK PLACE", "WAS CARRIED OUT"; not "TOOK TWO LIVES"."""
    lemma = verb.lemma_.lower()
    return lemma in PLACING_ACT_VERBS or lemma in PLACING_ACT_PHRASES and any(
        c.lower_ == PLACING_ACT_PHRASES[lemma] for c in verb.children)


def _town_of_part(span: Span) -> Optional[Span]:
    """The town a named part of it is said to be of: "THE BELEN NEIGHBORHOOD OF THE CITY OF MEDELLIN" is in
    Medellin, whatever other town the gazetteer knows by the part's name."""
    words = place_key(span.text).split()
    doc = span.doc
    of = word_after(doc, span.end)
    if len(words) < 2 or words[-1] not in TOWN_PART_WORDS or of >= len(doc) or doc[of].lower_ != "of":
        return None
    return next((e for e in doc.ents if of < e.start <= of + 5 and e.label_ in PLACE_LABELS
                 and e._.place is not None and e._.place.kind != "country"), None)


def _town_in_target_name(mention, countries: list[str]) -> Optional[tuple[str, GeoPlace]]:
    """A town of the article's main country that opens the name of what was struck ("ANOTHER MEDELLIN
    SHOPPING MALL WAS ATTACKED", "BLEW UP A SECTION OF THE PEREIRA-CARTAGO PIPELINE"): a facility is
    named after the town it serves, which says where the event was when no place is linked to it."""
    if not countries:
        return None
    gazetteer = load_gazetteer()
    for argument in mention.arguments:
        if argument.role != "target":
            continue
        words = [t for t in argument.span
                 if not (t.is_punct or t.is_space or t.like_num) and t.pos_ not in {"DET", "NUM"}]
        # the name, after any "SECTION OF THE": the town opens the proper name, not a description of a part
        of = [i for i, t in enumerate(words) if t.lower_ == "of"]
        words = words[of[-1] + 1:] if of else words
        for length in (3, 2, 1):
            if len(words) <= length or words[length].lower_ in NAME_JOINERS:
                continue  # "SAN MIGUEL DE MERCEDES" is a town of its own, not one of San Miguel's
            name = " ".join(t.text for t in words[:length])
            key = place_key(name)
            if key in NOT_PLACES or len(key) < 4:
                continue
            towns = [p for p in gazetteer.candidates(name) if p.kind in {"city", "admin1"}
                     and p.country_code == countries[0] and place_key(p.name) == key]
            if towns:
                return name, max(towns, key=lambda p: p.population)
    return None


def _place_in_country(country: Span, doc: Doc, before: int) -> Span:
    """A country named near the event, not as its place, says less than the story's own place in it, or
    failing one, than the dateline's town in it; the country where the article names neither."""
    return _town_in_country(country._.place.country_code, doc, before) or country


def _town_in_country(code: str, doc: Doc, before: int) -> Optional[Span]:
    """The story's place in a country (before token ``before``), else the dateline's there, else None."""
    return _story_place(doc, [code], before) or _dateline_place(doc, [code])


def _dateline_place(doc: Doc, countries: list[str]) -> Optional[Span]:
    """The dateline's place, where it lies in the article's main country (a bureau abroad, "MADRID
    (SPAIN)", says where the report was filed, not where the event was)."""
    dateline = getattr(doc._, "dateline_place", None)
    if dateline is not None and dateline._.place is not None and not getattr(doc._, "dateline_abroad", False) \
            and countries and dateline._.place.country_code == countries[0]:
        return dateline
    return None


def _story_place(doc: Doc, countries: list[str], before: int) -> Optional[Span]:
    """The first place below a country that the story names in its main country, after the dateline
    and before the event's trigger (a place named only later belongs to a later part of the story)."""
    if not countries:
        return None
    return next((e for e in doc.ents if e.start < before and e.label_ in PLACE_LABELS and e._.place is not None
                 and e._.place.kind != "country" and e._.place.country_code == countries[0]
                 and not _in_dateline(e, doc) and not qualifier(e, set()) and not _landmark(e)), None)


def _part_of_place(span: Span) -> bool:
    """A named part of a town or a site, which no gazetteer holds: "ZACAMIL NEIGHBORHOOD",
    "SHERATON HOTEL", "LEMPA RIVER" (a name and the kind of place it is)."""
    words = place_key(span.text).split()
    if span.label_ not in PLACE_LABELS or any(w.isdigit() for w in words):
        return False
    if len(words) >= 2 and TYPE_WORDS.get(words[-1]) == "admin1" and \
            any(w not in GENERIC_WORDS and w not in {"la", "las", "los", "el"} for w in words[:-1]):
        return True  # a division the gazetteer lacks, typed as one: "LA MAR PROVINCE" (a province of Ayacucho)
    doc = span.doc
    of = word_before(doc, span.start)
    noun = word_before(doc, of) if of >= 0 else -1
    if noun >= 0 and doc[of].lower_ == "of" and doc[noun].lemma_.lower() in NAMED_AFTER_NOUNS:
        return any(w not in NOT_PLACES for w in words)  # "the town of Hostigal", unknown to the gazetteer
    if part_name(span) != span.text:  # the NER took the noun in: "SMALL TOWN OF QUELLOPATA"
        return True
    if len(words) >= 2 and words[-1] in PART_NOUNS and any(w not in NOT_PLACES for w in words[:-1]):
        return True
    return _unknown_place_name(span, words)


def _unknown_place_name(span: Span, words: list[str]) -> bool:
    """A name the NER read as a place where the event happened ("RAIDS IN ARCATAO", "IN LOS LLANITOS"),
    too small for the gazetteer: a village or a part of a town. Not a description ("THE NORTHERN
    MOUNTAIN REGION", "NEIGHBORHOODS"), a nationality ("HONDURAN"), an ocean or a continent, a unit
    ("NUTIBARA BATTALION"), a known place behind a description ("THE AREA NEAR GUATEMALA"), nor a word
    of a person's name in the same article (a first name read as a place)."""
    if span.label_ not in {"GPE", "LOC"} or not after_place_preposition(span):
        return False
    stems = [w[:-1] if w.endswith("s") and w[:-1] in _NOT_NAME_WORDS else w for w in words]
    names = [w for w in stems if w not in _NOT_NAME_WORDS and w not in {"the", "a", "an", "of", "near"}]
    if not names or any(w in demonyms() or w in UNIT_NOUNS for w in words):
        return False
    if any(w in {"of", "near"} for w in words[1:-1]):  # "THE AREA OF EL PENON": the name is after the word
        tail = words[max(i for i, w in enumerate(words) if w in {"of", "near"}) + 1:]
        countries = set(getattr(span.doc._, "article_countries", None) or ())
        if any(p.country_code in countries for p in load_gazetteer().candidates(" ".join(tail))):
            return False
    # Words of full names ("RODOLFO VIERA"); a lone name read once as a PERSON is the NER's slip.
    person_words = {w for ent in span.doc.ents if ent.label_ == "PERSON" and len(ent) > 1
                    for w in place_key(ent.text).split()}
    return not all(w in person_words for w in names)


def after_place_preposition(span: Span) -> bool:
    """A preposition of place governs the name ("IN ARCATAO"), or a common noun it names does ("IN LA
    RANERA STREAM", "NEAR THE JIBOA SUGAR MILL"); not a name before another name ("RODOLFO VIERA") or a
    unit ("AZMITIA BATTALION")."""
    root = span.root
    # The common noun may be a type word the tagger reads as part of a name: "IN BELLO NORTE\nMUNICIPALITY".
    while root.dep_ == "compound" and (root.head.pos_ == "NOUN" or root.head.lower_ in TYPE_WORDS) \
            and not root.head.ent_type_ and root.head.lower_ not in UNIT_NOUNS:
        root = root.head
    return root.dep_ == "pobj" and root.head.lower_ in PLACE_PREPOSITIONS


def part_name(span: Span) -> str:
    """The name in a span that says the kind of place first: "SMALL TOWN OF QUELLOPATA" -> "QUELLOPATA"."""
    for token in span[1:-1]:
        if token.lower_ == "of" and span.doc[word_before(span.doc, token.i)].lemma_.lower() in SETTLEMENT_NOUNS:
            name = span.doc[token.i + 1:span.end]
            if any(place_key(t.text) not in NOT_PLACES for t in name if t.is_alpha):
                return name.text
    return span.text


def qualifier(span: Span, triggers: set[int]) -> bool:
    """A country that qualifies a noun other than the trigger, saying whose the person or thing is rather than
    where anything happened ("U.S. CITIZEN", "COLOMBIA'S PRESIDENT", "the U.S. embassy in Lima"; not before a place
    word, "the Colombia border region"), or a place that says where a person is from ("ROBERTO ROASCIO OF
    MILAN")."""
    place = span._.place
    if place is None:
        return False
    root = span.root
    if root.dep_ == "pobj" and root.head.lower_ in {"of", "from"} and root.head.head.ent_type_ == "PERSON":
        return True
    return place.kind == "country" and qualifies(span) and root.head.i not in triggers \
        and root.head.lower_ not in PLACE_NOUNS and root.head.ent_type_ not in PLACE_LABELS


def _landmark(span: Span) -> bool:
    """A place named only to measure a distance from ("500 KM NORTHWEST OF BOGOTA", "355 KM FROM
    TEGUCIGALPA"): beyond LANDMARK_DISTANCE the event is somewhere else. Wire copy breaks its lines anywhere
    ("575 KM SOUTHEAST OF\nLIMA"): a line break between the words is skipped."""
    doc = span.doc
    i = word_before(doc, span.start)
    if i < 2 or doc[i].lower_ not in {"of", "from"}:
        return False
    i = word_before(doc, i)
    if i >= 0 and doc[i].lower_ in DIRECTIONS:
        i = word_before(doc, i)
    while i > 0 and doc[i].text == ")":  # "60 KM (37 MILES) WEST OF"
        while i > 0 and doc[i].text != "(":
            i -= 1
        i = word_before(doc, i)
    figure = word_before(doc, i) if i >= 0 else -1
    if figure < 0 or doc[i].lower_ not in DISTANCE_UNITS:
        return False
    number = doc[figure].text.replace(",", "")
    return number.replace(".", "", 1).isdigit() and float(number) > LANDMARK_DISTANCE


def _where_reported(span: Span, triggers: set[int]) -> bool:
    """A place where the news was told, not where the event was: "POLICE REPORTED TODAY IN LIMA THAT
    ... BURNED", "a spokesman said in Kabul" (the place hangs off a verb of saying, not a trigger, nor one
    whose passive subject is a trigger)."""
    root = span.root
    verb = root.head.head if root.dep_ == "pobj" and root.head.dep_ == "prep" else None
    if verb is None or verb.lemma_.lower() not in REPORTING_VERBS or verb.i in triggers:
        return False
    # "EIGHT EXPLOSIONS WERE REPORTED IN HUARAZ": what was reported there is the event itself.
    return not any(child.dep_ == "nsubjpass" and child.i in triggers for child in verb.children)


def off_another_verb(span: Span, triggers: set[int]) -> bool:
    """The place hangs off a verb whose clause holds no trigger: "SUSPEND THE TALKS -- HELD IN MEXICO CITY ... --
    FOLLOWING THE 31 OCTOBER ATTACK" (where the talks were held, not the attack)."""
    verb = next((t for t in span.root.ancestors if t.pos_ == "VERB"), None)
    return verb is not None and verb.i not in triggers and not any(t.i in triggers for t in verb.subtree)


def _whole_sentence(doc: Doc, sentence: Span) -> Span:
    """The sentence up to its closing punctuation: the parser may break wire copy at a line end
    ("... SAID THAT\nTHE EXPLOSION TOOK PLACE\nNEAR BENADIA IN ARAUCA ..."), not at a full stop."""
    start, end = sentence.start, sentence.end
    while start > 0 and not _closes(doc, start - 1):
        start = doc[start - 1].sent.start
    while end < len(doc) and not _closes(doc, end - 1):
        end = doc[end].sent.end
    return doc[start:end]


def _closes(doc: Doc, i: int) -> bool:
    """The token ends a sentence: full stop, question or exclamation mark, or a paragraph break."""
    while i > 0 and doc[i].is_space and "\n\n" not in doc[i].text:
        i -= 1
    token = doc[i]
    if "\n\n" in token.text + token.whitespace_:
        return True
    if token.text in {'"', "”", "'"} and i > 0:  # '... "FALSE."' closes where its full stop does
        token = doc[i - 1]
    return token.text in {".", "!", "?"}  # not "U.S." or "COL.": abbreviations end no sentence


def _here(span: Span, triggers: set[int], countries: list[str]) -> bool:
    """In the article's main country, or abroad but in the trigger's own clause."""
    return not countries or span._.place.country_code == countries[0] or _in_clause(span, triggers)


def _in_clause(span: Span, triggers: set[int]) -> bool:
    """The place hangs off a trigger in the parse (its clause), not off another verb of the sentence."""
    return any(t.i in triggers for t in span.root.ancestors)


def _in_dateline(span: Span, doc: Doc) -> bool:
    """Part of the dateline ("ROME (ITALY), 11 JAN 90 --"): where the report was filed, which steps 4 and 5 weigh."""
    if getattr(doc._, "dateline_place", None) is None:
        return False
    return span.end_char <= (getattr(doc._, "dateline_end", None) or 0)


def _within(place, area) -> bool:
    if place is None or area is None or place_specificity(place) <= place_specificity(area):
        return False
    if area.kind == "country":
        return place.country_code == area.country_code
    # A city whose province the gazetteer does not know is taken to lie in the named one of its country.
    return area.kind == "admin1" and place.admin1 in (area.admin1, None) and place.country_code == area.country_code


def _sentences_after(doc: Doc, sentence: Span, n: int) -> int:
    """Where the n whole sentences after ``sentence`` end (wire copy's sentences read to their full stops)."""
    end = sentence.end
    for _ in range(n):
        if end >= len(doc):
            break
        end = _whole_sentence(doc, doc[end].sent).end
    return end


def _sentences_before(doc: Doc, sentence: Span, n: int) -> int:
    start = sentence.start
    for _ in range(n):
        if start == 0:
            break
        start = doc[start - 1].sent.start
    return start
