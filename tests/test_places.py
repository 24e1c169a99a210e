from pipeline.normalize.places import load_gazetteer


def test_countries_cities_provinces_and_aliases():
    gazetteer = load_gazetteer()
    assert gazetteer.resolve("Pakistan").geonames_id == 1168579
    quetta = gazetteer.resolve("Quetta")
    assert (quetta.kind, quetta.country_code) == ("city", "PK") and 29 < quetta.lat < 31
    assert gazetteer.resolve("KPK").name == "Khyber Pakhtunkhwa"
    assert gazetteer.resolve("D.I. Khan").geonames_id == 1180281
    assert gazetteer.resolve("the United States").country_code == "US"
    assert gazetteer.resolve("Nowhere-on-Sea") is None


def test_article_country_context_disambiguates():
    gazetteer = load_gazetteer()
    assert gazetteer.resolve("Hyderabad", ["PK"]).country_code == "PK"
    assert gazetteer.resolve("Hyderabad", ["IN"]).country_code == "IN"


def test_lookups_ignore_case_and_accents():
    gazetteer = load_gazetteer()
    assert gazetteer.resolve("GUATEMALA CITY").geonames_id == gazetteer.resolve("Guatemala City").geonames_id
    assert gazetteer.resolve("MEDELLIN").name == "Medellín"
    assert gazetteer.resolve("KPK").name == gazetteer.resolve("kpk").name == "Khyber Pakhtunkhwa"


def test_cities_carry_admin1_names_as_pycountry_spells_them():
    gazetteer = load_gazetteer()
    assert gazetteer.resolve("Quetta").admin1 == "Balochistan"
    assert gazetteer.resolve("Medellin").admin1 == "Antioquia"
    assert gazetteer.resolve("Boston").admin1 == "Massachusetts"
    assert gazetteer.resolve("San Salvador", ["SV"]).admin1 == "San Salvador"


def test_own_name_beats_alternate_name_and_words_are_not_places():
    gazetteer = load_gazetteer()
    assert gazetteer.resolve("San Miguel", ["SV"]).country_code == "SV"
    assert gazetteer.resolve("San Miguel").name == "San Miguel"  # not San Diego, which lists it as an alias
    assert gazetteer.resolve("COL") is None and gazetteer.resolve("MARCH") is None


def test_nearby_province_disambiguates():
    gazetteer = load_gazetteer()
    assert gazetteer.resolve("Hyderabad", ["PK", "IN"], ["Sindh"]).country_code == "PK"


def test_places_in_capitals_are_found_and_events_placed(annotate):
    doc = annotate("GUATEMALA CITY, 4 FEB 90 (ACAN-EFE) -- [TEXT] THE MAIN OFFICES ARE IN MEXICO.\n\n"
                   "HE ALSO REPORTED THAT GUERRILLAS KILLED A PEASANT IN THE CITY OF FLORES, IN THE NORTHERN "
                   "EL PETEN DEPARTMENT.", published="1990-02-04")
    places = {ent.text: ent._.place for ent in doc.ents if ent.label_ == "GPE"}
    assert places["MEXICO"].country_code == "MX"
    assert places["FLORES"].country_code == "GT"  # the Guatemalan Flores, from the dateline's country
    from pipeline.doc_to_record import doc_to_record
    from pipeline.ingest import ArticleLimits, make_article

    record = doc_to_record(doc, make_article(doc.text, "t", ArticleLimits(), article_id="t", published="1990-02-04"))
    killing = next(e for e in record.events if e.trigger.text == "KILLED")
    assert (killing.location.name, killing.location.country_code) == ("Flores", "GT")
