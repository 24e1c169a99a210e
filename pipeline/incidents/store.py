"""The incidents stage over a database that grows: ``news-pipeline incidents --db URL``.

Each run clusters only what is new: events that belong to no incident yet, in batches (first reports
first). For each batch it loads the incidents those events can meet (by their blocking keys,
``incident_blocks``), never the whole archive, and writes back the incidents that changed. A
membership whose article was replaced since (another content hash or pipeline version) is dropped,
its incident rebuilt from its remaining members, and the article's new events are clustered like
any new event.

Reads happen outside the write lock; the writes take it (``sql.write_transaction``) and check
each incident's ``revision``, so a concurrent run that changed an incident meanwhile makes this
one start over instead of overwriting it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional

from sqlalchemy import and_, delete, func, insert, not_, select, tuple_
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from ..sinks.incidents_sql import (IncidentsSchemaError, incident_blocks, incident_members, incidents,
                                   init_incident_tables, insert_ignoring_duplicates, meta_value,
                                   require_incident_tables, set_meta)
from ..sinks.sql import _now, articles, entities, event_arguments, events, require_schema, write_transaction
from .blocking import filing_keys, probe_keys
from .cluster import Incident, IncidentClusterer
from .evidence import ClusteringConfig
from .observations import (CLUSTERED_KINDS, ROLE_GROUPS, UNCLUSTERED_STATUSES, Figure, Observation, actor_sets,
                           build_observation, canonical_actor, natural_key)
from .profile import Profile
from .records import IncidentRecord, MemberRecord, summary

CHUNK = 2_000  # ids or keys per IN (...) list: well under SQLite's bound-parameter limit
MAX_ATTEMPTS = 3
BATCH_EVENTS = 20_000


class ConcurrentUpdate(RuntimeError):
    pass


@dataclass
class IncidentRunSummary:
    new_events: int = 0
    skipped_events: int = 0  # aggregates, background, threats: no incident of their own
    stale_members: int = 0
    rebuilt_incidents: int = 0
    deleted_incidents: int = 0
    loaded_incidents: int = 0
    founded: int = 0
    joined: int = 0  # events that joined an incident
    comparisons: int = 0
    incidents_total: int = 0


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- reading events as observations ---------------------------------------------------------

def _member_join():
    m = incident_members
    return and_(m.c.article_id == events.c.article_id, m.c.event_id == events.c.event_id)


def _eligible():
    return and_(events.c.kind.in_(sorted(CLUSTERED_KINDS)), events.c.status.notin_(sorted(UNCLUSTERED_STATUSES)))


def _observations(connection: Connection, event_filter, joins_members: bool) -> dict[tuple[str, str], Observation]:
    """Observations of the events that ``event_filter`` selects (on events, articles, incident_members)."""
    e, a, m = events, articles, incident_members

    def joined(query):
        query = query.join_from(e, a, e.c.article_id == a.c.article_id)
        return query.join(m, _member_join(), isouter=not joins_members).where(event_filter)

    arguments: dict[tuple[str, str], list] = {}
    g, n = event_arguments, entities
    argument_query = joined(select(g.c.article_id, g.c.event_id, g.c.role, g.c.text, n.c.canonical, n.c.label)
                            .select_from(e)
                            .join(g, and_(g.c.article_id == e.c.article_id, g.c.event_id == e.c.event_id)))
    argument_query = (argument_query.join(n, and_(n.c.article_id == g.c.article_id, n.c.entity_id == g.c.entity_id),
                                          isouter=True)
                      .where(g.c.role.in_(sorted(ROLE_GROUPS))).order_by(g.c.article_id, g.c.event_id, g.c.position))
    for row in connection.execute(argument_query):
        key, named = canonical_actor(row.text, row.canonical, row.label)
        arguments.setdefault((row.article_id, row.event_id), []).append((ROLE_GROUPS[row.role], key, named))
    event_query = joined(select(
        e.c.article_id, e.c.event_id, e.c.type, e.c.trigger_text, e.c.date_value, e.c.location_text,
        e.c.location_name, e.c.country_code, e.c.admin1, e.c.geonames_id, e.c.lat, e.c.lon, e.c.killed,
        e.c.killed_qualifier, e.c.injured, e.c.injured_qualifier, a.c.source, a.c.published, a.c.content_hash,
        a.c.pipeline_version).select_from(e))
    found = {}
    for row in connection.execute(event_query):
        has_place = row.location_name or row.location_text or row.country_code or row.geonames_id
        found[(row.article_id, row.event_id)] = build_observation(
            row.article_id, row.event_id, row.type, date_value=row.date_value,
            location=(row.location_name or row.location_text, row.country_code, row.admin1, row.geonames_id,
                      row.lat, row.lon) if has_place else None,
            actors=actor_sets(arguments.get((row.article_id, row.event_id), ())),
            killed=Figure(row.killed, row.killed_qualifier or "exact") if row.killed is not None else None,
            injured=Figure(row.injured, row.injured_qualifier or "exact") if row.injured is not None else None,
            source=row.source, published=row.published, content_hash=row.content_hash,
            trigger=row.trigger_text, location_text=row.location_text,
            article_state=f"{row.content_hash}:{row.pipeline_version}")
    return found


def new_event_keys(connection: Connection) -> list[tuple[str, str]]:
    """(article_id, event_id) of the clusterable events that belong to no incident yet, in processing order."""
    e, a = events, articles
    query = (select(e.c.article_id, e.c.event_id, a.c.published)
             .join_from(e, a, e.c.article_id == a.c.article_id)
             .join(incident_members, _member_join(), isouter=True)
             .where(incident_members.c.article_id.is_(None), _eligible()))
    rows = connection.execute(query).all()
    rows.sort(key=lambda r: (r.published or "", natural_key(r.article_id), natural_key(r.event_id)))
    return [(r.article_id, r.event_id) for r in rows]


def _observations_of(connection: Connection, keys: list[tuple[str, str]], joins_members: bool) -> list[Observation]:
    found: list[Observation] = []
    for chunk in _chunks(keys):
        selected = tuple_(events.c.article_id, events.c.event_id).in_(chunk) & _eligible()
        found.extend(_observations(connection, selected, joins_members).values())
    return found


def _skipped_count(connection: Connection) -> int:
    query = (select(func.count()).select_from(events)
             .join(incident_members, _member_join(), isouter=True)
             .where(incident_members.c.article_id.is_(None), not_(_eligible())))
    return connection.execute(query).scalar_one()


# --- stale memberships ----------------------------------------------------------------------

def _stale_members(connection: Connection) -> list[tuple[str, str, str]]:
    """(article_id, event_id, incident_id) of memberships whose article is gone or was replaced."""
    m, a = incident_members, articles
    state = a.c.content_hash + ":" + a.c.pipeline_version
    query = (select(m.c.article_id, m.c.event_id, m.c.incident_id)
             .join_from(m, a, a.c.article_id == m.c.article_id, isouter=True)
             .where((a.c.article_id.is_(None)) | (state != m.c.article_state)))
    return [tuple(row) for row in connection.execute(query)]


def _rebuilt_profiles(connection: Connection, incident_ids: list[str], stale: set[tuple[str, str]],
                      config: ClusteringConfig) -> dict[str, Optional[Profile]]:
    """Profiles of these incidents from their remaining members; None where none remains."""
    m = incident_members
    profiles: dict[str, Optional[Profile]] = {i: None for i in incident_ids}
    for chunk in _chunks(incident_ids):
        order = {}
        for row in connection.execute(select(m.c.article_id, m.c.event_id, m.c.incident_id, m.c.joined_at)
                                      .where(m.c.incident_id.in_(chunk))):
            if (row.article_id, row.event_id) not in stale:
                order[(row.article_id, row.event_id)] = (row.incident_id, row.joined_at)
        found = _observations(connection, m.c.incident_id.in_(chunk), joins_members=True)
        for key in sorted(order, key=lambda k: (order[k][1], natural_key(k[0]), natural_key(k[1]))):
            if key not in found:
                continue
            incident_id = order[key][0]
            if profiles[incident_id] is None:
                profiles[incident_id] = Profile()
            profiles[incident_id].add(found[key], config)
    return profiles


# --- loading the incidents new events can meet ------------------------------------------------

def _load_incidents(connection: Connection, keys: set[tuple[str, int]]) -> dict[str, tuple[Incident, int]]:
    """{incident_id: (incident, revision)} of the incidents filed under any of ``keys``."""
    b, i = incident_blocks, incidents
    ids: set[str] = set()
    for chunk in _chunks(sorted(keys)):
        ids.update(connection.execute(select(b.c.incident_id).where(tuple_(b.c.name, b.c.bucket).in_(chunk))).scalars())
    loaded = {}
    for chunk in _chunks(sorted(ids)):
        for row in connection.execute(select(i.c.incident_id, i.c.profile, i.c.block, i.c.revision)
                                      .where(i.c.incident_id.in_(chunk))):
            incident = Incident(row.incident_id, Profile.from_json(json.loads(row.profile)), row.block)
            loaded[row.incident_id] = (incident, row.revision)
    return loaded


# --- writing --------------------------------------------------------------------------------

def incident_row(incident_id: str, profile: Profile, block: Optional[str], version: str, now: str) -> dict:
    fields = summary(incident_id, profile)
    date, location = fields["date"] or {}, fields["location"] or {}
    killed, injured = fields["killed"] or {}, fields["injured"] or {}
    return dict(
        incident_id=incident_id, type=fields["type"], date_first=date.get("first"), date_last=date.get("last"),
        date_granularity=date.get("granularity"), location_name=location.get("name"),
        country_code=location.get("country_code"), admin1=location.get("admin1"),
        geonames_id=location.get("geonames_id"), lat=location.get("lat"), lon=location.get("lon"),
        killed_min=killed.get("min"), killed_max=killed.get("max"), injured_min=injured.get("min"),
        injured_max=injured.get("max"), n_events=fields["n_events"], n_articles=fields["n_articles"],
        n_sources=fields["n_sources"], block=block, profile=json.dumps(profile.to_json(), sort_keys=True),
        clusterer_version=version, updated_at=now)


def _block_rows(incident_id: str, profile: Profile, block: Optional[str], config: ClusteringConfig) -> list[dict]:
    return [dict(name=name, bucket=bucket, incident_id=incident_id)
            for name, bucket in sorted(filing_keys(profile, block, config))]


def _update(connection: Connection, row: dict, revision: int) -> None:
    result = connection.execute(incidents.update()
                                .where(incidents.c.incident_id == row["incident_id"], incidents.c.revision == revision)
                                .values(**row, revision=revision + 1))
    if result.rowcount != 1:
        raise ConcurrentUpdate(f"incident {row['incident_id']} changed meanwhile")


def _delete_incidents(connection: Connection, incident_ids: list[str]) -> None:
    for chunk in _chunks(incident_ids):
        for table in (incident_blocks, incident_members, incidents):
            connection.execute(delete(table).where(table.c.incident_id.in_(chunk)))


# --- the stage ------------------------------------------------------------------------------

def run_incidents(engine: Engine, config: Optional[ClusteringConfig] = None, rebuild: bool = False,
                  batch_events: int = BATCH_EVENTS) -> IncidentRunSummary:
    """Cluster the database's new events into incidents, ``batch_events`` at a time in processing order
    (each batch one read-cluster-write cycle, so memory follows the batch, not the backlog)."""
    config = config or ClusteringConfig()
    require_schema(engine)
    init_incident_tables(engine)
    with write_transaction(engine) as connection:
        stored = meta_value(connection, "clusterer_version")
        if rebuild:
            for table in (incident_blocks, incident_members, incidents):
                connection.execute(delete(table))
        elif stored is not None and stored != config.version():
            raise IncidentsSchemaError(f"the incidents were clustered with other settings (v{stored}, now "
                                       f"v{config.version()}): rerun with --rebuild to recluster the archive")
        set_meta(connection, "clusterer_version", config.version())
    total = IncidentRunSummary()
    first = True
    while True:
        for attempt in range(MAX_ATTEMPTS):
            try:
                result, remaining = _run_once(engine, config, batch_events, with_stale=first)
                break
            except (ConcurrentUpdate, IntegrityError):
                if attempt == MAX_ATTEMPTS - 1:
                    raise
        for name in ("new_events", "founded", "joined", "comparisons", "loaded_incidents"):
            setattr(total, name, getattr(total, name) + getattr(result, name))
        if first:
            for name in ("skipped_events", "stale_members", "rebuilt_incidents", "deleted_incidents"):
                setattr(total, name, getattr(result, name))
        total.incidents_total = result.incidents_total
        first = False
        if not remaining:
            return total


def _run_once(engine: Engine, config: ClusteringConfig, batch_events: int,
              with_stale: bool) -> tuple[IncidentRunSummary, bool]:
    """One read-cluster-write cycle over the first ``batch_events`` new events; returns what it did and
    whether new events remain."""
    result = IncidentRunSummary()
    with engine.connect() as connection:
        stale = _stale_members(connection) if with_stale else []
        stale_keys = sorted({(a, e) for a, e, _ in stale})
        dirty = sorted({i for _, _, i in stale})
        rebuilt = _rebuilt_profiles(connection, dirty, set(stale_keys), config) if dirty else {}
        waiting = new_event_keys(connection)
        observations = _observations_of(connection, waiting[:batch_events], joins_members=False)
        # The events of a replaced article under the ids it had: their membership goes, they are new again.
        observations.extend(_observations_of(connection, stale_keys, joins_members=True))
        observations.sort(key=lambda o: o.order_key)
        result.skipped_events = _skipped_count(connection) if with_stale else 0
        keys: set[tuple[str, int]] = set()
        for observation in observations:
            keys |= probe_keys(observation, config) or set()
        loaded = _load_incidents(connection, keys)
        for chunk in _chunks(dirty):  # dirty incidents are loaded whether or not a new event can meet them
            for row in connection.execute(select(incidents.c.incident_id, incidents.c.block, incidents.c.revision)
                                          .where(incidents.c.incident_id.in_(chunk))):
                loaded[row.incident_id] = (Incident(row.incident_id, rebuilt[row.incident_id], row.block),
                                           row.revision)
    revisions = {incident_id: revision for incident_id, (_, revision) in loaded.items()}
    clusterer = IncidentClusterer(config)
    clusterer.load(incident for incident, _ in loaded.values() if incident.profile is not None)
    for observation in observations:
        assignment = clusterer.add(observation)
        result.founded += assignment.founded
        result.joined += not assignment.founded
    result.new_events, result.comparisons = len(observations), clusterer.comparisons
    result.loaded_incidents, result.stale_members = len(loaded), len(stale)

    now = _now()
    with write_transaction(engine) as connection:
        for chunk in _chunks(stale_keys):
            connection.execute(delete(incident_members).where(
                tuple_(incident_members.c.article_id, incident_members.c.event_id).in_(chunk)))
        gone = [i for i in dirty if rebuilt[i] is None and i not in clusterer.incidents]
        _delete_incidents(connection, gone)
        result.deleted_incidents = len(gone)
        result.rebuilt_incidents = len(dirty) - len(gone)
        new_rows, member_rows, block_rows = [], [], []
        for incident_id in sorted((set(dirty) - set(gone)) | clusterer.changed):
            incident = clusterer.incidents[incident_id]
            row = incident_row(incident_id, incident.profile, incident.block, config.version(), now)
            if incident_id in revisions:
                _update(connection, row, revisions[incident_id])
            else:
                new_rows.append({**row, "revision": 1, "created_at": now})
            if incident_id in rebuilt:  # its window may have widened: file it afresh
                connection.execute(delete(incident_blocks).where(incident_blocks.c.incident_id == incident_id))
            block_rows.extend(_block_rows(incident_id, incident.profile, incident.block, config))
            member_rows.extend(dict(
                article_id=member.observation.article_id, event_id=member.observation.event_id,
                incident_id=incident_id, article_state=member.observation.article_state or "",
                founded=int(member.evidence is None),
                score=member.evidence.score if member.evidence is not None else None,
                explanation=json.dumps(member.explanation, sort_keys=True), joined_at=now)
                for member in incident.new_members)
        for chunk in _chunks(new_rows, 500):
            connection.execute(insert(incidents), chunk)
        for chunk in _chunks(member_rows, 5_000):
            connection.execute(insert(incident_members), chunk)
        for chunk in _chunks(block_rows, 5_000):
            insert_ignoring_duplicates(connection, incident_blocks, chunk)
        result.incidents_total = connection.execute(select(func.count()).select_from(incidents)).scalar_one()
    return result, len(waiting) > batch_events


# --- reading incidents back -----------------------------------------------------------------

def iter_incident_records(engine: Engine) -> Iterator[IncidentRecord]:
    """Every incident with its members, ordered by incident id, streamed."""
    i, m, e, a = incidents, incident_members, events, articles
    member_query = (select(m.c.incident_id, m.c.article_id, m.c.event_id, m.c.founded, m.c.score, m.c.explanation,
                           e.c.type, e.c.trigger_text, e.c.date_value, e.c.location_name, e.c.location_text,
                           e.c.killed, e.c.injured, a.c.source, a.c.published)
                    .join_from(m, e, _member_join(), isouter=True)
                    .join(a, a.c.article_id == m.c.article_id, isouter=True)
                    .order_by(m.c.incident_id, m.c.founded.desc(), m.c.joined_at, m.c.article_id, m.c.event_id))
    with engine.connect() as incident_connection, engine.connect() as member_connection:
        member_rows = member_connection.execution_options(stream_results=True).execute(member_query)
        rows = incident_connection.execution_options(stream_results=True).execute(
            select(i.c.incident_id, i.c.profile).order_by(i.c.incident_id))
        try:  # both cursors are server-side on PostgreSQL: closed even when the reader stops early
            members = iter(member_rows)
            pending = next(members, None)
            for row in rows:
                found = []
                while pending is not None and pending.incident_id <= row.incident_id:
                    if pending.incident_id == row.incident_id:
                        found.append(_member_record(pending))
                    pending = next(members, None)
                profile = Profile.from_json(json.loads(row.profile))
                yield IncidentRecord(**summary(row.incident_id, profile), members=found)
        finally:
            member_rows.close()
            rows.close()


def _member_record(row) -> MemberRecord:
    explanation = json.loads(row.explanation)
    return MemberRecord(
        article_id=row.article_id, event_id=row.event_id, type=row.type, trigger=row.trigger_text,
        date=row.date_value, location=row.location_name or row.location_text, killed=row.killed,
        injured=row.injured, source=row.source, published=row.published, founded=bool(row.founded),
        score=row.score, evidence=explanation.get("reasons", []))


def write_incidents_jsonl(engine: Engine, path: Path) -> int:
    require_incident_tables(engine)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as stream:
        for record in iter_incident_records(engine):
            stream.write(record.model_dump_json() + "\n")
            count += 1
    tmp.replace(path)
    return count


def records_of(clusterer: IncidentClusterer) -> Iterable[IncidentRecord]:
    """Incident records of an in-memory clustering (members: those added in this session)."""
    for incident_id in sorted(clusterer.incidents):
        incident = clusterer.incidents[incident_id]
        members = [MemberRecord(
            article_id=o.article_id, event_id=o.event_id, type=o.type, trigger=o.trigger,
            date=o.dates[0].iso()[0] if o.dates and o.dates[0].granularity != "published" else None,
            location=o.location_text, killed=o.killed.value if o.killed else None,
            injured=o.injured.value if o.injured else None, source=o.source, published=o.published,
            founded=member.evidence is None, score=member.evidence.score if member.evidence else None,
            evidence=member.explanation["reasons"]) for member in incident.new_members for o in [member.observation]]
        yield IncidentRecord(**summary(incident_id, incident.profile), members=members)
