"""What the shipped models were trained on, what they reach, and the model card that says so.

    python -m pipeline.report record-data ner ner_actors --models models --annotations annotations
    python -m pipeline.report package --models models --metrics metrics

``record-data`` runs right after a component is trained (``make train``): it writes into
``<models>/release.json`` the sha256 of every data file that component read (the gold documents of
the splits it reads and the index, per file; the MUC-4 files; the shared corpora, one digest per
glob), of its config, and of the model files it produced. ``package`` (``make package``) adds the
pipeline's make-up, the metrics reached (from ``make evaluate``'s files), the speed (``make bench``)
and the limitations read off those metrics, and writes ``<models>/MODEL_CARD.md`` from the result.
``tests/test_shipped_model.py`` checks the shipped release against the repository and a fresh
evaluation.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Optional

RELEASE_FILE = "release.json"
CARD_FILE = "MODEL_CARD.md"
# The cased news the NER's truecaser counts (pipeline/training/ner_corpus.py), and its rehearsal text.
CASED_NEWS = ("reuters21578/reut2-*.sgm", "tempeval3/**/*.tml", "ecbplus/ECB_*_corpus.txt")


@dataclass(frozen=True)
class TrainingData:
    """What one trained component reads: gold splits, MUC-4 files, shared corpora (as globs)."""

    config: str
    splits: tuple[str, ...]
    muc4: tuple[str, ...] = ()
    shared: tuple[str, ...] = ()
    note: str = ""


# Keyed by the component's directory under models/ (language.py's TrainedComponent.directory).
TRAINING_DATA: dict[str, TrainingData] = {
    "ner": TrainingData("configs/ner.cfg", ("train", "dev"), shared=CASED_NEWS,
                        note="gold train (three copies, case-augmented) + 400 Reuters-21578 rehearsal documents; "
                             "dev (as written and upper-cased) picks the checkpoint; the truecaser counts "
                             "Reuters-21578, TempEval-3, ECB+ and the gold train texts"),
    "ner_actors": TrainingData("configs/ner_actors.cfg", ("train", "dev"), shared=CASED_NEWS,
                               note="the gold ACTOR mentions of train; dev picks the checkpoint; same truecaser"),
    "events": TrainingData("configs/events.cfg", ("train",), muc4=("gtt/train.jsonl", "train.jsonl", "gtt/dev.jsonl"),
                           note="MUC-4 train minus every 10th document (held out for checkpoints and thresholds) "
                                "+ gold train without MUC-4 dev documents; gtt/dev.jsonl only names the "
                                "documents to leave out"),
    "events-trf": TrainingData("configs/events-trf.cfg", ("train",),
                               muc4=("gtt/train.jsonl", "train.jsonl", "gtt/dev.jsonl"),
                               note="as events, with the MiniLM transformer (make train-trf, on a GPU)"),
    "event_filter": TrainingData("configs/event_filter.cfg", (), muc4=("gtt/train.jsonl",),
                                 note="MUC-4 train (GTT) through the pipeline with the NER above and, for each "
                                      "document, the event extractor of make train-events-folds that did not learn it; the "
                                      "threshold by out-of-fold MUC-4 micro-F1 (5 folds)"),
    "argument_filter": TrainingData("configs/argument_filter.cfg", (), muc4=("gtt/train.jsonl",),
                                    note="MUC-4 train (GTT) through the pipeline, incidents only, with the models "
                                         "above and, for each document, the event extractor of make "
                                         "train-events-folds that did not learn it; the threshold by out-of-fold "
                                         "MUC-4 micro-F1 (5 folds)"),
    "relations": TrainingData("configs/relations.cfg", ("train", "dev"),
                              note="gold train with gold mentions; dev picks the checkpoint, the calibration "
                                   "and the thresholds"),
}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def digest_files(root: Path, paths: Iterable[Path]) -> dict:
    """One sha256 over many files: of the lines "<path relative to root>\\t<sha256>", sorted."""
    lines = sorted(f"{p.relative_to(root).as_posix()}\t{sha256_file(p)}\n" for p in paths if p.is_file())
    return {"files": len(lines), "sha256": hashlib.sha256("".join(lines).encode()).hexdigest()}


def model_digest(directory: Path) -> dict:
    return digest_files(directory, (p for p in directory.rglob("*") if p.name != ".gitignore"))


def docs_folder(annotations: Path) -> Path:
    return annotations / "docs" if (annotations / "docs").is_dir() else annotations


def annotation_files(annotations: Path, splits: Iterable[str]) -> list[Path]:
    """The index and the .txt/.ann pair of every listed document of the splits (what read_brat_corpus reads)."""
    index = annotations / "index.jsonl"
    wanted, files = set(splits), [index]
    docs = docs_folder(annotations)
    for line in index.read_text(encoding="utf-8").splitlines():
        if line.strip() and (meta := json.loads(line))["split"] in wanted:
            ann = docs / f"{meta['id']}.ann"
            if ann.exists():
                files += [docs / f"{meta['id']}.txt", ann]
    return files


def training_data_hashes(component: str, annotations: Path, muc4: Path, shared: Path) -> dict:
    spec = TRAINING_DATA[component]
    files = {p.as_posix(): sha256_file(p) for p in annotation_files(annotations, spec.splits)}
    files.update({(muc4 / name).as_posix(): sha256_file(muc4 / name) for name in spec.muc4})
    globs = {(shared / pattern).as_posix(): digest_files(shared, shared.glob(pattern)) for pattern in spec.shared}
    return {"annotations": annotations.as_posix(), "splits": list(spec.splits), "shared": shared.as_posix(),
            "files": files, "globs": globs}


def read_release(models: Path) -> dict:
    path = models / RELEASE_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def record_training(components: Iterable[str], models: Path, annotations: Path, muc4: Path, shared: Path) -> dict:
    """Write the training data, config and model hashes of freshly trained components into the release."""
    import spacy

    release = read_release(models)
    recorded = release.setdefault("components", {})
    for component in components:
        spec = TRAINING_DATA[component]
        config = spacy.util.load_config(spec.config)
        recorded[component] = {
            "recorded": _now(),
            "config": {"path": spec.config, "sha256": sha256_file(Path(spec.config)),
                       "seed": config["system"]["seed"]},
            "data": training_data_hashes(component, annotations, muc4, shared),
            "data_note": spec.note,
            "model": {"path": component, **model_digest(models / component)},
        }
    release["components"] = dict(sorted(recorded.items()))
    write_json(models / RELEASE_FILE, release)
    return release


# ---- metrics ----------------------------------------------------------------------------------------

LAYERS = ("entities_exact", "entities_overlap", "events", "arguments", "relations")
ACCURACIES = ("date_value_accuracy", "event_location_accuracy.country", "event_location_accuracy.place",
              "entity_location_accuracy.country", "entity_location_accuracy.place",
              "casualty_count_accuracy.killed", "casualty_count_accuracy.injured", "event_kind_accuracy",
              "actor_canonical_accuracy")


def headline(pipeline: dict) -> dict[str, Optional[float]]:
    """The figures of one ``news-pipeline evaluate`` report, flat: "events.f", "date_value_accuracy"..."""
    flat: dict[str, Optional[float]] = {"documents": pipeline["documents"]}
    for layer in LAYERS:
        for measure in ("p", "r", "f"):
            flat[f"{layer}.{measure}"] = pipeline[layer][measure]
    for name in ACCURACIES:
        node = pipeline
        for key in name.split("."):
            node = node[key]
        flat[name] = node["accuracy"]
    return flat


def _load(path: Path) -> Optional[dict]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def collect_metrics(metrics: Path) -> dict:
    """The figures the release records, from the files ``make evaluate`` writes; absent files are skipped."""
    out: dict = {}
    for split in ("dev", "test"):
        if (report := _load(metrics / f"eval-{split}.json")) is not None:
            out.setdefault("gold", {})[split] = headline(report["pipeline"])
            if "base_model_ner" in report:
                out.setdefault("base_model_ner", {})[split] = {
                    f"{layer}.f": report["base_model_ner"][layer]["f"] for layer in ("entities_exact", "entities_overlap")}
                out.setdefault("pipeline_on_base_labels", {})[split] = {
                    f"{layer}.f": report["pipeline_on_base_labels"][layer]["f"]
                    for layer in ("entities_exact", "entities_overlap")}
        if (report := _load(metrics / f"eval-{split}-upper.json")) is not None:
            out.setdefault("gold_upper_case", {})[split] = headline(report["pipeline"])
        if (report := _load(metrics / f"relations-e2e-{split}.json")) is not None:
            flat = headline(report["pipeline"])
            out.setdefault("with_trained_linkers", {})[split] = {
                k: v for k, v in flat.items() if k.split(".")[0] in ("relations", "arguments", "events")}
    if (curves := _load(metrics / "relations-pr.json")) is not None:
        out["relation_linkers_gold_mentions"] = {
            name: {"threshold": linker["threshold"], **{split: linker[split]["at_threshold"] for split in linker["splits"]}}
            for name, linker in curves["linkers"].items()}
    if (muc4 := _load(metrics / "muc4_dev.json")) is not None:
        # "rules", "full", "incidents", or a model folder, named by its last part ("events") wherever it was trained
        out["muc4_dev_gtt_micro"] = {Path(name).name: {**{k: r["micro_avg"][k] for k in ("p", "r", "f1")},
                                                       "device": r.get("device")}
                                     for name, r in muc4["results"].items()}
    if (timex := _load(metrics / "timex.json")) is not None:
        out["tempeval3_dates"] = {"strict_f": timex["dates"]["strict"]["f"], "relaxed_f": timex["dates"]["relaxed"]["f"],
                                  "value_accuracy": timex["dates"]["value_accuracy"]["accuracy"],
                                  "value_f1": timex["dates"]["value_f1"]}
    if (places := _load(metrics / "places_muc4.json")) is not None:
        out["muc4_dev_event_places"] = {k: v["accuracy"] for k, v in places["aligned"].items()}
    return out


def flatten(tree: dict, prefix: str = "") -> dict[str, object]:
    """{"gold": {"test": {"events.f": 0.4}}} -> {"gold.test.events.f": 0.4}."""
    flat: dict[str, object] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def collect_speed(path: Path) -> Optional[dict]:
    """The throughput figures of ``make bench`` (bench/throughput.py), or None before it has run."""
    bench = _load(path)
    if bench is None or "reuters" not in bench:
        return None
    reuters = bench["reuters"]
    one = reuters.get("one_process", {})
    speed = {"source": path.as_posix(), "machine": bench.get("machine"), "corpus": reuters.get("corpus"),
             "full_pipeline_words_per_cpu_sec": one.get("full", {}).get("words_per_cpu_sec"),
             "base_model_words_per_cpu_sec": one.get("base", {}).get("words_per_cpu_sec"),
             "news_pipeline_run": [{k: run.get(k) for k in ("engine", "n_process", "words_per_sec", "articles_per_sec",
                                                              "words_per_cpu_sec", "peak_rss_mb_per_worker")}
                                   for run in reuters.get("engines", [])],
             "load_average_during_runs": sorted({round(avg[0][0]) for run in reuters.get("engines", [])
                                                 if (avg := run.get("load_average"))})}
    if "scale" in bench:
        scale = bench["scale"]
        complete = scale.get("complete", True)
        # A finished run gives its whole-run rate and size; an unfinished one what it reached.
        speed["scale"] = {"corpus": scale.get("corpus"), "complete": complete, "n_process": scale.get("n_process"),
                          "articles": scale.get("articles") if complete else scale.get("largest_size_measured"),
                          "articles_per_sec": scale.get("articles_per_sec" if complete else "articles_per_sec_so_far"),
                          "peak_rss_mb_per_worker": scale.get("peak_rss_mb_per_worker"),
                          "rss_growth": (scale.get("rss_growth") or {}).get("max"),
                          "rss_growth_to": (scale.get("rss_growth") or {}).get("to_articles")}
    return speed


# ---- the release and its card ----------------------------------------------------------------------

def pipeline_makeup(models: Path) -> dict:
    import spacy

    from .. import language

    nlp = language.build_pipeline(models_dir=models)
    wired = {(c.directory, c.component) for c in language.TRAINED_COMPONENTS}
    default = {directory for directory, _ in wired}
    opt_in = {c.directory for c in language.TRAINED_CANDIDATES if (c.directory, c.component) not in wired}
    shipped = shipped_models(models)

    def state(name: str) -> str:
        if name not in default:
            return "shipped, opt-in (language.TRAINED_CANDIDATES)"
        if name in opt_in:
            return "in the default pipeline, in part (the rest opt-in: language.TRAINED_CANDIDATES)"
        return "in the default pipeline"

    return {"base_model": {"name": language.BASE_MODEL,
                           "version": spacy.util.get_package_version(language.BASE_MODEL)},
            "spacy": spacy.__version__, "components": nlp.pipe_names,
            "trained": {name: state(name) for name in shipped}}


def limitations(release: dict, annotations: Path, muc4: Path) -> list[str]:
    """Limits the figures show, computed so that they stay true after a retrain; then the fixed ones."""
    notes = []
    metrics = release.get("metrics", {})
    test = metrics.get("gold", {}).get("test")
    if test:
        notes.append(f"The gold test split has {test['documents']} documents: per-label figures rest on a few "
                     "instances each (see the support columns of reports/report.md), so differences of a few "
                     "points between runs or labels are noise.")
    upper = metrics.get("gold_upper_case", {}).get("test")
    if test and upper:
        notes.append(f"All-capitals text: entity exact F {test['entities_exact.f']:.3f} as written, "
                     f"{upper['entities_exact.f']:.3f} upper-cased (test).")
    if test:
        weak = [f"{layer.split('.')[0]} F {test[layer]:.2f}" for layer in ("events.f", "arguments.f", "relations.f")
                if test[layer] is not None and test[layer] < 0.5]
        if weak:
            notes.append("Weak layers on gold test: " + ", ".join(weak) + "; treat event arguments and relations "
                         "as leads to check, not facts.")
    opt_in = [name for name, state in release.get("pipeline", {}).get("trained", {}).items()
              if state.startswith("shipped, opt-in")]
    if opt_in:
        notes.append(f"Trained {', '.join(opt_in)} ship in models/ but are not in the default pipeline: end to end "
                     "they do not beat the rules yet; `make run` uses the rule events and relations.")
    overlap = _muc4_dev_in_gold_training(annotations, muc4)
    if overlap:
        notes.append(f"{overlap} MUC-4 dev documents are gold train/dev documents (the NER and the linkers learn "
                     "from them): the full pipeline's MUC-4 dev figure is not fully held out.")
    notes += [
        "English only. Trained and evaluated on conflict news: re3d (Syria/Iraq, 2016-17), MUC-4 (Latin America, "
        "1989-91, all capitals) and one 2021 article; other regions, periods and genres are untested.",
        "Speed was measured on a shared 2-core machine under load; the per-CPU-second rates are the stable figures.",
        "The MUC-4 test split (TST3+TST4) is not available here, so MUC-4 figures are on dev and are not "
        "comparable to published test results.",
    ]
    return notes


def _muc4_dev_in_gold_training(annotations: Path, muc4: Path) -> int:
    dev = muc4 / "gtt" / "dev.jsonl"
    index = annotations / "index.jsonl"
    if not dev.exists() or not index.exists():
        return 0
    dev_ids = {json.loads(line)["docid"] for line in dev.read_text(encoding="utf-8").splitlines() if line.strip()}
    gold = [json.loads(line) for line in index.read_text(encoding="utf-8").splitlines() if line.strip()]
    return sum(1 for g in gold if g["split"] in ("train", "dev") and g["id"].removeprefix("muc4-") in dev_ids)


def kept_out(model: Path) -> bool:
    """A model folder that ignores all it holds (its .gitignore says "*": models/events-trf, about 90 MB) is built
    beside the release, not shipped in it."""
    ignore = model / ".gitignore"
    return ignore.is_file() and ignore.read_text(encoding="utf-8").split() == ["*"]


def shipped_models(models: Path) -> list[str]:
    """The names of the trained pipelines under ``models`` that the release ships, sorted."""
    return sorted(p.name for p in models.iterdir() if (p / "meta.json").exists() and not kept_out(p))


def package(models: Path, metrics: Path, speed: Path, annotations: Path, muc4: Path) -> dict:
    """Complete ``<models>/release.json`` and write ``<models>/MODEL_CARD.md``."""
    from .. import __version__

    release = read_release(models)
    missing = [name for name in shipped_models(models) if name not in release.get("components", {})]
    if missing:
        raise SystemExit(f"no training record for {missing} in {models / RELEASE_FILE}: train them with make train "
                         "(or record what they were trained on with python -m pipeline.report record-data)")
    for name, component in release["components"].items():
        if model_digest(models / name)["sha256"] != component["model"]["sha256"]:
            raise SystemExit(f"{models / name} changed since its training was recorded: retrain it with make train")
    release.update({"name": "news-pipeline", "version": __version__, "packaged": _now(),
                    "pipeline": pipeline_makeup(models), "metrics": collect_metrics(metrics),
                    "metrics_source": metrics.as_posix(), "speed": collect_speed(speed)})
    release["limitations"] = limitations(release, annotations, muc4)
    release = {k: release[k] for k in ("name", "version", "packaged", "pipeline", "components", "metrics",
                                       "metrics_source", "speed", "limitations")}
    write_json(models / RELEASE_FILE, release)
    (models / CARD_FILE).write_text(model_card(release), encoding="utf-8")
    return release


def _f(value: Optional[float], digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def model_card(release: dict) -> str:
    p, m = release["pipeline"], release["metrics"]
    lines = [
        f"# Model card: {release['name']} {release['version']}", "",
        f"Written by `make package` on {release['packaged']} from `{RELEASE_FILE}` (same folder): do not edit by "
        "hand. The full evaluation, with per-label tables, confusion matrix, precision-recall curve and error "
        "examples, is `reports/report.md` (`make report`).", "",
        "## Model", "",
        f"A spaCy {p['spacy']} pipeline: the base model `{p['base_model']['name']}` {p['base_model']['version']} "
        "(en_core_web_sm renamed), our rule components, and the trained components below, CPU (CNN) only.", "",
        "Components, in order: " + " → ".join(f"`{c}`" for c in p["components"]) + ".", "",
        "| trained component | folder | state | config | seed | trained on (recorded) |", "|---|---|---|---|---|---|",
    ]
    for name, component in release["components"].items():
        lines.append(f"| {name} | `models/{component['model']['path']}` | {p['trained'].get(name, 'not shipped')} | "
                     f"`{component['config']['path']}` | {component['config']['seed']} | {component['recorded']} |")
    lines += ["", "## Intended use", "",
              "Extracting actors, violent events (attacks, bombings, kidnappings, arson, robbery, forced work "
              "stoppages), their time, place, participants, casualty counts and actor relations from English news, "
              "for analysts who check the output: every record points back to its text spans. Not for decisions "
              "about individuals without a human reading the source.", "",
              "## Training data", "",
              "Gold annotations: `annotations/` (brat; format in annotations/FORMAT.md, provenance and licences "
              "in annotations/PROVENANCE.md). MUC-4 and the shared corpora: `../shared/data` (its README). "
              f"Every file's sha256 is in `{RELEASE_FILE}`; `tests/test_shipped_model.py` checks them.", "",
              "| component | gold splits | gold files | other data | what |", "|---|---|---|---|---|"]
    for name, component in release["components"].items():
        data = component["data"]
        gold = sum(1 for path in data["files"] if path.startswith(data["annotations"]))
        other = [f"`{Path(path).relative_to(data['shared']).as_posix()}`" for path in data["files"]
                 if not path.startswith(data["annotations"])]
        other += [f"`{pattern}` ({g['files']} files)" for pattern, g in data["globs"].items()]
        lines.append(f"| {name} | {', '.join(data['splits'])} | {gold} | {', '.join(other) or '–'} | "
                     f"{component['data_note']} |")
    lines += ["", "## Metrics", ""]
    lines += _gold_table(m)
    lines += _other_metrics(m, release)
    lines += ["", "## Speed", ""]
    lines += _speed(release.get("speed"))
    lines += ["", "## Limitations", ""] + [f"- {note}" for note in release["limitations"]]
    lines += ["", "## Reproduce", "",
              "```bash", "make train      # every CNN component: annotations -> corpora -> models (fixed seeds)",
              "make evaluate   # every scorer on dev and test -> metrics/*.json",
              "make package    # this card and release.json", "make report     # reports/report.md and .html", "```",
              ""]
    return "\n".join(lines)


def _gold_table(m: dict) -> list[str]:
    gold = m.get("gold", {})
    if not gold:
        return ["No gold evaluation yet: run `make evaluate`."]
    splits = [s for s in ("dev", "test") if s in gold]
    lines = ["Gold annotations (`news-pipeline evaluate`; entities over PERSON NORP FAC ORG GPE LOC DATE TIME WEAPON):",
             "", "| layer | " + " | ".join(f"{s} P | {s} R | {s} F" for s in splits) + " |",
             "|---|" + "---|" * (3 * len(splits))]
    for layer in LAYERS:
        lines.append(f"| {layer} | " + " | ".join(
            f"{_f(gold[s][layer + '.p'])} | {_f(gold[s][layer + '.r'])} | {_f(gold[s][layer + '.f'])}" for s in splits) + " |")
    lines += ["", "| accuracy | " + " | ".join(splits) + " |", "|---|" + "---|" * len(splits)]
    for name in ACCURACIES:
        lines.append(f"| {name} | " + " | ".join(_f(gold[s][name]) for s in splits) + " |")
    lines.append(f"\nDocuments: " + ", ".join(f"{s} {gold[s]['documents']}" for s in splits) + ".")
    return lines


def _other_metrics(m: dict, release: dict) -> list[str]:
    lines = []
    if "base_model_ner" in m:
        lines += ["", "Entities on the base model's labels (no WEAPON), F: " + "; ".join(
            f"{s}: pipeline exact {_f(m['pipeline_on_base_labels'][s]['entities_exact.f'])} vs base model "
            f"{_f(m['base_model_ner'][s]['entities_exact.f'])}" for s in m["base_model_ner"]) + "."]
    if "gold_upper_case" in m:
        lines += ["", "Upper-cased gold texts, entity exact F: " + "; ".join(
            f"{s} {_f(v['entities_exact.f'])}" for s, v in m["gold_upper_case"].items()) + "."]
    if "relation_linkers_gold_mentions" in m:
        lines += ["", "Trained linkers with the gold mentions given (the relation linker is in the default pipeline, "
                      "the event-argument linker opt-in), at their dev-chosen thresholds:", "",
                  "| linker | threshold | dev P/R/F | test P/R/F |", "|---|---|---|---|"]
        for name, linker in m["relation_linkers_gold_mentions"].items():
            cells = [" / ".join(_f(linker[s][k]) for k in ("p", "r", "f")) if s in linker else "–" for s in ("dev", "test")]
            lines.append(f"| {name} | {linker['threshold']:g} | {cells[0]} | {cells[1]} |")
    if "with_trained_linkers" in m:
        lines += ["", "End to end with both trained linkers (the opt-in event-argument linker added), "
                      "relations F: " + "; ".join(
            f"{s} {_f(v['relations.f'])}" for s, v in m["with_trained_linkers"].items()) + "."]
    if "muc4_dev_gtt_micro" in m:
        lines += ["", "MUC-4 dev (200 documents), GTT template micro P/R/F1 (docs/muc4_metric.md); `rules`: no trained "
                      "component, `full`: the default pipeline, `incidents`: the default pipeline reporting only the events its "
                      "event filter keeps (`--incidents-only`), a folder name: that trained event extractor alone, "
                      "`incidents+<folder>`: the default pipeline around that event extractor (`--events-model`):", "",
                  "| pipeline | P | R | F1 | run on |", "|---|---|---|---|---|"]
        for name, r in m["muc4_dev_gtt_micro"].items():
            extractor = name.split("+")[-1]
            shipped = extractor in ("rules", "full", "incidents") or extractor in release["components"]
            lines.append(f"| {name} | {r['p']:.1f} | {r['r']:.1f} | {r['f1']:.1f} | {r.get('device') or '–'}"
                         + ("" if shipped else f"; an earlier run, {extractor} is not shipped") + " |")
    if "tempeval3_dates" in m:
        t = m["tempeval3_dates"]
        lines += ["", f"TempEval-3 DATE expressions: strict F {_f(t['strict_f'])}, relaxed F {_f(t['relaxed_f'])}, "
                      f"value accuracy {_f(t['value_accuracy'])}, value F1 {_f(t['value_f1'])}."]
    if "muc4_dev_event_places" in m:
        lines += ["", "MUC-4 dev event places (aligned templates): " + ", ".join(
            f"{k} {_f(v)}" for k, v in m["muc4_dev_event_places"].items()) + "."]
    return lines


def _speed(speed: Optional[dict]) -> list[str]:
    if not speed:
        return ["Not measured: run `make bench`."]
    lines = [f"`make bench` ({speed['source']}) on {speed['corpus']}, {speed['machine']}:", "",
             f"- full pipeline {speed['full_pipeline_words_per_cpu_sec']} words per CPU-second in one process "
             f"(base model alone: {speed['base_model_words_per_cpu_sec']});"]
    for run in speed["news_pipeline_run"]:
        processes = f"{run['n_process']} process" + ("es" if run["n_process"] != 1 else "")
        lines.append(f"- {run['engine']}, {processes}: {run['words_per_sec']} words/s, {run['articles_per_sec']} "
                     f"articles/s, peak RSS {run['peak_rss_mb_per_worker']} MB per worker;")
    if speed.get("scale"):
        s = speed["scale"]
        extent = f"over all {s['articles']} articles" if s.get("complete", True) else f"up to {s['articles']} articles"
        growth = (f", each worker's peak RSS up {s['rss_growth']:.1%} at most from the first sample to the one at "
                  f"{s['rss_growth_to']} articles" if s.get("rss_growth") is not None else "")
        lines.append(f"- at scale ({s['corpus']}), {s['n_process']} processes: {s['articles_per_sec']} articles/s "
                     f"{extent}, peak RSS {s['peak_rss_mb_per_worker']} MB per worker{growth}.")
    if speed.get("load_average_during_runs"):
        lines.append(f"\nLoad average during the runs: {speed['load_average_during_runs']} on 2 cores: wall-clock "
                     "rates are lower bounds.")
    return lines
