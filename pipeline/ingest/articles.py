"""What every reader shares: text checks, stable ids and content hashes."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Optional

from ..records import Article, Quarantined

# spaCy's default Language.max_length; longer texts would need chunking (see issue on long docs).
DEFAULT_MAX_CHARS = 1_000_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class ArticleLimits:
    max_chars: int = DEFAULT_MAX_CHARS
    min_chars: int = 1


def content_hash(text: str) -> str:
    """Hash of the normalised text: the same story read twice hashes the same."""
    normalised = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def clean_text(text: str) -> str:
    # Control characters break tokenisation and downstream viewers; newlines and tabs stay.
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    return unicodedata.normalize("NFC", text)


def iso_date(value: object) -> Optional[str]:
    """The ISO date (YYYY-MM-DD) at the start of a timestamp, or None."""
    if not isinstance(value, str):
        return None
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
    if not match:
        return None
    try:
        return date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def make_article(
    text: object,
    origin: str,
    limits: ArticleLimits,
    *,
    line: Optional[int] = None,
    article_id: object = None,
    title: object = None,
    url: object = None,
    source: object = None,
    published: object = None,
) -> Article | Quarantined:
    given_id = None if article_id is None else str(article_id)
    if not isinstance(text, str):
        reason = "record has no 'text' field" if text is None else f"'text' is {type(text).__name__}, not a string"
        return Quarantined(origin=origin, line=line, reason=reason, article_id=given_id)
    if len(text) > limits.max_chars:
        return Quarantined(
            origin=origin, line=line, article_id=given_id, excerpt=text[:200],
            reason=f"article too long: {len(text)} characters > limit {limits.max_chars}",
        )
    text = clean_text(text)
    if len(text.strip()) < limits.min_chars:
        return Quarantined(origin=origin, line=line, article_id=given_id, reason="empty article text")
    digest = content_hash(text)
    published_iso = None if published is None else iso_date(published)
    return Article(
        article_id=given_id or digest[:16],
        content_hash=digest,
        text=text,
        title=title if isinstance(title, str) else None,
        url=url if isinstance(url, str) else None,
        source=source if isinstance(source, str) else None,
        published=published_iso,
        origin=origin if line is None else f"{origin}:{line}",
    )
