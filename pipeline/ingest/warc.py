"""WARC archives (.warc, .warc.gz): each HTML page captured in the archive is one article.

The archive is streamed record by record with warcio; a page is read into memory only up to
the size limit. Only successful (2xx) HTTP responses and ``resource`` records with an HTML
content type are articles; requests, metadata, redirects, errors, images and scripts are
skipped, as they are not articles. A page's id is its WARC-Record-ID, unique and stable.

warcio reads a cut-off archive without complaint (a truncated gzip member decompresses to what
it has), so this reader checks for itself: every record must deliver its Content-Length, and a
.gz archive must end at the end of a gzip member. A cut is reported as quarantined input.
"""
from __future__ import annotations

import zlib
from pathlib import Path
from typing import Iterator, Optional

from ..records import Article, Quarantined
from .articles import ArticleLimits
from .html import html_to_article

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHUNK = 1 << 16


def _media_type(content_type: Optional[str]) -> tuple[str, Optional[str]]:
    if not content_type:
        return "", None
    kind, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return kind.strip().lower(), charset


def _html_content_type(record) -> Optional[str]:
    """The content type of a record that may be an article page, else None."""
    if record.rec_type == "response":
        if record.http_headers is None or not (record.http_headers.get_statuscode() or "").startswith("2"):
            return None
        return record.http_headers.get_header("Content-Type")
    if record.rec_type == "resource":
        return record.rec_headers.get_header("Content-Type")
    return None


def _read_whole(record) -> bool:
    """Read the rest of the record; False when the archive ended before its Content-Length."""
    from warcio.limitreader import LimitReader

    stream = record.raw_stream
    while stream.read(_CHUNK):
        pass
    return isinstance(stream, LimitReader) and stream.limit == 0


def read_warc(path: Path, limits: ArticleLimits = ArticleLimits()) -> Iterator[Article | Quarantined]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed
    from warcio.statusandheaders import StatusAndHeadersParserException

    class CheckedIterator(ArchiveIterator):
        """Notes, as warcio closes its reader, whether the last gzip member was whole."""

        ended_inside_gzip_member = False

        def close(self):
            decompressor = getattr(self.reader, "decompressor", None)
            if decompressor is not None and not getattr(decompressor, "eof", True):
                self.ended_inside_gzip_member = True
            super().close()

    origin = str(path)
    max_bytes = 4 * limits.max_chars
    truncated = "unreadable WARC: the archive ends inside {} (truncated)"
    try:
        with open(path, "rb") as stream:
            records = CheckedIterator(stream, arc2warc=True)
            while True:
                try:
                    record = next(records)
                except StopIteration:
                    break
                except (AttributeError, ValueError, IndexError):
                    # warcio's header parser fails this way on a record cut inside its headers.
                    yield Quarantined(origin=origin, reason=truncated.format("a record's headers"))
                    return
                record_id = (record.rec_headers.get_header("WARC-Record-ID") or "").strip("<>")
                where = f"{origin}#{record_id}"
                media_type, charset = _media_type(_html_content_type(record))
                payload = record.content_stream().read(max_bytes + 1) if media_type in _HTML_TYPES else None
                if not _read_whole(record):
                    yield Quarantined(origin=where, article_id=record_id or None, reason=truncated.format("this record"))
                    return
                if payload is None:
                    continue
                if len(payload) > max_bytes:
                    yield Quarantined(origin=where, article_id=record_id, reason=f"page larger than {max_bytes} bytes")
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                yield html_to_article(payload, where, limits, article_id=record_id, url=url, charset=charset)
            # warcio stops quietly at a cut inside a record's headers: bytes are left after the last record.
            if records.ended_inside_gzip_member or records.offset < path.stat().st_size:
                yield Quarantined(origin=origin, reason=truncated.format("a record"))
    except (ArchiveLoadFailed, StatusAndHeadersParserException, OSError, EOFError, zlib.error) as error:
        # Every page read so far was yielded; say where it broke.
        yield Quarantined(origin=origin, reason=f"unreadable WARC: {error}")
