import gzip
import json

from pipeline.ingest import ArticleLimits, read_inputs
from pipeline.ingest.articles import content_hash
from pipeline.records import Article, Quarantined

from .conftest import write_jsonl


def test_jsonl_reads_fields_and_gives_stable_ids(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [
        {"id": "a1", "text": "Gunmen attacked a bus.", "title": "T", "url": "http://x", "source": "S",
         "published": "2021-12-23T10:00:00Z"},
        {"text": "No id here."},
    ])
    first, second = list(read_inputs([path]))
    assert first.article_id == "a1" and first.published == "2021-12-23" and first.title == "T"
    assert second.article_id == content_hash("No id here.")[:16]
    again = list(read_inputs([path]))
    assert [a.content_hash for a in again] == [first.content_hash, second.content_hash]


def test_content_hash_ignores_whitespace_only_changes():
    assert content_hash("Two  soldiers\nwere injured.") == content_hash("Two soldiers were injured. ")
    assert content_hash("Two soldiers were injured.") != content_hash("Three soldiers were injured.")


def test_gzip_and_text_directory(tmp_path):
    with gzip.open(tmp_path / "a.jsonl.gz", "wt", encoding="utf-8") as stream:
        stream.write(json.dumps({"id": "g1", "text": "A bomb exploded."}) + "\n")
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "story-1.txt").write_text("Rebels kidnapped a mayor.", encoding="utf-8")
    items = list(read_inputs([tmp_path / "a.jsonl.gz", folder]))
    assert [a.article_id for a in items] == ["g1", "story-1"]


def test_bad_input_is_quarantined_with_line_and_reason(tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", [
        {"id": "ok", "text": "Fine."},
        b'{"id": "broken", "text": \n',
        {"id": "notext", "title": "no text"},
        b'{"id": "latin1", "text": "caf\xe9"}\n',
        {"id": "empty", "text": "   "},
        {"id": "huge", "text": "word " * 1_100_000},
        b"[1, 2]\n",
    ])
    items = list(read_inputs([path], ArticleLimits(max_chars=5_000_000 // 5)))
    good = [i for i in items if isinstance(i, Article)]
    bad = {i.line: i.reason for i in items if isinstance(i, Quarantined)}
    assert [a.article_id for a in good] == ["ok"]
    assert set(bad) == {2, 3, 4, 5, 6, 7}
    assert "malformed JSON" in bad[2]
    assert "no 'text'" in bad[3]
    assert "invalid UTF-8" in bad[4]
    assert "empty" in bad[5]
    assert "too long" in bad[6]
    assert "not an object" in bad[7]


def test_truncated_gzip_keeps_what_was_read(tmp_path):
    payload = gzip.compress(b"".join((json.dumps({"id": f"x{i}", "text": f"Story {i}."}) + "\n").encode()
                                     for i in range(200)))
    (tmp_path / "cut.jsonl.gz").write_bytes(payload[: len(payload) // 2])
    items = list(read_inputs([tmp_path / "cut.jsonl.gz"]))
    assert isinstance(items[-1], Quarantined) and "unreadable" in items[-1].reason
    assert all(isinstance(i, Article) for i in items[:-1])


def test_control_characters_are_replaced(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", [{"id": "c", "text": "Bomb\x00 blast\x07 in Kabul."}])
    (article,) = read_inputs([path])
    assert "\x00" not in article.text and len(article.text) == len("Bomb\x00 blast\x07 in Kabul.")
