"""Exactly-once under faults: `news-pipeline run` killed at random points, and the PostgreSQL server
stopped under a running job; after each, the JSONL output, the manifest and the database hold every
article exactly once, with the same records and rows as an uninterrupted run.

The runs go through the real command (``pipeline.cli``), the real pipeline, sinks and manifest. To
keep 20+ trials cheap, a driver process (this module run as ``python -m tests.test_reliability_faults``)
builds the pipeline once and forks a child per run, so a run does not pay the model load again; the
child is the command exactly as the console script runs it, and it is killed with a real SIGKILL
(or SIGINT, as Ctrl-C) at a random moment drawn from a fixed seed.
"""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import traceback
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLACES = ["Kabul", "Mosul", "Lima", "Kunduz", "Aleppo", "Mogadishu", "Peshawar", "Maiduguri", "Sanaa", "Goma"]
VERBS = ["attacked", "bombed", "raided", "ambushed"]
TABLES = ("articles", "entities", "events", "event_arguments", "relations")
SEED = 20240612


def write_articles(path: Path, n: int) -> list[str]:
    """n short, distinct articles, a repeat of one of them and a broken line; returns the ids to expect."""
    rows = []
    for i in range(n):
        place, verb = PLACES[i % len(PLACES)], VERBS[i % len(VERBS)]
        rows.append({"id": f"a{i:03d}", "published": "2021-06-01", "text": (
            f"Gunmen {verb} a police checkpoint in {place} on Monday, killing {i % 9 + 2} officers, "
            f"a spokesman said.\n\nNo group claimed the attack, the {i + 1}th this year.")})
    lines = [json.dumps(row) for row in rows]
    lines.insert(3, json.dumps({"id": "copy", "text": rows[1]["text"]}))  # repeated content: never written
    lines.insert(5, '{"id": "broken", "text": ')  # quarantined
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [row["id"] for row in rows]


# --- the driver (a separate process) ---------------------------------------------------------------


def _fork_run(argv: list[str], log: Path) -> int:
    """Fork a child that runs `news-pipeline <argv>` with the preloaded pipeline; returns its pid."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.dup2(fd, 2)
        os.dup2(fd, 1)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        from pipeline.cli import main

        sys.argv = ["news-pipeline", *argv]
        main()  # what the console script runs
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BaseException:  # noqa: BLE001 - reported through the log and the exit code
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _wait(pid: int, timeout: float = 300) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.005)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise TimeoutError("the run did not finish")


def _wait_for(path: Path, pid: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.001)


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


class Database:
    """A fresh database per run: a SQLite file, or a PostgreSQL schema of its own."""

    def __init__(self, kind: str, folder: Path, pg_url: str | None):
        self.kind = kind
        if kind == "sqlite":
            self.url = f"sqlite:///{folder / 'events.db'}"
            self.path = folder / "events.db"
        else:
            from sqlalchemy import make_url

            self.schema = f"chaos_{uuid.uuid4().hex[:12]}"
            base = make_url(pg_url).set(drivername="postgresql+psycopg")
            self._admin_url = base
            self._sql(f"CREATE SCHEMA {self.schema}")
            self.url = base.update_query_dict({"options": f"-csearch_path={self.schema}"}).render_as_string(
                hide_password=False)

    def _sql(self, statement: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self._admin_url)
        try:
            with engine.begin() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()  # no connection may outlive a fork

    def rows(self) -> dict[str, list]:
        """Every row of the record tables (run ids left out), sorted; {} before the schema exists."""
        if self.kind == "sqlite":
            if not self.path.exists():
                return {}
            with sqlite3.connect(self.path) as connection:
                names = {r[0] for r in connection.execute("select name from sqlite_master where type = 'table'")}
                if "articles" not in names:
                    return {}
                return {t: sorted(map(list, connection.execute(self._select(t, connection)))) for t in TABLES}
        from sqlalchemy import create_engine, inspect, text

        engine = create_engine(self.url)
        try:
            with engine.connect() as connection:
                if not inspect(connection).has_table("articles"):
                    return {}
                return {t: sorted(map(list, connection.execute(text(self._select(t, connection))))) for t in TABLES}
        finally:
            engine.dispose()

    def _select(self, table: str, connection) -> str:
        if self.kind == "sqlite":
            columns = [r[1] for r in connection.execute(f"pragma table_info({table})")]
        else:
            from sqlalchemy import inspect

            columns = [c["name"] for c in inspect(connection).get_columns(table)]
        return f"select {', '.join(c for c in columns if c != 'run_id')} from {table}"

    def drop(self) -> None:
        if self.kind == "postgresql":
            self._sql(f"DROP SCHEMA {self.schema} CASCADE")


def _outputs(folder: Path, db: Database) -> dict:
    out = folder / "records.jsonl"
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []
    manifest = folder / "records.manifest.jsonl"
    listed = [json.loads(line)["article_id"] for line in manifest.read_text(encoding="utf-8").splitlines()] \
        if manifest.exists() else []
    return {"records": records, "manifest": listed, "rows": db.rows()}


def _check(outputs: dict, reference: dict, expected: list[str]) -> list[str]:
    """What is wrong with a finished run's outputs (empty when every article is there exactly once)."""
    problems = []
    ids = [r["article_id"] for r in outputs["records"]]
    if sorted(ids) != expected:
        missing, twice = sorted(set(expected) - set(ids)), sorted({i for i in ids if ids.count(i) > 1})
        problems.append(f"JSONL: missing {missing}, twice {twice}, unexpected {sorted(set(ids) - set(expected))}")
    if outputs["manifest"] != ids:
        problems.append("the manifest does not list the output's records in order")
    by_id = {r["article_id"]: r for r in outputs["records"]}
    if by_id != {r["article_id"]: r for r in reference["records"]}:
        problems.append("JSONL records differ from the uninterrupted run's")
    for table in TABLES:
        if outputs["rows"].get(table) != reference["rows"][table]:
            problems.append(f"database table {table} differs from the uninterrupted run's")
    return problems


