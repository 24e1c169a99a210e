"""Local runs: stream articles through the pipeline in batches, in this process or a process pool.

Each pool worker loads the pipeline once and turns batches into records with ``nlp.pipe``; the
parent reads the input lazily and keeps at most two batches per worker in flight, so memory stays
flat however long the archive is. Records are written in input order (see ``run.py`` for how
they are written and resumed).
"""
from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Optional

from ..ingest import ArticleLimits
from .manifest import manifest_path
from .run import GracefulStop, Run, RunOptions, RunSummary
from .worker import init_pool_worker, process_batch

__all__ = ["RunSummary", "run_local", "process_batch"]


def run_local(
    inputs: list[Path],
    out: Path,
    *,
    db_url: Optional[str] = None,
    quarantine_path: Optional[Path] = None,
    n_process: int = 1,
    batch_size: int = 32,
    batch_chars: int = RunOptions.batch_chars,
    limits: ArticleLimits = ArticleLimits(),
    run_id: Optional[str] = None,
    command: str = "",
    on_progress: Optional[Callable[[int], None]] = None,
    db_retry_seconds: float = 120.0,
) -> RunSummary:
    options = RunOptions(db_url=db_url, quarantine_path=quarantine_path, batch_size=batch_size, batch_chars=batch_chars,
                         limits=limits, run_id=run_id, command=command, on_progress=on_progress,
                         db_retry_seconds=db_retry_seconds)
    run = None
    try:
        # Ctrl-C is caught from the start: while the sinks open, it stops the run before its first batch.
        with GracefulStop() as stop:
            run = Run(inputs, out, options)
            if n_process <= 1:
                for batch in run.batches:
                    if stop.requested:
                        break
                    run.write(process_batch(batch))
            else:
                _run_pool(run, n_process, stop)
            run.summary.interrupted = stop.requested
    except KeyboardInterrupt:
        # A second Ctrl-C: every batch written so far is whole; the same command resumes after it.
        if run is None:
            return RunSummary(interrupted=True, manifest=manifest_path(out))
        run.summary.interrupted = True
    finally:
        if run is not None:
            run.close()
    return run.summary


def _run_pool(run: Run, n_process: int, stop: GracefulStop) -> None:
    pool = ProcessPoolExecutor(max_workers=n_process, initializer=init_pool_worker)
    in_flight: deque[Future] = deque()
    try:
        for batch in run.batches:
            if stop.requested:
                break
            in_flight.append(pool.submit(process_batch, batch))
            if len(in_flight) >= 2 * n_process:
                run.write(in_flight.popleft().result())
            if stop.requested:
                break
        if stop.requested:
            # Batches still queued are dropped (they run again on resume); running ones are finished.
            in_flight = deque(f for f in in_flight if not f.cancel())
        while in_flight:
            run.write(in_flight.popleft().result())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
