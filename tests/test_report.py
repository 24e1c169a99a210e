"""The evaluation report: event pairing for the confusion matrix, error finding, and the whole report
(tables, figures, displaCy examples) built from a real run of the pipeline on three gold documents."""
import json
import shutil
from pathlib import Path

import pytest

from pipeline.evaluation.documents import DocumentView, EntityView, EventView
from pipeline.report.analysis import (NONE, align_events, entity_error_kinds, entity_errors, event_confusion, event_errors,
                                      render_example, spread)

ANNOTATIONS = Path(__file__).parents[1] / "annotations"
MODELS = Path(__file__).parents[1] / "models"
TEXT = "x" * 200


def _event(kind, *triggers):
    return EventView(kind, list(triggers))


def test_events_pair_by_type_first_then_by_trigger_alone():
    gold = DocumentView("d", TEXT, events=[_event("ATTACK", (10, 16), (40, 45)), _event("BOMBING", (60, 67)),
                                           _event("ROBBERY", (150, 155))])
    # The first prediction overlaps the ATTACK's trigger with another type; the second is the BOMBING.
    pred = DocumentView("d", TEXT, events=[_event("BOMBING", (41, 44)), _event("BOMBING", (61, 66)),
                                           _event("KIDNAPPING", (100, 105))])
    pairs = {(g.type if g else None, p.triggers[0] if p else None) for g, p in align_events(gold, pred)}
    assert pairs == {("BOMBING", (61, 66)), ("ATTACK", (41, 44)), ("ROBBERY", None), (None, (100, 105))}
    confusion = event_confusion([(gold, pred)])
    assert confusion.labels == ["ATTACK", "BOMBING", "KIDNAPPING", "ROBBERY", NONE]
    assert confusion.counts == {("BOMBING", "BOMBING"): 1, ("ATTACK", "BOMBING"): 1, ("ROBBERY", NONE): 1,
                                (NONE, "KIDNAPPING"): 1}
    matrix = confusion.matrix()
    assert matrix[0] == [0, 1, 0, 0, 0] and matrix[-1] == [0, 0, 1, 0, 0]
    kinds = sorted((e.kind, e.gold_label, e.pred_label) for e in event_errors(gold, pred))
    assert kinds == [("missed", "ROBBERY", None), ("spurious", None, "KIDNAPPING"), ("wrong label", "ATTACK", "BOMBING")]


def test_entity_errors_tell_missed_spurious_wrong_label_and_boundary_apart():
    text = "Hezbollah fighters left Aleppo city on Monday; Assad said so and 3 died."
    gold = DocumentView("d", text, entities=[
        EntityView((0, 9), "ORG", "Hezbollah"), EntityView((24, 30), "GPE", "Aleppo"),
        EntityView((39, 45), "DATE", "Monday"), EntityView((47, 52), "PERSON", "Assad")])
    pred = DocumentView("d", text, entities=[
        EntityView((0, 9), "NORP", "Hezbollah"), EntityView((24, 35), "GPE", "Aleppo city"),
        EntityView((39, 45), "DATE", "Monday"), EntityView((10, 18), "ORG", "fighters"),
        EntityView((65, 66), "CARDINAL", "3")])  # CARDINAL is not a scored label: not an error
    found = [(e.kind, e.gold_label, e.pred_label, e.span) for e in entity_errors(gold, pred)]
    assert found == [("wrong label", "ORG", "NORP", (0, 9)), ("spurious", None, "ORG", (10, 18)),
                     ("boundary", "GPE", "GPE", (24, 35)), ("missed", "PERSON", None, (47, 52))]
    missed = entity_errors(gold, pred)[-1]
    assert missed.describe() == 'missed entity PERSON "Assad"'
    page = render_example(missed, gold, pred)
    assert "MISSED PERSON" in page and "Assad" in page and page.count("class=\"entities\"") == 2


def test_entity_errors_are_counted_by_source_and_kind():
    text = "The Government of Iraq and the UN met in Mosul."
    gold = DocumentView("re3d-1", text, entities=[EntityView((0, 22), "ORG", "The Government of Iraq"),
                                                  EntityView((27, 33), "ORG", "the UN"),
                                                  EntityView((41, 46), "GPE", "Mosul")])
    pred = DocumentView("re3d-1", text, entities=[EntityView((4, 22), "ORG", "Government of Iraq"),
                                                  EntityView((31, 33), "ORG", "UN"), EntityView((41, 46), "ORG", "Mosul")])
    muc = DocumentView("muc4-2", "ISAACS DIED.", entities=[EntityView((0, 6), "PERSON", "ISAACS")])
    counts = entity_error_kinds([(gold, pred), (muc, DocumentView("muc4-2", muc.text, entities=[]))])
    assert counts == {("re3d", 'boundary: leading "the"'): 2, ("re3d", "wrong label"): 1, ("muc4", "missed"): 1}


def test_examples_are_spread_over_documents():
    errors = [e for doc_id, n in (("b", 1), ("a", 3)) for e in _errors(doc_id, n)]
    assert [(e.doc_id, e.gold_span) for e in spread(errors, 3)] == [("a", (0, 1)), ("b", (0, 1)), ("a", (1, 2))]
    assert len(spread(errors, 10)) == 4


