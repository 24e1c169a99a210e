"""Exports from the database: every table as Parquet or CSV, and one event-data table in the columns
analysts know from ACLED and GTD.

Both stream: rows are read in chunks (a server-side cursor on PostgreSQL) and appended to the
output, so an archive's database exports in flat memory. Column types come from the schema, not
from what pandas infers of a chunk, so every chunk of a Parquet file has the same types and an
integer column with nulls stays an integer column. The mapping from records to event-data columns
is documented in docs/database.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Literal, Optional

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Float, Integer, Table, select
from sqlalchemy.engine import Connection, Engine

from .sinks.sql import articles, entities, event_arguments, events, relations, runs

EXPORT_TABLES: tuple[Table, ...] = (articles, entities, events, event_arguments, relations, runs)
CHUNK_ROWS = 20_000
EVENT_CHUNK_ROWS = 5_000  # its article ids go into one IN (...) list: under SQLite's bound-parameter limit

EVENT_COLUMNS = {  # name -> Arrow type, in output order
    "event_date": pa.string(), "event_type": pa.string(), "sub_event_type": pa.string(),
    "actor1": pa.string(), "actor2": pa.string(), "location": pa.string(), "admin1": pa.string(),
    "country": pa.string(), "latitude": pa.float64(), "longitude": pa.float64(), "fatalities": pa.int64(),
    "injuries": pa.int64(), "source": pa.string(), "notes": pa.string(), "article_id": pa.string(),
    "event_id": pa.string(),
}
ACTOR1_ROLES = ("perpetrator_org", "perpetrator")  # first present role wins, first argument of it
ACTOR2_ROLES = ("victim", "target")

Format = Literal["parquet", "csv"]


class TableWriter:
    """Appends DataFrame chunks of one schema to a Parquet or CSV file."""

    def __init__(self, path: Path, schema: pa.Schema, fmt: Format):
        self.path, self.schema, self.fmt = path, schema, fmt
        self.rows = 0
        self._parquet: Optional[pq.ParquetWriter] = None
        self._started = False

    def write(self, frame: pd.DataFrame) -> None:
        if self.fmt == "parquet":
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self.path, self.schema)
            self._parquet.write_table(pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False))
        else:
            frame.to_csv(self.path, mode="a" if self._started else "w", header=not self._started, index=False)
        self._started = True
        self.rows += len(frame)

    def close(self) -> None:
        if not self._started:  # an empty table still gets a file with its columns
            self.write(self.schema.empty_table().to_pandas())
        if self._parquet is not None:
            self._parquet.close()


def _arrow_type(column) -> pa.DataType:
    if isinstance(column.type, Integer):
        return pa.int64()
    if isinstance(column.type, Float):
        return pa.float64()
    return pa.string()


def _pandas_dtypes(table: Table) -> dict[str, str]:
    # Nullable dtypes: an INTEGER column with nulls would otherwise come back as float ("3.0" in CSV).
    dtypes = {}
    for column in table.columns:
        if isinstance(column.type, Integer):
            dtypes[column.name] = "Int64"
        elif isinstance(column.type, Float):
            dtypes[column.name] = "Float64"
    return dtypes


def _streaming(engine: Engine) -> Connection:
    return engine.connect().execution_options(stream_results=True, max_row_buffer=CHUNK_ROWS)


def export_tables(engine: Engine, out_dir: Path, fmt: Format,
                  tables: Iterable[Table] = EXPORT_TABLES) -> dict[str, int]:
    """Write each table to ``out_dir/<table>.<fmt>``; returns the rows written per table."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    with _streaming(engine) as connection:
        for table in tables:
            schema = pa.schema([(c.name, _arrow_type(c)) for c in table.columns])
            writer = TableWriter(out_dir / f"{table.name}.{fmt}", schema, fmt)
            query = select(table).order_by(*table.primary_key.columns)
            for frame in pd.read_sql_query(query, connection, chunksize=CHUNK_ROWS, dtype=_pandas_dtypes(table)):
                writer.write(frame)
            writer.close()
            counts[table.name] = writer.rows
    return counts


# --- event data -------------------------------------------------------------------------------

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
# Sentence-final punctuation, closing quotes or brackets, then whitespace: a candidate boundary.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr gen col lt sgt capt maj cmdr adm gov sen rep pres prof st no nos vs etc inc corp co ltd jr sr "
    "jan feb mar apr jun jul aug sep sept oct nov dec approx dept univ mt ft".split())
_WHITESPACE = re.compile(r"\s+")


def _is_boundary(text: str, match: re.Match) -> bool:
    following = text[match.end():match.end() + 1]
    if not following or not (following.isupper() or following.isdigit() or following in "\"'“‘(["):
        return False
    if text[match.start()] != ".":
        return True
    word = re.search(r"([A-Za-z]+)\.?$", text[max(0, match.start() - 12):match.start()])
    if word is None:
        return True
    # "U.S. forces", "J. Smith", "Gen. Ali": an initial or an abbreviation, not the end of a sentence
    return len(word.group(1)) > 1 and word.group(1).lower() not in _ABBREVIATIONS


