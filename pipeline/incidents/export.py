"""The event-data export with one row per incident instead of one per source event.

The columns are those of ``pipeline.export.EVENT_COLUMNS`` (ACLED/GTD names) with what one row per
incident needs beside them: the incident id, the casualty range (``fatalities`` is the lowest
figure any source reported, as ACLED codes conflicting reports conservatively; ``fatalities_max``
the highest), and its sources counted (``n_sources``, ``n_articles``, ``n_events``).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from ..export import TableWriter, country_name, event_date
from ..sinks.incidents_sql import require_incident_tables
from .records import IncidentRecord
from .store import iter_incident_records

INCIDENT_COLUMNS = {
    "incident_id": pa.string(), "event_date": pa.string(), "event_date_last": pa.string(),
    "event_type": pa.string(), "actor1": pa.string(), "actor2": pa.string(), "location": pa.string(),
    "admin1": pa.string(), "country": pa.string(), "latitude": pa.float64(), "longitude": pa.float64(),
    "fatalities": pa.int64(), "fatalities_max": pa.int64(), "injuries": pa.int64(), "injuries_max": pa.int64(),
    "n_sources": pa.int64(), "n_articles": pa.int64(), "n_events": pa.int64(), "sources": pa.string(),
    "notes": pa.string(), "article_ids": pa.string(),
}
CHUNK = 5_000


def _first(names: list[str] | None) -> str | None:
    return names[0] if names else None


def _notes(record: IncidentRecord) -> str:
    parts = [f"{record.n_events} reports in {record.n_articles} articles from {record.n_sources} sources"]
    for name, figures in (("killed", record.killed), ("injured", record.injured)):
        if figures and figures.min != figures.max:
            by = "; ".join(f"{r.value} ({r.source or r.article_id})" for r in figures.reports)
            parts.append(f"{name} reported as {figures.min}-{figures.max}: {by}")
    return ". ".join(parts)


def incident_row(record: IncidentRecord) -> dict:
    date, place = record.date, record.location
    exact = date is not None and date.granularity not in ("published", "range")
    return {
        "incident_id": record.incident_id,
        "event_date": event_date(date.first if date.first == date.last else None) if exact else None,
        "event_date_last": date.last if date else None,
        "event_type": record.type,
        "actor1": _first(record.actors.get("perpetrator")),
        "actor2": _first(record.actors.get("victim")) or _first(record.actors.get("target")),
        "location": place.name if place else None, "admin1": place.admin1 if place else None,
        "country": country_name(place.country_code) if place else None,
        "latitude": place.lat if place else None, "longitude": place.lon if place else None,
        "fatalities": record.killed.min if record.killed else None,
        "fatalities_max": record.killed.max if record.killed else None,
        "injuries": record.injured.min if record.injured else None,
        "injuries_max": record.injured.max if record.injured else None,
        "n_sources": record.n_sources, "n_articles": record.n_articles, "n_events": record.n_events,
        "sources": "; ".join(record.sources), "notes": _notes(record), "article_ids": "; ".join(record.articles),
    }


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(INCIDENT_COLUMNS))
    for name, kind in INCIDENT_COLUMNS.items():
        if kind == pa.int64():
            frame[name] = pd.array(frame[name].tolist(), dtype="Int64")
        elif kind == pa.float64():
            frame[name] = pd.array(frame[name].tolist(), dtype="Float64")
    return frame


def export_incidents(engine, path: Path, fmt: str) -> int:
    """Write one row per incident to ``path`` (csv or parquet); returns the number of incidents."""
    require_incident_tables(engine)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = TableWriter(path, pa.schema(list(INCIDENT_COLUMNS.items())), fmt)
    rows: list[dict] = []
    for record in iter_incident_records(engine):
        rows.append(incident_row(record))
        if len(rows) >= CHUNK:
            writer.write(_frame(rows))
            rows = []
    if rows:
        writer.write(_frame(rows))
    writer.close()
    return writer.rows
