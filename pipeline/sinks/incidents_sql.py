"""The incident tables, beside the extraction schema of ``sql.py`` in the same database.

They have their own MetaData and version (``INCIDENTS_SCHEMA_VERSION`` in ``incidents_meta``):
the incidents stage creates them on first use, and the extraction schema and its migrations do
not depend on them. ``incident_members`` names events by (article_id, event_id) without a foreign
key, because the SQL sink replaces an article's events when the article changes; the article's
state at clustering time (content hash and pipeline version) tells the stage which memberships
went stale.

- ``incidents``: one row per incident, its summary columns and its profile (JSON), with a
  ``revision`` that concurrent stages check before they overwrite a row;
- ``incident_members``: one row per source event, the incident it joined and why (explanation);
- ``incident_blocks``: the blocking keys an incident is filed under, so that a run loads only the
  incidents its new events can meet;
- ``incidents_meta``: schema version and the clusterer settings' version.
"""
from __future__ import annotations

from typing import Iterable, Optional

from sqlalchemy import (Column, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text, insert, inspect,
                        select)
from sqlalchemy.engine import Connection, Engine

from .sql import SchemaVersionError, write_transaction

INCIDENTS_SCHEMA_VERSION = 1
incidents_metadata = MetaData()

incidents = Table(
    "incidents", incidents_metadata,
    Column("incident_id", String(24), primary_key=True),
    Column("type", String(32), nullable=False, index=True),
    Column("date_first", String(10), index=True), Column("date_last", String(10)),
    Column("date_granularity", String(10)),
    Column("location_name", Text), Column("country_code", String(2), index=True), Column("admin1", Text),
    Column("geonames_id", Integer), Column("lat", Float), Column("lon", Float),
    Column("killed_min", Integer), Column("killed_max", Integer),
    Column("injured_min", Integer), Column("injured_max", Integer),
    Column("n_events", Integer, nullable=False), Column("n_articles", Integer, nullable=False),
    Column("n_sources", Integer, nullable=False),
    Column("block", Text),
    Column("profile", Text, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("clusterer_version", String(16), nullable=False),
    Column("created_at", String(40), nullable=False), Column("updated_at", String(40), nullable=False),
)
incident_members = Table(
    "incident_members", incidents_metadata,
    Column("article_id", String(256), primary_key=True),
    Column("event_id", String(16), primary_key=True),
    Column("incident_id", String(24), ForeignKey("incidents.incident_id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("article_state", String(128), nullable=False),  # content_hash:pipeline_version when clustered
    Column("founded", Integer, nullable=False),
    Column("score", Float),
    Column("explanation", Text, nullable=False),
    Column("joined_at", String(40), nullable=False),
)
incident_blocks = Table(
    "incident_blocks", incidents_metadata,
    Column("name", String(512), primary_key=True),
    Column("bucket", Integer, primary_key=True),
    Column("incident_id", String(24), ForeignKey("incidents.incident_id", ondelete="CASCADE"), primary_key=True),
)
incidents_meta = Table(
    "incidents_meta", incidents_metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
Index("ix_incident_blocks_incident", incident_blocks.c.incident_id)
INCIDENT_TABLES = (incidents, incident_members, incident_blocks, incidents_meta)


class IncidentsSchemaError(SchemaVersionError):
    pass


def init_incident_tables(engine: Engine) -> None:
    """Create the incident tables if missing (idempotent) and check their version."""
    with write_transaction(engine) as connection:
        if not inspect(connection).has_table(incidents_meta.name):
            incidents_metadata.create_all(connection)
            connection.execute(insert(incidents_meta).values(key="schema_version",
                                                             value=str(INCIDENTS_SCHEMA_VERSION)))
            return
        stored = meta_value(connection, "schema_version")
        if stored != str(INCIDENTS_SCHEMA_VERSION):
            raise IncidentsSchemaError(f"incident tables are v{stored}, this tool writes v{INCIDENTS_SCHEMA_VERSION}")


def require_incident_tables(engine: Engine) -> None:
    """For readers: the incident tables must be there, at this tool's version."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(incidents_meta.name):
            raise IncidentsSchemaError("no incidents in this database: run `news-pipeline incidents --db URL` first")
        stored = meta_value(connection, "schema_version")
    if stored != str(INCIDENTS_SCHEMA_VERSION):
        raise IncidentsSchemaError(f"incident tables are v{stored}, this tool reads v{INCIDENTS_SCHEMA_VERSION}")


def meta_value(connection: Connection, key: str) -> Optional[str]:
    return connection.execute(select(incidents_meta.c.value).where(incidents_meta.c.key == key)).scalar_one_or_none()


def set_meta(connection: Connection, key: str, value: str) -> None:
    updated = connection.execute(incidents_meta.update().where(incidents_meta.c.key == key).values(value=value))
    if updated.rowcount == 0:
        connection.execute(insert(incidents_meta).values(key=key, value=value))


def insert_ignoring_duplicates(connection: Connection, table: Table, rows: Iterable[dict]) -> None:
    """Insert rows, skipping those whose primary key is already there (SQLite and PostgreSQL)."""
    rows = list(rows)
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    connection.execute(dialect_insert(table).on_conflict_do_nothing(), rows)
