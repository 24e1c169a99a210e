"""What every reader shares: text checks, stable ids and content hashes."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Optional

from ..records import Article, Quarantined
from .language_id import detect_other_language

# spaCy's default Language.max_length. Longer articles (with a higher --max-chars) are split into
# chunks by the worker (pipeline/execution/chunks.py), so this bounds input size, not the parser.
DEFAULT_MAX_CHARS = 1_000_000
# The SQL sink's article_id column is VARCHAR(256); PostgreSQL refuses a longer value.
MAX_ID_CHARS = 256
# C0 and C1 control characters but tab, newline and carriage return; and lone UTF-16 surrogates,
# which JSON's "\ud800" escapes can produce and which no UTF-8 writer (JSONL, SQL) accepts.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True)
class ArticleLimits:
    max_chars: int = DEFAULT_MAX_CHARS
    min_chars: int = 1
    # A compressed input (.gz) may expand at most this many times its compressed size (past the
    # first 16 MiB): news text compresses 3-10x, a decompression bomb about 1000x.
    max_expansion: int = 100
    # Articles detected as written in another language are quarantined (the models read English).
    english_only: bool = True


def content_hash(text: str) -> str:
    """Hash of the normalised text: the same story read twice hashes the same."""
    normalised = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def clean_text(text: str) -> str:
    # Control characters break tokenisation, viewers and PostgreSQL (NUL); newlines and tabs stay.
    # Each is replaced by one character, so the text keeps its shape.
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    return unicodedata.normalize("NFC", _SURROGATE.sub("\ufffd", text))


def clean_field(value: object) -> Optional[str]:
    """A metadata string (title, url, source) made safe to store, or None if it is not a string."""
    if not isinstance(value, str):
        return None
    value = " ".join(clean_text(value).split())
    return value or None


def _id_problem(value: object) -> Optional[str]:
    """Why an input's own id cannot be an article id, or None when it can."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return f"'id' is {type(value).__name__}, not a string or integer"
    text = str(value)
    if len(text) > MAX_ID_CHARS:
        return f"'id' is {len(text)} characters long (limit {MAX_ID_CHARS})"
    if _CONTROL.search(text) or _SURROGATE.search(text) or "\n" in text or "\r" in text:
        return "'id' holds control characters or invalid Unicode"
    return None


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
    if article_id is not None and (problem := _id_problem(article_id)) is not None:
        shown = clean_field(given_id)
        return Quarantined(origin=origin, line=line, reason=problem, article_id=shown and shown[:MAX_ID_CHARS])
    if not isinstance(text, str):
        reason = "record has no 'text' field" if text is None else f"'text' is {type(text).__name__}, not a string"
        return Quarantined(origin=origin, line=line, reason=reason, article_id=given_id)
    if len(text) > limits.max_chars:
        return Quarantined(
            origin=origin, line=line, article_id=given_id, excerpt=clean_text(text[:200]),
            reason=f"article too long: {len(text)} characters > limit {limits.max_chars}",
        )
    text = clean_text(text)
    if len(text.strip()) < limits.min_chars:
        return Quarantined(origin=origin, line=line, article_id=given_id, reason="empty article text")
    if limits.english_only and (language := detect_other_language(text)) is not None:
        return Quarantined(origin=origin, line=line, article_id=given_id, excerpt=text[:200],
                           reason=f"not English: {language}")
    digest = content_hash(text)
    published_iso = None if published is None else iso_date(published)
    return Article(
        article_id=given_id or digest[:16],
        content_hash=digest,
        text=text,
        title=clean_field(title),
        url=clean_field(url),
        source=clean_field(source),
        published=published_iso,
        origin=origin if line is None else f"{origin}:{line}",
    )
