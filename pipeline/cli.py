"""The command line: ``news-pipeline`` or ``python -m pipeline``.

Exit codes: 0 success; 1 an error (unreadable input, database failure); 2 bad usage;
3 the run finished but quarantined input while ``--strict`` was given; 130 interrupted
(everything written so far is whole; the same command resumes).
"""
from __future__ import annotations

import json
import os
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
    inputs: List[Path] = typer.Argument(..., help="JSONL (.gz), HTML, WARC (.gz), .txt files, or directories of them"),
    out: Path = typer.Option(Path("records.jsonl"), "--out", "-o",
                             help="JSONL output; finished articles are listed in <out stem>.manifest.jsonl"),
    db: Optional[str] = typer.Option(None, "--db", help="SQLAlchemy URL, e.g. sqlite:///events.db"),
    quarantine: Optional[Path] = typer.Option(None, "--quarantine", help="default: quarantine.jsonl beside --out"),
    n_process: int = typer.Option(1, "--n-process", min=1,
                                  help="worker processes (with --engine dask: LocalCluster workers)"),
    batch_size: int = typer.Option(32, "--batch-size", min=1),
    batch_chars: int = typer.Option(32_000, "--batch-chars", min=1,
                                    help="a batch also closes at this many characters, which bounds a worker's "
                                         "memory (an article longer than this goes alone)"),
    max_chars: int = typer.Option(1_000_000, "--max-chars", help="longer articles are quarantined"),
    strict: bool = typer.Option(False, "--strict", help="exit 3 when any input was quarantined"),
    engine: str = typer.Option("local", "--engine", help="local (process pool) or dask (needs the 'dist' extra)"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                            help="with --engine dask: tcp://host:port of a running scheduler; "
                                                 "default: a LocalCluster of --n-process workers"),
    db_retry_for: float = typer.Option(120.0, "--db-retry-for", min=0,
                                       help="seconds to wait out an unreachable database (with backoff) before "
                                            "stopping; the same command then resumes"),
    incidents_only: bool = typer.Option(False, "--incidents-only",
                                        help="report only the events the event filter takes for incidents a coder "
                                             "would record, as MUC-4 templates count them, with the fillers the "
                                             "argument filter keeps; an article left with none takes the trained "
                                             "event extractor's events (a remote "
                                             "--scheduler's workers need NEWS_PIPELINE_INCIDENTS_ONLY=1 themselves)"),
    events_model: Optional[Path] = typer.Option(
        None, "--events-model", exists=True, file_okay=False,
        help="this trained event extractor in place of models/events, e.g. models/events-trf (the transformer "
             "variant: make train-trf, run from .venv-trf; a remote --scheduler's workers need "
             "NEWS_PIPELINE_EVENTS_MODEL themselves)"),
) -> None:
    """Extract event records from news articles."""
    from tqdm import tqdm

    from .ingest import ArticleLimits
    from .language import EVENTS_MODEL_ENV, INCIDENTS_ONLY_ENV
    from .sinks.sql import DatabaseUnavailable

    if engine not in ("local", "dask"):
        raise typer.BadParameter(f"unknown engine {engine!r}: use local or dask", param_hint="--engine")
    if scheduler and engine != "dask":
        raise typer.BadParameter("--scheduler needs --engine dask", param_hint="--scheduler")
    # Read where the pipeline is loaded: here and in the worker processes.
    settings = {INCIDENTS_ONLY_ENV: "1" if incidents_only else None,
                EVENTS_MODEL_ENV: str(events_model.resolve()) if events_model else None}
    before = {name: os.environ.get(name) for name in settings}
    os.environ.update({name: value for name, value in settings.items() if value is not None})
    common = dict(db_url=db, quarantine_path=quarantine, batch_size=batch_size, batch_chars=batch_chars,
                  limits=ArticleLimits(max_chars=max_chars), run_id=uuid.uuid4().hex, command=" ".join(sys.argv),
                  db_retry_seconds=db_retry_for)
    try:
        with tqdm(unit=" articles", desc="extracting", disable=None, file=sys.stderr) as bar:
            if engine == "dask":
                from .execution.distributed import run_dask

                summary = run_dask(inputs, out, scheduler=scheduler, n_workers=n_process, on_progress=bar.update,
                                   **common)
            else:
                from .execution.local import run_local

                summary = run_local(inputs, out, n_process=n_process, on_progress=bar.update, **common)
    except DatabaseUnavailable as error:
        typer.echo(f"error: {error}. Every batch before it is written whole; once the database is back, "
                   "rerun the same command to resume.", err=True)
        raise typer.Exit(1)
    except KeyboardInterrupt:  # before the run had started: nothing was written
        typer.echo("interrupted before the run started; nothing was written. Rerun the same command.", err=True)
        raise typer.Exit(EXIT_INTERRUPTED)
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    typer.echo(
        f"articles: {summary.articles}  events: {summary.events}  quarantined: {summary.quarantined}  "
        f"duplicates: {summary.duplicates}  already done: {summary.already_done}  "
        f"words/sec: {summary.words_per_second:,.0f}", err=True)
    if summary.interrupted:
        typer.echo(f"interrupted: {summary.articles} articles written in this run (last: {summary.last_article_id}); "
                   f"finished articles are listed in {summary.manifest}. "
                   "Rerun the same command to resume after them.", err=True)
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
    case: Optional[str] = typer.Option(None, "--case", help="upper or lower: score a copy of the gold texts in that case"),
) -> None:
    """Score the pipeline against the hand-annotated gold, per layer and per label."""
    from .evaluation.evaluate import evaluate as run_evaluation
    from .evaluation.evaluate import summary_lines, write_report

    if case not in (None, "upper", "lower"):
        raise typer.BadParameter(f"unknown case {case!r}: use upper or lower", param_hint="--case")
    report = run_evaluation(gold, None if split == "all" else split, pred, with_baseline=baseline, case=case)
    out = out or Path("metrics") / (f"eval-{split}.json" if case is None else f"eval-{split}-{case}.json")
    write_report(report, out)
    for line in summary_lines(report):
        typer.echo(line)
    typer.echo(f"wrote {out}", err=True)


