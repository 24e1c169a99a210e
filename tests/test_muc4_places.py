from pipeline.evaluation.muc4_places import GoldLocation, dateline_date, parse_location, score
from pipeline.records import ArticleRecord, Event, EventLocation, Trigger


def test_dateline_date():
    assert dateline_date("GUATEMALA CITY, 4 FEB 90 (ACAN-EFE)") == "1990-02-04"
    assert dateline_date("CLANDESTINE, NO DATE (RADIO VENCEREMOS)") is None


def test_parse_location_alternatives_and_levels():
    assert parse_location("GUATEMALA: PETEN (DEPARTMENT): FLORES (CITY)") == [GoldLocation("GT", ("peten", "flores"))]
    assert parse_location("(EL SALVADOR: SAN SALVADOR (CITY)) / (EL SALVADOR)") == [
        GoldLocation("SV", ("san salvador",)), GoldLocation("SV", ())]
    assert parse_location("EL SALVADOR: MORAZAN (DEPARTMENT): PERQUIN (CITY / JURISDICTION)") == [
        GoldLocation("SV", ("morazan", "perquin"))]


def _record(*events):
    return ArticleRecord(article_id="d", content_hash="h", pipeline_version="0", text="x", entities=[],
                         events=list(events), relations=[], warnings=[])


def _event(type_, name, country, admin1=None):
    return Event(id="E1", type=type_, trigger=Trigger(text="x", start=0, end=1), sentence=0, arguments=[],
                 location=EventLocation(text=name, name=name, country_code=country, admin1=admin1),
                 kind="incident", status="reported", confidence=0.5)


def test_alignment_by_type_and_best_location():
    row = {"templates": [
        {"incident_type": "ATTACK", "incident_location": ["GUATEMALA: PETEN (DEPARTMENT): FLORES (CITY)"]},
        {"incident_type": "BOMBING", "incident_location": ["COLOMBIA: ANTIOQUIA (DEPARTMENT)"]},
        {"incident_type": "ARSON", "incident_location": ["COLOMBIA"]},
    ]}
    record = _record(_event("ATTACK", "Mexico", "MX"), _event("ATTACK", "Flores", "GT"),
                     _event("BOMBING", "Medellín", "CO", "Antioquia"))
    report = score([row], [record])
    assert report["aligned"]["country"] == {"accuracy": 1.0, "correct": 2, "n": 2}
    assert report["aligned"]["place"]["correct"] == 2  # Flores by name, Medellin by its department
    assert report["aligned"]["place_most_specific"]["correct"] == 1
    assert report["templates_without_event_of_type"] == 1
    assert report["all_templates"]["country"]["n"] == 3
