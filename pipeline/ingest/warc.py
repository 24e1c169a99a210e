"""WARC archives (.warc, .warc.gz): each HTML page captured in the archive is one article.

The archive is streamed record by record with warcio; a page is read into memory only up to
the size limit. Only successful (2xx) HTTP responses and ``resource`` records with an HTML
content type are articles; requests, metadata, redirects, errors, images and scripts are
skipped, as they are not articles. A page's id is its WARC-Record-ID, unique and stable.

warcio reads a cut-off archive without complaint (a truncated gzip member decompresses to what
it has), so this reader checks for itself: every record must deliver its Content-Length, and a
.gz archive must end at the end of a gzip member. A cut is reported as quarantined input.

Hostile archives are bounded too: a header line may be at most ``MAX_LINE`` bytes (warcio would
otherwise gather a line without end in memory), a .warc.gz may expand at most
``limits.max_expansion`` times (a decompression bomb is cut off), and a page whose content encoding
(gzip, brotli, chunked) does not decode is quarantined on its own.
"""
from __future__ import annotations

import zlib
from pathlib import Path
from typing import BinaryIO, Iterator, Optional

from ..records import Article, Quarantined
from .articles import ArticleLimits, clean_text
from .html import html_to_article

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHUNK = 1 << 16
MAX_LINE = 1 << 20
EXPANSION_FLOOR = 16 << 20  # as for .jsonl.gz: small archives are not judged by their ratio


class _LineTooLong(Exception):
    pass


class _DecompressionBomb(Exception):
    pass


class _Expansion:
    """Counts the bytes a compressed archive expands to against the compressed bytes read."""

    def __init__(self, raw: BinaryIO, compressed: bool, limit: int):
        self.raw, self.compressed, self.limit, self.total = raw, compressed, limit, 0

    def add(self, size: int) -> None:
        self.total += size
        if self.compressed and self.total > max(EXPANSION_FLOOR, self.limit * self.raw.tell()):
            raise _DecompressionBomb(f"{self.raw.tell()} compressed bytes expanded to more than {self.total} "
                                     f"(limit {self.limit}x)")


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


def _read_whole(record, expansion: _Expansion) -> bool:
    """Read the rest of the record; False when the archive ended before its Content-Length."""
    from warcio.limitreader import LimitReader

    stream = record.raw_stream
    while chunk := stream.read(_CHUNK):
        expansion.add(len(chunk))
    return isinstance(stream, LimitReader) and stream.limit == 0


def _read_payload(record, max_bytes: int) -> bytes:
    """The page, decoded from its transfer and content encodings, up to max_bytes + 1 bytes."""
    return record.content_stream().read(max_bytes + 1)


def read_warc(path: Path, limits: ArticleLimits = ArticleLimits()) -> Iterator[Article | Quarantined]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.bufferedreaders import DecompressingBufferedReader
    from warcio.exceptions import ArchiveLoadFailed
    from warcio.statusandheaders import StatusAndHeadersParserException

    class BoundedLineReader(DecompressingBufferedReader):
        """warcio's reader, with every line (headers, the blank lines between records) at most MAX_LINE bytes."""

        def readline(self, length=None):
            length = MAX_LINE + 1 if length is None or length > MAX_LINE + 1 else length
            line = super().readline(length)
            if len(line) > MAX_LINE:
                raise _LineTooLong(f"a line longer than {MAX_LINE} bytes")
            return line

    class CheckedIterator(ArchiveIterator):
        """Notes, as warcio closes its reader, whether the last gzip member was whole."""

        ended_inside_gzip_member = False

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.reader.__class__ = BoundedLineReader

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
            expansion = _Expansion(stream, path.name.lower().endswith(".gz"), limits.max_expansion)
            while True:
                try:
                    record = next(records)
                except StopIteration:
                    break
                except (AttributeError, ValueError, IndexError, TypeError, KeyError):
                    # warcio's header parser fails this way on a record cut inside its headers.
                    yield Quarantined(origin=origin, reason=truncated.format("a record's headers"))
                    return
                record_id = clean_text(record.rec_headers.get_header("WARC-Record-ID") or "").strip("<>")
                where = f"{origin}#{record_id}"
                media_type, charset = _media_type(_html_content_type(record))
                payload = problem = None
                if media_type in _HTML_TYPES:
                    try:
                        payload = _read_payload(record, max_bytes)
                    except (zlib.error, ValueError, EOFError, OSError, _brotli_error()) as error:
                        problem = f"unreadable page content ({type(error).__name__}: {error})"[:300]
                    if payload is not None:
                        expansion.add(len(payload))
                if not _read_whole(record, expansion):
                    yield Quarantined(origin=where, article_id=record_id or None, reason=truncated.format("this record"))
                    return
                if problem is not None:
                    yield Quarantined(origin=where, article_id=record_id or None, reason=problem)
                    continue
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
    except _LineTooLong as error:
        yield Quarantined(origin=origin, reason=f"unreadable WARC: {error}")
    except _DecompressionBomb as error:
        yield Quarantined(origin=origin, reason=f"decompression bomb: {error}; the rest of the archive is not read")
    except (ArchiveLoadFailed, StatusAndHeadersParserException, OSError, EOFError, zlib.error) as error:
        # Every page read so far was yielded; say where it broke.
        yield Quarantined(origin=origin, reason=f"unreadable WARC: {clean_text(str(error))[:300]}")


def _brotli_error() -> type[Exception]:
    """brotli's error class when warcio can use brotli (Content-Encoding: br), else one never raised."""
    try:
        import brotli
    except ImportError:
        return _LineTooLong
    return getattr(brotli, "error", _LineTooLong)
