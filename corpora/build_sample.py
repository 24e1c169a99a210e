"""Builds corpora/sample/articles.jsonl, the bundled sample that `make run` processes.

Run from the project root with ../shared/data beside it: python corpora/build_sample.py
"""
import json
import re
from datetime import datetime
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
OUT = Path(__file__).resolve().parent / "sample" / "articles.jsonl"
MUC_DOCS = 12
RE3D_SOURCE = "US State Department"  # public domain
RE3D_DOCS = 8


def muc_published(dateline: str):
    match = re.search(r"(\d{1,2}) ([A-Z]{3}) (\d{2})", dateline or "")
    if not match:
        return None
    return datetime.strptime(" ".join(match.groups()), "%d %b %y").date().isoformat()


def main() -> None:
    rows = [{"id": "seed-ttp", "title": "Pakistani Taliban (TTP) attacks, late December 2021",
             "source": "Asia Times", "published": None,
             "text": (DATA / "seed" / "ttp-article.txt").read_text(encoding="utf-8")}]
    with open(DATA / "muc4" / "train.jsonl", encoding="utf-8") as stream:
        for line in list(stream)[:MUC_DOCS]:
            doc = json.loads(line)
            rows.append({"id": f"muc4-{doc['docid']}", "source": "FBIS", "published": muc_published(doc["dateline"]),
                         "text": doc["text"]})
    with open(DATA / "re3d" / RE3D_SOURCE / "documents.json", encoding="utf-8") as stream:
        for line in list(stream)[:RE3D_DOCS]:
            doc = json.loads(line)
            rows.append({"id": f"re3d-{doc['_id'][:12].lower()}", "title": doc.get("title"), "url": doc.get("sourceUrl"),
                         "source": doc.get("sourceName"), "published": None, "text": doc["text"]})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} articles to {OUT}")


if __name__ == "__main__":
    main()
