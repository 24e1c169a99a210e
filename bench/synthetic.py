"""A synthetic news archive for scale runs: Reuters-21578 paragraphs recombined into new articles.

    python bench/synthetic.py --articles 100000 --out /tmp/synthetic-100k.jsonl.gz

Each new article borrows the paragraph count, title and date of a random Reuters article and
fills it with paragraphs drawn at random from the whole collection, so lengths and vocabulary
follow Reuters while every text (and id) is new. The archive is written line by line through
gzip and never held in memory; only the Reuters paragraphs (about 15 MB of text) are.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.reuters import REUTERS, read_reuters  # noqa: E402
from pipeline.records import Article  # noqa: E402

# Reuters bodies wrap lines at ~70 columns and indent each new paragraph.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]+|\n\s*\n")
_SIGN_OFF = re.compile(r"^\s*Reuter\s*$")


@dataclass(frozen=True)
class Shape:
    paragraphs: int
    title: str | None
    published: str | None


def split_paragraphs(text: str) -> list[str]:
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text))
    return [p for p in paragraphs if p and not _SIGN_OFF.match(p)]


def collect(articles: Iterable[Article]) -> tuple[list[str], list[Shape]]:
    paragraphs: list[str] = []
    shapes: list[Shape] = []
    for article in articles:
        parts = split_paragraphs(article.text)
        if parts:
            paragraphs.extend(parts)
            shapes.append(Shape(len(parts), article.title, article.published))
    return paragraphs, shapes


def synthetic_articles(paragraphs: list[str], shapes: list[Shape], n: int, seed: int = 0) -> Iterator[dict]:
    rng = random.Random(seed)
    seen: set[bytes] = set()  # 16-byte digests, so that every text is new (1.6 MB for 100k)
    made = 0
    while made < n:
        shape = rng.choice(shapes)
        text = "\n\n".join(rng.choice(paragraphs) for _ in range(shape.paragraphs))
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
        if digest in seen:
            continue
        seen.add(digest)
        made += 1
        yield {"id": f"synthetic-{made:06d}", "text": text, "title": shape.title, "source": "Reuters (recombined)",
               "published": shape.published}


def write_synthetic_archive(out: Path, n: int, seed: int = 0, reuters: Path = REUTERS) -> Path:
    paragraphs, shapes = collect(read_reuters(reuters))
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with gzip.open(partial, "wt", encoding="utf-8", compresslevel=6) as stream:
        for row in synthetic_articles(paragraphs, shapes, n, seed):
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
    partial.replace(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    write_synthetic_archive(args.out, args.articles, args.seed)
    print(f"wrote {args.articles} articles to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