def _argv(inputs: Path, folder: Path, db: Database) -> list[str]:
    return ["run", str(inputs), "--out", str(folder / "records.jsonl"), "--db", db.url, "--batch-size", "2"]


def _warm_up(work: Path) -> None:
    """Run the command once in the driver, before any fork, so that every child starts warm: the
    pipeline built, the gazetteer its place component builds on first use, the command's imports."""
    from pipeline.cli import app

    folder = work / "warm-up"
    folder.mkdir()
    write_articles(folder / "articles.jsonl", 2)
    try:
        app(args=["run", str(folder / "articles.jsonl"), "--out", str(folder / "records.jsonl"),
                  "--db", f"sqlite:///{folder / 'events.db'}"], prog_name="news-pipeline", standalone_mode=False)
    except SystemExit:
        pass


def chaos(kind: str, trials: int, n_articles: int, work: Path, pg_url: str | None) -> dict:
    _warm_up(work)
    inputs = work / "articles.jsonl"
    expected = sorted(write_articles(inputs, n_articles))
    rng = random.Random(SEED)

    folder = work / "reference"
    folder.mkdir()
    db = Database(kind, folder, pg_url)
    started = time.monotonic()
    code = _wait(_fork_run(_argv(inputs, folder, db), folder / "log.txt"))
    full = time.monotonic() - started
    reference = _outputs(folder, db)
    db.drop()
    assert code == 0, (folder / "log.txt").read_text()
    assert sorted(r["article_id"] for r in reference["records"]) == expected

    results = []
    for trial in range(trials):
        folder = work / f"trial-{trial:02d}"
        folder.mkdir()
        db = Database(kind, folder, pg_url)
        log = folder / "log.txt"
        interruptions = []
        # Every fourth trial is a Ctrl-C (SIGINT), the others SIGKILL; one in three is interrupted twice.
        for _ in range(2 if rng.random() < 1 / 3 else 1):
            sig = signal.SIGINT if trial % 4 == 3 else signal.SIGKILL
            delay = rng.uniform(0.0, 0.9 * full)
            log_start = log.stat().st_size if log.exists() else 0
            pid = _fork_run(_argv(inputs, folder, db), log)
            if sig == signal.SIGINT:
                # Ctrl-C is the run's to handle once it has started (its handler is in place when it opens
                # the quarantine file); before that, while Python loads the command, it is Python's.
                _wait_for(folder / "quarantine.jsonl", pid)
            time.sleep(delay)
            written_before = _lines(folder / "records.manifest.jsonl")
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
            code = _wait(pid)
            rows = db.rows()
            interruptions.append({
                "signal": signal.Signals(sig).name, "delay_s": round(delay, 3), "exit": code,
                "manifest_lines": _lines(folder / "records.manifest.jsonl"), "manifest_before": written_before,
                "output_lines": _lines(folder / "records.jsonl"),
                "db_articles": len(rows.get("articles", [])),
                # What this run said as it stopped (the trial's log, kept below, holds only its last lines).
                "said": log.read_bytes()[log_start:].decode(errors="replace")[-20000:],
            })
        code = _wait(_fork_run(_argv(inputs, folder, db), log))
        outputs = _outputs(folder, db)
        problems = _check(outputs, reference, expected) if code == 0 else [f"the resumed run exited {code}"]
        db.drop()
        results.append({"trial": trial, "interruptions": interruptions, "resumed_exit": code, "problems": problems,
                        "log": log.read_text(errors="replace")[-3000:]})
    return {"backend": kind, "articles": n_articles, "seed": SEED, "uninterrupted_s": round(full, 2),
            "trials": results}


