"""Throughput of the full pipeline against the bare base model, on the same text in the same run.

    python bench/throughput.py --articles 1000 --out metrics/throughput.json

Reports articles/sec, words/sec and peak RSS (of this process) for each. Speed is measured
here, never in tests.
"""
from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.reuters import read_reuters  # noqa: E402
from pipeline.doc_to_record import doc_to_record  # noqa: E402
from pipeline.language import build_base_pipeline, build_pipeline  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(name: str, nlp, articles, batch_size: int, to_records: bool) -> dict:
    words = sum(len(a.text.split()) for a in articles)
    docs = []
    for article in articles:
        doc = nlp.make_doc(article.text)
        if doc.has_extension("published"):
            doc._.published = article.published
        docs.append(doc)
    started = time.perf_counter()
    events = 0
    for doc, article in zip(nlp.pipe(docs, batch_size=batch_size), articles):
        if to_records:
            events += len(doc_to_record(doc, article).events)
    seconds = time.perf_counter() - started
    return {"pipeline": name, "articles": len(articles), "words": words, "seconds": round(seconds, 2),
            "articles_per_sec": round(len(articles) / seconds, 1), "words_per_sec": round(words / seconds),
            "events": events, "peak_rss_mb_after": round(peak_rss_mb())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    articles = list(islice(read_reuters(), args.articles))
    base = build_base_pipeline()
    full = build_pipeline()
    measure("warm-up", full, articles[:20], args.batch_size, True)
    results = [measure("base en_core_web_sm", base, articles, args.batch_size, False),
               measure("full news pipeline", full, articles, args.batch_size, True)]
    ratio = results[1]["words_per_sec"] / results[0]["words_per_sec"]
    report = {"corpus": "Reuters-21578", "machine": f"{platform.machine()} {platform.processor()}".strip(),
              "n_process": 1, "results": results, "full_vs_base_words_per_sec": round(ratio, 3)}
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
