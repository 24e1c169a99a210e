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