def outage(n_articles: int, work: Path, pg_url: str, cluster: list[str], down_s: float, retry_for: float) -> dict:
    """Stop the PostgreSQL server under a running job, start it again after down_s seconds."""
    _warm_up(work)
    inputs = work / "articles.jsonl"
    expected = sorted(write_articles(inputs, n_articles))
    folder = work / f"outage-{retry_for:g}"
    folder.mkdir()
    db = Database("postgresql", folder, pg_url)
    log = folder / "log.txt"
    argv = [*_argv(inputs, folder, db), "--batch-size", "1", "--db-retry-for", str(retry_for)]
    pid = _fork_run(argv, log)
    stopped_at = None
    try:
        deadline = time.monotonic() + 120
        while _lines(folder / "records.manifest.jsonl") < 3:
            assert time.monotonic() < deadline and not os.waitpid(pid, os.WNOHANG)[0], log.read_text()
            time.sleep(0.01)
        _pg_ctl(cluster, "stop")
        stopped_at = time.monotonic()
        written_at_stop = _lines(folder / "records.manifest.jsonl")
        time.sleep(down_s)
        done, status = os.waitpid(pid, os.WNOHANG)
        alive_while_down = done == 0
    finally:
        _pg_ctl(cluster, "start")
    restarted_after = time.monotonic() - stopped_at
    code = _wait(pid) if alive_while_down else os.waitstatus_to_exitcode(status)
    result = {"down_s": round(restarted_after, 1), "retry_for_s": retry_for, "written_at_stop": written_at_stop,
              "alive_while_down": alive_while_down, "exit": code, "log": log.read_text(errors="replace")[-4000:]}
    if code != 0:  # gave up: the same command, rerun with the server back, finishes the job
        result["rerun_exit"] = _wait(_fork_run(argv, log))
    outputs = _outputs(folder, db)
    ids = [r["article_id"] for r in outputs["records"]]
    result["problems"] = [] if sorted(ids) == expected and outputs["manifest"] == ids else [
        f"JSONL: {len(ids)} records, {len(set(ids))} distinct, {len(expected)} expected"]
    stored = sorted(row[0] for row in outputs["rows"].get("articles", []))
    if stored != expected:
        result["problems"].append(f"database: {len(stored)} article rows, {len(set(stored))} distinct")
    events = {}
    for row in outputs["rows"].get("events", []):
        events[row[0]] = events.get(row[0], 0) + 1
    if events != {r["article_id"]: len(r["events"]) for r in outputs["records"] if r["events"]}:
        result["problems"].append("database events differ from the JSONL records'")
    db.drop()
    return result


def _pg_ctl(cluster: list[str], action: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", "pg_ctlcluster", *cluster, action], check=True,
                   capture_output=True, timeout=120)


def main() -> None:
    config = json.loads(sys.argv[2])
    work = Path(config.pop("work"))
    result = chaos(work=work, **config) if sys.argv[1] == "chaos" else outage(work=work, **config)
    print(json.dumps(result))


