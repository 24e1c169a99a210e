"""The incidents stage over a database: incremental runs, stale articles, outputs, the command line."""
import csv
import json
from datetime import date

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.incidents import incident_id
from pipeline.incidents.evidence import ClusteringConfig
from pipeline.incidents.export import export_incidents
from pipeline.incidents.records import IncidentRecord
from pipeline.incidents.store import iter_incident_records, run_incidents, write_incidents_jsonl
from pipeline.sinks import incidents_sql
from pipeline.sinks.sql import SqlSink, make_engine

from .test_incidents import KABUL, QUETTA, article


@pytest.fixture
def db(db_url):
    """(url, sink, engine) on SQLite and, where PG_TEST_URL is set, on PostgreSQL."""
    sink = SqlSink(db_url)
    engine = make_engine(db_url)
    yield db_url, sink, engine
    sink.close()
    engine.dispose()


def groups(engine):
    """{incident_id: frozenset of member article ids}."""
    found = {}
    for record in iter_incident_records(engine):
        found[record.incident_id] = frozenset(m.article_id for m in record.members)
    return found


def test_new_articles_join_known_incidents_without_reclustering_the_archive(db):
    url, sink, engine = db
    archive = [article(f"old{i}", day=date.fromordinal(date(2021, 1, 1).toordinal() + 9 * i).isoformat(),
                       place=KABUL if i % 2 else QUETTA) for i in range(30)]
    sink.write(archive + [article("a1", day="2021-12-22", killed=9, source="Dawn")])
    first = run_incidents(engine)
    assert (first.new_events, first.founded) == (31, 31)
    sink.write([article("a2", day="2021-12-22", killed=12, source="Reuters")])
    second = run_incidents(engine)
    assert (second.new_events, second.joined, second.founded) == (1, 1, 0)
    assert second.loaded_incidents == 1  # only the incident a2 can meet, not the other 30
    found = groups(engine)
    assert found[incident_id("a1", "E1")] == {"a1", "a2"}  # the founder's id, kept as a2 joined
    again = run_incidents(engine)
    assert (again.new_events, again.incidents_total) == (0, 31)


def test_incremental_runs_give_the_batch_clustering(db, tmp_path):
    url, sink, engine = db
    records = [article(f"a{i}", day="2021-12-22", published=f"2021-12-{22 + i}", source=f"s{i}") for i in range(4)]
    records += [article("b1", day="2021-12-22", place=KABUL, published="2021-12-23")]
    for record in records:  # one article per run
        sink.write([record])
        run_incidents(engine)
    batch_url = f"sqlite:///{tmp_path / 'batch.db'}"
    batch_sink = SqlSink(batch_url)
    batch_sink.write(records)
    batch_engine = make_engine(batch_url)
    run_incidents(batch_engine, batch_events=2)  # three read-cluster-write cycles in one run
    assert groups(engine) == groups(batch_engine)
    batch_sink.close()
    batch_engine.dispose()


def test_a_replaced_article_leaves_its_incident_and_is_clustered_again(db):
    url, sink, engine = db
    sink.write([article("a1", day="2021-12-22", killed=9), article("a2", day="2021-12-22", killed=12)])
    run_incidents(engine)
    # a2 was corrected: the bombing it reports was in Kabul.
    sink.write([article("a2", day="2021-12-22", killed=12, place=KABUL, content="hash-a2-corrected")])
    result = run_incidents(engine)
    assert result.stale_members == 1 and result.rebuilt_incidents == 1
    found = groups(engine)
    assert found[incident_id("a1", "E1")] == {"a1"}
    assert {"a2"} in found.values()
    record = next(r for r in list(iter_incident_records(engine)) if r.incident_id == incident_id("a1", "E1"))
    assert record.killed.min == record.killed.max == 9  # a2's figure left with it


@pytest.fixture
def sqlite_db(tmp_path):
    """For the command-line tests: `export` leaves its engine to the garbage collector."""
    url = f"sqlite:///{tmp_path / 'events.db'}"
    sink = SqlSink(url)
    yield url, sink, make_engine(url)
    sink.close()


def test_outputs_jsonl_and_one_csv_row_per_incident(sqlite_db, tmp_path):
    url, sink, engine = sqlite_db
    sink.write([article("a1", day="2021-12-22", killed=9, source="Dawn"),
                article("a2", day="2021-12-22", killed=12, source="Reuters"),
                article("a3", day="2021-12-22", killed=3, place=KABUL, source="AP")])
    runner = CliRunner()
    out, table = tmp_path / "incidents.jsonl", tmp_path / "incidents.csv"
    result = runner.invoke(app, ["incidents", "--db", url, "--out", str(out), "--export-csv", str(table)])
    assert result.exit_code == 0, result.output
    records = [IncidentRecord.model_validate_json(line) for line in out.read_text().splitlines()]
    assert sorted(r.n_events for r in records) == [1, 2]
    with table.open() as stream:
        rows = {row["incident_id"]: row for row in csv.DictReader(stream)}
    merged = rows[incident_id("a1", "E1")]
    assert (merged["fatalities"], merged["fatalities_max"], merged["n_sources"]) == ("9", "12", "2")
    assert merged["country"] == "Pakistan" and "9 (Dawn)" in merged["notes"]
    export = runner.invoke(app, ["export", "--db", url, "--format", "events-csv", "--per-incident",
                                 "--out", str(tmp_path / "export")])
    assert export.exit_code == 0, export.output
    with (tmp_path / "export" / "incident_data.csv").open() as stream:
        assert len(list(csv.DictReader(stream))) == 2


def test_export_before_any_incidents_run_says_what_to_do(sqlite_db, tmp_path):
    url, sink, engine = sqlite_db
    sink.write([article("a1", day="2021-12-22")])
    result = CliRunner().invoke(app, ["export", "--db", url, "--format", "events-csv", "--per-incident",
                                      "--out", str(tmp_path / "export")])
    assert result.exit_code == 1 and "news-pipeline incidents" in result.output


def test_other_settings_need_a_rebuild(db):
    url, sink, engine = db
    sink.write([article("a1", day="2021-12-22"), article("a2", day="2021-12-22")])
    run_incidents(engine)
    strict = ClusteringConfig(threshold=50)
    with pytest.raises(incidents_sql.IncidentsSchemaError, match="--rebuild"):
        run_incidents(engine, strict)
    result = run_incidents(engine, strict, rebuild=True)
    assert (result.new_events, result.incidents_total) == (2, 2)


def test_every_event_is_a_member_with_its_explanation(db, tmp_path):
    url, sink, engine = db
    sink.write([article(f"a{i}", day="2021-12-22", source=f"s{i}") for i in range(3)]
               + [article("agg", kind="aggregate")])
    result = run_incidents(engine)
    assert result.skipped_events == 1
    with engine.connect() as connection:
        rows = connection.execute(select(incidents_sql.incident_members)).all()
        blocks = connection.execute(select(func.count()).select_from(incidents_sql.incident_blocks)).scalar_one()
    assert len(rows) == 3 and blocks > 0
    joined = [json.loads(r.explanation) for r in rows if not r.founded]
    assert len(joined) == 2 and all(e["score"] >= ClusteringConfig().threshold for e in joined)
    assert write_incidents_jsonl(engine, tmp_path / "incidents.jsonl") == 1
    assert export_incidents(engine, tmp_path / "incidents.parquet", "parquet") == 1
