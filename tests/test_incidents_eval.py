"""Coreference metrics and the ECB+ and MUC-4 evaluation adapters."""
import itertools
import json
import random
from pathlib import Path

import pytest

from pipeline.incidents import ecbplus, metrics, muc4

ECBPLUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "ecbplus"


def test_scores_of_a_hand_worked_example():
    gold = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2, "f": 2, "g": 2}
    pred = {"a": 1, "b": 1, "c": 2, "d": 2, "e": 3, "f": 3, "g": 3}
    scores = metrics.score(gold, pred)
    # MUC: recall (3-2 + 4-2) / (2 + 3), precision (1 + 0 + 2) / (1 + 1 + 2)
    assert (scores["muc"]["r"], scores["muc"]["p"]) == (60.0, 75.0)
    # B3 recall: (2/3 + 2/3 + 1/3 + 1/4 + 3 * 3/4) / 7
    assert scores["b3"]["r"] == round(100 * (5 / 3 + 1 / 4 + 9 / 4) / 7, 2)
    # CEAF-e: phi4 {a,b,c}~{a,b} = 4/5 and {d,e,f,g}~{e,f,g} = 6/7
    assert scores["ceaf_e"]["r"] == round(100 * (4 / 5 + 6 / 7) / 2, 2)
    assert scores["ceaf_e"]["p"] == round(100 * (4 / 5 + 6 / 7) / 3, 2)
    assert scores["pairwise"]["correct_pairs"] == 4 and scores["pairwise"]["predicted_pairs"] == 5
    perfect = metrics.score(gold, gold)
    assert perfect["conll_f1"] == 100.0 and perfect["pairwise"]["f"] == 100.0


def test_assignment_matches_brute_force():
    rng = random.Random(7)
    for _ in range(50):
        n, m = rng.randint(1, 5), rng.randint(1, 5)
        weights = [[rng.random() for _ in range(m)] for _ in range(n)]
        if n <= m:
            best = max(sum(weights[i][p[i]] for i in range(n)) for p in itertools.permutations(range(m), n))
        else:
            best = max(sum(weights[p[j]][j] for j in range(m)) for p in itertools.permutations(range(n), m))
        assert metrics.assignment_max(weights) == pytest.approx(best)


def test_scores_need_the_same_mentions():
    with pytest.raises(ValueError):
        metrics.score({"a": 1}, {"b": 1})


def test_trigger_families():
    lexicon = ecbplus.trigger_lemmas()
    assert ecbplus.trigger_family("shooting", lexicon) == "shoot"
    assert ecbplus.trigger_family("assassination", lexicon) == "assassinate"
    assert ecbplus.trigger_family("kidnapping", lexicon) == "kidnap"
    assert ecbplus.trigger_family("attack", lexicon) == "attack"


def test_muc4_dates_and_locations():
    closed, open_ended = muc4.parse_dates(["(25 MAY 89 - 26 MAY 89) / (- 26 MAY 89)"])
    assert len(closed) == 1 and closed[0][1] - closed[0][0] == 1 and len(open_ended) == 1
    paths = muc4.parse_locations(["(COLOMBIA: BOGOTA (CITY)) / (CHILE: COPIAPO (CITY) - TALCA (CITY))"])
    assert paths == [["COLOMBIA", "BOGOTA"], ["CHILE", "COPIAPO"], ["CHILE", "TALCA"]]
    assert muc4.dateline_source("GUATEMALA CITY, 4 FEB 90 (ACAN-EFE)") == "ACAN-EFE"
    assert str(muc4.dateline_date("GUATEMALA CITY, 4 FEB 90 (ACAN-EFE)")) == "1990-02-04"


def _template(doc, tid, victims, date="16 NOV 89", place="EL SALVADOR", kind="ATTACK"):
    return {"template_id": tid, "incident_type": kind, "incident_date": [date] if date else [],
            "incident_location": [place], "Victim": [[v] for v in victims], "Target": [], "PerpOrg": [],
            "PerpInd": []}


def test_muc4_gold_grouping_rule(tmp_path):
    docs = [
        {"docid": "D1", "dateline": "SAN SALVADOR, 17 NOV 89", "text": "x",
         "templates": [_template("D1", "1", ["JESUITS"]), _template("D1", "2", ["JESUITS", "WOMAN"])]},
        {"docid": "D2", "dateline": "MADRID, 19 NOV 89", "text": "x",
         "templates": [_template("D2", "1", ["JESUIT PRIESTS", "JESUITS"], date="- 19 NOV 89")]},
        {"docid": "D3", "dateline": "SAN SALVADOR, 20 NOV 89", "text": "x",
         "templates": [_template("D3", "1", ["PEASANTS"]), _template("D3", "2", ["JESUITS"], kind="BOMBING")]},
        {"docid": "D4", "dateline": "LIMA, 20 NOV 89", "text": "x",
         "templates": [_template("D4", "1", ["JESUITS"], place="PERU: LIMA (CITY)")]},
    ]
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs))
    templates, _ = muc4.read_templates(path)
    gold = muc4.gold_grouping(templates)
    assert gold[("D2", "1")] in (gold[("D1", "1")], gold[("D1", "2")])  # open date, shared specific victim
    assert gold[("D1", "1")] != gold[("D1", "2")]  # one document's templates stay apart
    assert gold[("D3", "1")] != gold[("D1", "1")]  # "peasants" is no evidence; D3/2 is another type
    assert len({gold[("D4", "1")], gold[("D1", "1")], gold[("D1", "2")]}) == 3  # Peru is not El Salvador


@pytest.mark.slow
@pytest.mark.skipif(not ECBPLUS.is_dir(), reason="needs ../shared/data/ecbplus")
def test_ecbplus_dev_incidents_beat_the_same_lemma_baseline():
    report = ecbplus.evaluate(ECBPLUS, "dev")
    assert report["incidents"]["conll_f1"] > report["same_lemma_baseline"]["conll_f1"]