@app.command("evaluate-muc4")
def evaluate_muc4(
    gold: Path = typer.Option(..., "--gold", help="MUC-4 in GTT's processed form (JSONL), e.g. muc4/gtt/dev.jsonl"),
    pipeline: List[str] = typer.Option(["full"], "--pipeline",
                                       help="full, incidents (full, events the event filter keeps), rules, or a trained "
                                            "pipeline directory; repeatable"),
    pred: Optional[Path] = typer.Option(None, "--pred", help="score templates from JSONL (docid, templates) instead"),
    out: Optional[Path] = typer.Option(None, "--out", help="also write here, keeping other pipelines' entries"),
    gpu_id: int = typer.Option(-1, "--gpu-id", help="run the pipelines on this GPU (default: CPU)"),
    events_model: Optional[Path] = typer.Option(
        None, "--events-model", exists=True, file_okay=False,
        help="full and incidents: this event extractor in place of models/events (models/events-trf: the "
             "transformer variant); their entries are named e.g. 'incidents+events-trf'"),
) -> None:
    """MUC-4 role fillers and incident types with GTT's template metric (micro P/R/F1 per role); prints JSON."""
    from .evaluation.muc4 import FULL, INCIDENTS
    from .evaluation.muc4 import evaluate_muc4 as run_muc4
    from .evaluation.muc4 import merge_reports

    def entry(name: str) -> str:
        return f"{name}+{events_model.name}" if events_model and name in (FULL, INCIDENTS) else name

    reports = ({str(pred): run_muc4(gold, pred_path=pred)} if pred else
               {entry(name): run_muc4(gold, name, gpu_id=gpu_id, events_model=events_model) for name in pipeline})
    typer.echo(json.dumps(merge_reports(reports, out), indent=2))


@app.command("evaluate-timex")
def evaluate_timex(
    corpus: Path = typer.Option(..., "--corpus", help="TempEval-3 folder (holding TBAQ-cleaned/) or TBAQ-cleaned"),
    out: Path = typer.Option(Path("metrics/timex.json"), "--out"),
) -> None:
    """DATE detection (strict, relaxed) and TIMEX3 value accuracy on TempEval-3 TimeBank + AQUAINT."""
    from .evaluation.tempeval import evaluate_timex as run_timex
    from .evaluation.tempeval import summary_lines, write_report

    report = run_timex(corpus)
    write_report(report, out)
    for line in summary_lines(report):
        typer.echo(line)
    typer.echo(f"wrote {out}", err=True)


@app.command("evaluate-places")
def evaluate_places(
    gold: Path = typer.Option(..., "--gold", help="MUC-4 JSONL with templates, e.g. muc4/dev.jsonl"),
    out: Path = typer.Option(Path("metrics/places_muc4.json"), "--out"),
    first: Optional[int] = typer.Option(None, "--first", min=1,
                                        help="score only the first N documents (rules are developed on "
                                             "muc4/train.jsonl --first 400, then scored on dev)"),
) -> None:
    """Event country and place accuracy on MUC-4 templates' incident locations."""
    from .evaluation.muc4_places import evaluate_places as run_places
    from .evaluation.muc4_places import summary_lines, write_report

    report = run_places(gold, first)
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
    version = _checked(lambda: init_schema(engine))
    typer.echo(f"schema version {version} at {engine.url.render_as_string(hide_password=True)}")


