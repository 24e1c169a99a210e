"""The gold set is valid and the scorer runs on its test split, against the pipeline and the base model."""
from pathlib import Path

from pipeline.evaluation.brat import validate_folder
from pipeline.evaluation.evaluate import evaluate

ANNOTATIONS = Path(__file__).parents[1] / "annotations"


def test_gold_annotations_are_valid_and_complete():
    results, checked, unannotated = validate_folder(ANNOTATIONS)
    assert checked >= 100 and unannotated == 0
    assert {doc: problems for doc, problems in results.items() if problems} == {}


def test_scorer_runs_on_the_test_split_with_the_base_model_baseline():
    report = evaluate(ANNOTATIONS, "test")
    pipeline = report["pipeline"]
    assert pipeline["documents"] >= 15
    for layer in ("entities_exact", "entities_overlap", "events", "arguments", "relations"):
        assert 0.0 <= pipeline[layer]["f"] <= 1.0 and pipeline[layer]["per_label"]
    # The domain layer must not lose to the base model on the labels both know.
    assert report["pipeline_on_base_labels"]["entities_overlap"]["f"] >= report["base_model_ner"]["entities_overlap"]["f"]
    assert pipeline["entities_overlap"]["f"] >= pipeline["entities_exact"]["f"]


def test_case_option_scores_an_upper_cased_copy_with_the_same_offsets():
    from pipeline.evaluation.brat import BratDocument
    from pipeline.evaluation.evaluate import with_case

    doc = BratDocument("d", "Die Straße in Kabul")
    upper = with_case(doc, "upper")
    assert upper.text == "DIE STRAßE IN KABUL" and len(upper.text) == len(doc.text) and doc.text == "Die Straße in Kabul"
    assert with_case(doc, "lower").text == "die straße in kabul"
