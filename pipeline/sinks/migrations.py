"""Schema migrations: the registered steps that take a database from one schema version to the next.

Version 1 is the baseline that ``init_schema`` creates. A schema change does two things together:
it edits the tables in ``sql.py`` (so a new database is created at the new version directly) and
appends a ``Migration`` here whose ``upgrade`` turns a database of the previous version into
exactly that (``tests/test_migrations.py`` checks that a frozen v1 database, migrated, has the
schema of a new one). Each step runs in its own transaction under the write lock, together with
the row it adds to ``schema_version``, so a failed step leaves the database at the previous
version. See docs/database.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from sqlalchemy import insert
from sqlalchemy.engine import Connection, Engine

from .sql import SQL_SCHEMA_VERSION, SchemaVersionError, _now, init_schema, schema_version, stored_version, \
    write_transaction

BASELINE_VERSION = 1


@dataclass(frozen=True)
class Migration:
    version: int  # the version this step upgrades to, from version - 1
    description: str
    upgrade: Callable[[Connection], None]


# The registered steps, in order. Empty while the schema is at its baseline, version 1.
MIGRATIONS: tuple[Migration, ...] = ()


def latest_version(migrations: Sequence[Migration] = MIGRATIONS) -> int:
    return migrations[-1].version if migrations else BASELINE_VERSION


def check_registry(migrations: Sequence[Migration]) -> None:
    expected = list(range(BASELINE_VERSION + 1, BASELINE_VERSION + 1 + len(migrations)))
    found = [step.version for step in migrations]
    if found != expected:
        raise ValueError(f"migration steps must upgrade to versions {expected} in order, found {found}")


@dataclass(frozen=True)
class MigrationResult:
    from_version: int
    to_version: int
    applied: tuple[str, ...]  # "vN: description" of each step run


def migrate(engine: Engine, migrations: Sequence[Migration] = MIGRATIONS) -> MigrationResult:
    """Upgrade the database to the last step's version; an empty database is created at it.

    Idempotent: a database already at that version is left as it is.
    """
    check_registry(migrations)
    target = latest_version(migrations)
    if migrations is MIGRATIONS and target != SQL_SCHEMA_VERSION:
        raise RuntimeError(f"the last migration step is v{target} but the tables in sql.py are v{SQL_SCHEMA_VERSION}")
    with engine.connect() as connection:
        start = stored_version(connection)
    if start is None:
        if target != SQL_SCHEMA_VERSION:
            raise SchemaVersionError(f"an empty database can only be created at v{SQL_SCHEMA_VERSION}, not v{target}")
        return MigrationResult(BASELINE_VERSION - 1, init_schema(engine), ("created",))
    if start > target:
        raise SchemaVersionError(f"database schema v{start} is newer than this tool's v{target}")
    applied = []
    for step in migrations:
        with write_transaction(engine) as connection:
            # Read again under the lock: another process may have run this step meanwhile.
            if stored_version(connection) >= step.version:
                continue
            step.upgrade(connection)
            connection.execute(insert(schema_version).values(version=step.version, applied_at=_now()))
        applied.append(f"v{step.version}: {step.description}")
    return MigrationResult(start, target, tuple(applied))
