"""Relational sink through SQLAlchemy Core: one schema for SQLite (default) and PostgreSQL.

Writes are idempotent: an article whose content hash and pipeline version are already stored
is skipped; a changed article or a new pipeline version replaces the article's children; each
batch is one transaction, so a crash never leaves a partial article. Writers take a lock for the
length of a batch (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL advisory lock), so two writers on one
database never both see an article as missing and both insert it.

The tables here are the current schema version (``SQL_SCHEMA_VERSION``); a database made by an
older version is upgraded by the steps in ``migrations.py`` (``news-pipeline db migrate``).
See docs/database.md.
"""
from __future__ import annotations

import json
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterable, Iterator, Optional, TypeVar

from sqlalchemy import (Column, Float, ForeignKey, ForeignKeyConstraint, Index, Integer, MetaData, String, Table,
                        Text, create_engine, delete, event, func, insert, inspect, select)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.sql.compiler import Compiled

from ..records import ArticleRecord

SQL_SCHEMA_VERSION = 1  # bump together with a new last step in migrations.MIGRATIONS
metadata = MetaData()

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", String(40), nullable=False),
)
runs = Table(
    "runs", metadata,
    Column("run_id", String(64), primary_key=True),
    Column("started_at", String(40), nullable=False),
    Column("finished_at", String(40)),
    Column("pipeline_version", String(40), nullable=False),
    Column("command", Text),
    Column("articles", Integer, default=0),
    Column("events", Integer, default=0),
    Column("quarantined", Integer, default=0),
)
articles = Table(
    "articles", metadata,
    Column("article_id", String(256), primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("title", Text), Column("url", Text), Column("source", Text), Column("published", String(10)),
    Column("pipeline_version", String(40), nullable=False),
    Column("run_id", String(64), ForeignKey("runs.run_id"), index=True),
    Column("text", Text, nullable=False),
    Column("warnings", Text, nullable=False, default="[]"),
)
entities = Table(
    "entities", metadata,
    Column("article_id", String(256), ForeignKey("articles.article_id", ondelete="CASCADE"), primary_key=True),
    Column("entity_id", String(16), primary_key=True),
    Column("text", Text, nullable=False), Column("label", String(32), nullable=False, index=True),
    Column("start_char", Integer, nullable=False), Column("end_char", Integer, nullable=False),
    Column("sentence", Integer, nullable=False),
    Column("canonical", Text), Column("actor_type", String(32)), Column("normalized", Text),
)
events = Table(
    "events", metadata,
    Column("article_id", String(256), ForeignKey("articles.article_id", ondelete="CASCADE"), primary_key=True),
    Column("event_id", String(16), primary_key=True),
    Column("type", String(32), nullable=False, index=True), Column("subtype", String(64)),
    Column("trigger_text", Text, nullable=False), Column("trigger_start", Integer, nullable=False),
    Column("trigger_end", Integer, nullable=False), Column("sentence", Integer, nullable=False),
    Column("date_text", Text), Column("date_value", String(40), index=True), Column("date_granularity", String(8)),
    Column("location_text", Text), Column("location_name", Text), Column("country_code", String(2), index=True),
    Column("admin1", Text), Column("lat", Float), Column("lon", Float), Column("geonames_id", Integer),
    Column("killed", Integer), Column("killed_qualifier", String(16)),
    Column("injured", Integer), Column("injured_qualifier", String(16)),
    Column("kind", String(16), nullable=False), Column("status", String(16), nullable=False),
    Column("confidence", Float, nullable=False),
)
event_arguments = Table(
    "event_arguments", metadata,
    Column("article_id", String(256), primary_key=True),
    Column("event_id", String(16), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("role", String(32), nullable=False), Column("entity_id", String(16)),
    Column("text", Text, nullable=False), Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
    ForeignKeyConstraint(["article_id", "event_id"], ["events.article_id", "events.event_id"], ondelete="CASCADE"),
)
relations = Table(
    "relations", metadata,
    Column("article_id", String(256), ForeignKey("articles.article_id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("head", String(16), nullable=False), Column("tail", String(16), nullable=False),
    Column("label", String(32), nullable=False, index=True), Column("confidence", Float, nullable=False),
)
Index("ix_event_arguments_event", event_arguments.c.article_id, event_arguments.c.event_id)
CHILD_TABLES = (event_arguments, events, entities, relations)  # deletion order
INSERT_ORDER = (articles, entities, events, event_arguments, relations)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def make_engine(url: str) -> Engine:
    """An engine for a SQLAlchemy URL; ``postgresql://`` means psycopg 3 (the ``pg`` extra)."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            url = "postgresql+psycopg://" + url[len(scheme):]
    # A pooled connection may have died with the server (a restart, a failover): test it at checkout.
    engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # The driver's own transaction handling starts a transaction only at the first write, after
            # our reads; take it over so that BEGIN is ours (SQLAlchemy's documented pysqlite recipe).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):
            mode = "IMMEDIATE" if connection.get_execution_options().get("write_lock") else "DEFERRED"
            connection.exec_driver_sql(f"BEGIN {mode}")
    return engine


_PG_WRITE_LOCK = 0x6E657773  # "news": the advisory lock key every writer of this schema takes


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction that holds the database's write lock from its first statement to commit."""
    with engine.connect() as connection:
        connection.execution_options(write_lock=True)
        with connection.begin():
            if engine.dialect.name == "postgresql":
                connection.execute(select(func.pg_advisory_xact_lock(_PG_WRITE_LOCK)))
            yield connection


def stored_version(connection: Connection) -> Optional[int]:
    """The database's schema version, or None for a database without our schema."""
    if not inspect(connection).has_table(schema_version.name):
        return None
    return connection.execute(select(func.max(schema_version.c.version))).scalar_one()


class SchemaVersionError(RuntimeError):
    pass


def init_schema(engine: Engine) -> int:
    """Create the tables in an empty database and record the schema version; returns the version.

    Idempotent on a database at the current version. An older database is not touched (creating the
    current tables beside old ones would skip the migration steps): ``news-pipeline db migrate``.
    """
    with write_transaction(engine) as connection:
        stored = stored_version(connection)
        if stored is None:
            metadata.create_all(connection)
            connection.execute(insert(schema_version).values(version=SQL_SCHEMA_VERSION, applied_at=_now()))
            return SQL_SCHEMA_VERSION
    return _current(stored)


def require_schema(engine: Engine) -> int:
    """The database's schema version, which must be this tool's; for readers, which create nothing."""
    with engine.connect() as connection:
        stored = stored_version(connection)
    if stored is None:
        raise SchemaVersionError(f"no news-pipeline schema at {engine.url.render_as_string(hide_password=True)}")
    return _current(stored)


def _current(stored: int) -> int:
    if stored > SQL_SCHEMA_VERSION:
        raise SchemaVersionError(f"database schema v{stored} is newer than this tool's v{SQL_SCHEMA_VERSION}")
    if stored < SQL_SCHEMA_VERSION:
        raise SchemaVersionError(f"database schema v{stored} is older than this tool's v{SQL_SCHEMA_VERSION}: "
                                 "run `news-pipeline db migrate --db URL` first")
    return stored


def _rows(record: ArticleRecord, run_id: Optional[str]) -> dict[Table, list[dict]]:
    article_id = record.article_id
    rows: dict[Table, list[dict]] = {
        articles: [dict(article_id=article_id, content_hash=record.content_hash, title=record.title, url=record.url,
                        source=record.source, published=record.published, pipeline_version=record.pipeline_version,
                        run_id=run_id, text=record.text, warnings=json.dumps(record.warnings))],
        entities: [dict(article_id=article_id, entity_id=e.id, text=e.text, label=e.label, start_char=e.start,
                        end_char=e.end, sentence=e.sentence, canonical=e.canonical, actor_type=e.actor_type,
                        normalized=e.normalized.model_dump_json() if e.normalized else None)
                   for e in record.entities],
        events: [], event_arguments: [],
        relations: [dict(article_id=article_id, position=i, head=r.head, tail=r.tail, label=r.label,
                         confidence=r.confidence) for i, r in enumerate(record.relations)],
    }
    for ev in record.events:
        loc = ev.location
        rows[events].append(dict(
            article_id=article_id, event_id=ev.id, type=ev.type, subtype=ev.subtype, trigger_text=ev.trigger.text,
            trigger_start=ev.trigger.start, trigger_end=ev.trigger.end, sentence=ev.sentence,
            date_text=ev.date.text if ev.date else None, date_value=ev.date.value if ev.date else None,
            date_granularity=ev.date.granularity if ev.date else None,
            location_text=loc.text if loc else None, location_name=loc.name if loc else None,
            country_code=loc.country_code if loc else None, admin1=loc.admin1 if loc else None,
            lat=loc.lat if loc else None, lon=loc.lon if loc else None, geonames_id=loc.geonames_id if loc else None,
            killed=ev.killed.value if ev.killed else None, killed_qualifier=ev.killed.qualifier if ev.killed else None,
            injured=ev.injured.value if ev.injured else None,
            injured_qualifier=ev.injured.qualifier if ev.injured else None,
            kind=ev.kind, status=ev.status, confidence=ev.confidence,
        ))
        rows[event_arguments].extend(
            dict(article_id=article_id, event_id=ev.id, position=i, role=a.role, entity_id=a.entity, text=a.text,
                 start_char=a.start, end_char=a.end) for i, a in enumerate(ev.arguments))
    return rows


_compiled_inserts: dict[tuple[str, str], Compiled] = {}


def _insert_many(connection: Connection, table: Table, rows: list[dict]) -> None:
    """Insert the rows of one table: ``COPY`` on PostgreSQL, elsewhere one executemany of an
    ``INSERT`` compiled once per table and dialect.

    ``connection.execute(insert(table), rows)`` spends most of a large batch building each row's
    parameters through the statement's compiler; our columns are plain strings and numbers that the
    drivers take as they are, so the rows go to the driver directly, in the statement's own order.
    """
    if connection.dialect.name == "postgresql":
        _copy_rows(connection, table, rows)
        return
    key = (connection.dialect.name, table.name)
    compiled = _compiled_inserts.get(key)
    if compiled is None:
        compiled = _compiled_inserts[key] = insert(table).compile(
            dialect=connection.dialect, column_keys=[c.name for c in table.columns])
    if compiled.positional:
        order = compiled.positiontup
        parameters = [tuple(row[name] for name in order) for row in rows]
    else:
        parameters = [{name: row[name] for name in compiled.binds} for row in rows]
    connection.exec_driver_sql(compiled.string, parameters)


def _copy_rows(connection: Connection, table: Table, rows: list[dict]) -> None:
    """PostgreSQL: ``COPY ... FROM STDIN`` on the connection's own transaction, several times faster
    than row-by-row inserts (psycopg writes the rows in C)."""
    quote = connection.dialect.identifier_preparer
    names = [column.name for column in table.columns]
    statement = f"COPY {quote.format_table(table)} ({', '.join(quote.quote(n) for n in names)}) FROM STDIN"
    dbapi = connection.dialect.loaded_dbapi
    try:
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(tuple(row[name] for name in names))
    except dbapi.Error as error:  # raised as SQLAlchemy raises the driver's errors (IntegrityError, ...)
        raise DBAPIError.instance(statement, None, error, dbapi.Error, dialect=connection.dialect) from error


log = logging.getLogger(__name__)
T = TypeVar("T")
# SQLSTATE classes and codes worth waiting out: connection exceptions, the server shutting down or
# starting up, too many connections, a serialisation failure or deadlock (the transaction is redone).
_TRANSIENT_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300", "40001", "40P01")


class DatabaseUnavailable(RuntimeError):
    """The database stayed unreachable for as long as the retry policy waits."""


@dataclass(frozen=True)
class RetryPolicy:
    """Waits between attempts double from ``first_wait`` up to ``max_wait``; after ``patience``
    seconds of waiting in all, the sink gives up with DatabaseUnavailable."""

    patience: float = 120.0
    first_wait: float = 0.5
    max_wait: float = 15.0


def is_transient(error: BaseException) -> bool:
    """A database error that a later attempt may not meet: the server gone, restarting, or busy."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    state = getattr(error.orig, "sqlstate", None)
    if state is not None:
        return state.startswith(_TRANSIENT_SQLSTATES)
    if "sqlite" in type(error.orig).__module__:
        message = str(error.orig).lower()
        return "locked" in message or "busy" in message  # not "no such table", a disk error, ...
    # No SQLSTATE: the driver could not reach the server at all (refused, reset, timed out).
    return isinstance(error, (OperationalError, InterfaceError))


def with_retries(action: Callable[[], T], policy: RetryPolicy, what: str, url: str) -> T:
    """Run a transaction, redoing it while the database is unreachable (every write here is idempotent)."""
    waited, wait, attempt = 0.0, policy.first_wait, 1
    while True:
        try:
            return action()
        except DBAPIError as error:
            if not is_transient(error):
                raise
            if waited >= policy.patience:
                reason = (str(error.orig).strip().splitlines() or [type(error.orig).__name__])[0]
                raise DatabaseUnavailable(f"database {url} unavailable: gave up {what} after {attempt} attempts "
                                          f"and {waited:.0f} s of waiting; last error: {reason}") from error
            pause = min(wait, policy.max_wait, policy.patience - waited)
            log.warning("database %s unavailable %s (%s); retrying in %.1f s", url, what,
                        type(error.orig).__name__, pause)
            time.sleep(pause)
            waited += pause
            wait *= 2
            attempt += 1


class SqlSink:
    def __init__(self, url: str, run_id: Optional[str] = None, command: str = "", pipeline_version: str = "",
                 retry: RetryPolicy = RetryPolicy()):
        self.engine = make_engine(url)
        self.url = self.engine.url.render_as_string(hide_password=True)
        self.retry = retry
        self.unavailable = False
        self.run_id = run_id
        self._retrying(lambda: init_schema(self.engine), "creating the schema")
        if run_id is not None:
            self._retrying(lambda: self._start_run(run_id, command, pipeline_version), "recording the run")

    def _retrying(self, action: Callable[[], T], what: str) -> T:
        try:
            return with_retries(action, self.retry, what, self.url)
        except DatabaseUnavailable:
            self.unavailable = True
            raise

    def _start_run(self, run_id: str, command: str, pipeline_version: str) -> None:
        with write_transaction(self.engine) as connection:
            if connection.execute(select(runs.c.run_id).where(runs.c.run_id == run_id)).first() is None:
                connection.execute(insert(runs).values(run_id=run_id, started_at=_now(), command=command,
                                                       pipeline_version=pipeline_version))

    def write(self, records: Iterable[ArticleRecord]) -> int:
        """Write a batch in one transaction; returns how many articles were new or changed.

        While the database is unreachable the transaction is retried with backoff (``RetryPolicy``):
        it is idempotent, so a batch whose commit went through before the connection dropped is
        skipped the second time.
        """
        latest: dict[str, ArticleRecord] = {}
        for record in records:  # an id twice in one batch: the later record wins, as in two batches
            latest.pop(record.article_id, None)
            latest[record.article_id] = record
        if not latest:
            return 0
        return self._retrying(lambda: self._write(latest), f"writing a batch of {len(latest)} articles")

    def _write(self, latest: dict[str, ArticleRecord]) -> int:
        with write_transaction(self.engine) as connection:
            stored = {row.article_id: (row.content_hash, row.pipeline_version) for row in connection.execute(
                select(articles.c.article_id, articles.c.content_hash, articles.c.pipeline_version)
                .where(articles.c.article_id.in_(list(latest))))}
            batch: dict[Table, list[dict]] = {t: [] for t in (articles, *CHILD_TABLES)}
            replaced = []
            for record in latest.values():
                if stored.get(record.article_id) == (record.content_hash, record.pipeline_version):
                    continue
                if record.article_id in stored:
                    replaced.append(record.article_id)
                for table, rows in _rows(record, self.run_id).items():
                    batch[table].extend(rows)
            if replaced:
                for table in (*CHILD_TABLES, articles):
                    connection.execute(delete(table).where(table.c.article_id.in_(replaced)))
            for table in INSERT_ORDER:
                if batch[table]:
                    _insert_many(connection, table, batch[table])
        return len(batch[articles])

    def finish(self, articles_count: int, events_count: int, quarantined: int) -> None:
        if self.run_id is None or self.unavailable:  # a run that gave up on the database is not finished
            return

        def update() -> None:
            with write_transaction(self.engine) as connection:
                connection.execute(runs.update().where(runs.c.run_id == self.run_id).values(
                    finished_at=_now(), articles=articles_count, events=events_count, quarantined=quarantined))

        self._retrying(update, "recording the run's end")

    def close(self) -> None:
        self.engine.dispose()
