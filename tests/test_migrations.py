"""Schema migrations: a v1 database upgraded step by step, on SQLite and PostgreSQL."""
import sqlite3

import pytest
from sqlalchemy import func, inspect, select, text
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.sinks import migrations, sql
from pipeline.sinks.migrations import Migration, migrate

from .conftest import FIXTURES
from .test_sinks import _record


def _add_language(connection):
    connection.execute(text("ALTER TABLE articles ADD COLUMN language VARCHAR(8)"))
    connection.execute(text("CREATE INDEX ix_articles_language ON articles (language)"))


def _backfill_language(connection):
    connection.execute(text("UPDATE articles SET language = 'en' WHERE language IS NULL"))


# Test-only steps: the real registry is empty while the schema is at v1.
TEST_STEPS = (
    Migration(2, "articles.language, indexed", _add_language),
    Migration(3, "articles.language = 'en' where unknown", _backfill_language),
)


def _versions(engine):
    with engine.connect() as connection:
        return connection.execute(select(sql.schema_version.c.version).order_by(sql.schema_version.c.version)
                                  ).scalars().all()


@pytest.fixture
def v1_database(db_url):
    sink = sql.SqlSink(db_url)
    sink.write([_record("a1"), _record("a2", "Bomb in Kabul.")])
    sink.close()
    engine = sql.make_engine(db_url)
    yield engine
    engine.dispose()


def test_v1_database_migrates_step_by_step_and_keeps_its_rows(v1_database):
    result = migrate(v1_database, TEST_STEPS)
    assert (result.from_version, result.to_version) == (1, 3)
    assert result.applied == ("v2: articles.language, indexed", "v3: articles.language = 'en' where unknown")
    assert _versions(v1_database) == [1, 2, 3]
    schema = inspect(v1_database)
    assert "language" in {c["name"] for c in schema.get_columns("articles")}
    assert "ix_articles_language" in {i["name"] for i in schema.get_indexes("articles")}
    with v1_database.connect() as connection:
        assert connection.execute(text("SELECT article_id, language FROM articles ORDER BY article_id")).all() == [
            ("a1", "en"), ("a2", "en")]
        assert connection.execute(select(func.count()).select_from(sql.events)).scalar_one() == 2

    again = migrate(v1_database, TEST_STEPS)  # idempotent
    assert (again.from_version, again.to_version, again.applied) == (3, 3, ())
    with pytest.raises(sql.SchemaVersionError, match="newer"):  # this tool's tables are still v1
        sql.init_schema(v1_database)


def test_a_failed_step_leaves_the_previous_version(v1_database):
    def half_done(connection):
        connection.execute(text("CREATE INDEX ix_articles_source ON articles (source)"))
        connection.execute(text("UPDATE articles SET no_such_column = 1"))

    with pytest.raises(Exception, match="no_such_column"):
        migrate(v1_database, TEST_STEPS[:1] + (Migration(3, "broken", half_done),))
    assert _versions(v1_database) == [1, 2]
    assert "ix_articles_source" not in {i["name"] for i in inspect(v1_database).get_indexes("articles")}
    assert migrate(v1_database, TEST_STEPS).applied == ("v3: articles.language = 'en' where unknown",)


def test_registry_must_number_its_steps_in_order():
    with pytest.raises(ValueError, match=r"\[2, 3\]"):
        migrations.check_registry(TEST_STEPS[::-1])
    with pytest.raises(ValueError):
        migrations.check_registry((Migration(3, "skips v2", _backfill_language),))
    migrations.check_registry(migrations.MIGRATIONS)
    assert migrations.latest_version() == sql.SQL_SCHEMA_VERSION


def test_empty_database_is_created_at_the_current_version(db_url):
    engine = sql.make_engine(db_url)
    result = migrate(engine)
    assert (result.from_version, result.to_version) == (0, sql.SQL_SCHEMA_VERSION)
    assert _versions(engine) == [sql.SQL_SCHEMA_VERSION]
    engine.dispose()


def _schema_of(engine) -> dict:
    schema = inspect(engine)
    return {table: {
        "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in schema.get_columns(table)],
        "primary_key": schema.get_pk_constraint(table)["constrained_columns"],
        "foreign_keys": sorted((fk["referred_table"], tuple(fk["constrained_columns"]), tuple(fk["referred_columns"]))
                               for fk in schema.get_foreign_keys(table)),
        "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in schema.get_indexes(table)),
    } for table in sorted(schema.get_table_names())}


def test_frozen_v1_database_migrates_to_the_schema_of_a_new_one(tmp_path):
    """Fails when the tables in sql.py change without a migration step that makes the same change."""
    old = tmp_path / "v1.db"
    with sqlite3.connect(old) as connection:
        connection.executescript((FIXTURES / "sql_schema_v1.sqlite.sql").read_text(encoding="utf-8"))
        connection.execute("INSERT INTO schema_version VALUES (1, '2026-01-01T00:00:00+00:00')")
    migrated, fresh = sql.make_engine(f"sqlite:///{old}"), sql.make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    assert migrate(migrated).to_version == sql.SQL_SCHEMA_VERSION
    sql.init_schema(fresh)
    assert _schema_of(migrated) == _schema_of(fresh)
    migrated.dispose()
    fresh.dispose()


def test_db_migrate_command(tmp_path):
    url = f"sqlite:///{tmp_path / 'events.db'}"
    runner = CliRunner()
    created = runner.invoke(app, ["db", "migrate", "--db", url])
    assert created.exit_code == 0, created.output
    assert f"schema version 0 -> {sql.SQL_SCHEMA_VERSION}" in created.output
    again = runner.invoke(app, ["db", "migrate", "--db", url])
    assert f"schema version {sql.SQL_SCHEMA_VERSION} -> {sql.SQL_SCHEMA_VERSION}" in again.output
