"""The command line: ``news-pipeline`` or ``python -m pipeline``.

Exit codes: 0 success; 1 an error (unreadable input, database failure); 2 bad usage;
3 the run finished but quarantined input while ``--strict`` was given; 130 interrupted
(everything written so far is whole; the same command resumes).
"""
from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__.split("\n")[0])
db_app = typer.Typer(no_args_is_help=True, help="Database schema commands.")
app.add_typer(db_app, name="db")

EXIT_QUARANTINED = 3
EXIT_INTERRUPTED = 130


@app.command()
def run(
    inputs: List[Path] = typer.Argument(..., help="JSONL, .jsonl.gz, .txt files or directories of .txt files"),
    out: Path = typer.Option(Path("records.jsonl"), "--out", "-o", help="JSONL output; also the resume manifest"),
    db: Optional[str] = typer.Option(None, "--db", help="SQLAlchemy URL, e.g. sqlite:///events.db"),
    quarantine: Optional[Path] = typer.Option(None, "--quarantine", help="default: quarantine.jsonl beside --out"),
    n_process: int = typer.Option(1, "--n-process", min=1, help="worker processes"),
    batch_size: int = typer.Option(32, "--batch-size", min=1),
    max_chars: int = typer.Option(1_000_000, "--max-chars", help="longer articles are quarantined"),
    strict: bool = typer.Option(False, "--strict", help="exit 3 when any input was quarantined"),
) -> None:
    """Extract event records from news articles."""
    from tqdm import tqdm

    from .execution.local import run_local
    from .ingest import ArticleLimits

    with tqdm(unit=" articles", desc="extracting", disable=None, file=sys.stderr) as bar:
        summary = run_local(
            inputs, out, db_url=db, quarantine_path=quarantine, n_process=n_process, batch_size=batch_size,
            limits=ArticleLimits(max_chars=max_chars), run_id=uuid.uuid4().hex, command=" ".join(sys.argv),
            on_progress=bar.update,
        )
    typer.echo(
        f"articles: {summary.articles}  events: {summary.events}  quarantined: {summary.quarantined}  "
        f"duplicates: {summary.duplicates}  already done: {summary.already_done}  "
        f"words/sec: {summary.words_per_second:,.0f}", err=True)
    if summary.interrupted:
        typer.echo(f"interrupted after article {summary.last_article_id}; rerun the same command to resume.", err=True)
        raise typer.Exit(EXIT_INTERRUPTED)
    if strict and summary.quarantined:
        raise typer.Exit(EXIT_QUARANTINED)


@app.command()
def show(
    article_id: str = typer.Argument(...),
    records: Path = typer.Option(Path("records.jsonl"), "--records", help="JSONL records to read from"),
    html: Path = typer.Option(Path("article.html"), "--html", help="where to write the page"),
) -> None:
    """Render one article's entities and events with displaCy."""
    from .visualize import find_record, render_record

    record = find_record(records, article_id)
    if record is None:
        typer.echo(f"no record with article_id {article_id!r} in {records}", err=True)
        raise typer.Exit(1)
    html.write_text(render_record(record), encoding="utf-8")
    typer.echo(f"wrote {html}", err=True)


@app.command()
def evaluate(
    gold: Path = typer.Option(Path("annotations"), "--gold", help="annotations folder (docs/ + index.jsonl)"),
    split: Optional[str] = typer.Option("test", "--split", help="train, dev, test, or all"),
    pred: Optional[Path] = typer.Option(None, "--pred", help="records JSONL; default: run the pipeline"),
    out: Optional[Path] = typer.Option(None, "--out", help="default: metrics/eval-<split>.json"),
    baseline: bool = typer.Option(True, "--baseline/--no-baseline", help="also score the bare base model's NER"),
) -> None:
    """Score the pipeline against the hand-annotated gold, per layer and per label."""
    from .evaluation.evaluate import evaluate as run_evaluation
    from .evaluation.evaluate import summary_lines, write_report

    report = run_evaluation(gold, None if split == "all" else split, pred, with_baseline=baseline)
    out = out or Path("metrics") / f"eval-{split}.json"
    write_report(report, out)
    for line in summary_lines(report):
        typer.echo(line)
    typer.echo(f"wrote {out}", err=True)


@app.command()
def schema(out: Optional[Path] = typer.Option(None, "--out", help="default: print to stdout")) -> None:
    """Print (or write) the JSON Schema of the output records."""
    from .records import record_json_schema

    text = json.dumps(record_json_schema(), indent=2, sort_keys=True) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")


@db_app.command("init")
def db_init(db: str = typer.Option("sqlite:///events.db", "--db")) -> None:
    """Create the database schema (idempotent) and print its version."""
    from .sinks.sql import init_schema, make_engine

    engine = make_engine(db)
    typer.echo(f"schema version {init_schema(engine)} at {engine.url.render_as_string(hide_password=True)}")


@app.command()
def version() -> None:
    """Print the pipeline version."""
    typer.echo(__version__)


def main() -> None:
    app()
