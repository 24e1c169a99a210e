"""HTML pages and WARC archives as input: text, title and date out of the page, archives streamed."""
import gzip
import io

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.ingest import ArticleLimits, read_inputs
from pipeline.ingest.html import decode_html
from pipeline.records import Article, Quarantined

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Bomb kills three in Kabul | Example News</title>
<meta property="og:title" content="Bomb kills three in Kabul">
<meta property="article:published_time" content="2021-10-08T09:30:00Z">
<link rel="canonical" href="https://news.example.org/2021/10/kabul-bomb"></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<article><h1>Bomb kills three in Kabul</h1>
<p>A roadside bomb killed three soldiers in Kabul on Friday, officials said. The blast happened near
the airport road during the morning rush hour.</p>
<p>No group has claimed responsibility for the attack, which also wounded four civilians, the
interior ministry said in a statement.</p></article>
<aside>Most read: Weather turns cold in the capital.</aside>
<footer>Copyright 2019 Example News. All rights reserved.</footer></body></html>"""

LATIN1_PAGE = ("<html><head><title>Caf\u00e9 attack</title></head><body><article>"
               "<p>Gunmen attacked a caf\u00e9 in Bogot\u00e1 on Tuesday, killing two people, police said. "
               "The attackers fled on motorcycles before officers arrived at the scene.</p>"
               "</article></body></html>").encode("latin-1")


def test_html_page_gives_text_title_date_and_drops_the_chrome(tmp_path):
    (tmp_path / "kabul.html").write_text(PAGE, encoding="utf-8")
    (article,) = read_inputs([tmp_path / "kabul.html"])
    assert isinstance(article, Article)
    assert article.article_id == "kabul"
    assert article.title == "Bomb kills three in Kabul"
    assert article.published == "2021-10-08"
    assert article.url == "https://news.example.org/2021/10/kabul-bomb"
    assert article.text.startswith("A roadside bomb killed three soldiers")
    assert "\n\nNo group has claimed" in article.text  # one paragraph per block
    for chrome in ("Home", "Sport", "Copyright", "Most read"):
        assert chrome not in article.text


def test_html_without_a_date_is_not_given_one(tmp_path):
    page = PAGE.replace('<meta property="article:published_time" content="2021-10-08T09:30:00Z">', "")
    (tmp_path / "nodate.html").write_text(page, encoding="utf-8")
    (article,) = read_inputs([tmp_path / "nodate.html"])
    assert article.published is None  # the footer's copyright year is not a publication date


def test_html_decoding_uses_the_declared_charset_else_utf8_else_cp1252():
    assert decode_html(LATIN1_PAGE, "iso-8859-1").count("caf\u00e9") == 1
    assert "Bogot\u00e1" in decode_html(LATIN1_PAGE)  # not UTF-8: falls back to Windows-1252
    meta = b'<html><head><meta charset="koi8-r"></head><body>\xf0\xd2\xc9\xd7\xc5\xd4</body></html>'
    assert "\u041f\u0440\u0438\u0432\u0435\u0442" in decode_html(meta)


def test_html_page_without_text_is_quarantined(tmp_path):
    page = "<html><head><title>Live</title></head><body><script>startPlayer();</script><img src=a.png></body></html>"
    (tmp_path / "empty.html").write_text(page, encoding="utf-8")
    (item,) = read_inputs([tmp_path / "empty.html"])
    assert isinstance(item, Quarantined) and "no article text" in item.reason


def _http(writer, url, status, content_type, body):
    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    # With its length given, warcio digests the payload in place instead of spooling it to a temp file.
    return writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                     http_headers=headers)


def write_warc(path, gz=True):
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        request = StatusAndHeaders("GET /2021/10/kabul-bomb HTTP/1.1", [("Host", "news.example.org")],
                                   is_http_request=True)
        writer.write_record(writer.create_warc_record("https://news.example.org/2021/10/kabul-bomb", "request",
                                                      payload=io.BytesIO(b""), length=0, http_headers=request))
        writer.write_record(_http(writer, "https://news.example.org/2021/10/kabul-bomb", "200 OK",
                                  "text/html; charset=utf-8", PAGE.encode("utf-8")))
        writer.write_record(_http(writer, "https://news.example.org/old", "301 Moved Permanently",
                                  "text/html", b"<html><body><p>Moved</p></body></html>"))
        writer.write_record(_http(writer, "https://news.example.org/logo.png", "200 OK", "image/png",
                                  b"\x89PNG\r\n\x1a\n" + bytes(64)))
        writer.write_record(_http(writer, "https://news.example.org/cafe", "200 OK",
                                  "text/html; charset=ISO-8859-1", LATIN1_PAGE))
        story = PAGE.replace("Kabul", "Herat").encode()
        writer.write_record(writer.create_warc_record("file:///archive/story.html", "resource",
                                                      payload=io.BytesIO(story), length=len(story),
                                                      warc_content_type="text/html"))
    return path


def test_warc_yields_successful_html_pages_only(tmp_path):
    items = list(read_inputs([write_warc(tmp_path / "crawl.warc.gz")]))
    assert all(isinstance(i, Article) for i in items)
    assert [i.url for i in items] == ["https://news.example.org/2021/10/kabul-bomb", "https://news.example.org/cafe",
                                      "file:///archive/story.html"]
    kabul, cafe, herat = items
    assert kabul.title == "Bomb kills three in Kabul" and kabul.published == "2021-10-08"
    assert kabul.article_id.startswith("urn:uuid:") and len({i.article_id for i in items}) == 3
    assert "Bogot\u00e1" in cafe.text  # the HTTP header's charset
    assert "Herat" in herat.text and herat.published == "2021-10-08"
    # The same archive read again gives the same ids: a rerun resumes by them.
    assert [i.article_id for i in read_inputs([tmp_path / "crawl.warc.gz"])] == [i.article_id for i in items]


def test_uncompressed_warc_and_a_mixed_directory(tmp_path):
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    write_warc(folder / "b.warc", gz=False)
    (folder / "a.html").write_text(PAGE, encoding="utf-8")
    (folder / "sub" / "c.txt").write_text("Rebels kidnapped a mayor.", encoding="utf-8")
    (folder / "sub" / "d.jsonl.gz").write_bytes(gzip.compress(b'{"id": "d1", "text": "A bomb exploded."}\n'))
    (folder / "notes.json").write_text('{"not": "an article"}', encoding="utf-8")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    items = list(read_inputs([folder]))
    assert all(isinstance(i, Article) for i in items)
    assert [i.origin.split("/")[-1].split("#")[0].split(":")[0] for i in items] == \
        ["a.html", "b.warc", "b.warc", "b.warc", "c.txt", "d.jsonl.gz"]


def test_truncated_warc_keeps_what_was_read_and_says_where_it_broke(tmp_path):
    whole = write_warc(tmp_path / "whole.warc.gz").read_bytes()
    (tmp_path / "cut.warc.gz").write_bytes(whole[: int(len(whole) * 0.8)])
    items = list(read_inputs([tmp_path / "cut.warc.gz"]))
    assert isinstance(items[-1], Quarantined) and "unreadable WARC" in items[-1].reason
    assert [i.url for i in items[:-1] if isinstance(i, Article)][:1] == ["https://news.example.org/2021/10/kabul-bomb"]


def test_oversized_page_in_a_warc_is_quarantined(tmp_path):
    items = list(read_inputs([write_warc(tmp_path / "crawl.warc.gz")], ArticleLimits(max_chars=200)))
    big_kabul, small_cafe, big_herat = items
    assert isinstance(small_cafe, Article)
    for item in (big_kabul, big_herat):
        assert isinstance(item, Quarantined) and item.reason == "page larger than 800 bytes"
        assert item.article_id.startswith("urn:uuid:")


def test_every_cut_through_a_gzipped_warc_is_reported(tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    whole = write_warc(tmp_path / "whole.warc.gz").read_bytes()
    with open(tmp_path / "whole.warc.gz", "rb") as stream:
        records = ArchiveIterator(stream)
        # A cut exactly between two records (gzip members) leaves a valid, shorter archive.
        boundaries = {records.get_record_offset() for _ in records}
    for size in range(1, len(whole), 37):
        if size in boundaries:
            continue
        (tmp_path / "cut.warc.gz").write_bytes(whole[:size])
        items = list(read_inputs([tmp_path / "cut.warc.gz"]))
        assert items and isinstance(items[-1], Quarantined) and "unreadable WARC" in items[-1].reason, size