@db_app.command("migrate")
def db_migrate(db: str = typer.Option("sqlite:///events.db", "--db")) -> None:
    """Upgrade the database to this tool's schema version, one registered step at a time."""
    from .sinks.migrations import migrate
    from .sinks.sql import make_engine

    engine = make_engine(db)
    result = _checked(lambda: migrate(engine))
    for step in result.applied:
        typer.echo(f"applied {step}", err=True)
    typer.echo(f"schema version {result.from_version} -> {result.to_version} at "
               f"{engine.url.render_as_string(hide_password=True)}")


def _checked(action):
    from .sinks.sql import SchemaVersionError

    try:
        return action()
    except SchemaVersionError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1)


EXPORT_FORMATS = ("parquet", "csv", "events-csv", "events-parquet")


@app.command()
def export(
    db: str = typer.Option(..., "--db", help="SQLAlchemy URL, e.g. sqlite:///events.db"),
    fmt: str = typer.Option("parquet", "--format", help="parquet, csv (every table) or events-csv, events-parquet"),
    out: Path = typer.Option(Path("export"), "--out", help="output folder"),
    per_incident: bool = typer.Option(False, "--per-incident",
                                      help="events-*: one row per incident (after `news-pipeline incidents`)"),
) -> None:
    """Export the database's tables, or one event-data table (ACLED/GTD columns), as Parquet or CSV."""
    from .export import export_events, export_tables
    from .sinks.sql import make_engine, require_schema

    if fmt not in EXPORT_FORMATS:
        typer.echo(f"--format must be one of {', '.join(EXPORT_FORMATS)}", err=True)
        raise typer.Exit(2)
    engine = make_engine(db)
    _checked(lambda: require_schema(engine))  # no schema, or another version: nothing to export
    if fmt.startswith("events-") and per_incident:
        from .incidents.export import export_incidents

        kind = fmt.removeprefix("events-")
        path = out / f"incident_data.{kind}"
        typer.echo(f"wrote {_checked(lambda: export_incidents(engine, path, kind))} incidents to {path}", err=True)
    elif fmt.startswith("events-"):
        kind = fmt.removeprefix("events-")
        path = out / f"event_data.{kind}"
        typer.echo(f"wrote {export_events(engine, path, kind)} events to {path}", err=True)
    else:
        for table, rows in export_tables(engine, out, fmt).items():
            typer.echo(f"wrote {rows} rows to {out / f'{table}.{fmt}'}", err=True)


@app.command()
def incidents(
    db: str = typer.Option(..., "--db", help="SQLAlchemy URL of the database `run --db` wrote"),
    out: Optional[Path] = typer.Option(None, "--out", help="also write every incident as JSONL here"),
    export_csv: Optional[Path] = typer.Option(None, "--export-csv", help="also write one CSV row per incident"),
    rebuild: bool = typer.Option(False, "--rebuild", help="drop the incidents and recluster the whole archive"),
) -> None:
    """Group the events of different articles that describe one incident (incremental)."""
    from .incidents.store import run_incidents, write_incidents_jsonl
    from .sinks.sql import make_engine

    engine = make_engine(db)
    try:
        summary = _checked(lambda: run_incidents(engine, rebuild=rebuild))
        typer.echo(f"events: {summary.new_events} new ({summary.joined} joined an incident, {summary.founded} "
                   f"founded one)  stale memberships: {summary.stale_members}  incidents loaded: "
                   f"{summary.loaded_incidents}  incidents: {summary.incidents_total}", err=True)
        if out is not None:
            typer.echo(f"wrote {write_incidents_jsonl(engine, out)} incidents to {out}", err=True)
        if export_csv is not None:
            from .incidents.export import export_incidents

            typer.echo(f"wrote {export_incidents(engine, export_csv, 'csv')} incidents to {export_csv}", err=True)
    finally:
        engine.dispose()


@app.command()
def version() -> None:
    """Print the pipeline version."""
    typer.echo(__version__)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # Ctrl-C while the command line was still being built: nothing was done
        typer.echo("interrupted before the command started; nothing was written. Rerun the same command.", err=True)
        sys.exit(EXIT_INTERRUPTED)
