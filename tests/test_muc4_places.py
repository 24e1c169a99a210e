import json
from pipeline.evaluation.muc4_places import (GoldLocation, align, dateline_date, gold_templates, name_key,
                                             parse_location, score)
from pipeline.normalize.places import load_gazetteer
from pipeline.records import ArticleRecord, Event, EventLocation, Trigger


def test_dateline_date():
    assert dateline_date("GUATEMALA CITY, 4 FEB 90 (ACAN-EFE)") == "1990-02-04"
    assert dateline_date("CLANDESTINE, NO DATE (RADIO VENCEREMOS)") is None


def test_parse_location_alternatives_levels_and_types():
    assert parse_location("GUATEMALA: PETEN (DEPARTMENT): FLORES (CITY)") == [
        GoldLocation("GT", (("peten",), ("flores",)), frozenset({"peten"}))]
    assert parse_location("(EL SALVADOR: SAN SALVADOR (CITY)) / (EL SALVADOR)") == [
        GoldLocation("SV", (("san salvador",),)), GoldLocation("SV", ())]
    assert parse_location("EL SALVADOR: MORAZAN (DEPARTMENT): PERQUIN (CITY / JURISDICTION)") == [
        GoldLocation("SV", (("morazan",), ("perquin",)), frozenset({"morazan"}))]


def test_a_stretch_between_two_places_names_either():
    # "COPIAPO (CITY) - TALCA (CITY)" once became the single key "copiapo city talca", which no place matches.
    [gold] = parse_location("CHILE: COPIAPO (CITY) - TALCA (CITY)")
    assert gold.levels == (("copiapo", "talca"),)


def test_names_compare_without_article_or_type_word():
    assert name_key("LA OROYA") == name_key("OROYA") == "oroya"
    assert name_key("Carchi Province") == "carchi"
    assert name_key("Medellín") == "medellin"
    # MUC-4 writes the kind after the name: "SAN MIGUEL (RIVER)" is the text's "SAN MIGUEL RIVER".
    [gold] = parse_location("ECUADOR: AMAZON (REGION): SAN MIGUEL (RIVER)")
    assert gold.levels == (("amazon",), ("san miguel",)) and name_key("SAN MIGUEL RIVER") == "san miguel"


def _record(*events, text="x"):
    return ArticleRecord(article_id="d", content_hash="h", pipeline_version="0", text=text, entities=[],
                         events=list(events), relations=[], warnings=[])


def _event(type_, name, country, admin1=None, geonames_id=1, start=0, text=None):
    return Event(id="E1", type=type_, trigger=Trigger(text="x", start=start, end=start + 1), sentence=0, arguments=[],
                 location=EventLocation(text=text or name, name=name, country_code=country, admin1=admin1,
                                        geonames_id=geonames_id),
                 kind="incident", status="reported", confidence=0.5)


def _template(type_, location, **fillers):
    return {"incident_type": type_, "incident_location": [location], **fillers}


def test_alignment_does_not_look_at_locations():
    # Two ATTACK events; the template's victim is named in the second one's sentence. The first is
    # in the right place, but alignment must not search the events for the right place.
    text = "Rebels attacked a post in Flores. Later a bomb killed the mayor of Lima."
    first = _event("ATTACK", "Flores", "GT", start=text.index("attacked"))
    second = _event("ATTACK", "Lima", "PE", start=text.index("killed"))
    row = {"templates": [_template("ATTACK", "GUATEMALA: FLORES (CITY)", Victim=[["MAYOR"]])]}
    [template] = gold_templates(row)
    assert align(_record(first, second, text=text), template) is second
    report = score([row], [_record(first, second, text=text)])
    assert report["aligned"]["country"]["correct"] == 0
    assert report["oracle_alignment"]["aligned"]["country"]["correct"] == 1  # the upper bound it used to report
    # Without fillers named anywhere, the earliest event of the type stands for the incident.
    row = {"templates": [_template("ATTACK", "GUATEMALA: FLORES (CITY)")]}
    assert score([row], [_record(second, first, text=text)])["aligned"]["country"]["correct"] == 1


