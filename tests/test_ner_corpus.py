import json
import random

import pytest
from spacy.lang.en import English
from spacy.training import Example

from pipeline.components.entities import Truecaser
from pipeline.training.ner_corpus import create_case_augmenter, gold_docs

CASED = "Gunmen of the FMLN attacked Soyapango on Monday and stole $5 million."
UPPER = "GUNMEN ATTACKED THE ARMY IN SAN MIGUEL."


def _annotations(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()

    def write(doc_id, text, marks):
        lines = []
        for i, (surface, label) in enumerate(marks, 1):
            start = text.index(surface)
            lines.append(f"T{i}\t{label} {start} {start + len(surface)}\t{surface}")
        (docs / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        (docs / f"{doc_id}.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")

    write("cased", CASED, [("Gunmen", "ACTOR"), ("FMLN", "ORG"), ("Soyapango", "GPE"), ("Monday", "DATE")])
    write("upper", UPPER, [("GUNMEN", "ACTOR"), ("ARMY", "ORG"), ("SAN MIGUEL", "GPE")])
    (tmp_path / "index.jsonl").write_text(
        "".join(json.dumps({"id": i, "split": "train"}) + "\n" for i in ("cased", "upper")), encoding="utf-8")
    return tmp_path


@pytest.fixture(scope="module")
def truecaser():
    return Truecaser({"gunmen": "gunmen", "attacked": "attacked", "the": "the", "army": "army", "in": "in",
                      "san": "San", "miguel": "Miguel"})


def test_gold_entities_with_the_base_models_partial_labels_and_truecased_capitals(tmp_path, base_nlp, truecaser):
    cased, upper = gold_docs(_annotations(tmp_path), "train", base_nlp, truecaser)
    # Scored labels come from the gold only; MONEY, which the gold leaves out, from the base model.
    assert [(e.text, e.label_) for e in cased.ents] == [("FMLN", "ORG"), ("Soyapango", "GPE"), ("Monday", "DATE"),
                                                        ("$5 million", "MONEY")]
    assert upper.text == "Gunmen attacked the army in San Miguel."
    assert [(e.text, e.label_) for e in upper.ents] == [("army", "ORG"), ("San Miguel", "GPE")]


def test_actor_corpus_and_upper_cased_copies(tmp_path, base_nlp, truecaser):
    docs = gold_docs(_annotations(tmp_path), "train", base_nlp, truecaser, upper_copies=True, actors=True)
    assert [[(e.text, e.label_) for e in doc.ents] for doc in docs] == [
        [("Gunmen", "ACTOR")], [("Gunmen", "ACTOR")], [("Gunmen", "ACTOR")]]
    # The copy was upper-cased, then truecased back: known words take their table form, unknown
    # ones are names ("Soyapango") or, when short, acronyms ("OF": the table here is tiny).
    assert docs[1].text.lower() == CASED.lower() and docs[1].text != CASED.upper()
    assert docs[1].text.startswith("Gunmen OF the FMLN attacked Soyapango")


def test_case_augmenter_truecases_the_input_and_keeps_the_cased_gold(tmp_path, truecaser):
    path = tmp_path / "truecaser.msgpack"
    path.write_bytes(truecaser.to_bytes())
    nlp = English()
    text = "Gunmen attacked the army in San Miguel."
    example = Example.from_dict(nlp.make_doc(text), {"entities": [(28, 38, "GPE")]})
    random.seed(0)
    always_upper = create_case_augmenter(upper=1.0, lower=0.0, truecaser=str(path))
    (variant,) = always_upper(nlp, example)
    assert variant.reference is example.reference
    assert variant.predicted.text == text  # upper-cased, then truecased back
    assert [t.text for t in variant.predicted] == [t.text for t in example.reference]
    never = create_case_augmenter(upper=0.0, lower=0.0, truecaser=str(path))
    assert list(never(nlp, example)) == [example]