def evidence_sentence(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` that contains the span [start, end), whitespace collapsed.

    Boundaries follow the pipeline's sentence splitter where it is rule-based: a paragraph break
    always ends a sentence, a single line break does not (wire copy wraps mid-sentence), and
    sentence-final punctuation does when a capital, digit or quote follows and the word before it
    is not an initial or a known abbreviation.
    """
    para_start = max((m.end() for m in _PARAGRAPH_BREAK.finditer(text, 0, start)), default=0)
    following = _PARAGRAPH_BREAK.search(text, end)
    para_end = following.start() if following else len(text)
    sentence_start, sentence_end = para_start, para_end
    for match in _SENTENCE_END.finditer(text, para_start, para_end):
        if not _is_boundary(text, match):
            continue
        if match.end() <= start:
            sentence_start = match.end()
        elif match.start() >= end - 1:
            sentence_end = match.end()
            break
    return _WHITESPACE.sub(" ", text[sentence_start:sentence_end]).strip()


_CALENDAR_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def event_date(value: Optional[str]) -> Optional[str]:
    """A TIMEX3 value that is a calendar date (day, month or year); weeks, ranges and vague values are null."""
    return value if value and _CALENDAR_DATE.match(value) else None


@lru_cache(maxsize=None)
def country_name(code: Optional[str]) -> Optional[str]:
    if not code:
        return None
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code  # a code pycountry does not know (XK for Kosovo) stays as it is
    return getattr(country, "common_name", None) or country.name


@dataclass
class _Actor:
    role: str
    name: str


def _pick(actors: list[_Actor], roles: tuple[str, ...]) -> Optional[str]:
    for role in roles:
        for actor in actors:
            if actor.role == role:
                return actor.name
    return None


def _event_frames(connection: Connection) -> Iterator[pd.DataFrame]:
    e, a = events, articles
    query = (select(e.c.article_id, e.c.event_id, e.c.type, e.c.subtype, e.c.trigger_start, e.c.trigger_end,
                    e.c.date_value, e.c.location_name, e.c.location_text, e.c.admin1, e.c.country_code, e.c.lat,
                    e.c.lon, e.c.killed, e.c.injured, a.c.source, a.c.text)
             .join_from(e, a, e.c.article_id == a.c.article_id)
             .order_by(e.c.article_id, e.c.trigger_start, e.c.event_id))
    result = connection.execute(query)
    while rows := result.fetchmany(EVENT_CHUNK_ROWS):
        actors = _actors(connection.engine, sorted({row.article_id for row in rows}))
        yield pd.DataFrame({
            "event_date": [event_date(r.date_value) for r in rows],
            "event_type": [r.type for r in rows],
            "sub_event_type": [r.subtype for r in rows],
            "actor1": [_pick(actors.get((r.article_id, r.event_id), []), ACTOR1_ROLES) for r in rows],
            "actor2": [_pick(actors.get((r.article_id, r.event_id), []), ACTOR2_ROLES) for r in rows],
            "location": [r.location_name or r.location_text for r in rows],
            "admin1": [r.admin1 for r in rows],
            "country": [country_name(r.country_code) for r in rows],
            "latitude": pd.array([r.lat for r in rows], dtype="Float64"),
            "longitude": pd.array([r.lon for r in rows], dtype="Float64"),
            "fatalities": pd.array([r.killed for r in rows], dtype="Int64"),
            "injuries": pd.array([r.injured for r in rows], dtype="Int64"),
            "source": [r.source for r in rows],
            "notes": [evidence_sentence(r.text, r.trigger_start, r.trigger_end) for r in rows],
            "article_id": [r.article_id for r in rows],
            "event_id": [r.event_id for r in rows],
        })


def _actors(engine: Engine, article_ids: list[str]) -> dict[tuple[str, str], list[_Actor]]:
    """Actor arguments of the events of these articles, in argument order: canonical name, else text."""
    g, n = event_arguments, entities
    query = (select(g.c.article_id, g.c.event_id, g.c.role, g.c.text, n.c.canonical)
             .join_from(g, n, (g.c.article_id == n.c.article_id) & (g.c.entity_id == n.c.entity_id), isouter=True)
             .where(g.c.article_id.in_(article_ids), g.c.role.in_(ACTOR1_ROLES + ACTOR2_ROLES))
             .order_by(g.c.article_id, g.c.event_id, g.c.position))
    found: dict[tuple[str, str], list[_Actor]] = {}
    with engine.connect() as connection:  # the events cursor is still open on the other connection
        for row in connection.execute(query):
            found.setdefault((row.article_id, row.event_id), []).append(_Actor(row.role, row.canonical or row.text))
    return found


def export_events(engine: Engine, path: Path, fmt: Format) -> int:
    """Write one row per event to ``path``; returns the number of events."""
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = TableWriter(path, pa.schema(list(EVENT_COLUMNS.items())), fmt)
    with _streaming(engine) as connection:
        for frame in _event_frames(connection):
            writer.write(frame)
    writer.close()
    return writer.rows
