"""Relational sink through SQLAlchemy Core: one schema for SQLite (default) and PostgreSQL.

Writes are idempotent: an article whose content hash and pipeline version are already stored
is skipped; a changed article or a new pipeline version replaces the article's children; each
batch is one transaction, so a crash never leaves a partial article.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Iterable, Optional

from sqlalchemy import (Column, Float, ForeignKey, ForeignKeyConstraint, Index, Integer, MetaData, String, Table,
                        Text, create_engine, delete, event, insert, select)
from sqlalchemy.engine import Engine

from ..records import ArticleRecord

SQL_SCHEMA_VERSION = 1
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


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record):
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()
    return engine


def init_schema(engine: Engine) -> int:
    """Create the tables (idempotent) and record the schema version; returns the stored version."""
    metadata.create_all(engine)
    with engine.begin() as connection:
        stored = connection.execute(select(schema_version.c.version).order_by(schema_version.c.version.desc())).first()
        if stored is None:
            connection.execute(insert(schema_version).values(version=SQL_SCHEMA_VERSION, applied_at=_now()))
            return SQL_SCHEMA_VERSION
        if stored.version > SQL_SCHEMA_VERSION:
            raise RuntimeError(f"database schema v{stored.version} is newer than this tool's v{SQL_SCHEMA_VERSION}")
        return stored.version


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


class SqlSink:
    def __init__(self, url: str, run_id: Optional[str] = None, command: str = "", pipeline_version: str = ""):
        self.engine = make_engine(url)
        init_schema(self.engine)
        self.run_id = run_id
        if run_id is not None:
            with self.engine.begin() as connection:
                if connection.execute(select(runs.c.run_id).where(runs.c.run_id == run_id)).first() is None:
                    connection.execute(insert(runs).values(run_id=run_id, started_at=_now(), command=command,
                                                           pipeline_version=pipeline_version))

    def write(self, records: Iterable[ArticleRecord]) -> int:
        """Write a batch in one transaction; returns how many articles were new or changed."""
        records = list(records)
        if not records:
            return 0
        written = 0
        with self.engine.begin() as connection:
            ids = [r.article_id for r in records]
            stored = {row.article_id: (row.content_hash, row.pipeline_version) for row in connection.execute(
                select(articles.c.article_id, articles.c.content_hash, articles.c.pipeline_version)
                .where(articles.c.article_id.in_(ids)))}
            batch: dict[Table, list[dict]] = {t: [] for t in (articles, *CHILD_TABLES)}
            replaced = []
            for record in records:
                key = (record.content_hash, record.pipeline_version)
                if stored.get(record.article_id) == key:
                    continue
                if record.article_id in stored:
                    replaced.append(record.article_id)
                stored[record.article_id] = key
                for table, rows in _rows(record, self.run_id).items():
                    batch[table].extend(rows)
                written += 1
            if replaced:
                for table in (*CHILD_TABLES, articles):
                    connection.execute(delete(table).where(table.c.article_id.in_(replaced)))
            for table in (articles, entities, events, event_arguments, relations):
                if batch[table]:
                    connection.execute(insert(table), batch[table])
        return written

    def finish(self, articles_count: int, events_count: int, quarantined: int) -> None:
        if self.run_id is None:
            return
        with self.engine.begin() as connection:
            connection.execute(runs.update().where(runs.c.run_id == self.run_id).values(
                finished_at=_now(), articles=articles_count, events=events_count, quarantined=quarantined))

    def close(self) -> None:
        self.engine.dispose()