# --- the tests ---------------------------------------------------------------------------------------


def _drive(mode: str, tmp_path: Path, timeout: float, **config) -> dict:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    driver = subprocess.run([sys.executable, "-m", "tests.test_reliability_faults", mode,
                             json.dumps({"work": str(tmp_path), **config})],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert driver.returncode == 0, driver.stderr[-5000:]
    result = json.loads(driver.stdout.strip().splitlines()[-1])
    report = os.environ.get("RELIABILITY_REPORT")  # docs/reliability.md's figures: where to keep them
    if report:
        with open(report, "a", encoding="utf-8") as stream:
            stream.write(json.dumps({"mode": mode, **{k: v for k, v in result.items()}}) + "\n")
    return result


def _pg_url() -> str:
    url = os.environ.get("PG_TEST_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("PG_TEST_URL is unset in CI: .ci/run must start PostgreSQL")
        pytest.skip("PG_TEST_URL is not set (source .ci/postgres.sh as root)")
    return url


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_runs_killed_at_random_points_resume_to_exactly_once(kind, tmp_path):
    pg_url = _pg_url() if kind == "postgresql" else None
    result = _drive("chaos", tmp_path, 600, kind=kind, trials=20, n_articles=16, pg_url=pg_url)
    trials = result["trials"]
    assert len(trials) == 20
    for trial in trials:
        assert not trial["problems"] and trial["resumed_exit"] == 0, trial
        for hit in trial["interruptions"]:
            if hit["signal"] == "SIGKILL":
                assert hit["exit"] in (-signal.SIGKILL, 0), trial
            else:  # Ctrl-C: a clean stop that says where to resume, or the run had already finished
                assert hit["exit"] in (130, 0) and "Traceback" not in trial["log"], trial
    sigint = [h for t in trials for h in t["interruptions"] if h["signal"] == "SIGINT" and h["exit"] == 130]
    assert sigint and all("Rerun the same command" in h["said"] for h in sigint), sigint
    # The draws must land inside runs, not only before or after them, for the trials to mean anything.
    midway = [h for t in trials for h in t["interruptions"] if 0 < h["output_lines"] < result["articles"]]
    assert len(midway) >= 6, [t["interruptions"] for t in trials]


def _cluster() -> list[str]:
    if os.geteuid() != 0:
        pytest.skip("stopping the PostgreSQL server needs root")
    try:
        listed = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("no pg_lsclusters: not a Debian PostgreSQL cluster")
    version, name, *_ = listed.stdout.split()
    return [version, name]


def _ensure_started(cluster: list[str]) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", "pg_ctlcluster", *cluster, "start"], capture_output=True)


def _outage(tmp_path, down_s: float, retry_for: float) -> dict:
    """A run of 120 articles into PostgreSQL with the server stopped for down_s seconds midway; the
    server is started again whatever happens."""
    pg_url = _pg_url()
    cluster = _cluster()
    try:
        return _drive("outage", tmp_path, 300, n_articles=120, pg_url=pg_url, cluster=cluster, down_s=down_s,
                      retry_for=retry_for)
    finally:
        _ensure_started(cluster)


@pytest.mark.postgres
def test_postgres_stopped_mid_run_is_waited_out_and_nothing_is_lost_or_doubled(tmp_path):
    result = _outage(tmp_path, down_s=4.0, retry_for=120.0)
    assert result["written_at_stop"] < 120 and result["alive_while_down"], result
    assert result["exit"] == 0, result["log"]
    assert "unavailable" in result["log"] and "retrying in" in result["log"]
    assert not result["problems"], result


@pytest.mark.postgres
def test_postgres_down_for_longer_than_the_retries_stops_with_a_clear_error_and_resumes(tmp_path):
    result = _outage(tmp_path, down_s=5.0, retry_for=1.5)
    assert result["exit"] == 1, result["log"]
    assert "gave up writing a batch" in result["log"] and "rerun the same command to resume" in result["log"]
    assert "Traceback" not in result["log"]
    assert result["rerun_exit"] == 0 and not result["problems"], result


if __name__ == "__main__":
    main()
