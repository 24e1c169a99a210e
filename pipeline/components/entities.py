"""The domain NER (``news_ner``): spaCy's entity recogniser that first restores the case of text
written all in capitals or all in lower case.

MUC-4 wires are all capitals and some corpora are lower-cased; a model that has learnt names
from their capitals finds almost none there. ``news_ner`` predicts on a *truecased view* of such
a document (the same tokens, each written as it is most often written in cased news, sentence
starts capitalised) and copies the entities back, token for token. Cased text is predicted as
it is. The table of written forms is built from cased corpora (``pipeline/training/ner_corpus.py``)
and serialised with the component.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

import srsly
from spacy import util
from spacy.attrs import IS_ALPHA, IS_LOWER, IS_UPPER, LENGTH
from spacy.language import Language
from spacy.pipeline.ner import DEFAULT_NER_MODEL, EntityRecognizer
from spacy.tokens import Doc, Span
from thinc.api import Model

# A document is all capitals (or all lower case) when at least this share of its words are.
UPPER_SHARE = 0.8
LOWER_SHARE = 0.98
_SENTENCE_END = frozenset({".", "!", "?", ":", "--"})
# Inflections tried when a word is not in the table: "substations" is written as "substation" is.
_SUFFIXES = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("ly", ""),
             ("men", "man"))
# Adjectives made from a known word ("HEGEMONIC", "GENOCIDAL"), when the word is long enough not to
# be a name's first syllables ("VIDAL" is not "vid" + "al").
_DERIVATIONS = (("ic", "y"), ("ic", ""), ("al", "e"), ("al", ""))
# Endings of English adjectives and abstract nouns that names (Spanish ones included) do not
# have: an unknown "ANTIPATRIOTIC" or "REVOLUTIONARINESS" is a word, not a surname.
_WORD_ENDINGS = ("ical", "istic", "otic", "ous", "ive", "ness", "ment", "ization", "isation")
# Prefixes glued to an ordinary word ("ANTIPOPULAR", "COUNTERINSURGENCY"): the rest must be a
# known lower-case word (or end like one), so that "ANTIOQUIA" stays a name.
_WORD_PREFIXES = ("anti", "counter", "non", "pro", "pre", "post", "inter", "multi", "semi", "pseudo", "ultra")
# (ending, what replaces it, shortest stem): inflections take a stem of 3 letters, derivations of 5.
_STEMMINGS = tuple((s, r, 3) for s, r in _SUFFIXES) + tuple((s, r, 5) for s, r in _DERIVATIONS)
_VOWELS = re.compile(r"[aeiouy]", re.IGNORECASE)


# Web copy (re3d's Wikipedia pages) glues reference marks and parentheses to words: "al-Freiji.[2]",
# "2005.[4][5]", "Qanbar(Arabic:". Split there, so that a name or date ends where it ends.
NEWS_INFIXES = (r"(?<=[\w.,;:\]])\[(?=\d{1,3}\]?)", r"(?<=\w)[.,;:](?=\[\d)", r"(?<=\d)\](?=\[)",
                r"(?<=[a-z])\((?=[A-Z][a-z])")


def add_news_infixes(nlp: Language) -> Language:
    """Give ``nlp``'s tokenizer the NEWS_INFIXES (the pipeline and the NER's training corpora alike)."""
    nlp.tokenizer.infix_finditer = util.compile_infix_regex([*nlp.Defaults.infixes, *NEWS_INFIXES]).finditer
    return nlp


class Truecaser:
    """Restores the usual case of the words of an all-capitals or all-lower-case document.

    ``forms`` maps a word in lower case to its most frequent written form in cased text
    ("army" -> "army", "argentina" -> "Argentina", "nato" -> "NATO"). An unknown word is taken
    for a name ("QUINTERO" -> "Quintero"), unless it is short or has no vowel, which makes it an
    acronym ("FMLN").
    """

    def __init__(self, forms: Optional[dict[str, str]] = None):
        self.forms = forms or {}

    @classmethod
    def from_texts(cls, docs: Iterable[Doc], min_count: int = 2) -> "Truecaser":
        """Count written forms in cased documents, leaving out sentence starts and capitalised lines."""
        counts: dict[str, Counter] = defaultdict(Counter)
        for doc in docs:
            if document_case(doc) is not None:
                continue
            headline = _capitalised_lines(doc)
            for token, initial, in_headline in zip(doc, sentence_starts(doc), headline):
                if not initial and not in_headline and token.is_alpha:
                    counts[token.lower_][token.text] += 1
        return cls({key: written.most_common(1)[0][0] for key, written in counts.items()
                    if sum(written.values()) >= min_count})

    def word(self, text: str, initial: bool) -> str:
        if not any(c.isalpha() for c in text) or any(c.isdigit() for c in text):
            return text  # numbers, punctuation, codes like AK-47 keep their case
        key = text.lower()
        form = self.forms.get(key)
        if form is None and self._is_lower_word(key):
            form = key
        if form is None:
            letters = re.sub(r"[^a-z]", "", key)
            form = text.upper() if len(letters) <= 3 or not _VOWELS.search(letters) else key.title()
        if initial:
            form = form[:1].upper() + form[1:]
        return form

    def _is_lower_word(self, key: str) -> bool:
        """An unknown word written in lower case: an inflection or derivation of a known lower-case
        word, a word with an English ending, or either behind a prefix."""
        if self._is_inflected_word(key) or (key.endswith(_WORD_ENDINGS) and len(key) > 6):
            return True
        for prefix in _WORD_PREFIXES:
            if not key.startswith(prefix):
                continue
            rest = key[len(prefix):].lstrip("-")
            if len(rest) >= 5:
                form = self.forms.get(rest)
                if (form is not None and form.islower()) or (form is None and self._is_lower_word(rest)):
                    return True
        return False

    def _is_inflected_word(self, key: str) -> bool:
        for suffix, replacement, min_stem in _STEMMINGS:
            if key.endswith(suffix) and len(key) >= len(suffix) + min_stem:
                stem = self.forms.get(key[:-len(suffix)] + replacement)
                if stem is not None and stem.islower():
                    return True
        return False

    def add_lower_words(self, words: Iterable[str]) -> None:
        """Words known to be written in lower case (a dictionary's), where the table has no form."""
        for word in words:
            if word.isalpha():
                self.forms.setdefault(word.lower(), word.lower())

    def words(self, doc: Doc) -> list[str]:
        return [self.word(token.text, initial) for token, initial in zip(doc, sentence_starts(doc))]

    def view(self, doc: Doc) -> Doc:
        """The document itself if it is cased, else a truecased copy with the same tokens."""
        if document_case(doc) is None:
            return doc
        return Doc(doc.vocab, words=self.words(doc), spaces=[bool(t.whitespace_) for t in doc])

    def to_bytes(self) -> bytes:
        return srsly.msgpack_dumps({"forms": self.forms})

    def from_bytes(self, data: bytes) -> "Truecaser":
        self.forms = srsly.msgpack_loads(data)["forms"]
        return self


def document_case(doc: Doc) -> Optional[str]:
    """'upper' or 'lower' for a document written (almost) all in one case, else None. Counts the
    words of two letters or more; read from the lexemes' flags in one array, since building a
    Token per word costs more than a component's work on a short article."""
    if not len(doc):
        return None
    alpha, length, upper, lower = doc.to_array([IS_ALPHA, LENGTH, IS_UPPER, IS_LOWER]).T
    words = (alpha == 1) & (length > 1)
    n_words = int(words.sum())
    if not n_words:
        return None
    if int((words & (upper == 1)).sum()) >= UPPER_SHARE * n_words:
        return "upper"
    if int((words & (lower == 1)).sum()) >= LOWER_SHARE * n_words:
        return "lower"
    return None


def sentence_starts(doc: Doc) -> list[bool]:
    """Where a word would be capitalised in cased text: after sentence-final punctuation or a
    paragraph break, but not inside square brackets, which hold editors' notes in wire copy
    ("[SENTENCE AS HEARD]", "[SPEECH]"). Needs no parse."""
    starts, initial = [], True
    for token in doc:
        starts.append(initial and not token.is_space and not token.is_punct)
        if token.is_space:
            initial = initial or "\n\n" in token.text or token.text.startswith("\n ")
        elif token.text == "[":
            initial = False
        elif token.is_punct and token.text not in _SENTENCE_END:
            continue
        else:
            initial = token.text in _SENTENCE_END or "\n\n" in token.whitespace_
    return starts


# Wire copy in capitals (MUC-4) names places and groups bare: "FLORES", not "THE CITY OF FLORES"
# (gold train split: 159 names after "THE" without it, 6 with it). Cased web text (re3d) keeps them.
_ARTICLES = frozenset({"the", "a", "an"})
_PLACE_NOUNS = frozenset({"city", "town", "village", "port", "municipality", "province", "department"})


def bare_name(span: Span) -> Span:
    """'THE CITY OF FLORES' -> 'FLORES', 'THE EXTRADITABLES' -> 'EXTRADITABLES'; dates and times keep
    their words ('THE SAME DAY')."""
    if span.label_ in {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"}:
        return span
    start = span.start
    if span.end - start > 1 and span.doc[start].lower_ in _ARTICLES:
        start += 1
    if span.label_ in {"GPE", "LOC"} and span.end - start > 2 and span.doc[start].lower_ in _PLACE_NOUNS \
            and span.doc[start + 1].lower_ == "of":
        start += 2
    return span if start == span.start else Span(span.doc, start, span.end, label=span.label)


# Names inside longer entities. The guidelines nest them ("a name sits inside a longer mention"), and
# doc.ents cannot, so they go to doc.spans[NESTED_KEY] and from there into the record's entities.
NESTED_KEY = "nested_entities"
_DIRECTIONS = frozenset("north south east west northern southern eastern western central northeastern northwestern "
                        "southeastern southwestern".split())
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir"})
_NAME_PARTICLES = frozenset({"de", "da", "del", "la", "bin", "ibn", "van", "von", "al", "el", "abu", "-"})
_RULED_BY = frozenset({"regime", "administration", "government", "cabinet"})  # "the Assad regime"


def nested_names(doc: Doc, nationalities: frozenset[str], place: Callable[[str, bool], bool],
                 is_title: Callable[[str], bool], regions: frozenset[str] = frozenset()) -> list[Span]:
    """Names inside the document's entities, as the gold annotates them:

    - NORP: the nationality or group of a mention ("Iraqi" in "Iraqi security forces", "Russian" in
      "Russian Foreign Minister Lavrov"), unless it begins a name ("European Union", "Saudi Arabia");
    - GPE: a country, province or large city in a longer name ("Iraq" in "the Government of Iraq",
      "Mosul" in "the city of Mosul", "Ukraine" in "Eastern Ukraine"; in a person's title only a
      country: "US" in "US Secretary of State John Kerry"), not the end of a longer name ("New York");
    - PERSON: the name after a title ("Sergei Lavrov" in "Russian Foreign Minister Sergei Lavrov";
      not after an honorific: "Mr Hammond" is one name), and the ruler a regime is named after
      ("Assad" in "the Assad regime");
    - ORG: the acronym of the office before a person's title ("FCO" in "FCO Minister Tobias Ellwood");
    - LOC: a world region (``regions``) in a person's title ("Middle East" in "Minister for the Middle East"; an
      organisation's name keeps its own: "Islamic State of Iraq and the Levant").

    ``place(text, country_only)`` says whether a text names such a place. Cased text only: wire copy in
    capitals is annotated flat (the gold train split nests none of its names).
    """
    if document_case(doc) is not None:
        return []
    found: list[Span] = []
    taken = {(ent.start, ent.end) for ent in doc.ents}
    for ent in doc.ents:
        if len(ent) < 2:
            continue
        spans = []
        if ent.label_ not in {"NORP", "GPE"}:
            for token in ent:
                begins_name = ent.label_ != "PERSON" and token.i + 1 < ent.end and doc[token.i + 1].is_title
                if token.lower_ in nationalities and _name_like(token) and not begins_name:
                    spans.append(Span(doc, token.i, token.i + 1, label="NORP"))
        if ent.label_ in {"ORG", "LOC", "FAC", "GPE", "PERSON"}:
            spans.extend(_places_in(ent, place))
        if ent.label_ == "PERSON":
            spans.extend(_regions_in(ent, regions))
        if ent.label_ == "PERSON":
            # The office's acronym before a title: "FCO" in "FCO Minister Tobias Ellwood".
            head = ent[0]
            if head.is_upper and head.is_alpha and not head.is_stop and 2 <= len(head) <= 5 and is_title(ent[1].text) \
                    and head.lower_ not in nationalities and not place(head.text, True):
                spans.append(Span(doc, ent.start, ent.start + 1, label="ORG"))
            titles = [token.i for token in ent[:-1] if is_title(token.text)]
            name = doc[titles[-1] + 1:ent.end] if titles else None
            if name is not None and doc[titles[-1]].lower_.rstrip(".") not in _HONORIFICS and _name_like(name[0]) \
                    and all((_name_like(t) or t.lower_ in _NAME_PARTICLES) and not is_title(t.text) for t in name):
                spans.append(Span(doc, name.start, name.end, label="PERSON"))
        if ent.label_ == "ORG" and ent[-1].lower_ in _RULED_BY:
            names = [t for t in ent[:-1] if _name_like(t) and t.lower_ not in nationalities]
            if len(names) == 1 and not place(names[0].text, False):
                spans.append(Span(doc, names[0].i, names[0].i + 1, label="PERSON"))
        for span in spans:
            if (span.start, span.end) not in taken:
                taken.add((span.start, span.end))
                found.append(span)
    return sorted(found, key=lambda span: (span.start, span.end))


def longest_matches(doc: Doc, start: int, end: int, can_start: Callable[[int], bool],
                    matches: Callable[[int, int], bool], label: str, max_words: int = 4) -> Iterator[Span]:
    """Left to right over ``doc[start:end]``: from each token where ``can_start(i)``, the longest span
    ``doc[i:j]`` (at most ``max_words``) for which ``matches(i, j)``, as an entity; the scan goes on after it."""
    i = start
    while i < end:
        hit = None
        if can_start(i):
            hit = next((Span(doc, i, j, label=label) for j in range(min(end, i + max_words), i, -1) if matches(i, j)),
                       None)
        i = hit.end if hit is not None else i + 1
        if hit is not None:
            yield hit


def _places_in(ent: Span, place: Callable[[str, bool], bool]) -> Iterator[Span]:
    doc = ent.doc

    # A place begins a name or follows a direction: "Ukraine" in "Eastern Ukraine", not "York" in "New York".
    def can_start(i: int) -> bool:
        inside_a_name = i > ent.start and _name_like(doc[i - 1]) and doc[i - 1].lower_ not in _DIRECTIONS
        return _name_like(doc[i]) and not inside_a_name

    def matches(i: int, j: int) -> bool:
        city_name = j < ent.end and doc[j].lower_ == "city"  # "Panama City"
        return (i, j) != (ent.start, ent.end) and all(_name_like(t) for t in doc[i:j]) and not city_name \
            and place(doc[i:j].text, ent.label_ == "PERSON")

    return longest_matches(doc, ent.start, ent.end, can_start, matches, "GPE")


def _regions_in(ent: Span, regions: frozenset[str]) -> Iterator[Span]:
    """World regions that end a name inside the entity: "Middle East" in "Minister for the Middle East",
    not "Gulf" in "Gulf Affairs Minister"."""
    doc = ent.doc
    return longest_matches(
        doc, ent.start, ent.end, lambda i: _name_like(doc[i]) and not (i > ent.start and _name_like(doc[i - 1])),
        lambda i, j: (i, j) != (ent.start, ent.end) and doc[i:j].text.lower() in regions
        and not (j < ent.end and _name_like(doc[j])), "LOC")


def _name_like(token) -> bool:
    return token.is_alpha and (token.is_title or token.is_upper) and not token.is_stop


def _capitalised_lines(doc: Doc) -> list[bool]:
    """For each token, whether it sits in a line written mostly in capitals (a headline)."""
    flags, line = [], []
    for token in list(doc) + [None]:
        if token is not None:
            line.append(token)
        if token is None or "\n" in token.text or "\n" in token.whitespace_:
            letters = [c for t in line for c in t.text if c.isalpha()]
            capitalised = sum(c.isupper() for c in letters) > 0.6 * len(letters) if letters else False
            flags.extend([capitalised] * len(line))
            line = []
    return flags


@Language.factory(
    "news_ner",
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
    default_config={
        "moves": None,
        "update_with_oracle_cut_size": 100,
        "model": DEFAULT_NER_MODEL,
        "incorrect_spans_key": None,
        "scorer": {"@scorers": "spacy.ner_scorer.v1"},
        "spans_key": None,
    },
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_news_ner(nlp: Language, name: str, model: Model, moves, update_with_oracle_cut_size: int,
                  incorrect_spans_key: Optional[str], scorer: Optional[Callable],
                  spans_key: Optional[str]) -> "TruecasingEntityRecognizer":
    """``spans_key``: write the entities to ``doc.spans[spans_key]`` instead of ``doc.ents`` (the
    nominal actors, which nest with names: "U.S. forces", "two Chinese officials")."""
    recognizer = TruecasingEntityRecognizer(nlp.vocab, model, name=name, moves=moves,
                                            update_with_oracle_cut_size=update_with_oracle_cut_size,
                                            incorrect_spans_key=incorrect_spans_key, scorer=scorer)
    recognizer.spans_key = spans_key
    return recognizer


class TruecasingEntityRecognizer(EntityRecognizer):
    """An EntityRecognizer that predicts all-capitals and all-lower-case documents on their
    truecased view. Training is plain NER on truecased examples (see ner_corpus)."""

    truecaser: Truecaser
    spans_key: Optional[str]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.truecaser = Truecaser()
        self.spans_key = None

    def __call__(self, doc: Doc) -> Doc:
        view = self.truecaser.view(doc)
        names = self._set_aside(doc) if view is doc and self.spans_key is not None else None
        super().__call__(view)
        return self._copy_entities(view, doc, names)

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 256) -> Iterator[Doc]:
        for batch in util.minibatch(docs, size=batch_size):
            views = [self.truecaser.view(doc) for doc in batch]
            # With spans_key, a cased document is predicted on in place, its entities set aside: the
            # recognizer keeps preset entities, and copying the Doc costs more than setting them back.
            names = {id(doc): self._set_aside(doc) for doc, view in zip(batch, views)
                     if view is doc and self.spans_key is not None}
            for doc, view in zip(batch, super().pipe(views, batch_size=batch_size)):
                yield self._copy_entities(view, doc, names.get(id(doc)))

    @staticmethod
    def _set_aside(doc: Doc) -> tuple[Span, ...]:
        names = doc.ents
        doc.set_ents([], default="missing")  # as a new Doc: no entity annotation at all
        return names

    def _copy_entities(self, view: Doc, doc: Doc, names: Optional[tuple[Span, ...]] = None) -> Doc:
        if names is not None:  # predicted in place: the spans layer gets the predictions, doc.ents its names back
            doc.spans[self.spans_key] = list(doc.ents)
            doc.ents = names
            return doc
        if view is doc:
            return doc
        spans = [Span(doc, ent.start, ent.end, label=ent.label) for ent in view.ents]
        if document_case(doc) == "upper":
            spans = [bare_name(span) for span in spans]
        if self.spans_key is None:
            doc.ents = spans
        else:
            doc.spans[self.spans_key] = spans
        return doc

    def to_disk(self, path, exclude=tuple()):
        super().to_disk(path, exclude=exclude)
        if "truecaser" not in exclude:
            Path(path, "truecaser").write_bytes(self.truecaser.to_bytes())

    def from_disk(self, path, exclude=tuple()):
        super().from_disk(path, exclude=exclude)
        if "truecaser" not in exclude and Path(path, "truecaser").exists():
            self.truecaser.from_bytes(Path(path, "truecaser").read_bytes())
        return self

    def to_bytes(self, exclude=tuple()):
        return srsly.msgpack_dumps({"ner": super().to_bytes(exclude=exclude), "truecaser": self.truecaser.to_bytes()})

    def from_bytes(self, bytes_data, exclude=tuple()):
        msg = srsly.msgpack_loads(bytes_data)
        super().from_bytes(msg["ner"], exclude=exclude)
        self.truecaser.from_bytes(msg["truecaser"])
        return self
