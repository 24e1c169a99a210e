import random

import pytest
import spacy
from spacy.lang.en import English
from spacy.training import Example

from pipeline.components.entities import Truecaser, TruecasingEntityRecognizer, document_case, sentence_starts

FORMS = {"the": "the", "army": "army", "said": "said", "in": "in", "attacked": "attacked", "a": "a", "with": "with",
         "bomb": "bomb", "rebels": "rebels", "el": "El", "salvador": "Salvador", "guatemala": "Guatemala",
         "nato": "NATO", "soldier": "soldier"}
MARKED = [
    ("Rebels attacked the army in Guatemala with a bomb.", [("Guatemala", "GPE"), ("bomb", "WEAPON")]),
    ("The FMLN attacked a soldier in El Salvador.", [("FMLN", "ORG"), ("El Salvador", "GPE")]),
    ("NATO said the army used a bomb.", [("NATO", "ORG"), ("bomb", "WEAPON")]),
]
TRAIN = [(text, [(text.index(s), text.index(s) + len(s), label) for s, label in marks]) for text, marks in MARKED]


def test_document_case():
    nlp = English()
    assert document_case(nlp("THE ARMY ATTACKED SAN MIGUEL [FMLN].")) == "upper"
    assert document_case(nlp("the army attacked san miguel.")) == "lower"
    assert document_case(nlp("The army attacked San Miguel.")) is None
    assert document_case(nlp("1990 -- 23.")) is None


def test_truecaser_restores_known_forms_names_and_acronyms():
    nlp = English()
    truecaser = Truecaser(dict(FORMS))
    doc = nlp("THE ARMY ATTACKED QUINTERO IN EL SALVADOR.  THE FMLN SAID NATO SOLDIERS, WITH AK-47 RIFLES...")
    view = truecaser.view(doc)
    assert view is not doc and len(view) == len(doc) and view.text_with_ws.lower() == doc.text_with_ws.lower()
    assert view.text == ("The army attacked Quintero in El Salvador.  The FMLN said NATO soldiers, with AK-47 "
                         "Rifles...")  # "soldiers" from "soldier"; "rifles" is unknown, so taken for a name
    cased = nlp("The army attacked.")
    assert truecaser.view(cased) is cased
    # Irregular plurals in -men take the form of their singular: "GUNMEN" is no name.
    assert Truecaser({"gunman": "gunman"}).word("GUNMEN", False) == "gunmen"


def test_truecaser_lowers_unknown_derived_words_but_not_names():
    truecaser = Truecaser({"hegemony": "hegemony", "genocide": "genocide", "popular": "popular", "patriot": "Patriot"})
    # Adjectives made from known words, English endings, and prefixed words are not names.
    assert [truecaser.word(w, False) for w in ("HEGEMONIC", "GENOCIDAL", "ANTIPOPULAR", "ANTIPATRIOTIC")] == [
        "hegemonic", "genocidal", "antipopular", "antipatriotic"]
    # Unknown names stay names, also those that start like a prefix or end like a derivation.
    assert [truecaser.word(w, False) for w in ("ANTIOQUIA", "VIDAL", "CABRAL", "ISAACS", "PRORRATEO")] == [
        "Antioquia", "Vidal", "Cabral", "Isaacs", "Prorrateo"]


def test_truecaser_counts_forms_outside_sentence_starts_and_headlines():
    nlp = English()
    texts = ["ARMY CHIEF QUITS\nThe Army of Chile said the army and Chile agree.", "Troops of the army left Chile."]
    truecaser = Truecaser.from_texts(nlp.pipe(texts), min_count=1)
    assert truecaser.forms["army"] == "army" and truecaser.forms["chile"] == "Chile"
    assert "quits" not in truecaser.forms and truecaser.forms["troops"] if "troops" in truecaser.forms else True
    assert "troops" not in truecaser.forms  # only ever at a sentence start


