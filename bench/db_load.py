"""Database load: the records of 100k articles written into SQLite and PostgreSQL, rerun, and killed.

    python bench/db_load.py --out metrics/db_load.json            # PostgreSQL at $PG_TEST_URL
    python bench/db_load.py --articles 20000 --backends sqlite    # a quicker look

The NLP runs once: --base articles (half MUC-4 train, half Reuters-21578) go through
``pipeline.execution.local.process_batch``; their records are replicated under new article ids and
content hashes up to --articles. For each backend, on a new database:

1. write: every record through ``SqlSink.write`` in batches of --batch-size; rows/sec counts the rows
   of articles, entities, events, event_arguments and relations;
2. rerun: the same records again, which must write no article, and the counts must not move;
   then every table is exported to Parquet and the event data to CSV, timed, with their row counts;
3. killed: on another new database a writer process is killed with SIGKILL at about a third and
   again at about two thirds of the way; after each kill every article present must have all its
   children and only whole batches may be present; then a rerun completes it and every count must
   equal the expected one. Each rerun writes exactly the articles that were missing.

--base-records FILE replicates the records in FILE (a records.jsonl, or a base file kept from an
earlier run) instead of running the NLP. Results (and the checks, each true or false) go to --out;
the machine's load average is recorded, since rows/sec depends on it. Speed is measured here,
never in tests.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from itertools import islice
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, make_url, select, text  # noqa: E402

from bench.reuters import REUTERS, read_reuters  # noqa: E402
from pipeline.export import export_events, export_tables  # noqa: E402
from pipeline.ingest import ArticleLimits, make_article  # noqa: E402
from pipeline.records import Article, ArticleRecord  # noqa: E402
from pipeline.sinks import sql  # noqa: E402

MUC4 = ROOT.parent / "shared" / "data" / "muc4" / "train.jsonl"
CHILD_TABLES = {"entities": sql.entities, "events": sql.events, "event_arguments": sql.event_arguments,
                "relations": sql.relations}
PG_SCHEMA = "db_load_bench"


# --- records ----------------------------------------------------------------------------------

def read_muc4(limit: int) -> Iterator[Article]:
    with open(MUC4, encoding="utf-8") as stream:
        for line in islice(stream, limit):
            doc = json.loads(line)
            article = make_article(doc["text"], str(MUC4), ArticleLimits(), article_id=f"muc4-{doc['docid']}",
                                   source="FBIS")
            if isinstance(article, Article):
                yield article


def base_records(count: int, path: Path) -> list[ArticleRecord]:
    """Run the pipeline once over ``count`` real articles and keep their records in ``path``."""
    from pipeline.execution.local import process_batch

    articles = list(read_muc4(count // 2)) + list(islice(read_reuters(), count - count // 2))
    if len(articles) != count:
        sys.exit(f"found {len(articles)} of {count} base articles in {MUC4.parent} and {REUTERS}")
    records = []
    for start in range(0, len(articles), 32):
        records += process_batch(articles[start:start + 32])
    path.write_text("".join(r.model_dump_json() + "\n" for r in records), encoding="utf-8")
    return records


def read_records(path: Path) -> list[ArticleRecord]:
    return [ArticleRecord.model_validate_json(line) for line in path.read_text(encoding="utf-8").splitlines()]


def synthetic(base: list[ArticleRecord], count: int) -> Iterator[ArticleRecord]:
    """Article i is base record i mod len(base) under a new id and content hash."""
    for i in range(count):
        record = base[i % len(base)]
        digest = hashlib.sha256(f"{record.content_hash}:{i}".encode()).hexdigest()
        yield record.model_copy(update={"article_id": f"load-{i:06d}", "content_hash": digest})


def children(record: ArticleRecord) -> dict[str, int]:
    return {"entities": len(record.entities), "events": len(record.events),
            "event_arguments": sum(len(e.arguments) for e in record.events), "relations": len(record.relations)}


def expected_counts(base: list[ArticleRecord], count: int) -> dict[str, int]:
    total = Counter({"articles": count})
    for i in range(count):
        total.update(children(base[i % len(base)]))
    return {name: total[name] for name in ("articles", *CHILD_TABLES)}


def write_all(url: str, base: list[ArticleRecord], count: int, batch_size: int) -> tuple[int, float]:
    """Write every synthetic record in batches; returns (articles written, seconds)."""
    sink = sql.SqlSink(url, run_id=uuid.uuid4().hex, command="bench/db_load.py", pipeline_version="bench")
    written, started = 0, time.perf_counter()
    records = synthetic(base, count)
    while batch := list(islice(records, batch_size)):
        written += sink.write(batch)
    seconds = time.perf_counter() - started
    sink.close()
    return written, seconds


# --- checks -----------------------------------------------------------------------------------

def table_counts(url: str) -> dict[str, int]:
    engine = sql.make_engine(url)
    with engine.connect() as connection:
        counts = {name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                  for name, table in (("articles", sql.articles), *CHILD_TABLES.items())}
    engine.dispose()
    return counts


def incomplete_articles(url: str, base: list[ArticleRecord]) -> int:
    """Articles present whose children in any table are not exactly those of their record."""
    engine = sql.make_engine(url)
    with engine.connect() as connection:
        present = connection.execute(select(sql.articles.c.article_id)).scalars().all()
        stored = {name: dict(connection.execute(select(table.c.article_id, func.count()).group_by(table.c.article_id)
                                                ).all())
                  for name, table in CHILD_TABLES.items()}
    engine.dispose()
    bad = 0
    for article_id in present:
        want = children(base[int(article_id.split("-")[1]) % len(base)])
        bad += any(stored[name].get(article_id, 0) != want[name] for name in CHILD_TABLES)
    orphans = sum(len(set(rows) - set(present)) for rows in stored.values())
    return bad + orphans


# --- backends ---------------------------------------------------------------------------------

def fresh_sqlite(folder: Path, name: str) -> str:
    path = folder / f"{name}.db"
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def fresh_postgres(base_url: str) -> str:
    url = make_url(base_url).set(drivername="postgresql+psycopg")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    engine.dispose()
    return url.update_query_dict({"options": f"-csearch_path={PG_SCHEMA}"}).render_as_string(hide_password=False)


def drop_postgres(base_url: str) -> None:
    engine = create_engine(make_url(base_url).set(drivername="postgresql+psycopg"))
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
    engine.dispose()


# --- one backend ------------------------------------------------------------------------------

def writer_process(url: str, args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, __file__, "write", "--url", url, "--base-file", str(args.base_file),
                             "--articles", str(args.articles), "--batch-size", str(args.batch_size)],
                            stdout=subprocess.DEVNULL)


def kill_at(url: str, args, fraction: float) -> dict:
    """Start a writer, SIGKILL it once the articles table holds ``fraction`` of the target."""
    process = writer_process(url, args)
    engine = sql.make_engine(url)
    seen = 0
    try:
        while process.poll() is None:
            time.sleep(0.05)
            try:
                with engine.connect() as connection:
                    seen = connection.execute(select(func.count()).select_from(sql.articles)).scalar_one()
            except Exception:  # the writer may not have created the schema yet
                continue
            if seen >= fraction * args.articles:
                process.send_signal(signal.SIGKILL)
                break
        process.wait()
    finally:
        engine.dispose()
    return {"killed_at_fraction": fraction, "returncode": process.returncode, "articles_seen_before_kill": seen}


def export(url: str, folder: Path, counts: dict[str, int]) -> dict:
    """Every table to Parquet and the event-data table to CSV, timed; their row counts must be the tables'."""
    engine = sql.make_engine(url)
    started = time.perf_counter()
    tables = export_tables(engine, folder, "parquet")
    tables_seconds = time.perf_counter() - started
    started = time.perf_counter()
    event_rows = export_events(engine, folder / "event_data.csv", "csv")
    events_seconds = time.perf_counter() - started
    engine.dispose()
    return {"tables_parquet_seconds": round(tables_seconds, 1), "event_data_csv_seconds": round(events_seconds, 1),
            "event_data_rows": event_rows,
            "counts_match": all(tables[name] == count for name, count in counts.items())
            and event_rows == counts["events"]}