def _errors(doc_id, n):
    from pipeline.report.analysis import ErrorExample

    return [ErrorExample(doc_id, "entity", "missed", "ORG", (i, i + 1), None, None, TEXT) for i in range(n)]


@pytest.fixture(scope="module")
def small_gold(tmp_path_factory):
    """Three gold documents (one dev, two test) in their own annotations folder."""
    folder = tmp_path_factory.mktemp("gold")
    (folder / "docs").mkdir()
    splits = {"re3d-d23ad6d80730": "dev", "re3d-6e62dc65efdf": "test", "muc4-TST1-MUC3-0012": "test"}
    lines = []
    for line in (ANNOTATIONS / "index.jsonl").read_text(encoding="utf-8").splitlines():
        meta = json.loads(line)
        if meta["id"] in splits:
            lines.append(json.dumps({**meta, "split": splits[meta["id"]]}))
            for suffix in (".txt", ".ann"):
                shutil.copy(ANNOTATIONS / "docs" / f"{meta['id']}{suffix}", folder / "docs")
    (folder / "index.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_report_from_a_real_evaluation(small_gold, tmp_path):
    from pipeline.evaluation.evaluate import evaluate, write_report
    from pipeline.report.analysis import relation_curves
    from pipeline.report.release import write_json
    from pipeline.report.records import write_split_records
    from pipeline.report.report import build_report
    from pipeline.training.corpus import build_corpora

    metrics, records, out = tmp_path / "metrics", tmp_path / "records", tmp_path / "reports"
    for split in ("dev", "test"):
        write_split_records(small_gold, split, records / f"records-{split}.jsonl")
        write_report(evaluate(small_gold, split, records / f"records-{split}.jsonl", with_baseline=False),
                     metrics / f"eval-{split}.json")
    build_corpora(small_gold, tmp_path / "corpora", splits=("dev", "test"))
    curves = relation_curves(MODELS / "relations", {s: tmp_path / "corpora" / f"gold-{s}.spacy" for s in ("dev", "test")})
    write_json(metrics / "relations-pr.json", curves)
    for linker in curves["linkers"].values():
        recalls = [row["r"] for row in linker["test"]["curve"]]
        assert recalls == sorted(recalls, reverse=True)  # a higher threshold never finds more
    # As the pipeline runs it, the relation linker keeps the rule relations: it finds all it finds alone, and more.
    relations = curves["linkers"]["news_relation_linker"]["test"]
    assert relations["with_rule_relations"]["r"] >= relations["at_threshold"]["r"]

    written = build_report(small_gold, metrics, records, out)
    assert {p.name for p in written} >= {"report.md", "report.html", "event-confusion.png", "relations-pr.png",
                                         "entities-f1.png"}
    for png in out.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    md, page = (out / "report.md").read_text(encoding="utf-8"), (out / "report.html").read_text(encoding="utf-8")
    test = json.loads((metrics / "eval-test.json").read_text())["pipeline"]
    # The per-label tables carry the scorer's own figures.
    for label, s in test["entities_exact"]["per_label"].items():
        if s["tp"] + s["fn"]:
            assert f"| {label} | " in md
    overall = test["entities_exact"]
    assert f"| {overall['p']:.3f} | {overall['r']:.3f} | {overall['f']:.3f} | {overall['tp'] + overall['fn']} |" in md
    # The confusion matrix accounts for every gold and every predicted event of the split.
    gold_events, pred_events = test["events"]["tp"] + test["events"]["fn"], test["events"]["tp"] + test["events"]["fp"]
    table = md.split("### test\n")[1].split("\n\n")[0]
    rows = [line for line in table.splitlines() if line.startswith("| ")][1:]
    cells = [[int(c) for c in row.strip("|").split("|")[1:]] for row in rows]
    assert sum(map(sum, cells[:-1])) == gold_events
    assert sum(sum(row[:-1]) for row in cells) == pred_events
    # Error examples: text in the Markdown, displaCy in the HTML; the figures are linked from both.
    assert "## Error examples (test)" in md and md.count("\n- `") >= 1
    # Every gold entity not matched exactly is counted once; a wrong label or boundary counts once for two errors.
    kinds = md.split("## Entity errors by source and kind")[1].split("\n## ")[0]
    all_errors = sum(int(row.strip("|").split("|")[-1]) for row in kinds.splitlines() if row.startswith("| test |"))
    assert all_errors >= overall["fn"] and all_errors <= overall["fn"] + overall["fp"]
    assert "class=\"entities\"" in page and page.count("<img src=") == 3 and "](event-confusion.png)" in md


def test_a_model_folder_that_ignores_all_it_holds_is_kept_out_of_the_release(tmp_path):
    from pipeline.report.release import kept_out

    for name, ignore in (("events-trf", "*\n"), ("events", None), ("ner", "*.tmp\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "meta.json").write_text("{}", encoding="utf-8")
        if ignore is not None:
            (tmp_path / name / ".gitignore").write_text(ignore, encoding="utf-8")
    assert [p.name for p in sorted(tmp_path.iterdir()) if kept_out(p)] == ["events-trf"]
