"""From JSONL files to records and the database, through the command line."""
import json
import os
import sqlite3

from typer.testing import CliRunner

from pipeline.cli import app

from .conftest import FIXTURES, write_jsonl

runner = CliRunner()


def _read(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_run_writes_valid_records_to_jsonl_and_sqlite_and_resumes(tmp_path, record_validator):
    articles = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "kabul", "text": "A suicide bomber killed 12 people at a mosque in Kabul on Friday, police said.",
         "published": "2021-10-09", "source": "Wire"},
        {"id": "copy", "text": "A suicide bomber killed 12 people at a mosque in Kabul on Friday, police said.",
         "published": "2021-10-09"},
        {"id": "lima", "text": "Guerrillas of the Shining Path kidnapped two engineers near Lima yesterday.",
         "published": "1990-03-04"},
        b"{not json}\n",
    ])
    out, db = tmp_path / "out" / "records.jsonl", tmp_path / "out" / "events.db"
    result = runner.invoke(app, ["run", str(articles), "--out", str(out), "--db", f"sqlite:///{db}"])
    assert result.exit_code == 0, result.output
    records = _read(out)
    assert [r["article_id"] for r in records] == ["kabul", "lima"]  # "copy" is the same content
    for record in records:
        assert record_validator.is_valid(record), list(record_validator.iter_errors(record))
        for ent in record["entities"]:
            assert record["text"][ent["start"]:ent["end"]] == ent["text"]
        ids = {e["id"] for e in record["entities"]}
        for event in record["events"]:
            assert all(a["entity"] is None or a["entity"] in ids for a in event["arguments"])
    kabul = records[0]["events"][0]
    assert kabul["type"] == "BOMBING" and kabul["killed"] == {"value": 12, "qualifier": "exact"}
    assert kabul["location"]["country_code"] == "AF" and kabul["date"]["value"] == "2021-10-08"
    quarantined = _read(out.with_name("quarantine.jsonl"))
    assert len(quarantined) == 1 and quarantined[0]["line"] == 4

    again = runner.invoke(app, ["run", str(articles), "--out", str(out), "--db", f"sqlite:///{db}", "--strict"])
    assert again.exit_code == 3  # --strict: input was quarantined
    assert len(_read(out)) == 2
    with sqlite3.connect(db) as connection:
        assert connection.execute("select count(*) from articles").fetchone() == (2,)
        assert connection.execute("select count(*) from runs").fetchone() == (2,)


def test_two_processes_give_the_same_records(tmp_path):
    rows = [{"id": f"a{i}", "text": f"Rebels attacked a police post in Kunduz, killing {i + 2} officers.",
             "published": "2021-06-01"} for i in range(6)]
    articles = write_jsonl(tmp_path / "in.jsonl", rows)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert runner.invoke(app, ["run", str(articles), "--out", str(one), "--batch-size", "2"]).exit_code == 0
    assert runner.invoke(app, ["run", str(articles), "--out", str(two), "--batch-size", "2",
                               "--n-process", "2"]).exit_code == 0
    assert _read(one) == _read(two)


def test_reference_article_properties(tmp_path):
    """Properties any correct extractor must satisfy on the reference article."""
    text = (FIXTURES / "ttp-article.txt").read_text(encoding="utf-8")
    articles = write_jsonl(tmp_path / "in.jsonl", [{"id": "ttp", "text": text}])
    out = tmp_path / "records.jsonl"
    assert runner.invoke(app, ["run", str(articles), "--out", str(out)]).exit_code == 0
    (record,) = _read(out)
    canonical = {e["canonical"] for e in record["entities"] if e["canonical"]}
    assert "Tehreek-e-Taliban Pakistan" in canonical
    ttp_mentions = [e for e in record["entities"] if e["text"] in {"TTP", "TPP"}]
    assert ttp_mentions and all(e["canonical"] == "Tehreek-e-Taliban Pakistan" for e in ttp_mentions)
    assert all(e["actor_type"] for e in record["entities"] if e["label"] in {"ORG", "PERSON", "NORP"})
    # No publication date: the pipeline must say so rather than invent one.
    assert record["published"] is None and record["warnings"]
    events = record["events"]
    # The December 22 bombing: a bomb, two injured, TTP responsible.
    bombing = [e for e in events if e["type"] == "BOMBING" and e["injured"] and e["injured"]["value"] == 2]
    assert bombing and any(a["role"] == "weapon" and "bomb" in a["text"] for a in bombing[0]["arguments"])
    assert bombing[0]["date"]["value"].endswith("12-22")
    # "44 attacks ... between July and September 2021" is an aggregate, not an incident.
    assert any(e["kind"] == "aggregate" and e["killed"] and e["killed"]["value"] == 73 for e in events)
    # Nothing is extracted from photo captions.
    caption_starts = [text.index("Taliban supporters gather"), text.index("In Gilgit, Pakistan")]
    assert not any(e["trigger"]["start"] in range(s, s + 250) for e in events for s in caption_starts)


