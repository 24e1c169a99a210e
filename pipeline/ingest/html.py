"""HTML pages: the article's text, title and publication date, extracted with trafilatura.

One page is one article. The page is decoded here (HTTP charset, then <meta charset>, then UTF-8,
then Windows-1252) rather than by trafilatura's guesser, which misreads short Latin-1 pages.
Dates come only from the page's metadata (no extensive search through its text), so that a
copyright year is never taken for the publication date.
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Iterator, Optional

from ..records import Article, Quarantined
from .articles import ArticleLimits, clean_text, make_article

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_DATE_PARAMS = {"original_date": True, "extensive_search": False}


def _codec(name: Optional[str | bytes]) -> Optional[str]:
    """The text encoding a page declares, or None for a name that is none (unknown, "rot13", "a\0b")."""
    if not name:
        return None
    try:
        info = codecs.lookup(name.decode("ascii") if isinstance(name, bytes) else name)
    except (LookupError, UnicodeDecodeError, ValueError):
        return None
    # bytes.decode() refuses bytes-to-bytes codecs (hex, zlib) and str-to-str ones (rot13).
    return info.name if getattr(info, "_is_text_encoding", True) else None


def decode_html(raw: bytes, charset: Optional[str] = None) -> str:
    """Decode a page with the charset it declares, else UTF-8, else Windows-1252."""
    declared = _META_CHARSET.search(raw[:4096])
    for codec in (_codec(charset), _codec(declared.group(1) if declared else None), "utf-8"):
        if codec:
            try:
                return raw.decode(codec)
            except (UnicodeDecodeError, LookupError):
                continue
    return raw.decode("cp1252", errors="replace")


def html_to_article(
    raw: bytes,
    origin: str,
    limits: ArticleLimits,
    *,
    article_id: Optional[str] = None,
    url: Optional[str] = None,
    charset: Optional[str] = None,
    source: Optional[str] = None,
) -> Article | Quarantined:
    import trafilatura

    if len(raw) > 4 * limits.max_chars:
        return Quarantined(origin=origin, article_id=article_id, reason=f"page too large: {len(raw)} bytes")
    # No NUL, control character or lone surrogate (UTF-7 can encode one) reaches lxml, which refuses them.
    page = clean_text(decode_html(raw, charset))
    try:
        extracted = trafilatura.bare_extraction(page, url=url, with_metadata=True, include_comments=False,
                                                include_tables=False, date_extraction_params=_DATE_PARAMS)
    except (ValueError, TypeError, LookupError, RecursionError) as error:
        # trafilatura and lxml fail this way on some malformed pages; the page is bad input, not a bug here.
        return Quarantined(origin=origin, article_id=article_id, excerpt=page[:200],
                           reason=f"HTML extraction failed: {type(error).__name__}: {error}"[:500])
    if extracted is None or not (extracted.text or "").strip():
        return Quarantined(origin=origin, article_id=article_id, reason="no article text found in the HTML page",
                           excerpt=page[:200])
    title = extracted.title
    lines = extracted.text.split("\n")
    if title and lines and lines[0].strip() == title.strip():
        lines = lines[1:]  # the headline repeated as the first block; it is kept in `title`
    # trafilatura puts one block (paragraph, heading, list item) per line; the sentence splitter
    # reads a blank line as a paragraph break.
    text = "\n\n".join(line.strip() for line in lines if line.strip())
    return make_article(text, origin, limits, article_id=article_id, title=title, url=url or extracted.url,
                        source=source or extracted.sitename, published=extracted.date)


def read_html_file(path: Path, limits: ArticleLimits = ArticleLimits()) -> Iterator[Article | Quarantined]:
    size = path.stat().st_size
    if size > 4 * limits.max_chars:
        yield Quarantined(origin=str(path), reason=f"file too large: {size} bytes")
        return
    yield html_to_article(path.read_bytes(), str(path), limits, article_id=path.stem)
