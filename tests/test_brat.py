"""Tests for the brat reader/validator (pipeline/evaluation/brat.py) on tiny hand-made files."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # repo root, for plain `pytest`

from pipeline.evaluation.brat import (  # noqa: E402
    Canonical, Geo, Timex, main, read_brat_corpus, read_brat_document, validate_document)

TEXT = ("Two soldiers were injured on Wednesday (December 22) after TTP detonated a bomb "
        "near the Drabin police station in Kulachi.")


def span(s, occurrence=0):
    start = TEXT.find(s)
    for _ in range(occurrence):
        start = TEXT.find(s, start + 1)
    return f"{start} {start + len(s)}\t{s}"


VALID_ANN = "\n".join([
    f"T1\tACTOR {span('Two soldiers')}",
    f"T2\tDATE {span('Wednesday (December 22)')}",
    f"T3\tORG {span('TTP')}",
    f"T4\tBOMBING {span('detonated')}",
    f"T5\tWEAPON {span('bomb')}",
    f"T6\tFAC {span('the Drabin police station')}",
    f"T7\tGPE {span('Kulachi')}",
    "E1\tBOMBING:T4 perpetrator_org:T3 victim:T1 weapon:T5 target:T6 location:T7 date:T2",
    "A1\tKind E1 incident",
    "A2\tStatus E1 reported",
    "A3\tSubtype E1 ied_bombing",
    "#1\tInjured E1\t2 exact",
    "#2\tTimex T2\tXXXX-12-22 day",
    "#3\tGeo T7\t1182092 PK Khyber Pakhtunkhwa",
    "#4\tCanonical T3\tarmed_group Tehreek-e-Taliban Pakistan",
    "#5\tCanonical T1\tstate_security soldiers",
    "R1\tLOCATED_IN Arg1:T6 Arg2:T7",
]) + "\n"


def write_doc(folder, ann, doc_id="doc1", text=TEXT):
    (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    (folder / f"{doc_id}.ann").write_text(ann, encoding="utf-8")
    return folder / f"{doc_id}.txt"


def problems_for(tmp_path, ann):
    return validate_document(read_brat_document(write_doc(tmp_path, ann)))


def test_valid_document_reads_and_passes(tmp_path):
    doc = read_brat_document(write_doc(tmp_path, VALID_ANN))
    assert validate_document(doc) == []
    assert doc.entities["T3"].text == "TTP" and "T4" in doc.triggers
    event = doc.events["E1"]
    assert event.type == "BOMBING" and event.trigger_id == "T4"
    assert ("victim", "T1") in event.arguments
    assert (event.kind, event.status, event.subtype) == ("incident", "reported", "ied_bombing")
    assert event.injured == (2, "exact") and event.killed is None
    assert doc.timex["T2"] == Timex("XXXX-12-22", "day")
    assert doc.geo["T7"] == Geo("1182092", "PK", "Khyber Pakhtunkhwa")
    assert doc.canonical["T3"] == Canonical("armed_group", "Tehreek-e-Taliban Pakistan")
    assert doc.relations["R1"].head == "T6" and doc.relations["R1"].tail == "T7"


def test_role_suffix_and_mentions(tmp_path):
    ann = VALID_ANN + "\n".join([
        f"T8\tBOMBING {span('injured')}",
        "#6\tMentions E1\tT8",
    ]) + "\n"
    ann = ann.replace("victim:T1", "victim:T1 victim2:T3")
    doc = read_brat_document(write_doc(tmp_path, ann))
    assert validate_document(doc) == []
    assert ("victim", "T3") in doc.events["E1"].arguments
    assert doc.events["E1"].mention_ids == ["T8"]


def test_bad_offset(tmp_path):
    ann = VALID_ANN.replace("\tTTP\n", "\tTPP\n")  # span text no longer matches the .txt
    assert any("T3: text" in p for p in problems_for(tmp_path, ann))
    ann = VALID_ANN + "T9\tGPE 500 510\tnowhere\n"
    assert any("T9: offsets" in p for p in problems_for(tmp_path, ann))


def test_unknown_label(tmp_path):
    ann = VALID_ANN.replace("T3\tORG", "T3\tORGANISATION")
    assert any("T3: unknown label ORGANISATION" in p for p in problems_for(tmp_path, ann))
    ann = VALID_ANN.replace("R1\tLOCATED_IN", "R1\tCoLocated")
    assert any("unknown relation label" in p for p in problems_for(tmp_path, ann))


def test_dangling_reference(tmp_path):
    ann = VALID_ANN.replace("location:T7", "location:T99")
    assert any("T99 is not an entity" in p for p in problems_for(tmp_path, ann))
    ann = VALID_ANN.replace("Arg2:T7", "Arg2:T42")
    assert any("R1: argument T42" in p for p in problems_for(tmp_path, ann))
    ann = VALID_ANN + "A4\tKind E7 incident\n"
    assert any("unknown event E7" in p for p in problems_for(tmp_path, ann))


def test_bad_role_and_trigger_type(tmp_path):
    ann = VALID_ANN.replace("weapon:T5", "instrument:T5")
    assert any("unknown role 'instrument'" in p for p in problems_for(tmp_path, ann))
    ann = VALID_ANN.replace("E1\tBOMBING:T4", "E1\tATTACK:T4")
    assert any("trigger label BOMBING != event type ATTACK" in p for p in problems_for(tmp_path, ann))


def test_bad_qualifier_and_attribute_values(tmp_path):
    ann = VALID_ANN.replace("2 exact", "2 roughly")
    assert any("bad Injured value" in p for p in problems_for(tmp_path, ann))
    ann = VALID_ANN.replace("Status E1 reported", "Status E1 rumoured")
    problems = problems_for(tmp_path, ann)
    assert any("bad Status value" in p for p in problems)
    assert any("missing Kind or Status" in p for p in problems)


def test_bad_notes(tmp_path):
    for old, new, message in [
        ("XXXX-12-22 day", "22 December day", "bad Timex"),
        ("XXXX-12-22 day", "XXXX-12-22 fortnight", "bad Timex"),
        ("PK Khyber", "PAK Khyber", "bad Geo"),
        ("armed_group Tehreek", "terrorists Tehreek", "bad Canonical"),
        ("#2\tTimex T2", "#2\tTimex T3", "Timex note on ORG"),
    ]:
        assert any(message in p for p in problems_for(tmp_path, VALID_ANN.replace(old, new))), old


def test_corpus_and_cli(tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    write_doc(docs, VALID_ANN, "a")
    write_doc(docs, VALID_ANN.replace("location:T7", "place:T7"), "b")
    (docs / "c.txt").write_text("no annotation yet", encoding="utf-8")
    rows = [{"id": i, "split": s} for i, s in [("a", "train"), ("b", "dev"), ("c", "dev")]]
    (tmp_path / "index.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert [d.doc_id for d in read_brat_corpus(docs, tmp_path / "index.jsonl")] == ["a", "b"]
    assert [d.doc_id for d in read_brat_corpus(docs, tmp_path / "index.jsonl", "dev")] == ["b"]
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "b: E1: unknown role 'place'" in out and "2 annotated documents checked" in out