def run_backend(name: str, url_factory, args, base: list[ArticleRecord], expected: dict[str, int]) -> dict:
    rows_expected = sum(expected.values())
    report: dict = {"backend": name}

    url = url_factory()
    written, seconds = write_all(url, base, args.articles, args.batch_size)
    counts = table_counts(url)
    report["write"] = {"articles_written": written, "rows": rows_expected, "seconds": round(seconds, 1),
                       "rows_per_sec": round(rows_expected / seconds), "articles_per_sec": round(written / seconds),
                       "counts": counts, "counts_match": counts == expected}
    print(f"{name} write: {report['write']}", file=sys.stderr)

    written, seconds = write_all(url, base, args.articles, args.batch_size)
    counts = table_counts(url)
    report["rerun"] = {"articles_written": written, "seconds": round(seconds, 1),
                       "articles_checked_per_sec": round(args.articles / seconds), "counts": counts,
                       "counts_match": counts == expected and written == 0}
    print(f"{name} rerun: {report['rerun']}", file=sys.stderr)
    report["export"] = export(url, args.work / f"export-{name}", counts)
    print(f"{name} export: {report['export']}", file=sys.stderr)

    url = url_factory()
    kills = []
    for fraction in (1 / 3, 2 / 3):
        kill = kill_at(url, args, fraction)
        counts = table_counts(url)
        kill.update(articles_after_kill=counts["articles"], incomplete_articles=incomplete_articles(url, base),
                    whole_batches_only=counts["articles"] % args.batch_size == 0)
        kills.append(kill)
        print(f"{name} killed: {kill}", file=sys.stderr)
    before = table_counts(url)["articles"]
    written, seconds = write_all(url, base, args.articles, args.batch_size)
    counts = table_counts(url)
    report["killed"] = {
        "kills": kills, "rerun_articles_written": written, "rerun_seconds": round(seconds, 1), "counts": counts,
        "incomplete_articles_after_rerun": incomplete_articles(url, base),
        "counts_match": counts == expected and written == args.articles - before,
        "killed_with_sigkill": all(k["returncode"] == -signal.SIGKILL for k in kills),
        "no_partial_article_after_kill": all(k["incomplete_articles"] == 0 and k["whole_batches_only"]
                                             for k in kills),
    }
    print(f"{name} after kills and rerun: {report['killed']}", file=sys.stderr)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command")
    writer = sub.add_parser("write", help="(internal) the writer process that gets killed")
    writer.add_argument("--url", required=True)
    writer.add_argument("--base-file", type=Path, required=True)
    writer.add_argument("--articles", type=int, required=True)
    writer.add_argument("--batch-size", type=int, required=True)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--base", type=int, default=300, help="real articles run through the pipeline")
    parser.add_argument("--base-records", type=Path, help="records JSONL to replicate instead of running the NLP")
    parser.add_argument("--batch-size", type=int, default=250, help="articles per transaction")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get("PG_TEST_URL"), help="default: $PG_TEST_URL")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "news-pipeline-db-load")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--note", default="", help="stored in the report: how the run was made, what else ran")
    args = parser.parse_args()

    if args.command == "write":
        base = read_records(args.base_file)
        write_all(args.url, base, args.articles, args.batch_size)
        return

    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if args.base_records:  # records of an earlier run (a records.jsonl, or this script's base file)
        args.base_file = args.base_records
        base = read_records(args.base_file)
    else:
        args.base_file = args.work / f"base-{args.base}.jsonl"
        base = base_records(args.base, args.base_file)
    nlp_seconds = time.perf_counter() - started
    expected = expected_counts(base, args.articles)
    report = {
        "machine": f"{platform.machine()} {os.cpu_count()} cpus", "load_average_at_start": os.getloadavg(),
        "base_articles": len(base), "base_records": str(args.base_file),
        "base_article_ids": f"{base[0].article_id} .. {base[-1].article_id}",
        "base_nlp_seconds": None if args.base_records else round(nlp_seconds, 1),
        "articles": args.articles, "batch_size": args.batch_size, "expected_counts": expected, "results": [],
    }
    backends = args.backends.split(",")
    if "sqlite" in backends:
        report["results"].append(run_backend("sqlite", lambda: fresh_sqlite(args.work, "load"), args, base,
                                             expected))
    if "postgresql" in backends:
        if not args.pg_url:
            sys.exit("PostgreSQL needs --pg-url or PG_TEST_URL (source .ci/postgres.sh as root)")
        try:
            report["results"].append(run_backend("postgresql", lambda: fresh_postgres(args.pg_url), args, base,
                                                 expected))
            engine = create_engine(make_url(args.pg_url).set(drivername="postgresql+psycopg"))
            with engine.connect() as connection:
                report["postgresql_server"] = connection.execute(text("SHOW server_version")).scalar_one()
            engine.dispose()
        finally:
            drop_postgres(args.pg_url)
    report["load_average_at_end"] = os.getloadavg()
    if args.note:
        report["note"] = args.note
    report["all_checks_pass"] = all(
        r["write"]["counts_match"] and r["rerun"]["counts_match"] and r["export"]["counts_match"]
        and r["killed"]["counts_match"]
        and r["killed"]["killed_with_sigkill"] and r["killed"]["no_partial_article_after_kill"]
        and r["killed"]["incomplete_articles_after_rerun"] == 0 for r in report["results"])
    text_out = json.dumps(report, indent=2)
    print(text_out)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text_out + "\n", encoding="utf-8")
    if not report["all_checks_pass"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
