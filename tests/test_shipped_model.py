"""The shipped release (models/release.json, written by `make train` and `make package`) tells the truth:
every shipped component is recorded, with the data it was trained on as it is in the repository, and
the metrics it records are what a fresh evaluation of the shipped pipeline gives."""
from pathlib import Path

import pytest

from pipeline.report.release import RELEASE_FILE, headline, model_digest, read_release, sha256_file, shipped_models

ROOT = Path(__file__).parents[1]
MODELS = ROOT / "models"
TOLERANCE = 0.01
RETRAIN = "retrain it with `make train`, then `make evaluate package`"


@pytest.fixture(scope="module")
def release():
    assert (MODELS / RELEASE_FILE).exists(), "no models/release.json: run make train evaluate package"
    return read_release(MODELS)


def test_every_shipped_component_is_recorded_as_it_is(release):
    assert sorted(release["components"]) == shipped_models(MODELS)
    for name, component in release["components"].items():
        assert model_digest(MODELS / name)["sha256"] == component["model"]["sha256"], \
            f"models/{name} is not the model whose training was recorded: {RETRAIN}"
        assert sha256_file(ROOT / component["config"]["path"]) == component["config"]["sha256"], \
            f"{component['config']['path']} changed since models/{name} was trained: {RETRAIN}"


def test_recorded_training_data_is_the_repository_data(release):
    for name, component in release["components"].items():
        data = component["data"]
        repository = {path: sha for path, sha in data["files"].items() if not path.startswith("../")}
        # the index and at least one document pair, unless it reads no gold split (the event filter: MUC-4 only)
        assert len(repository) >= 3 or not data["splits"]
        changed = [path for path, sha in repository.items()
                   if not (ROOT / path).exists() or sha256_file(ROOT / path) != sha]
        assert not changed, f"models/{name} was trained on other versions of {changed[:5]}: {RETRAIN}"


def test_recorded_shared_data_is_the_shared_data(release):
    from pipeline.report.release import digest_files

    shared = ROOT.parent / "shared" / "data"
    if not shared.is_dir():
        pytest.skip("../shared/data is not here (a bare clone): only the repository's data can be checked")
    for name, component in release["components"].items():
        data = component["data"]
        for path, sha in data["files"].items():
            if path.startswith("../"):
                assert sha256_file(ROOT / path) == sha, f"{path} is not the file models/{name} was trained on"
        for pattern, recorded in data["globs"].items():
            root = ROOT / data["shared"]
            relative = Path(pattern).relative_to(data["shared"]).as_posix()
            assert digest_files(root, root.glob(relative)) == recorded, \
                f"{pattern} is not what models/{name} was trained on"


@pytest.mark.parametrize("split", ["dev", "test"])
def test_shipped_metrics_match_a_fresh_evaluation(release, split):
    from pipeline.evaluation.evaluate import evaluate

    shipped = release["metrics"]["gold"][split]
    fresh = headline(evaluate(ROOT / "annotations", split, with_baseline=False)["pipeline"])
    assert fresh["documents"] == shipped["documents"]
    differ = {key: (shipped[key], fresh[key]) for key in shipped
              if (shipped[key] is None) != (fresh[key] is None)
              or shipped[key] is not None and abs(shipped[key] - fresh[key]) > TOLERANCE}
    assert not differ, f"models/release.json does not match the shipped pipeline ({split}): {differ}; run make evaluate package"


def test_shipped_linker_metrics_match_a_fresh_scoring(release, tmp_path):
    from pipeline.report.analysis import relation_curves
    from pipeline.training.corpus import build_corpora

    build_corpora(ROOT / "annotations", tmp_path, splits=("dev", "test"))
    fresh = relation_curves(MODELS / "relations", {s: tmp_path / f"gold-{s}.spacy" for s in ("dev", "test")},
                            thresholds=())
    shipped = release["metrics"]["relation_linkers_gold_mentions"]
    assert sorted(shipped) == sorted(fresh["linkers"])
    for name, linker in fresh["linkers"].items():
        assert linker["threshold"] == shipped[name]["threshold"]
        for split in ("dev", "test"):
            for measure, value in linker[split]["at_threshold"].items():
                assert abs(value - shipped[name][split][measure]) <= TOLERANCE, (name, split, measure)