def test_sentence_starts_follow_punctuation_and_paragraphs():
    nlp = English()
    doc = nlp('SAID "NO." THEN, IN\n\n   MEANWHILE X')
    starts = dict(zip([t.text for t in doc], sentence_starts(doc)))
    assert starts["SAID"] and starts["THEN"] and starts["MEANWHILE"] and not starts["IN"]
    # An editor's note in square brackets does not start a sentence; what follows it does.
    doc = nlp("CADENA 1) -- [SPEECH] [SENTENCE AS HEARD]\n\n   WE")
    starts = dict(zip([t.text for t in doc], sentence_starts(doc)))
    assert not starts["SPEECH"] and not starts["SENTENCE"] and starts["WE"]


def _train(nlp, examples, iterations=40):
    optimizer = nlp.initialize(lambda: examples)
    random.seed(0)
    for _ in range(iterations):
        random.shuffle(examples)
        nlp.update(examples, sgd=optimizer, drop=0.0)


@pytest.fixture(scope="module")
def tiny_ner():
    """A blank English pipeline with news_ner trained to overfit three sentences (once per module)."""
    nlp = English()
    ner = nlp.add_pipe("news_ner")
    ner.truecaser = Truecaser(dict(FORMS))
    examples = [Example.from_dict(nlp.make_doc(text), {"entities": ents}) for text, ents in TRAIN]
    spacy.util.fix_random_seed(0)
    _train(nlp, examples)
    return nlp


def test_news_ner_overfits_a_tiny_corpus_and_reads_capitals(tiny_ner):
    nlp = tiny_ner
    assert isinstance(nlp.get_pipe("news_ner"), TruecasingEntityRecognizer)
    for text, ents in TRAIN:
        assert [(e.start_char, e.end_char, e.label_) for e in nlp(text).ents] == ents
    # The same sentence in capitals is predicted on its truecased view; the entities land on the
    # original tokens.
    text, ents = TRAIN[0]
    upper = nlp(text.upper())
    assert [(e.start_char, e.end_char, e.label_) for e in upper.ents] == ents
    assert upper.ents[0].text == "GUATEMALA"
    piped = list(nlp.pipe([t.upper() for t, _ in TRAIN] + [t for t, _ in TRAIN], batch_size=2))
    assert [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in piped[3:]] == [e for _, e in TRAIN]


def test_news_ner_save_and_load_keep_predictions_and_truecaser(tmp_path, tiny_ner):
    nlp = tiny_ner
    texts = [t for t, _ in TRAIN] + [TRAIN[0][0].upper()]
    before = [[(e.start, e.end, e.label_) for e in doc.ents] for doc in nlp.pipe(texts)]
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    assert loaded.get_pipe("news_ner").truecaser.forms == FORMS
    assert [[(e.start, e.end, e.label_) for e in doc.ents] for doc in loaded.pipe(texts)] == before
    from_bytes = English().from_config(nlp.config).from_bytes(nlp.to_bytes())
    assert from_bytes.get_pipe("news_ner").truecaser.forms == FORMS
    assert [[(e.start, e.end, e.label_) for e in doc.ents] for doc in from_bytes.pipe(texts)] == before


def test_news_ner_with_a_spans_key_leaves_the_entities_alone(tiny_ner):
    recognizer = tiny_ner.get_pipe("news_ner")
    recognizer.spans_key = "actors"
    try:
        for text in (TRAIN[0][0], TRAIN[0][0].upper()):
            doc = tiny_ner.make_doc(text)
            doc.ents = [doc.char_span(0, 6, label="ACTOR")]
            doc = recognizer(doc)
            assert [e.text.lower() for e in doc.ents] == ["rebels"]
            assert [(s.text.lower(), s.label_) for s in doc.spans["actors"]] == [("guatemala", "GPE"),
                                                                                 ("bomb", "WEAPON")]
    finally:
        recognizer.spans_key = None


