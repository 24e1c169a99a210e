"""Exports: every table as Parquet and CSV, and the event-data table, from SQLite and PostgreSQL."""
import math

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.export import EVENT_COLUMNS, evidence_sentence, export_events, export_tables, event_date
from pipeline.records import Argument, ArticleRecord, Count, Entity, Event, EventDate, EventLocation, Trigger
from pipeline.sinks import sql

from .conftest import write_jsonl

runner = CliRunner()

TEXT = ("PESHAWAR - Security forces were on alert on Monday.\n\n"
        "Militants of the Tehrik-i-Taliban Pakistan attacked a police post in Bannu on Sunday, killing "
        "two policemen and wounding 3 others, Mr. Khan said. The group claimed it later.")


def _span(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


def _attack() -> ArticleRecord:
    ttp, bannu, attacked, policemen = (_span(s) for s in ("Tehrik-i-Taliban Pakistan", "Bannu", "attacked",
                                                          "two policemen"))
    return ArticleRecord(
        article_id="bannu", content_hash="h1", pipeline_version="test", text=TEXT, source="Dawn",
        published="2021-12-20",
        entities=[Entity(id="T1", text="Tehrik-i-Taliban Pakistan", label="ORG", start=ttp[0], end=ttp[1], sentence=1,
                         canonical="Tehrik-i-Taliban Pakistan (TTP)", actor_type="armed_group"),
                  Entity(id="T2", text="Bannu", label="GPE", start=bannu[0], end=bannu[1], sentence=1)],
        events=[
            Event(id="E1", type="ATTACK", trigger=Trigger(text="attacked", start=attacked[0], end=attacked[1]),
                  sentence=1, kind="incident", status="reported", confidence=0.9,
                  arguments=[Argument(role="perpetrator", entity=None, text="Militants", start=_span("Militants")[0],
                                      end=_span("Militants")[1]),
                             Argument(role="perpetrator_org", entity="T1", text="Tehrik-i-Taliban Pakistan",
                                      start=ttp[0], end=ttp[1]),
                             Argument(role="target", entity=None, text="a police post", start=_span("a police post")[0],
                                      end=_span("a police post")[1]),
                             Argument(role="victim", entity=None, text="two policemen", start=policemen[0],
                                      end=policemen[1])],
                  date=EventDate(text="Sunday", value="2021-12-19", granularity="day"),
                  location=EventLocation(text="Bannu", name="Bannu", country_code="PK",
                                         admin1="Khyber Pakhtunkhwa", lat=32.98, lon=70.60, geonames_id=1183090),
                  killed=Count(value=2, qualifier="exact"), injured=Count(value=3, qualifier="exact")),
            Event(id="E2", type="ATTACK", trigger=Trigger(text="claimed", start=_span("claimed")[0],
                                                          end=_span("claimed")[1]),
                  sentence=2, kind="background", status="claimed", confidence=0.4,
                  date=EventDate(text="later", value="2021-W51", granularity="week")),
        ],
    )


@pytest.fixture
def filled_db(db_url):
    sink = sql.SqlSink(db_url, run_id="run-1", pipeline_version="test")
    sink.write([_attack(), ArticleRecord(article_id="empty", content_hash="h2", pipeline_version="test",
                                         text="Markets rose.")])
    sink.close()
    engine = sql.make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_tables_export_every_row_with_schema_types(filled_db, tmp_path, fmt):
    counts = export_tables(filled_db, tmp_path, fmt)
    assert counts == {"articles": 2, "entities": 2, "events": 2, "event_arguments": 4, "relations": 0, "runs": 1}
    read = pd.read_parquet if fmt == "parquet" else pd.read_csv
    events = read(tmp_path / f"events.{fmt}")
    assert list(events.columns) == [c.name for c in sql.events.columns]
    assert events["killed"].tolist()[0] == 2 and pd.isna(events["killed"].tolist()[1])
    if fmt == "parquet":
        assert pq.read_schema(tmp_path / "events.parquet").field("killed").type == pa.int64()
    else:
        assert "2.0" not in (tmp_path / "events.csv").read_text(encoding="utf-8").split("\n")[1].split(",")
    assert read(tmp_path / f"relations.{fmt}").columns.tolist() == [c.name for c in sql.relations.columns]
    assert read(tmp_path / f"articles.{fmt}")["article_id"].tolist() == ["bannu", "empty"]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_event_data_has_acled_gtd_columns_and_evidence(filled_db, tmp_path, fmt):
    path = tmp_path / f"event_data.{fmt}"
    assert export_events(filled_db, path, fmt) == 2
    frame = pd.read_parquet(path) if fmt == "parquet" else pd.read_csv(path)
    assert list(frame.columns) == list(EVENT_COLUMNS)
    first, second = frame.to_dict("records")
    assert first["event_date"] == "2021-12-19" and first["event_type"] == "ATTACK"
    assert first["actor1"] == "Tehrik-i-Taliban Pakistan (TTP)"  # perpetrator_org before perpetrator, canonical
    assert first["actor2"] == "two policemen"  # victim before target
    assert (first["location"], first["admin1"], first["country"]) == ("Bannu", "Khyber Pakhtunkhwa", "Pakistan")
    assert math.isclose(first["latitude"], 32.98) and math.isclose(first["longitude"], 70.60)
    assert (first["fatalities"], first["injuries"], first["source"]) == (2, 3, "Dawn")
    assert first["notes"] == ("Militants of the Tehrik-i-Taliban Pakistan attacked a police post in Bannu on Sunday, "
                              "killing two policemen and wounding 3 others, Mr. Khan said.")
    assert (first["article_id"], first["event_id"]) == ("bannu", "E1")
    assert pd.isna(second["event_date"])  # a week is not a calendar date
    assert pd.isna(second["actor1"]) and pd.isna(second["actor2"]) and pd.isna(second["fatalities"])
    assert second["notes"] == "The group claimed it later."


def test_evidence_sentence_boundaries():
    text = "U.S. forces said Gen. Ali was shot in Kabul. Two died.\nA bomb went off\nnear the market. Others fled."
    assert evidence_sentence(text, text.index("shot"), text.index("shot") + 4) == \
        "U.S. forces said Gen. Ali was shot in Kabul."
    assert evidence_sentence(text, text.index("bomb"), text.index("bomb") + 4) == "A bomb went off near the market."
    assert evidence_sentence(text, text.index("died"), text.index("died") + 4) == "Two died."
    wire = "GUERRILLAS ATTACKED THE POST\nYESTERDAY.\n\n   THE ARMY REPLIED. SIX WERE HURT"
    assert evidence_sentence(wire, 11, 19) == "GUERRILLAS ATTACKED THE POST YESTERDAY."
    assert evidence_sentence(wire, wire.index("HURT"), len(wire)) == "SIX WERE HURT"
    quoted = 'He said: "They bombed the bridge." Then he left.'
    assert evidence_sentence(quoted, quoted.index("bombed"), quoted.index("bombed") + 6) == \
        'He said: "They bombed the bridge."'


def test_event_date_keeps_calendar_dates_only():
    assert [event_date(v) for v in ("2021-12-22", "2021-07", "2021", "2021-W51", "XXXX-12-22", "PAST_REF",
                                    "2021-07/2021-09", None)] == ["2021-12-22", "2021-07", "2021"] + [None] * 5


def test_export_command_on_a_pipeline_run(tmp_path, reference_text):
    articles = write_jsonl(tmp_path / "in.jsonl", [{"id": "ttp", "text": reference_text, "source": "Asia Times"}])
    db = f"sqlite:///{tmp_path / 'events.db'}"
    assert runner.invoke(app, ["run", str(articles), "--out", str(tmp_path / "r.jsonl"), "--db", db]).exit_code == 0
    for fmt in ("csv", "parquet", "events-csv", "events-parquet"):
        result = runner.invoke(app, ["export", "--db", db, "--format", fmt, "--out", str(tmp_path / "out")])
        assert result.exit_code == 0, result.output
    frame = pd.read_csv(tmp_path / "out" / "event_data.csv")
    events = pd.read_parquet(tmp_path / "out" / "events.parquet")
    assert len(frame) == len(events) > 0
    merged = frame.merge(events, on=["article_id", "event_id"])
    for row in merged.itertuples():  # the evidence is a sentence of the article around the trigger
        assert row.trigger_text in row.notes
        assert " ".join(reference_text.split()).find(row.notes) >= 0
    parquet = pd.read_parquet(tmp_path / "out" / "event_data.parquet")
    assert parquet["notes"].tolist() == frame["notes"].tolist()
    assert runner.invoke(app, ["export", "--db", db, "--format", "xml"]).exit_code == 2
    missing = runner.invoke(app, ["export", "--db", f"sqlite:///{tmp_path / 'none.db'}", "--out", str(tmp_path)])
    assert missing.exit_code == 1 and "no news-pipeline schema" in missing.output