def test_show_renders_escaped_html(tmp_path):
    articles = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "x", "text": "<script>alert(1)</script> Gunmen attacked a bus in Kabul.", "published": "2021-01-01"}])
    out = tmp_path / "records.jsonl"
    assert runner.invoke(app, ["run", str(articles), "--out", str(out)]).exit_code == 0
    page = tmp_path / "x.html"
    result = runner.invoke(app, ["show", "x", "--records", str(out), "--html", str(page)])
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "attacked" in html
    assert runner.invoke(app, ["show", "missing", "--records", str(out)]).exit_code == 1


def test_incidents_only_reports_the_events_the_event_filter_keeps(tmp_path):
    from pipeline.language import INCIDENTS_ONLY_ENV

    articles = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "kabul", "text": "A suicide bomber killed 12 people at a mosque in Kabul on Friday, police said."},
        {"id": "speech", "text": "The president said the attacks of recent years would not stop the peace talks."},
    ])
    every, incidents = tmp_path / "every.jsonl", tmp_path / "incidents.jsonl"
    assert runner.invoke(app, ["run", str(articles), "--out", str(every)]).exit_code == 0
    assert runner.invoke(app, ["run", str(articles), "--out", str(incidents), "--incidents-only"]).exit_code == 0
    assert INCIDENTS_ONLY_ENV not in os.environ  # set for the run only
    kabul, speech = _read(every)
    # Every event is reported, each with the filter's confidence: the bombing above the shipped threshold (0.3),
    # the statement about past attacks, unlikely to be an incident of its own, well below it.
    assert [e["type"] for e in kabul["events"]] == ["BOMBING"] and kabul["events"][0]["confidence"] > 0.4
    assert [e["trigger"]["text"] for e in speech["events"]] == ["attacks"] and speech["events"][0]["confidence"] < 0.2
    kabul, speech = _read(incidents)
    assert [e["type"] for e in kabul["events"]] == ["BOMBING"] and speech["events"] == []


def test_run_takes_another_event_extractor_for_the_run_only(tmp_path):
    from pipeline.language import EVENTS_MODEL_ENV, MODELS_DIR

    articles = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "kabul", "text": "A suicide bomber killed 12 people at a mosque in Kabul on Friday, police said."}])
    default, swapped = tmp_path / "default.jsonl", tmp_path / "swapped.jsonl"
    assert runner.invoke(app, ["run", str(articles), "--out", str(default)]).exit_code == 0
    # the shipped extractor named explicitly: the pipeline is built again around it, and says the same
    result = runner.invoke(app, ["run", str(articles), "--out", str(swapped),
                                 "--events-model", str(MODELS_DIR / "events")])
    assert result.exit_code == 0, result.output
    assert EVENTS_MODEL_ENV not in os.environ  # set for the run only
    assert [r["events"] for r in _read(swapped)] == [r["events"] for r in _read(default)]
    missing = runner.invoke(app, ["run", str(articles), "--out", str(tmp_path / "x.jsonl"),
                                  "--events-model", str(tmp_path / "absent")])
    assert missing.exit_code == 2  # a usage error, before anything is read