def test_names_in_capitals_are_bare():
    from spacy.tokens import Span

    from pipeline.components.entities import bare_name

    doc = English()("IN THE CITY OF FLORES THE EXTRADITABLES STRUCK THE SAME DAY")
    spans = [Span(doc, 1, 5, label="GPE"), Span(doc, 5, 7, label="ORG"), Span(doc, 8, 11, label="DATE")]
    assert [bare_name(s).text for s in spans] == ["FLORES", "EXTRADITABLES", "THE SAME DAY"]


NESTED = ("Iraqi security forces and the Government of Iraq met Russian Foreign Minister Sergei Lavrov, Mr Hammond "
          "and envoys of the European Union in New York and Panama City, far from the Assad regime in Eastern Ukraine.")
NESTED_OUTER = [("Iraqi security forces", "ORG"), ("the Government of Iraq", "ORG"),
                ("Russian Foreign Minister Sergei Lavrov", "PERSON"), ("Mr Hammond", "PERSON"),
                ("the European Union", "ORG"), ("New York", "GPE"), ("Panama City", "GPE"), ("the Assad regime", "ORG"),
                ("Eastern Ukraine", "LOC")]
PLACES = {"iraq": "country", "ukraine": "country", "york": "city", "panama": "country", "new york": "city"}


def _nested(text, marks):
    from pipeline.components.actors import region_names
    from pipeline.components.entities import nested_names
    from pipeline.normalize.actors import is_title_word

    doc = English()(text)
    doc.ents = [doc.char_span(text.index(s), text.index(s) + len(s), label=label) for s, label in marks]

    def place(name, country_only):
        return PLACES.get(name.lower()) == "country" or not country_only and name.lower() in PLACES

    return [(s.text, s.label_) for s in nested_names(doc, frozenset({"iraqi", "russian", "european"}), place,
                                                      is_title_word, region_names())]


def test_names_nested_in_longer_entities():
    assert _nested(NESTED, NESTED_OUTER) == [
        ("Iraqi", "NORP"), ("Iraq", "GPE"), ("Russian", "NORP"), ("Sergei Lavrov", "PERSON"), ("Assad", "PERSON"),
        ("Ukraine", "GPE")]
    # Not nested: a name after an honorific ("Mr Hammond"), a nationality that begins a name ("European
    # Union"), the end of a longer place name ("York"), a country named in a city's name ("Panama City").


def test_an_offices_acronym_and_a_region_are_nested_in_a_persons_title():
    text = ("MOD Minister James Heappey met the Minister for South Asia and HE Dr Fuad Hussein. The Islamic "
            "State of Iraq and the Levant and the Gulf Cooperation Council replied.")
    marks = [("MOD Minister James Heappey", "PERSON"), ("Minister for South Asia", "PERSON"),
             ("HE Dr Fuad Hussein", "PERSON"), ("Islamic State of Iraq and the Levant", "ORG"),
             ("Gulf Cooperation Council", "ORG")]
    nested = _nested(text, marks)
    assert ("MOD", "ORG") in nested and ("James Heappey", "PERSON") in nested and ("South Asia", "LOC") in nested
    # Not nested: a pronoun before a title ("HE", His Excellency), a region in an organisation's own name.
    assert not {("HE", "ORG"), ("Levant", "LOC"), ("Gulf", "LOC")} & set(nested)


def test_nothing_is_nested_in_capitals_or_in_single_words():
    assert _nested(NESTED.upper(), [(s.upper(), label) for s, label in NESTED_OUTER]) == []
    assert _nested("Russian troops left Iraq.", [("Russian", "NORP"), ("Iraq", "GPE")]) == []


def test_reference_marks_and_glued_parentheses_are_split_off_words():
    from pipeline.components.entities import add_news_infixes

    nlp = add_news_infixes(English())
    words = [t.text for t in nlp("Mohan al-Freiji.[2] Qanbar(Arabic: x) in October 2005.[4][5] U.S. f(x) 3.5")]
    assert words == ["Mohan", "al", "-", "Freiji", ".", "[", "2", "]", "Qanbar", "(", "Arabic", ":", "x", ")", "in",
                     "October", "2005", ".", "[", "4", "]", "[", "5", "]", "U.S.", "f(x", ")", "3.5"]
