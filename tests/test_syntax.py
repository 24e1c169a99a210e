"""news_truecased_syntax: text in capitals is tagged and parsed as its truecased view reads."""
from pipeline.components.entities import Truecaser


def test_capitals_get_the_verbs_and_parse_of_their_truecased_view(nlp):
    doc = nlp("LIBERAL SENATOR FEDERICO ESTRADA VELEZ WAS KIDNAPPED ON 3 APRIL IN WESTERN MEDELLIN.")
    kidnapped = next(t for t in doc if t.text == "KIDNAPPED")
    assert (kidnapped.pos_, kidnapped.lemma_, kidnapped.dep_) == ("VERB", "kidnap", "ROOT")
    assert kidnapped.text == "KIDNAPPED" and doc.text.isupper()  # the text itself is untouched
    assert any(c.dep_ == "nsubjpass" and c.text == "VELEZ" for c in kidnapped.children)
    with nlp.select_pipes(disable=["news_truecased_syntax"]):  # what the base tagger makes of capitals
        assert nlp(doc.text)[kidnapped.i].lemma_ != "kidnap"


def test_cased_text_and_a_pipeline_without_a_truecaser_are_left_alone(nlp, blank_nlp):
    from pipeline.components.syntax import TruecasedSyntax

    cased = nlp("Gunmen killed two soldiers.")
    assert cased[1].lemma_ == "kill"
    stage = TruecasedSyntax(blank_nlp, "news_truecased_syntax", ["tagger"], "news_ner")
    doc = blank_nlp("GUNMEN KILLED TWO SOLDIERS.")
    assert stage(doc) is doc and not doc.has_annotation("TAG")
    assert nlp.get_pipe("news_truecased_syntax").truecaser.forms and isinstance(
        nlp.get_pipe("news_truecased_syntax").truecaser, Truecaser)
