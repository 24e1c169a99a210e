import pytest
from sqlalchemy import func, select

from pipeline.records import ArticleRecord, Entity, Event, Trigger
from pipeline.sinks import sql
from pipeline.sinks.jsonl import JsonlSink, truncate_partial_line, written_keys


def _record(article_id="a1", text="Gunmen attacked a bus.", version="1.0", n_entities=1):
    return ArticleRecord(
        article_id=article_id, content_hash=f"hash-{text}", pipeline_version=version, text=text,
        entities=[Entity(id=f"T{i + 1}", text="Gunmen", label="NORP", start=0, end=6, sentence=0)
                  for i in range(n_entities)],
        events=[Event(id="E1", type="ATTACK", trigger=Trigger(text="attacked", start=7, end=15), sentence=0,
                      kind="incident", status="reported", confidence=0.5)],
    )


def _counts(sink):
    with sink.engine.connect() as connection:
        return tuple(connection.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (sql.articles, sql.entities, sql.events))


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'events.db'}"


def test_rerun_writes_nothing_new(sqlite_url):
    sink = sql.SqlSink(sqlite_url, run_id="r1")
    assert sink.write([_record("a1"), _record("a2", "Bomb in Kabul.")]) == 2
    assert sink.write([_record("a1"), _record("a2", "Bomb in Kabul.")]) == 0
    assert _counts(sink) == (2, 2, 2)


def test_new_pipeline_version_replaces_children(sqlite_url):
    sink = sql.SqlSink(sqlite_url)
    sink.write([_record("a1", n_entities=3)])
    assert sink.write([_record("a1", version="2.0", n_entities=1)]) == 1
    assert _counts(sink) == (1, 1, 1)


def test_failed_batch_leaves_no_partial_article(sqlite_url, monkeypatch):
    sink = sql.SqlSink(sqlite_url)
    sink.write([_record("a1")])
    real_rows = sql._rows

    def broken_rows(record, run_id):
        rows = real_rows(record, run_id)
        if record.article_id == "a3":
            rows[sql.entities][0]["label"] = None  # violates NOT NULL after a2 and a3's article rows
        return rows

    monkeypatch.setattr(sql, "_rows", broken_rows)
    with pytest.raises(Exception):
        sink.write([_record("a2", "Two."), _record("a3", "Three.")])
    assert _counts(sink) == (1, 1, 1)


def test_schema_version_and_foreign_keys(sqlite_url):
    engine = sql.make_engine(sqlite_url)
    assert sql.init_schema(engine) == sql.SQL_SCHEMA_VERSION
    assert sql.init_schema(engine) == sql.SQL_SCHEMA_VERSION
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"


def test_jsonl_sink_cuts_a_half_written_line_and_lists_keys(tmp_path):
    path = tmp_path / "records.jsonl"
    sink = JsonlSink(path)
    sink.write([_record("a1")])
    sink.close()
    with open(path, "a", encoding="utf-8") as stream:
        stream.write('{"article_id": "a2", "content_ha')  # the crash
    truncate_partial_line(path)
    assert list(written_keys(path)) == [("a1", "hash-Gunmen attacked a bus.")]
