"""Dask runs: the same batches as a local run, processed on Dask workers, written as they finish.

By default the run starts a LocalCluster of worker processes on this machine; given
``scheduler="tcp://host:port"`` it joins a running cluster instead. A worker plugin builds the
pipeline once in each worker process when the worker joins (a worker that joins later gets it too).
This process reads the input, submits batches (at most two per worker thread in flight, so memory
stays flat), and writes each batch's records as its future completes (``as_completed``), through
the same sinks, manifest and dedup as a local run (``run.py``): the records are the same, only
their order in the output differs.

Workers need this package installed (the same version) and nothing else: inputs are read here
and articles travel to the workers in batches, so the workers need no access to the input files.
"""
from __future__ import annotations

import logging
from itertools import chain
from pathlib import Path
from typing import Callable, Optional

from ..ingest import ArticleLimits
from .run import GracefulStop, Run, RunOptions, RunSummary
from .worker import load_pipeline, process_batch

WORKER_TIMEOUT_S = 120


def _worker_plugin():
    from distributed import WorkerPlugin

    class LoadNewsPipeline(WorkerPlugin):
        """Builds the pipeline in the worker's process as the worker starts, once."""

        name = "news-pipeline"

        def setup(self, worker) -> None:
            load_pipeline()

    return LoadNewsPipeline()


def run_dask(
    inputs: list[Path],
    out: Path,
    *,
    scheduler: Optional[str] = None,
    n_workers: int = 2,
    db_url: Optional[str] = None,
    quarantine_path: Optional[Path] = None,
    batch_size: int = 32,
    batch_chars: int = RunOptions.batch_chars,
    limits: ArticleLimits = ArticleLimits(),
    run_id: Optional[str] = None,
    command: str = "",
    on_progress: Optional[Callable[[int], None]] = None,
    db_retry_seconds: float = 120.0,
) -> RunSummary:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as error:  # pragma: no cover - the message is the point
        raise RuntimeError("--engine dask needs the 'dist' extra: pip install 'news-pipeline[dist]'") from error

    options = RunOptions(db_url=db_url, quarantine_path=quarantine_path, batch_size=batch_size, batch_chars=batch_chars,
                         limits=limits, run_id=run_id, command=command, on_progress=on_progress,
                         db_retry_seconds=db_retry_seconds)
    run = Run(inputs, out, options)
    cluster = client = None
    try:
        first = next(run.batches, None)
        if first is None:  # nothing left to do (a finished run restarted): no cluster needed
            return run.summary
        if scheduler is None:
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                   dashboard_address=":0", silence_logs=logging.ERROR)
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout=WORKER_TIMEOUT_S)
            client.wait_for_workers(1, timeout=WORKER_TIMEOUT_S)
        client.register_plugin(_worker_plugin())
        with GracefulStop() as stop:
            slots = 2 * max(1, sum(client.nthreads().values()))
            pending = as_completed()
            for batch in chain([first], run.batches):
                pending.add(client.submit(process_batch, batch, pure=False))
                if pending.count() >= slots:
                    run.write(next(pending).result())
                if stop.requested:
                    break
            # On Ctrl-C no new batch is submitted; those already submitted are finished and written.
            # A terminal's Ctrl-C also reaches a LocalCluster's workers: batches lost with a worker
            # are left to the resumed run.
            for future in pending:
                if stop.requested and future.status != "finished":
                    try:
                        future.result(timeout=WORKER_TIMEOUT_S)
                    except Exception:  # noqa: BLE001 - any failure here only means "redo on resume"
                        continue
                run.write(future.result())
            run.summary.interrupted = stop.requested
    except KeyboardInterrupt:
        run.summary.interrupted = True
    finally:
        run.close()
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    return run.summary
