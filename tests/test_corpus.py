from spacy.lang.en import English
from spacy.tokens import DocBin

from pipeline.evaluation.brat import read_brat_document
from pipeline.training.corpus import brat_to_doc


def test_gold_layers_survive_a_docbin_round_trip(tmp_path):
    (tmp_path / "d.txt").write_text("Gunmen of the FMLN attacked a bus in San Miguel.", encoding="utf-8")
    (tmp_path / "d.ann").write_text(
        "T1\tACTOR 0 6\tGunmen\nT2\tORG 14 18\tFMLN\nT3\tATTACK 19 27\tattacked\nT4\tPRODUCT 28 33\ta bus\n"
        "T5\tGPE 37 47\tSan Miguel\nE1\tATTACK:T3 perpetrator:T1 perpetrator_org:T2 target:T4 location:T5\n"
        "A1\tKind E1 incident\nA2\tStatus E1 reported\nR1\tMEMBER_OF Arg1:T1 Arg2:T2\n"
        "#1\tGeo T5\t3583361 SV San Miguel\n", encoding="utf-8")
    nlp = English()
    doc = brat_to_doc(nlp, read_brat_document(tmp_path / "d.txt"))
    store = DocBin(store_user_data=True)
    store.add(doc)
    (restored,) = DocBin().from_bytes(store.to_bytes()).get_docs(nlp.vocab)
    assert [(e.text, e.label_) for e in restored.ents] == [("FMLN", "ORG"), ("a bus", "PRODUCT"),
                                                           ("San Miguel", "GPE")]
    (event,) = restored.user_data["events"]
    assert event["type"] == "ATTACK" and list(event["trigger"]) == [19, 27]
    assert [a[0] for a in event["arguments"]] == ["perpetrator", "perpetrator_org", "target", "location"]
    assert [list(r) for r in restored.user_data["relations"]] == [["MEMBER_OF", 0, 6, 14, 18]]
