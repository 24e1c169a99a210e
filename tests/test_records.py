import json

from pipeline.records import record_json_schema

from .conftest import SCHEMA_PATH


def test_committed_schema_matches_the_models():
    """docs/records.schema.json is generated: regenerate with `news-pipeline schema --out ...`."""
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == json.loads(json.dumps(record_json_schema()))


def test_schema_rejects_invented_fields_and_bad_labels(record_validator):
    minimal = {"schema_version": 1, "article_id": "a", "content_hash": "h", "pipeline_version": "0", "text": "x"}
    assert record_validator.is_valid(minimal)
    assert not record_validator.is_valid({**minimal, "surprise": 1})
    bad_relation = {**minimal, "relations": [{"head": "T1", "tail": "T2", "label": "LIKES", "confidence": 0.5}]}
    assert not record_validator.is_valid(bad_relation)
