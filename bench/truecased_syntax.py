"""What ``news_truecased_syntax`` costs: pipeline speed with and without it, on text in capitals
(MUC-4 dev wires) and on cased text (Reuters-21578), the same texts in one process.

    python bench/truecased_syntax.py --out metrics/truecased_syntax.json [--articles 100]

The stage re-runs the tagger and parser on a single-case document's truecased view, so text in
capitals pays for a second syntax pass; cased text pays only for the check of its case. Each
setting is timed twice, alternately, after a warm-up; the faster run of each is reported.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MUC4_DEV = ROOT.parent / "shared" / "data" / "muc4" / "dev.jsonl"


def docs_per_second(nlp, texts: list[str], disable: list[str]) -> float:
    with nlp.select_pipes(disable=disable):
        started = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=16):
            pass
        return len(texts) / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--out", type=Path, default=ROOT / "metrics" / "truecased_syntax.json")
    args = parser.parse_args()

    from bench.reuters import read_reuters
    from pipeline.language import build_pipeline

    nlp = build_pipeline()
    with open(MUC4_DEV, encoding="utf-8") as stream:
        capitals = [json.loads(line)["text"] for line in islice(stream, args.articles)]
    cased = [article.text for article in islice(read_reuters(), args.articles)]
    list(nlp.pipe(capitals[:5] + cased[:5]))  # warm-up: vectors, caches, the gazetteer
    report = {"articles": args.articles, "unit": "docs/sec, one process, nlp.pipe(batch_size=16)"}
    for name, texts in (("capitals (MUC-4 dev)", capitals), ("cased (Reuters-21578)", cased)):
        runs = {"with the stage": [], "without it": []}
        for _ in range(2):
            runs["with the stage"].append(docs_per_second(nlp, texts, []))
            runs["without it"].append(docs_per_second(nlp, texts, ["news_truecased_syntax"]))
        best = {setting: round(max(speeds), 2) for setting, speeds in runs.items()}
        best["cost"] = f"{1 - best['with the stage'] / best['without it']:.0%}"
        report[name] = best
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
