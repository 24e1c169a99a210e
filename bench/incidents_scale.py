"""Cost of incident clustering on synthetic records: time and memory at 10k, 50k and 100k events.

    python bench/incidents_scale.py --out metrics/incidents_scale.json              # everything
    python bench/incidents_scale.py --sizes 10000 50000 --parts memory --out ...    # a subset

The generator (``synthetic_records``) draws incidents at a steady rate (``--per-day`` reports a
day, over 40 countries of 12 cities each, with named victims and perpetrator groups) and 1 to 5
reports of each, as different sources write them: the date a day off or missing (then the
publication date stands in), the city or only the country, other casualty figures, the attack
told as a bombing. A larger archive is a longer one, as a growing database is; ``--dense`` puts
every size into one year instead (more incidents per country and week), the harder case for
blocking.

Times are wall-clock and CPU seconds of the clustering process (CPU time is what to compare when
the machine is shared and busy: the load average at the start is in the report). Parts, each size
in a fresh child process so that its peak RSS is its own:
  - ``memory``: records -> observations -> ``cluster`` (the in-memory clusterer);
  - ``database``: the records written to SQLite by the SQL sink (not timed), then
    ``news-pipeline incidents`` on the whole archive (``run_incidents``), then one more day of
    articles and the incremental run that adds them (it loads only the incidents they can meet).
The synthetic truth also gives the pairwise precision and recall of merges, a sanity check of the
clusterer on easy data, not an evaluation (that is ``pipeline.incidents.evaluate``).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COUNTRIES = 40
CITIES = 12
START = date(2015, 1, 1)
TYPES = ("ATTACK", "BOMBING", "KIDNAPPING", "ARSON")


def synthetic_records(n_reports: int, per_day: int, seed: int = 0, dense: bool = False, first_id: int = 0):
    """(records, truth): ``n_reports`` one-event records and {(article_id, event_id): true incident}."""
    from pipeline.records import (ArticleRecord, Argument, Count, Entity, Event, EventDate, EventLocation, Place,
                                  Trigger)

    rng = random.Random(seed)
    span_days = 365 if dense else max(1, n_reports // per_day)
    records, truth = [], {}
    incident = 0
    text = "Synthetic report. " * 10
    while len(records) < n_reports:
        incident += 1
        country = rng.randrange(COUNTRIES)
        code = f"{chr(65 + country // 26)}{chr(65 + country % 26)}"
        city = rng.randrange(CITIES)
        lat, lon = (country * 4.0 - 80, city * 3.0)
        day = START + timedelta(days=rng.randrange(span_days))
        kind = rng.choice(TYPES)
        victims = [f"Victim {incident} {i}" for i in range(rng.randint(0, 2))]
        group = f"Group {country} {rng.randrange(5)}"
        killed = rng.randint(0, 30)
        for report in range(min(rng.choice((1, 1, 1, 2, 2, 3, 4, 5)), n_reports - len(records))):
            article_id = f"s{first_id + len(records):07d}"
            reported_day = day + timedelta(days=rng.choice((0, 0, 0, 1)))
            published = reported_day + timedelta(days=rng.choice((0, 1, 1, 2)))
            dated = rng.random() < 0.8
            city_level = rng.random() < 0.7
            place_name = f"City {country} {city}" if city_level else f"Country {code}"
            place = dict(name=place_name, country_code=code, geonames_id=900_000_000 + 100 * country + city
                         if city_level else None, lat=lat if city_level else None, lon=lon if city_level else None)
            entities = [Entity(id="T1", text=place_name, label="GPE", start=0, end=5, sentence=0,
                               normalized=Place(**place))]
            arguments = [Argument(role="perpetrator_org", entity=None, text=group, start=6, end=10)]
            for i, victim in enumerate(v for v in victims if rng.random() < 0.7):
                entities.append(Entity(id=f"T{i + 2}", text=victim, label="PERSON", start=11, end=15, sentence=0))
                arguments.append(Argument(role="victim", entity=f"T{i + 2}", text=victim, start=11, end=15))
            told_as = "ATTACK" if kind != "ATTACK" and rng.random() < 0.2 else kind
            figure = max(0, killed + rng.choice((0, 0, 0, -2, 3))) if rng.random() < 0.7 else None
            event = Event(id="E1", type=told_as, trigger=Trigger(text="attack", start=16, end=22), sentence=0,
                          arguments=arguments,
                          date=EventDate(text="on", value=reported_day.isoformat(), granularity="day")
                          if dated else None,
                          location=EventLocation(text=place_name, **place),
                          killed=Count(value=figure, qualifier="exact") if figure is not None else None,
                          kind="incident", status="reported", confidence=0.6)
            records.append(ArticleRecord(article_id=article_id, content_hash=f"h{article_id}", pipeline_version="b",
                                         text=text, entities=entities, events=[event], source=f"source{report}",
                                         published=published.isoformat()))
            truth[(article_id, "E1")] = incident
    return records, truth


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pairwise(truth: dict, predicted: dict) -> dict:
    def pairs(assignment):
        groups: dict = {}
        for key, label in assignment.items():
            groups.setdefault(label, []).append(key)
        return {frozenset(p) for members in groups.values() for p in combinations(members, 2)}

    gold, pred = pairs(truth), pairs(predicted)
    both = len(gold & pred)
    return {"precision": round(both / len(pred), 4) if pred else None,
            "recall": round(both / len(gold), 4) if gold else None}


def measure_memory(size: int, per_day: int, dense: bool) -> dict:
    from pipeline.incidents import cluster, from_record

    records, truth = synthetic_records(size, per_day, dense=dense)
    rss_before = _peak_rss_mb()
    start, cpu_start = time.perf_counter(), time.process_time()
    observations = [o for r in records for o in from_record(r)]
    clusterer = cluster(observations)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    predicted = {m.observation.key: i for i, inc in clusterer.incidents.items() for m in inc.new_members}
    return {"part": "memory", "events": size, "dense": dense, "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu_seconds, 2),
            "events_per_sec": round(size / seconds), "incidents": len(clusterer.incidents),
            "comparisons_per_event": round(clusterer.comparisons / size, 2),
            "peak_rss_mb": round(_peak_rss_mb()), "rss_mb_before_clustering": round(rss_before),
            "synthetic_pairwise": _pairwise(truth, predicted)}


def measure_database(size: int, per_day: int, dense: bool) -> dict:
    from pipeline.incidents.store import run_incidents
    from pipeline.sinks.sql import SqlSink, make_engine

    records, _ = synthetic_records(size + per_day, per_day, dense=dense)
    archive, last_day = records[:size], records[size:]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/events.db"
        sink = SqlSink(url)
        start = time.perf_counter()
        for chunk in range(0, len(archive), 2000):
            sink.write(archive[chunk:chunk + 2000])
        write_seconds = time.perf_counter() - start
        engine = make_engine(url)
        rss_before = _peak_rss_mb()
        start, cpu_start = time.perf_counter(), time.process_time()
        full = run_incidents(engine)
        full_seconds, full_cpu = time.perf_counter() - start, time.process_time() - cpu_start
        rss_full = _peak_rss_mb()
        sink.write(last_day)
        start, cpu_start = time.perf_counter(), time.process_time()
        step = run_incidents(engine)
        step_seconds, step_cpu = time.perf_counter() - start, time.process_time() - cpu_start
        sink.close()
    return {"part": "database", "events": size, "dense": dense, "sqlite_write_seconds": round(write_seconds, 2),
            "full_run_seconds": round(full_seconds, 2), "full_run_cpu_seconds": round(full_cpu, 2),
            "full_run_events_per_sec": round(size / full_seconds),
            "incidents": full.incidents_total, "comparisons_per_event": round(full.comparisons / size, 2),
            "peak_rss_mb_full_run": round(rss_full), "rss_mb_before_run": round(rss_before),
            "incremental_events": step.new_events, "incremental_seconds": round(step_seconds, 2),
            "incremental_cpu_seconds": round(step_cpu, 2),
            "incremental_loaded_incidents": step.loaded_incidents, "incremental_joined": step.joined}


def _child(part: str, size: int, per_day: int, dense: bool) -> dict:
    command = [sys.executable, __file__, "--child", part, "--sizes", str(size), "--per-day", str(per_day)]
    if dense:
        command.append("--dense")
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(output.strip().splitlines()[-1])


def _growth(rows: list[dict], key: str) -> dict:
    """Cost per event at each size relative to the smallest: 1.0 everywhere is linear growth."""
    base = rows[0][key] / rows[0]["events"]
    return {str(r["events"]): round((r[key] / r["events"]) / base, 2) for r in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    parser.add_argument("--parts", nargs="+", default=["memory", "database"], choices=["memory", "database"])
    parser.add_argument("--per-day", type=int, default=100)
    parser.add_argument("--dense", action="store_true", help="every size within one year")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--child", choices=["memory", "database"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measure = measure_memory if args.child == "memory" else measure_database
        print(json.dumps(measure(args.sizes[0], args.per_day, args.dense)))
        return
    # Peak RSS of the clustering step over the RSS before it (the records themselves, the imports).
    rss_keys = {"memory": ("peak_rss_mb", "rss_mb_before_clustering"),
                "database": ("peak_rss_mb_full_run", "rss_mb_before_run")}
    report = json.loads(args.out.read_text(encoding="utf-8")) if args.out and args.out.exists() else {}
    report.update({"machine": platform.machine(), "cpus": os.cpu_count(), "python": platform.python_version(),
                   "per_day": args.per_day, "dense": args.dense})
    for part in args.parts:  # a part that is run replaces its own section and keeps the others
        report[f"{part}_command"] = " ".join(["python", "bench/incidents_scale.py", *sys.argv[1:]])
        report[f"{part}_load_average_at_start"] = [round(x, 1) for x in os.getloadavg()]
        rows = []
        for size in args.sizes:
            rows.append(_child(part, size, args.per_day, args.dense))
            print(json.dumps(rows[-1]), file=sys.stderr)
        key = "cpu_seconds" if part == "memory" else "full_run_cpu_seconds"
        report[part] = {"runs": rows, "cpu_seconds_per_event_relative_to_smallest": _growth(rows, key),
                        "clustering_rss_mb": {str(r["events"]): r[peak] - r[before]
                                              for r in rows for peak, before in [rss_keys[part]]}}
    text = json.dumps(report, indent=2) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
