"""The MUC-4 scorer (GTT's template metric) on hand-made cases whose counts are worked out by hand,
and its alignment search against a brute force written the way GTT's eval.py writes it."""
import itertools
import json
import random

import pytest

from pipeline.evaluation.muc4 import (ROLES, Template, best_alignment, make_template, normalize_mention,
                                      pair_counts, read_gtt, score_corpus, score_document, template_from_json)


def T(incident_type, **roles):
    """A template; each role is a list of entities, each entity a list of mention strings."""
    return template_from_json({"incident_type": incident_type,
                               **{role: [[m for m in entity] for entity in entities] for role, entities in roles.items()}})


def test_normalisation_drops_case_punctuation_articles_and_extra_spaces():
    assert normalize_mention('The  "Santo Tomas" presidential farm,') == "santo tomas presidential farm"
    assert normalize_mention("an FMLN unit") == "fmln unit"
    assert normalize_mention("theatre") == "theatre"  # articles are whole words only


def test_perfect_prediction_scores_100():
    gold = {"d": [T("attack", PerpInd=[["guerrillas"]], Target=[["farm", "presidential farm"]])]}
    report = score_corpus(gold, gold)
    assert report["micro_avg"]["f1"] == 100.0
    assert report["per_slot"]["incident_type"]["r_den"] == 1
    assert report["micro_avg"]["p_den"] == 3  # type + two fillers


def test_hand_counted_partial_match():
    gold = [T("attack", PerpInd=[["guerrillas"]], Target=[["farm"]])]
    pred = [T("attack", PerpInd=[["The guerrillas"]], Victim=[["peasant"]])]
    counts = score_document(pred, gold)
    # type and PerpInd right; Victim spurious; Target missing: P = 2/3, R = 2/3
    assert (counts["incident_type"].p_num, counts["PerpInd"].p_num, counts["Victim"].p_den) == (1, 1, 1)
    assert (counts["Target"].r_num, counts["Target"].r_den) == (0, 1)
    report = score_corpus({"d": pred}, {"d": gold})
    assert report["micro_avg"]["p"] == pytest.approx(66.67) and report["micro_avg"]["r"] == pytest.approx(66.67)


def interval_of(predictions, gold):
    return score_corpus(predictions, gold, interval=True)["micro_f1_interval"]


def test_the_bootstrap_interval_holds_the_figure_and_narrows_with_agreeing_documents():
    right = T("attack", PerpInd=[["guerrillas"]])
    gold = {f"d{i}": [right] for i in range(20)}
    # every document scored alike: every resample gives the same F1
    assert interval_of(gold, gold) == {"low": 100.0, "high": 100.0, "level": 95.0, "resamples": 1000, "seed": 0}
    # half the documents right, half with nothing predicted: F1 = 2 * (1 * 0.5) / 1.5 = 66.67 overall
    half = {d: ([right] if i % 2 else []) for i, d in enumerate(gold)}
    interval = interval_of(half, gold)
    assert score_corpus(half, gold)["micro_avg"]["f1"] == pytest.approx(66.67)
    assert 30 < interval["low"] < 66.67 < interval["high"] < 90  # resampling moves how many are right
    assert interval_of(half, gold) == interval  # the same seed, the same interval


def test_any_coreferent_gold_mention_matches():
    gold = [T("attack", PerpOrg=[["guatemalan national revolutionary unity", "urng"]])]
    assert score_corpus({"d": [T("attack", PerpOrg=[["URNG"]])]}, {"d": gold})["micro_avg"]["f1"] == 100.0
    # a predicted entity with several mentions matches only if all of them are the gold entity's
    mixed = [T("attack", PerpOrg=[["urng", "fmln"]])]
    assert score_document(mixed, gold)["PerpOrg"].p_num == 0


def test_wrong_type_leaves_both_templates_unaligned():
    gold = [T("bombing", Target=[["bus"]])]
    pred = [T("arson", Target=[["bus"]])]
    report = score_corpus({"d": pred}, {"d": gold})
    assert report["micro_avg"]["p_num"] == 0 and report["micro_avg"]["r_num"] == 0
    assert report["micro_avg"]["p_den"] == 2 and report["micro_avg"]["r_den"] == 2
    # ... but the type-blind pairing still sees the pair, so the type accuracy counts it as a miss
    assert report["incident_type_accuracy"] == {"accuracy": 0.0, "aligned_pairs": 1}


