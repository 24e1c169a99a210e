"""Reuters-21578 articles (SGML, latin-1) as Article records, for throughput runs."""
from __future__ import annotations

import html
import re
from datetime import datetime
from pathlib import Path
from typing import Iterator

from pipeline.ingest import ArticleLimits, make_article
from pipeline.records import Article

REUTERS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "reuters21578"
_ARTICLE = re.compile(r"<REUTERS.*?NEWID=\"(\d+)\".*?</REUTERS>", re.DOTALL)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.DOTALL)
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.DOTALL)
_DATE = re.compile(r"<DATE>\s*(\d{1,2}-[A-Z]{3}-\d{4})")


def read_reuters(folder: Path = REUTERS) -> Iterator[Article]:
    for path in sorted(folder.glob("reut2-*.sgm")):
        sgml = path.read_text(encoding="latin-1")
        for match in _ARTICLE.finditer(sgml):
            body = _BODY.search(match.group(0))
            if not body:
                continue
            title = _TITLE.search(match.group(0))
            when = _DATE.search(match.group(0))
            published = datetime.strptime(when.group(1).title(), "%d-%b-%Y").date().isoformat() if when else None
            article = make_article(html.unescape(body.group(1)).replace("\x03", ""), str(path), ArticleLimits(),
                                   article_id=f"reuters-{match.group(1)}",
                                   title=html.unescape(title.group(1)) if title else None,
                                   source="Reuters", published=published)
            if isinstance(article, Article):
                yield article
