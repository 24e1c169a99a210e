"""Hostile input: any bytes in a JSONL line, a text file or a .gz member give a valid article or a
quarantine entry with a reason, never an exception; bombs and oversized input cost bounded memory;
binary, mixed-script, right-to-left and control-character text keeps its offsets; other languages
are quarantined, English is not."""
from __future__ import annotations

import gzip
import json
import tracemalloc
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.invariants import check_item
from pipeline.execution import worker
from pipeline.execution.chunks import split_text
from pipeline.ingest import ArticleLimits, make_article, read_inputs
from pipeline.ingest.jsonl import parse_jsonl_line, read_jsonl
from pipeline.ingest.language_id import detect_other_language
from pipeline.ingest.textdir import read_text_file
from pipeline.records import Article, ArticleRecord, Quarantined

LIMITS = ArticleLimits(max_chars=400)
LANGUAGES = Path(__file__).parent / "fixtures" / "languages"
ROOT = Path(__file__).resolve().parents[1]

# Any code point, lone surrogates included (JSON's "\ud800" escapes make them).
any_char = st.characters(codec=None, exclude_categories=())
hostile_text = st.text(any_char, max_size=300)
json_value = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | hostile_text,
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
                          max_leaves=8)
field = st.one_of(hostile_text, json_value)
article_object = st.fixed_dictionaries({}, optional={name: field for name in ("id", "text", "title", "url", "source",
                                                                              "published")})
# A line: arbitrary bytes, or a JSON object of hostile fields, escaped or as raw UTF-8.
jsonl_line = st.one_of(
    st.binary(max_size=300),
    article_object.map(lambda obj: json.dumps(obj).encode()),
    article_object.map(lambda obj: json.dumps(obj, ensure_ascii=False).encode("utf-8", "surrogatepass")),
)


@settings(max_examples=300, deadline=None)
@given(jsonl_line)
def test_any_jsonl_line_gives_a_valid_article_or_a_reason(raw):
    item = parse_jsonl_line(raw, "in.jsonl", 7, LIMITS)
    check_item(item, LIMITS)
    if isinstance(item, Quarantined):
        assert item.line == 7
    else:
        assert item.origin == "in.jsonl:7"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(jsonl_line, max_size=8), compressed=st.booleans())
def test_a_jsonl_file_gives_one_item_per_line_in_order(tmp_path, lines, compressed):
    body = b"\n".join(line.replace(b"\n", b" ") for line in lines)
    path = tmp_path / ("in.jsonl.gz" if compressed else "in.jsonl")
    path.write_bytes(gzip.compress(body) if compressed else body)
    items = list(read_jsonl(path, LIMITS))
    for item in items:
        check_item(item, LIMITS)
    numbered = [n for n, line in enumerate(body.split(b"\n"), start=1) if line.strip()]
    assert [i.line if isinstance(i, Quarantined) else int(i.origin.rsplit(":", 1)[1]) for i in items] == numbered


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000))
def test_any_bytes_as_a_gz_member_or_a_text_file_never_crash(tmp_path, raw):
    gz = tmp_path / "in.jsonl.gz"
    gz.write_bytes(raw)
    items = list(read_jsonl(gz, LIMITS))
    for item in items:
        check_item(item, LIMITS)
    broken = [i for i in items if isinstance(i, Quarantined) and "unreadable" in i.reason]
    assert broken in ([], items[-1:])  # a corrupt member is reported once, at the end
    text_file = tmp_path / "story.txt"
    text_file.write_bytes(raw)
    (item,) = read_text_file(text_file, LIMITS)
    check_item(item, LIMITS)


# Text that is hard on a tokenizer: news words around right-to-left runs, bidi controls, combining
# marks, emoji, CJK, control characters and lone surrogates.
NEWS = ("Gunmen attacked a police post in Kabul on Monday, killing three officers. ", "The Taliban said ",
        "A car bomb exploded in Mosul on 3 March 2021 ", "\n\n", "Two soldiers were injured. ")
HOSTILE = ("\u05e9\u05dc\u05d5\u05dd ", "\u0627\u0644\u0645\u0648\u0635\u0644 ", "\u202e", "\u200f", "\u2067",
           "e\u0301\u0301", "\U0001f4a3 ", "\u5317\u4eac ", "\x00", "\x1b[31m", "\x85", "\ud83d", "\ufeff", "\r\n",
           "\u2028", "\t")
hostile_article = st.lists(st.sampled_from(NEWS + HOSTILE) | st.text(any_char, max_size=5), min_size=1, max_size=30)


