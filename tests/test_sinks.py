import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError

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


def _counts(sink_or_engine):
    engine = getattr(sink_or_engine, "engine", sink_or_engine)
    with engine.connect() as connection:
        return tuple(connection.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (sql.articles, sql.entities, sql.events))


@pytest.fixture
def sink(db_url):
    sink = sql.SqlSink(db_url, run_id="r1")
    yield sink
    sink.close()


def test_rerun_writes_nothing_new(sink):
    assert sink.write([_record("a1"), _record("a2", "Bomb in Kabul.")]) == 2
    assert sink.write([_record("a1"), _record("a2", "Bomb in Kabul.")]) == 0
    assert _counts(sink) == (2, 2, 2)


def test_new_pipeline_version_replaces_children(sink):
    sink.write([_record("a1", n_entities=3)])
    assert sink.write([_record("a1", version="2.0", n_entities=1)]) == 1
    assert _counts(sink) == (1, 1, 1)
    with sink.engine.connect() as connection:
        assert connection.execute(select(sql.articles.c.pipeline_version)).scalar_one() == "2.0"


def test_the_same_article_twice_in_one_batch_keeps_the_later(sink):
    assert sink.write([_record("a1", n_entities=3), _record("a1", "Changed text.", n_entities=2)]) == 1
    assert _counts(sink) == (1, 2, 1)


def test_failed_batch_leaves_no_partial_article(sink, monkeypatch):
    sink.write([_record("a1")])
    real_rows = sql._rows

    def broken_rows(record, run_id):
        rows = real_rows(record, run_id)
        if record.article_id == "a3":
            rows[sql.entities][0]["label"] = None  # violates NOT NULL after a2 and a3's article rows
        return rows

    monkeypatch.setattr(sql, "_rows", broken_rows)
    with pytest.raises(IntegrityError):
        sink.write([_record("a2", "Two."), _record("a3", "Three.")])
    assert _counts(sink) == (1, 1, 1)


_KILLED_WRITER = """
import os, signal, sys
from pipeline.sinks import sql
from tests.test_sinks import _record

insert_rows = sql._insert_many

def die_inside_the_transaction(connection, table, rows):
    if table is sql.events:  # articles and entities are in, events next
        os.kill(os.getpid(), signal.SIGKILL)
    insert_rows(connection, table, rows)

sql._insert_many = die_inside_the_transaction
sql.SqlSink(sys.argv[1]).write([_record("b1", "One."), _record("b2", "Two.")])
"""


def test_writer_killed_mid_batch_leaves_no_partial_article(sink, db_url):
    sink.write([_record("a1")])
    root = Path(__file__).parents[1]
    killed = subprocess.run([sys.executable, "-c", _KILLED_WRITER, db_url], cwd=root, capture_output=True, text=True,
                            timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert _counts(sink) == (1, 1, 1)
    assert sink.write([_record("a1"), _record("b1", "One."), _record("b2", "Two.")]) == 2  # the rerun
    assert _counts(sink) == (3, 3, 3)


def test_concurrent_writers_of_one_batch_write_each_article_once(db_url):
    sinks = [sql.SqlSink(db_url) for _ in range(4)]
    batch = [_record(f"a{i}", f"Text {i}.", n_entities=2) for i in range(50)]
    start = threading.Barrier(len(sinks))

    def write(sink):
        start.wait()
        return sink.write(batch)

    with ThreadPoolExecutor(len(sinks)) as pool:
        written = list(pool.map(write, sinks))  # without the write lock: duplicate keys, or SQLite busy
    assert sorted(written) == [0, 0, 0, 50]
    assert _counts(sinks[0]) == (50, 100, 50)
    for sink in sinks:
        sink.close()


def test_every_foreign_key_column_is_indexed(db_url):
    engine = sql.make_engine(db_url)
    sql.init_schema(engine)
    schema = inspect(engine)
    foreign_keys = 0
    for table in schema.get_table_names():
        indexed = [tuple(index["column_names"]) for index in schema.get_indexes(table)]
        indexed.append(tuple(schema.get_pk_constraint(table)["constrained_columns"]))
        indexed += [tuple(unique["column_names"]) for unique in schema.get_unique_constraints(table)]
        for fk in schema.get_foreign_keys(table):
            columns = tuple(fk["constrained_columns"])
            foreign_keys += 1
            assert any(index[:len(columns)] == columns for index in indexed), (table, columns)
    # articles.run_id, and article_id in entities, events, relations and (with event_id) event_arguments
    assert foreign_keys >= 5
    engine.dispose()


def test_init_schema_is_idempotent_and_refuses_an_older_database(db_url, monkeypatch):
    engine = sql.make_engine(db_url)
    assert sql.init_schema(engine) == sql.SQL_SCHEMA_VERSION
    assert sql.init_schema(engine) == sql.SQL_SCHEMA_VERSION
    monkeypatch.setattr(sql, "SQL_SCHEMA_VERSION", sql.SQL_SCHEMA_VERSION + 1)
    with pytest.raises(sql.SchemaVersionError, match="db migrate"):
        sql.init_schema(engine)
    engine.dispose()


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path):
    engine = sql.make_engine(f"sqlite:///{tmp_path / 'events.db'}")
    sql.init_schema(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
    engine.dispose()


def test_jsonl_sink_cuts_a_half_written_line_and_lists_keys(tmp_path):
    path = tmp_path / "records.jsonl"
    sink = JsonlSink(path)
    sink.write([_record("a1")])
    sink.close()
    with open(path, "a", encoding="utf-8") as stream:
        stream.write('{"article_id": "a2", "content_ha')  # the crash
    truncate_partial_line(path)
    assert list(written_keys(path)) == [("a1", "hash-Gunmen attacked a bus.")]
