"""The pipeline's records of a gold split, written once and read by both the scorer
(``news-pipeline evaluate --pred``) and the report (confusion matrix, error examples)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..evaluation.evaluate import load_gold, predict_records, read_records
from ..records import ArticleRecord


def write_split_records(gold_dir: Path, split: Optional[str], out: Path) -> int:
    records = predict_records(load_gold(gold_dir, split))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text("".join(r.model_dump_json() + "\n" for r in records), encoding="utf-8")
    tmp.replace(out)  # whole or absent: make must never see half a file as up to date
    return len(records)


def read_split_records(path: Path) -> dict[str, ArticleRecord]:
    return read_records(path)