def test_a_gold_template_with_two_types_accepts_either():
    gold = [T("bombing / attack", Weapon=[["dynamite"]])]
    for predicted_type in ("bombing", "attack"):
        assert score_corpus({"d": [T(predicted_type, Weapon=[["dynamite"]])]}, {"d": gold})["micro_avg"]["f1"] == 100.0


def test_alignment_is_optimal_not_greedy():
    # pred 0 overlaps both gold templates a little, pred 1 only gold 0 but a lot: greedy (0 -> 0) loses.
    gold = [T("attack", PerpInd=[["gunmen"]], Victim=[["judge"]], Target=[["car"]]),
            T("attack", PerpInd=[["gunmen"]])]
    pred = [T("attack", PerpInd=[["gunmen"]]), T("attack", Victim=[["judge"]], Target=[["car"]])]
    assert best_alignment(pred, gold) == [1, 0]
    report = score_corpus({"d": pred}, {"d": gold})
    assert report["micro_avg"]["p_num"] == 5 and report["micro_avg"]["r_num"] == 5  # 2 types + 3 fillers
    assert report["micro_avg"]["p_den"] == 5 and report["micro_avg"]["r_den"] == 6


def test_spurious_and_missing_templates_and_empty_documents():
    gold = {"a": [T("kidnapping", Victim=[["mayor"]])], "b": []}
    pred = {"a": [], "b": [T("attack", PerpInd=[["soldiers"]])]}
    report = score_corpus(pred, gold)
    assert report["micro_avg"]["p_num"] == 0 and report["micro_avg"]["p_den"] == 2
    assert report["micro_avg"]["r_den"] == 2 and report["micro_avg"]["f1"] == 0.0
    assert report["document_type_set_accuracy"] == 0.0
    assert score_corpus({}, {"b": []})["document_type_set_accuracy"] == 100.0  # no events, none predicted


def test_predictions_for_unknown_documents_are_an_error():
    with pytest.raises(ValueError):
        score_corpus({"x": []}, {"d": []})


def test_make_template_maps_our_roles_and_drops_duplicates_and_unscored_roles():
    template = make_template("FORCED_WORK_STOPPAGE", [("perpetrator_org", "The FMLN"), ("perpetrator_org", "FMLN"),
                                                      ("location", "San Salvador"), ("victim", ",")])
    assert template == Template("forced work stoppage", {"PerpOrg": (("fmln",),)})


def test_a_target_is_written_without_its_count_as_muc4_phys_tgt_id():
    template = make_template("BOMBING", [("target", "Four buses"), ("target", "some 15 market stalls"),
                                         ("target", "several kiosks"), ("target", "one of the trains"),
                                         ("perpetrator", "two gunmen")])
    assert template.entities("Target") == (("buses",), ("market stalls",), ("kiosks",), ("one of trains",))
    # MUC-4 has no count slot for perpetrators: their count stays
    assert template.entities("PerpInd") == (("two gunmen",),)


def test_reading_gtt_drops_empty_entities_and_repeated_templates(tmp_path):
    row = {"docid": "TST1-MUC3-0001", "doctext": "guerrillas attacked the farm.",
           "templates": [{"incident_type": "attack", "PerpInd": [[["guerrillas", 0]], []], "Target": [],
                          "PerpOrg": [], "Victim": [], "Weapon": []}] * 2}
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    text, templates = read_gtt(path)["TST1-MUC3-0001"]
    assert text.startswith("guerrillas") and templates == [T("attack", PerpInd=[["guerrillas"]])]