@settings(max_examples=25, deadline=None)
@given(hostile_article)
def test_records_of_hostile_text_validate_and_their_offsets_index_their_text(nlp, record_validator, parts):
    article = make_article("".join(parts), "hostile", ArticleLimits(english_only=False), article_id="h")
    if isinstance(article, Quarantined):
        assert article.reason == "empty article text"
        return
    (record,) = worker.process_batch([article], nlp)
    _check_record(record, article.text, record_validator)


def _check_record(record: ArticleRecord, text: str, validator) -> None:
    assert record.text == text
    validator.validate(json.loads(record.model_dump_json()))
    ids = {e.id for e in record.entities}
    for entity in record.entities:
        assert text[entity.start:entity.end] == entity.text, entity
    for event in record.events:
        assert text[event.trigger.start:event.trigger.end] == event.trigger.text, event
        for argument in event.arguments:
            assert text[argument.start:argument.end] == argument.text, argument
            assert argument.entity is None or argument.entity in ids
    for relation in record.relations:
        assert relation.head in ids and relation.tail in ids


# --- bombs and oversized input --------------------------------------------------------------------


def _peak_bytes(action) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_50_mb_line_is_quarantined_without_holding_it(tmp_path):
    path = tmp_path / "big.jsonl"
    big_line = b'{"id": "big", "text": "' + b"word " * (10 << 20) + b'"}\n'  # 50 MiB
    path.write_bytes(big_line + b'{"id": "after", "text": "Gunmen attacked a bus."}\n')
    size = len(big_line)
    del big_line
    items = []
    peak = _peak_bytes(lambda: items.extend(read_inputs([path])))
    big, after = items
    assert isinstance(big, Quarantined) and big.reason == f"line too long: {size} bytes"
    assert isinstance(after, Article) and after.article_id == "after"
    assert peak < 12 << 20, peak  # the default limit reads 4 MB of the line, not 50


def test_a_gz_bomb_is_cut_off_early_and_cheaply(tmp_path):
    path = tmp_path / "bomb.jsonl.gz"
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
    with open(path, "wb") as stream:
        stream.write(compressor.compress(b'{"id": "ok", "text": "Gunmen attacked a bus."}\n'))
        for _ in range(256):  # 256 MiB of zeros without a newline, ~250 kB compressed
            stream.write(compressor.compress(bytes(1 << 20)))
        stream.write(compressor.flush())
    items = []
    peak = _peak_bytes(lambda: items.extend(read_inputs([path])))
    ok, bomb = items
    assert isinstance(ok, Article)
    assert isinstance(bomb, Quarantined) and bomb.reason.startswith("decompression bomb") and bomb.line == 2
    expanded = int(bomb.reason.split("expanded to more than ")[1].split()[0])
    assert expanded < 64 << 20  # stopped after the first tens of MiB of 256
    assert peak < 12 << 20, peak


def test_a_large_ordinary_gz_is_not_taken_for_a_bomb(tmp_path):
    path = tmp_path / "many.jsonl.gz"
    rows = [json.dumps({"id": f"a{i}", "text": f"Report {i}: gunmen attacked a bus near checkpoint {i * 7919 % 10007}."})
            for i in range(20_000)]
    path.write_bytes(gzip.compress(("\n".join(rows) + "\n").encode()))
    items = list(read_jsonl(path, ArticleLimits()))
    assert len(items) == 20_000 and all(isinstance(i, Article) for i in items)


def test_an_article_longer_than_the_parser_takes_is_split_with_offsets_kept(nlp, record_validator, monkeypatch):
    paragraphs = ["Gunmen attacked a police checkpoint in Kabul on Monday, killing three officers, a spokesman said.",
                  "The Taliban claimed responsibility for the attack in a statement on Tuesday.",
                  "In a separate incident, a roadside bomb killed two soldiers in Kandahar province."]
    text = "\n\n".join(paragraphs * 6)
    article = make_article(text, "long", ArticleLimits(), article_id="long")
    pieces = list(split_text(text, 700))
    assert [text[end - 2:end] for _, end in pieces[:-1]] == ["\n\n"] * (len(pieces) - 1)  # at paragraph ends
    # Each piece on its own, as the pipeline annotates it:
    alone = [worker.process_batch([make_article(text[a:b], "piece", ArticleLimits(), article_id="p")], nlp)[0]
             for a, b in pieces]
    monkeypatch.setattr(nlp, "max_length", 700)  # before: spaCy's E088, and the batch was lost
    (split,) = worker.process_batch([article], nlp)
    _check_record(split, text, record_validator)
    assert split.warnings[-1].startswith(f"long article: processed in {len(pieces)} pieces")
    # ... and merged: the same entities and events, shifted to the whole text, ids renumbered in order.
    assert [(e.text, e.label, e.start) for e in split.entities] == \
        [(e.text, e.label, e.start + a) for (a, _), record in zip(pieces, alone) for e in record.entities]
    assert [e.id for e in split.entities] == [f"T{i + 1}" for i in range(len(split.entities))]
    assert [(e.type, e.trigger.start, len(e.arguments)) for e in split.events] == \
        [(e.type, e.trigger.start + a, len(e.arguments)) for (a, _), record in zip(pieces, alone) for e in record.events]
    assert len({e.sentence for e in split.events}) > len(pieces)  # sentence numbers run on across pieces


