"""Runs that stop midway: killed (SIGKILL) or interrupted (Ctrl-C), then restarted with the same
command, finish with every article exactly once in the JSONL output and in the database."""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from pipeline.execution.manifest import Manifest, manifest_path
from pipeline.execution.run import GracefulStop

from .conftest import write_jsonl

PLACES = ["Kabul", "Mosul", "Lima", "Kunduz", "Aleppo", "Mogadishu", "Peshawar", "Maiduguri"]
N_ARTICLES = 40


def _articles(tmp_path: Path) -> Path:
    rows = []
    for i in range(N_ARTICLES):
        place = PLACES[i % len(PLACES)]
        rows.append({"id": f"a{i:02d}", "published": "2021-06-01", "text": (
            f"Gunmen attacked a police checkpoint in {place} on Monday, killing {i + 2} officers and wounding "
            f"{i + 5} others, a provincial spokesman said.\n\nNo group claimed responsibility for the attack, "
            f"the {i + 1}th in the province this year. Security forces sealed off the area and began a search "
            f"operation, officials in {place} said on Tuesday.")})
    rows.insert(7, {"id": "copy", "text": rows[3]["text"]})  # repeated content: never written
    return write_jsonl(tmp_path / "in.jsonl", rows)


def _command(articles: Path, out: Path, db: Path, *extra: str) -> list[str]:
    script = Path(sys.executable).with_name("news-pipeline")
    head = [str(script)] if script.exists() else [sys.executable, "-m", "pipeline"]
    return [*head, "run", str(articles), "--out", str(out), "--db", f"sqlite:///{db}", "--batch-size", "2", *extra]


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def _start_and_wait_for_records(command: list[str], out: Path) -> subprocess.Popen:
    # Its own session, so that a signal to its process group reaches it and its workers only.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 300
    while _lines(manifest_path(out)) == 0:
        assert process.poll() is None, process.communicate()[1].decode()
        assert time.monotonic() < deadline, "no record was written"
        time.sleep(0.02)
    return process


def _check_every_article_once(out: Path, db: Path) -> None:
    expected = [f"a{i:02d}" for i in range(N_ARTICLES)]
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["article_id"] for r in records) == expected  # none lost, none twice, no copy
    listed = [json.loads(line)["article_id"] for line in manifest_path(out).read_text(encoding="utf-8").splitlines()]
    assert listed == [r["article_id"] for r in records]
    with sqlite3.connect(db) as connection:
        assert [row[0] for row in connection.execute("select article_id from articles order by article_id")] == expected
        stored = dict(connection.execute("select article_id, count(*) from events group by article_id"))
    assert stored == {r["article_id"]: len(r["events"]) for r in records if r["events"]}


def test_a_killed_run_restarted_writes_every_article_once(tmp_path):
    articles, out, db = _articles(tmp_path), tmp_path / "out" / "records.jsonl", tmp_path / "out" / "events.db"
    command = _command(articles, out, db)
    process = _start_and_wait_for_records(command, out)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL
    assert 0 < _lines(out) < N_ARTICLES, "the kill must land midway for this test to mean anything"

    restarted = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert restarted.returncode == 0, restarted.stderr
    assert "already done: " in restarted.stderr
    _check_every_article_once(out, db)


def test_ctrl_c_finishes_the_batches_in_flight_says_where_to_resume_and_exits_130(tmp_path):
    articles, out, db = _articles(tmp_path), tmp_path / "out" / "records.jsonl", tmp_path / "out" / "events.db"
    command = _command(articles, out, db, "--n-process", "2")
    process = _start_and_wait_for_records(command, out)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the parent and its workers
    _, stderr = process.communicate(timeout=300)
    stderr = stderr.decode()
    assert process.returncode == 130, stderr
    written = _lines(out)
    assert 0 < written < N_ARTICLES, "the interrupt must land midway for this test to mean anything"
    assert f"interrupted: {written} articles written" in stderr
    assert str(manifest_path(out)) in stderr and "Rerun the same command" in stderr
    assert out.read_bytes().endswith(b"\n")  # whole records only

    resumed = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert f"already done: {written + 1}" in resumed.stderr or f"already done: {written}" in resumed.stderr
    _check_every_article_once(out, db)


def test_graceful_stop_asks_once_then_interrupts():
    # What was there before is put back: Python's handler, or SIG_IGN when the test process was started in
    # the background by a non-interactive shell (which makes SIGINT ignored from the start).
    before = signal.getsignal(signal.SIGINT)
    with GracefulStop() as stop:
        os.kill(os.getpid(), signal.SIGINT)
        assert stop.requested
        try:
            os.kill(os.getpid(), signal.SIGINT)
        except KeyboardInterrupt:
            pass
        else:
            raise AssertionError("a second Ctrl-C must interrupt at once")
    assert signal.getsignal(signal.SIGINT) is before


def _record_line(article_id: str) -> str:
    return json.dumps({"article_id": article_id, "content_hash": f"h-{article_id}", "text": "..."}) + "\n"


def test_manifest_catches_up_with_the_output_after_a_crash_between_the_two_writes(tmp_path):
    out = tmp_path / "records.jsonl"
    out.write_text(_record_line("a") + _record_line("b") + _record_line("c") + '{"article_id": "d", "con',
                   encoding="utf-8")
    manifest_path(out).write_text('{"article_id": "a", "content_hash": "h-a"}\n', encoding="utf-8")
    manifest = Manifest(out)
    assert list(manifest.keys()) == [("a", "h-a"), ("b", "h-b"), ("c", "h-c")]
    manifest.close()
    assert out.read_text(encoding="utf-8").count("\n") == 3  # the cut-off record is gone


def test_manifest_longer_than_its_output_is_rebuilt_from_the_output(tmp_path):
    out = tmp_path / "records.jsonl"
    manifest_path(out).write_text('{"article_id": "a", "content_hash": "h-a"}\n'
                                  '{"article_id": "b", "content_hash": "h-b"}\n', encoding="utf-8")
    out.write_text(_record_line("b"), encoding="utf-8")  # the output was replaced by hand
    manifest = Manifest(out)
    assert list(manifest.keys()) == [("b", "h-b")]
    manifest.close()
    assert manifest_path(tmp_path / "x.jsonl").name == "x.manifest.jsonl"


def test_batches_close_at_the_article_count_or_the_character_budget():
    from pipeline.execution.run import batched
    from pipeline.ingest import ArticleLimits, make_article

    def articles(*lengths):
        return [make_article("x" * n, f"a{i}", ArticleLimits(), article_id=f"a{i}") for i, n in enumerate(lengths)]

    sizes = [[len(a.text) for a in batch] for batch in batched(articles(10, 10, 10, 10, 10), 2, 1000)]
    assert sizes == [[10, 10], [10, 10], [10]]
    # Long articles split batches; one longer than the budget goes alone, and nothing is dropped.
    sizes = [[len(a.text) for a in batch] for batch in batched(articles(400, 400, 400, 5000, 100, 100), 32, 1000)]
    assert sizes == [[400, 400], [400], [5000], [100, 100]]
    assert [len(b) for b in batched(articles(400, 400, 400), 32)] == [3]  # no budget: the count alone