def _gtt_brute_force_f1(pred, gold):
    """GTT eval.py's search: every map pred -> gold or -1 (itertools.product), invalid ones skipped."""
    p_den = sum(1 + sum(len(t.entities(r)) for r in ROLES) for t in pred)
    r_den = sum(1 + sum(len(t.entities(r)) for r in ROLES) for t in gold)
    best = 0.0
    for mapping in itertools.product(list(range(len(gold))) + [-1], repeat=len(pred)):
        targets = [j for j in mapping if j >= 0]
        if len(targets) != len(set(targets)):
            continue
        p_num = r_num = 0
        for i, j in enumerate(mapping):
            cell = pair_counts(pred[i], gold[j]) if j >= 0 else None
            if cell:
                p_num += sum(c[0] for c in cell.values())
                r_num += sum(c[1] for c in cell.values())
        p, r = p_num / p_den if p_den else 0, r_num / r_den if r_den else 0
        best = max(best, 2 * p * r / (p + r) if p + r else 0.0)
    return best


def _f1(p_num, p_den, r_num, r_den):
    p, r = p_num / p_den if p_den else 0, r_num / r_den if r_den else 0
    return 2 * p * r / (p + r) if p + r else 0.0


def _document_f1(pred, gold):
    counts = score_document(pred, gold).values()
    return _f1(sum(c.p_num for c in counts), sum(c.p_den for c in counts), sum(c.r_num for c in counts),
               sum(c.r_den for c in counts))


def _alignment_f1(pred, gold, alignment):
    p_num = r_num = 0
    for i, j in enumerate(alignment):
        cell = pair_counts(pred[i], gold[j]) if j >= 0 else None
        if cell:
            p_num += sum(c[0] for c in cell.values())
            r_num += sum(c[1] for c in cell.values())
    return _f1(p_num, sum(1 + sum(len(t.entities(r)) for r in ROLES) for t in pred),
               r_num, sum(1 + sum(len(t.entities(r)) for r in ROLES) for t in gold))


def _random_template(rng):
    words = ["gunmen", "fmln", "bus", "mayor", "bomb", "farm", "soldiers"]
    return T(rng.choice(["attack", "bombing", "kidnapping"]),
             **{role: [[w] for w in rng.sample(words, rng.randint(0, 2))] for role in ROLES})


def test_alignment_search_agrees_with_gtt_brute_force_on_random_documents():
    rng = random.Random(4)
    for _ in range(150):
        pred = [_random_template(rng) for _ in range(rng.randint(0, 3))]
        gold = [_random_template(rng) for _ in range(rng.randint(0, 3))]
        assert _document_f1(pred, gold) == pytest.approx(_gtt_brute_force_f1(pred, gold))


def test_hungarian_fallback_on_large_documents_is_a_valid_one_to_one_alignment():
    rng = random.Random(7)
    pred = [_random_template(rng) for _ in range(4)]
    gold = [_random_template(rng) for _ in range(4)]
    alignment = best_alignment(pred, gold, max_enumerated=1)
    targets = [j for j in alignment if j >= 0]
    assert len(targets) == len(set(targets))
    assert all(pair_counts(pred[i], gold[j]) is not None for i, j in enumerate(alignment) if j >= 0)
    assert _alignment_f1(pred, gold, alignment) <= _gtt_brute_force_f1(pred, gold) + 1e-9


def test_record_victims_are_named_people_written_in_full():
    """GTT's Victim slot is MUC-4's HUM TGT: NAME: a victim scores as the PERSON's canonical (fullest) name, and a
    description ("A PEASANT") is not scored there."""
    from pipeline.evaluation.muc4 import record_templates
    from pipeline.records import Argument, ArticleRecord, Entity, Event, Trigger

    text = "GUERRILLAS KILLED MAZA MARQUEZ AND A PEASANT."
    record = ArticleRecord(
        article_id="d", content_hash="h", pipeline_version="0", text=text,
        entities=[Entity(id="T1", text="MAZA MARQUEZ", label="PERSON", start=18, end=30, sentence=0,
                         canonical="Miguel Maza Marquez")],
        events=[Event(id="E1", type="ATTACK", trigger=Trigger(text="KILLED", start=11, end=17), sentence=0,
                      kind="incident", status="reported", confidence=0.5, arguments=[
                          Argument(role="perpetrator", text="GUERRILLAS", start=0, end=10),
                          Argument(role="victim", entity="T1", text="MAZA MARQUEZ", start=18, end=30),
                          Argument(role="victim", text="A PEASANT", start=35, end=44)])])
    (template,) = record_templates(record)
    assert template == Template("attack", {"PerpInd": (("guerrillas",),), "Victim": (("miguel maza marquez",),)})