@given(st.text(st.sampled_from("ab .\n"), max_size=400), st.integers(4, 60))
def test_split_text_covers_the_text_in_order_within_the_size(text, size):
    pieces = list(split_text(text, size))
    assert "".join(text[a:b] for a, b in pieces) == text
    assert all(0 < b - a <= size for a, b in pieces) or text == ""


# --- scripts, directions, languages ----------------------------------------------------------------


def test_mixed_script_rtl_and_control_characters_in_an_english_article_are_kept(nlp, record_validator):
    text = ("Gunmen attacked a checkpoint in Mosul (\u0627\u0644\u0645\u0648\u0635\u0644) on Monday,\x07 killing "
            "three officers.\u200f A spokesman for the \u202bIslamic State\u202c group claimed it. \U0001f4a3\x00\n\n"
            "Police in Tel Aviv (\u05ea\u05dc \u05d0\u05d1\u05d9\u05d1) said a man was arrested.")
    article = make_article(text, "mixed", ArticleLimits(), article_id="mixed")
    assert isinstance(article, Article) and "\x07" not in article.text and "\x00" not in article.text
    assert len(article.text) == len(text)  # each control character became one space: the shape is kept
    (record,) = worker.process_batch([article], nlp)
    _check_record(record, article.text, record_validator)
    assert any(e.type == "ATTACK" for e in record.events)


@pytest.mark.parametrize("path", sorted(LANGUAGES.glob("*.txt")), ids=lambda p: p.stem)
def test_articles_in_other_languages_are_quarantined(path, tmp_path):
    (item,) = read_inputs([path])
    assert isinstance(item, Quarantined) and item.reason.startswith("not English: "), item
    # and through JSONL too, with the language named where it is one of the profiles
    line = write_line(tmp_path / "x.jsonl", {"id": path.stem, "text": path.read_text(encoding="utf-8")})
    (item,) = read_inputs([line])
    assert isinstance(item, Quarantined) and item.article_id == path.stem


def write_line(path: Path, obj: dict) -> Path:
    path.write_text(json.dumps(obj) + "\n", encoding="utf-8")
    return path


def test_english_corpora_are_never_taken_for_another_language():
    sample = (ROOT / "corpora/sample/articles.jsonl").read_text(encoding="utf-8")
    texts = [json.loads(line)["text"] for line in sample.splitlines()]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "annotations/docs").glob("*.txt"))]
    texts += [(Path(__file__).parent / "fixtures/ttp-article.txt").read_text(encoding="utf-8")]
    texts += [t.upper() for t in texts[:10]]  # wire copy in capitals, as MUC-4
    assert len(texts) > 100
    assert [t[:60] for t in texts if detect_other_language(t)] == []


def test_short_or_numeric_text_is_not_judged():
    assert detect_other_language("Kabul 12, Mosul 3, Lima 0") is None
    assert detect_other_language("Shr 12 cts vs 10 cts Net 1,234,000 vs 987,000 Revs 45.6 mln vs 40.1 mln " * 3) is None
    assert detect_other_language("El presidente dijo que no.") is None  # too little to judge


def test_metadata_and_ids_are_made_safe_or_refused():
    article = make_article("A bomb exploded.", "x", LIMITS, article_id="a1", title="Bomb\x00 \ud800kills", url=" \n",
                           source=["not", "a", "string"])
    assert article.title == "Bomb \ufffdkills" and article.url is None and article.source is None
    for bad_id, reason in ((True, "'id' is bool"), ({"a": 1}, "'id' is dict"), ("x" * 300, "300 characters"),
                           ("a\x00b", "control characters"), ("a\ud800", "control characters")):
        item = make_article("A bomb exploded.", "x", LIMITS, article_id=bad_id)
        assert isinstance(item, Quarantined) and reason in item.reason, (bad_id, item)
        check_item(item, LIMITS)
    assert make_article("A bomb exploded.", "x", LIMITS, article_id=17).article_id == "17"