def test_place_scores_by_name_by_department_and_needs_the_country():
    rows = [{"templates": [_template("ATTACK", "GUATEMALA: PETEN (DEPARTMENT): FLORES (CITY)")]},
            {"templates": [_template("BOMBING", "COLOMBIA: ANTIOQUIA (DEPARTMENT)")]},
            {"templates": [_template("ATTACK", "EL SALVADOR: SAN MIGUEL (CITY)")]},
            {"templates": [_template("ATTACK", "EL SALVADOR: SAN SALVADOR (CITY)")]},
            {"templates": [_template("ARSON", "COLOMBIA")]}]
    records = [_record(_event("ATTACK", "Flores", "GT", "Petén")),
               _record(_event("BOMBING", "Medellín", "CO", "Antioquia")),  # inside the named department
               _record(_event("ATTACK", "San Miguel", "PE")),  # the right name in the wrong country
               # Soyapango lies in San Salvador department; the template names the city only.
               _record(_event("ATTACK", "Soyapango", "SV", "San Salvador")),
               _record()]
    report = score(rows, records)
    assert report["aligned"]["country"] == {"accuracy": 0.75, "correct": 3, "n": 4}
    assert report["aligned"]["place"] == {"accuracy": 0.5, "correct": 2, "n": 4}
    assert report["aligned"]["place_most_specific"]["correct"] == 2
    assert report["templates_without_event_of_type"] == 1
    assert report["all_templates"]["country"]["n"] == 5


def test_a_division_matches_only_a_level_typed_as_one():
    rows = [{"templates": [_template("ATTACK", "EL SALVADOR: LA LIBERTAD (PORT)")]},
            {"templates": [_template("ATTACK", "EL SALVADOR: USULUTAN (CITY / COUNTY / DEPARTMENT)")]}]
    records = [_record(_event("ATTACK", "La Libertad", "SV", "La Libertad", geonames_id=None)),
               _record(_event("ATTACK", "Usulután", "SV", "Usulután", geonames_id=None))]
    assert score(rows, records)["aligned"]["place"]["correct"] == 1


def test_a_country_alone_counts_where_the_template_allows_it():
    salvador = load_gazetteer().country("SV")
    country = _event("ATTACK", salvador.name, "SV", geonames_id=salvador.geonames_id)
    allows = {"templates": [_template("ATTACK", "(EL SALVADOR) / (EL SALVADOR: SAN SALVADOR (CITY))")]}
    needs = {"templates": [_template("ATTACK", "EL SALVADOR: SAN SALVADOR (CITY)")]}
    report = score([allows, needs], [_record(country), _record(country)])
    assert report["aligned"]["place"] == {"accuracy": 0.5, "correct": 1, "n": 2}


def test_a_named_part_of_a_town_is_matched_by_its_text():
    row = {"templates": [_template("BOMBING", "EL SALVADOR: ZACAMIL (NEIGHBORHOOD)")]}
    event = _event("BOMBING", "San Salvador", "SV", "San Salvador", text="ZACAMIL NEIGHBORHOOD")
    assert score([row], [_record(event)])["aligned"]["place_most_specific"]["correct"] == 1


def test_a_village_in_a_division_or_a_country_is_matched_by_its_text():
    # The gazetteer lacks the village: the place around it is a department or the country itself.
    rows = [{"templates": [_template("ATTACK", "PERU: HOSTIGAL (TOWN)")]},
            {"templates": [_template("ATTACK", "EL SALVADOR: ARCATAO (TOWN)")]},
            {"templates": [_template("ATTACK", "PERU: HUANTA (TOWN)")]}]
    salvador = load_gazetteer().country("SV")
    records = [_record(_event("ATTACK", "Lima", "PE", "Lima", geonames_id=None, text="HOSTIGAL")),
               _record(_event("ATTACK", salvador.name, "SV", geonames_id=salvador.geonames_id, text="ARCATAO")),
               # The department by its own name matches no town of the template.
               _record(_event("ATTACK", "Ayacucho", "PE", "Ayacucho", geonames_id=None, text="AYACUCHO DEPARTMENT"))]
    assert score(rows, records)["aligned"]["place"] == {"accuracy": 0.6667, "correct": 2, "n": 3}


def test_only_the_first_documents_are_scored(tmp_path):
    from pipeline.evaluation.muc4_places import evaluate_places

    text = "LIMA, 3 FEB 89 (EFE) -- [TEXT] SHINING PATH GUERRILLAS KILLED TWO PEASANTS IN HUANCAYO YESTERDAY."
    row = {"dateline": "LIMA, 3 FEB 89", "text": text,
           "templates": [{"incident_type": "ATTACK", "incident_location": ["PERU: JUNIN (DEPARTMENT): HUANCAYO (CITY)"]}]}
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps({**row, "docid": f"D{i}"}) for i in range(3)) + "\n", encoding="utf-8")
    report = evaluate_places(gold, first=2)
    assert report["documents"] == 2 and report["templates"] == 2
    assert report["aligned"]["place"] == {"accuracy": 1.0, "correct": 2, "n": 2}
