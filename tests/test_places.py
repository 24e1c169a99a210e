import pytest

from pipeline.normalize import places
from pipeline.normalize.places import admin1_coverage, demonyms, load_gazetteer


def test_countries_cities_provinces_and_aliases():
    gazetteer = load_gazetteer()
    assert gazetteer.resolve("Pakistan").geonames_id == 1168579
    quetta = gazetteer.resolve("Quetta")
    assert (quetta.kind, quetta.country_code) == ("city", "PK") and 29 < quetta.lat < 31
    assert gazetteer.resolve("KPK").name == "Khyber Pakhtunkhwa"
    assert gazetteer.resolve("D.I. Khan").geonames_id == 1180281
    assert gazetteer.resolve("the United States").country_code == "US"
    assert gazetteer.resolve("Nowhere-on-Sea") is None


@pytest.mark.parametrize("mention", ["North Santander", "NORTH SANTANDER DEPARTMENT", "Norte de Santander"])
def test_an_alias_is_found_behind_a_type_word_with_its_direction_kept(mention):
    """"NORTH SANTANDER" is Norte de Santander, not Santander with a direction before it."""
    assert load_gazetteer().resolve(mention, ["CO"]).name == "Norte de Santander"


def test_an_alias_behind_a_type_word_but_not_behind_a_dropped_direction():
    gazetteer = load_gazetteer()
    assert gazetteer.resolve("SANTANDER DEPARTMENT", ["CO"]).name == "Santander"
    assert gazetteer.resolve("D.I. Khan district", ["PK"]).geonames_id == 1180281
    assert gazetteer.resolve("CENTRAL AMERICA", ["SV"]) is None  # not "America" (the United States) by its alias


def test_the_cache_is_keyed_by_the_alias_table(monkeypatch, tmp_path):
    """An edited alias table makes a new gazetteer cache instead of reading a stale one."""
    from importlib import resources

    monkeypatch.setenv("NEWS_PIPELINE_CACHE", str(tmp_path))
    shipped = places._cache_path()
    table = tmp_path / "place_aliases.json"
    table.write_text(resources.files("pipeline.data").joinpath("place_aliases.json").read_text() + " ")

    class EditedData:
        def joinpath(self, name):
            return table

    monkeypatch.setattr(places.resources, "files", lambda package: EditedData())
    assert places._cache_path() != shipped and places._cache_path().parent == tmp_path


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


def test_type_words_directions_and_articles_are_read_off_a_mention():
    gazetteer = load_gazetteer()
    carchi = gazetteer.resolve("CARCHI PROVINCE")
    assert (carchi.name, carchi.kind, carchi.country_code) == ("Carchi", "admin1", "EC")
    assert gazetteer.resolve("SAN SALVADOR DEPARTMENT", ["SV"]).kind == "admin1"
    assert gazetteer.resolve("SAN SALVADOR", ["SV"]).kind == "city"  # a big city outranks its province
    assert gazetteer.resolve("WESTERN MEDELLIN").name == "Medellín"
    assert gazetteer.resolve("NORTHERN EL PETEN", ["GT"]).name == "Petén"
    assert gazetteer.resolve("LA UNION DEPARTMENT", ["SV"]).name == "La Unión"  # not Union, New Jersey
    assert gazetteer.resolve("OROYA", ["PE"]).name == "La Oroya"
    assert gazetteer.resolve("NORTHERN SAN", ["SV"]) is None  # what is left is no name


def test_a_part_of_a_town_is_only_taken_in_the_articles_country():
    gazetteer = load_gazetteer()
    assert gazetteer.resolve("ESCALON NEIGHBORHOOD", ["SV", "US"]) is None  # not Escalon, California
    assert gazetteer.resolve("Escalon", ["US"]).country_code == "US"


def test_alternate_names_of_small_foreign_towns_are_not_taken():
    gazetteer = load_gazetteer()
    assert gazetteer.resolve("VINA", ["CL"]) is None  # an alternate name of Vinh, Vietnam
    assert gazetteer.resolve("Falluja") is None
    assert gazetteer.resolve("Falluja", ["IQ"]).name == "Al Fallūjah"  # in the article's country it is
    assert gazetteer.resolve("Peking").name == "Beijing"  # and a big city's old name always


def test_common_words_name_only_big_or_nearby_places():
    gazetteer = load_gazetteer()
    assert gazetteer.resolve("STREET").country_code == "GB"
    assert gazetteer.resolve("STREET", common_word=True) is None
    assert gazetteer.resolve("SAVE", common_word=True) is None
    assert gazetteer.resolve("LIMA", common_word=True).country_code == "PE"


def test_capitals_countries_and_nationalities():
    gazetteer = load_gazetteer()
    assert gazetteer.capital("SV").name == "San Salvador"
    assert gazetteer.country("CO").name == "Colombia"
    assert gazetteer.country("XX") is None
    nationalities = demonyms()
    assert (nationalities["salvadoran"], nationalities["colombians"], nationalities["american"]) == ("SV", "CO", "US")


def test_curated_admin1_codes_name_central_american_departments():
    gazetteer = load_gazetteer()
    assert gazetteer.resolve("Zacatecoluca", ["SV"]).admin1 == "La Paz"
    assert gazetteer.resolve("Flores", ["GT"]).admin1 == "Petén"
    assert gazetteer.resolve("Tulcan", ["EC"]).admin1 == "Carchi"
    assert gazetteer.resolve("Tegucigalpa").admin1 == "Francisco Morazán"
    coverage = admin1_coverage()
    assert all(coverage[country] > 0.95 for country in ("SV", "GT", "HN", "NI", "EC", "CL", "BO", "PE", "PK"))


def test_the_cache_loads_what_was_built():
    gazetteer = load_gazetteer()
    path = places._cache_path()
    assert path.suffix == ".marshal" and path.exists()
    load_gazetteer.cache_clear()
    try:
        again = load_gazetteer()
        assert again is not gazetteer
        assert again.places == gazetteer.places and again.index == gazetteer.index
        assert again.capitals == gazetteer.capitals
    finally:
        load_gazetteer.cache_clear()


def _event_locations(annotate, text, published="1990-01-10"):
    from pipeline.doc_to_record import doc_to_record
    from pipeline.ingest import ArticleLimits, make_article

    doc = annotate(text, published=published)
    record = doc_to_record(doc, make_article(text, "t", ArticleLimits(), article_id="t", published=published))
    return doc, {e.trigger.text: e.location for e in record.events}


def test_dateline_with_a_country_is_a_bureau_abroad(annotate):
    doc, _ = _event_locations(annotate, "ROME (ITALY), 28 APR 89 (ANSA) -- [TEXT] THE TWO ENGINEERS WORK FOR A FIRM "
                                        "FROM MILAN.\n\nGUERRILLAS KIDNAPPED THEM NEAR MEDELLIN, COLOMBIA.")
    assert doc._.dateline_place.text == "ROME" and doc._.dateline_abroad
    places = {ent.text: ent._.place for ent in doc.ents if ent.label_ == "GPE"}
    assert places["ITALY"].kind == "country" and "ROME (ITALY" not in places
    doc, _ = _event_locations(annotate, "SANTIAGO, 24 JAN 89 -- [TEXT] THE POLICE ARRESTED TWO MEN.")
    assert doc._.dateline_place._.place.country_code == "CL" and not doc._.dateline_abroad


def test_article_country_from_armed_groups_and_nationalities(annotate):
    doc, events = _event_locations(annotate, "CLANDESTINE, NO DATE (RADIO VENCEREMOS) -- [TEXT] THE FMLN REPORTS "
                                             "THAT ITS UNITS ATTACKED AN ARMY POST. THE SALVADORAN ARMY SUFFERED "
                                             "12 CASUALTIES.")
    assert doc._.dateline_place is None and doc._.article_countries[0] == "SV"
    assert events["ATTACKED"].country_code == "SV"  # no place is named: the article's country


def test_the_country_across_a_border_is_not_the_articles(annotate):
    doc, events = _event_locations(annotate, "PANAMA CITY (PANAMA), 29 MAR 90 (RPC TELEVISION) -- [TEXT] THERE WAS AN "
                                             "EXCHANGE OF GUNFIRE AT PUERTO OBALDIA, NEAR THE COLOMBIAN BORDER, WHICH "
                                             "LEFT TWO PERSONS DEAD. THE OTHER PERSON KILLED WAS A COLOMBIAN.")
    assert doc._.article_countries[0] == "PA"
    assert events["GUNFIRE"].country_code == "PA"


def test_the_country_of_an_embassy_is_not_the_articles(annotate):
    doc, events = _event_locations(annotate, "MOSCOW (USSR), 26 OCT 89 (DOMESTIC SERVICE) -- [TEXT] A DISPATCH FROM "
                                             "LIMA. TERRORIST ACTS WERE CARRIED OUT AGAINST THE EMBASSIES OF THE USSR "
                                             "AND THE PRC. UNKNOWN PEOPLE WHO DROVE UP TO THE USSR EMBASSY PLACED A "
                                             "BOMB UNDER ONE OF THE SOVIET DIPLOMATS' CARS. NONE OF THE GROUPS ACTIVE IN "
                                             "PERU HAS CLAIMED THESE CRIMES.")
    assert doc._.article_countries[0] == "PE"
    assert (events["BOMB"].name, events["BOMB"].country_code) == ("Lima", "PE")


def test_a_nationalitys_capital_is_that_countrys_capital(annotate):
    doc, events = _event_locations(annotate, "MOSCOW (USSR), 26 OCT 89 (TASS) -- [TEXT] A BOMB EXPLODED ON WEDNESDAY "
                                             "IN THE PERUVIAN CAPITAL. THE SALVADORAN CAPITAL OF THE REBELS WAS "
                                             "QUIET.")
    capitals = {e.text: e._.place.name for e in doc.ents if e._.place is not None}
    assert capitals["THE PERUVIAN CAPITAL"] == "Lima" and "THE SALVADORAN CAPITAL" not in capitals
    assert events["BOMB"].name == "Lima"


def test_a_persons_surname_read_as_a_place_names_no_place(annotate):
    text = ("GUATEMALA CITY (GUATEMALA), 11 DEC 89 (ACAN-EFE) -- [TEXT] THE POLICE REPORTED TODAY THAT MARCO TULIO "
            "MONTENEGRO, A STUDENT LEADER, HAS BEEN FOUND DEAD IN GUATEMALA CITY. MONTENEGRO'S RELATIVES SAID HE HAD "
            "A STAB WOUND. MONTENEGRO HAD RETURNED FROM PANAMA.")
    doc, events = _event_locations(annotate, text)
    assert doc._.article_countries[0] == "GT" and "ME" not in doc._.article_countries
    assert not any(e.text == "MONTENEGRO" and e._.place is not None for e in doc.ents)
    assert all(location.country_code == "GT" for location in events.values())
    # A town of the article's own country keeps its name when a person shares it.
    doc, _ = _event_locations(annotate, "LIMA, 3 MAR 90 (EFE) -- [TEXT] MAYOR JOSE TRUJILLO SPOKE. A BOMB EXPLODED "
                                        "IN TRUJILLO TODAY.")
    assert any(e.text == "TRUJILLO" and e._.place is not None and e._.place.name == "Trujillo" for e in doc.ents)


def test_the_capital_is_the_capital_of_the_articles_country(annotate):
    _, events = _event_locations(annotate, "CLANDESTINE, NO DATE (RADIO VENCEREMOS) -- [TEXT] A REPORT.\n\n"
                                           "FMLN UNITS ATTACKED A POLICE POST IN THE CAPITAL LAST NIGHT.")
    assert (events["ATTACKED"].text, events["ATTACKED"].name) == ("THE CAPITAL", "San Salvador")


@pytest.mark.parametrize("text,trigger,place", [
    ("MEDELLIN, 3 MAR 90 (EFE) -- [TEXT] A REPORT.\n\nA BOMB EXPLODED IN THIS CITY TODAY.", "BOMB",
     ("THIS CITY", "Medellín")),
    ("SAN SALVADOR, 12 JAN 90 (RADIO CADENA YSKL) -- [TEXT] A REPORT.\n\nFMLN URBAN COMMANDOS BLEW UP THREE POLES "
     "IN THIS CAPITAL TODAY.", "BLEW", ("THIS CAPITAL", "San Salvador")),
])
def test_this_city_is_the_town_the_report_was_filed_from(annotate, text, trigger, place):
    _, events = _event_locations(annotate, text)
    assert (events[trigger].text, events[trigger].name) == place


def test_this_capital_is_no_town_that_is_not_one(annotate):
    doc, _ = _event_locations(annotate, "MEDELLIN, 3 MAR 90 (EFE) -- [TEXT] POLICE IN THIS CAPITAL SAID NOTHING.")
    assert not any(e.text == "THIS CAPITAL" and e._.place is not None for e in doc.ents)


def test_a_nationality_is_not_where_an_event_happened(annotate):
    _, events = _event_locations(annotate, "SAN SALVADOR, 13 NOV 89 (DPA) -- [TEXT] A REPORT.\n\nTWO U.S. CITIZENS "
                                           "HAVE BEEN KILLED IN THE LAST FEW HOURS, POLICE SAID.")
    assert events["KILLED"].country_code == "SV"


def test_wrapped_names_and_type_words_in_capitals(annotate):
    doc, events = _event_locations(annotate, "TEGUCIGALPA, 29 APR 88 (EFE) -- [TEXT] A REPORT.\n\nTHE SAME DAY, 13 "
                                             "PERSONS DIED IN SAN\nSALVADOR AS A RESULT OF A BOMB EXPLOSION.")
    assert (events["BOMB"].name, events["BOMB"].country_code) == ("San Salvador", "SV")
    _, events = _event_locations(annotate, "BOGOTA, 7 JUL 89 (EFE) -- [TEXT] A REPORT.\n\nA SPOKESMAN SAID THAT THE "
                                           "EXPLOSION TOOK PLACE\nNEAR THE PIPELINE IN ARAUCA INTENDANCY.")
    assert (events["EXPLOSION"].name, events["EXPLOSION"].admin1) == ("Arauca", "Arauca")


def test_words_after_to_are_not_places(annotate):
    doc, _ = _event_locations(annotate, "SAN SALVADOR, 2 MAY 90 (EFE) -- [TEXT] A REPORT.\n\nTHEY WANT TO TURN "
                                        "EL SALVADOR INTO A BATTLEFIELD AND TO SAVE NOBODY. A SOLDIER DIED ALONG THE "
                                        "COAST.")
    assert {ent.text for ent in doc.ents if ent.label_ in {"GPE", "LOC"}} >= {"EL SALVADOR"}
    assert not {"TURN", "SAVE", "COAST"} & {ent.text for ent in doc.ents if ent._.place is not None}


def test_a_named_part_of_a_town_is_the_events_text(annotate):
    _, events = _event_locations(annotate, "SAN SALVADOR, 2 MAY 90 (EFE) -- [TEXT] A REPORT.\n\nTHE GUERRILLAS "
                                           "ATTACKED THE NATIONAL POLICE HEADQUARTERS IN THE ZACAMIL NEIGHBORHOOD.")
    location = events["ATTACKED"]
    assert (location.text, location.name, location.country_code) == ("ZACAMIL NEIGHBORHOOD", "San Salvador", "SV")


def test_small_towns_only_in_the_countries_an_article_is_about():
    gazetteer = load_gazetteer()
    # The United States mentioned once in a Salvadoran report: its small towns are not meant.
    assert gazetteer.resolve("SAN RAMON", {"SV": 5.0, "US": 1.0}) is None
    assert gazetteer.resolve("SAN RAMON", {"US": 5.0}).country_code == "US"
    # A province named in the article counts for its own country only ("CORDOBA DEPARTMENT", Colombia).
    cordoba = gazetteer.resolve("CORDOBA", {"CO": 5.0, "AR": 0.5}, [("CO", "Córdoba")])
    assert (cordoba.country_code, cordoba.kind) == ("CO", "admin1")
    assert gazetteer.resolve("LA") is None and gazetteer.resolve("SAN") is None  # joiners, not Los Angeles


def test_a_name_cut_short_is_completed(annotate):
    _, events = _event_locations(annotate, "TEGUCIGALPA, 7 FEB 89 (EFE) -- [TEXT] A REPORT.\n\nA BOMB EXPLOSION KILLED "
                                           "TWO PEOPLE TODAY IN SAN PEDRO\nSULA, POLICE SAID.")
    assert events["BOMB"].name == "San Pedro Sula"


def test_a_place_abroad_near_the_event_is_not_its_place(annotate):
    _, events = _event_locations(annotate, "SAN SALVADOR, 15 JAN 90 (EFE) -- [TEXT] A REPORT.\n\nTHE PRESIDENT WILL "
                                           "TRAVEL TO WASHINGTON NEXT WEEK. EIGHT SOLDIERS ARE CHARGED WITH THE "
                                           "MURDER OF SIX PRIESTS.")
    assert (events["MURDER"].name, events["MURDER"].country_code) == ("San Salvador", "SV")


def test_a_line_break_does_not_hide_the_word_that_places_a_name():
    from spacy.lang.en import English

    from pipeline.components.normalization import _locative

    doc = English()("A BOMB EXPLODED IN\nCARTAGENA, IN THE PORT OF\nTUMACO AND NEAR THE HOMES OF\nTUMACO MAYORS.")
    at = {t.text: t.i for t in doc}
    assert _locative(doc, at["CARTAGENA"], at["CARTAGENA"] + 1)
    tumaco = [t.i for t in doc if t.text == "TUMACO"]
    assert _locative(doc, tumaco[0], tumaco[0] + 1)  # "the port of"
    assert not _locative(doc, tumaco[1], tumaco[1] + 1)  # "the homes of": not a place noun


def test_a_name_placed_once_is_a_place_in_its_other_mentions(annotate):
    doc = annotate("LIMA, 3 MAR 90 (EFE) -- [TEXT] A REPORT.\n\nGUERRILLAS AMBUSHED A PATROL NEAR A BRIDGE IN\n"
                   "HUANCAYO PROVINCE YESTERDAY. HUANCAYO HAS SEEN SEVERAL ATTACKS THIS YEAR.", published="1990-03-03")
    mentions = [ent for ent in doc.ents if ent.text == "HUANCAYO"]
    assert len(mentions) == 2 and all(ent.label_ == "GPE" and ent._.place is not None for ent in mentions)


def test_the_storys_own_place_before_the_dateline(annotate):
    # The report is filed in Bogota; the story is in Medellin, and the bombing's sentence names no place.
    _, events = _event_locations(annotate, "BOGOTA, 7 SEP 89 (EFE) -- [TEXT] MEDELLIN CONTINUES TO LIVE THROUGH A "
                                           "WAVE OF TERROR.\n\nTHE OWNERS CLOSED THEIR DOORS.\n\nTHE POLICE SAID "
                                           "NOTHING.\n\nAT 1700 TODAY A BOMB EXPLODED INSIDE A RESTAURANT.")
    assert (events["BOMB"].name, events["BOMB"].country_code) == ("Medellín", "CO")
    # Nothing below the country in the story: the dateline's town.
    _, events = _event_locations(annotate, "SAN SALVADOR, 9 JUN 89 (EFE) -- [TEXT] THE GOVERNMENT OF EL "
                                           "SALVADOR TODAY CONDEMNED THE MURDER OF A MINISTER.")
    assert events["MURDER"].name == "San Salvador"


def test_where_the_news_was_told_is_not_where_it_happened(annotate):
    _, events = _event_locations(annotate, "LIMA, 2 JAN 90 (EFE) -- [TEXT] POLICE REPORTED TODAY IN LIMA THAT "
                                           "GUERRILLAS BURNED THE OFFICES OF A BANK IN THE SOUTHERN AREQUIPA "
                                           "DEPARTMENT.")
    assert events["BURNED"].admin1 == "Arequipa"


def test_a_street_name_is_not_a_town(annotate):
    doc = annotate("BUENOS AIRES, 30 MAY 89 (NA) -- [TEXT] A BOMB EXPLODED AT THE CORNER OF SARMIENTO AND "
                   "SAN MARTIN STREETS.")
    assert not [ent for ent in doc.ents if ent.text == "SAN MARTIN" and ent._.place is not None]


def test_the_town_of_a_name_the_gazetteer_lacks_is_the_events_text(annotate):
    _, events = _event_locations(annotate, "LIMA, 3 FEB 89 (EFE) -- [TEXT] A REPORT.\n\nGUERRILLAS KILLED TWO "
                                           "PEASANTS IN THE SMALL TOWN OF QUELLOPATA, IN AYACUCHO DEPARTMENT.")
    location = events["KILLED"]
    assert (location.text, location.admin1, location.country_code) == ("QUELLOPATA", "Ayacucho", "PE")


def test_the_area_of_a_name_the_gazetteer_lacks_is_a_part_of_a_place(doc_with_ents):
    from pipeline.components.event_location import _part_of_place

    doc = _with_lemmas(doc_with_ents("TWO SOLDIERS DIED IN CLASHES IN THE AREA OF PERQUIN.", [("PERQUIN", "GPE", 0)]),
                       {"soldiers": "soldier", "clashes": "clash"})
    assert _part_of_place(doc.ents[0])


def test_an_area_of_an_english_word_is_no_place(doc_with_ents):
    from pipeline.components.normalization import _find_places

    text = "THE TROOPS LEFT THE AREA OF OPERATIONS. CLASHES TOOK PLACE IN THE AREA OF PERQUIN."
    doc = _with_lemmas(doc_with_ents(text, []), {"operations": "operation", "clashes": "clash"})
    _find_places(doc, load_gazetteer(), (frozenset({"operation", "clash"}), frozenset({"take"})))
    assert [(e.text, e.label_) for e in doc.ents] == [("PERQUIN", "GPE")]


def test_a_type_word_finds_the_division_by_its_fuller_name():
    # No division is called Libertad: "LIBERTAD DEPARTMENT" is La Libertad, not the town of Libertad abroad.
    found = load_gazetteer().resolve("LIBERTAD DEPARTMENT", {"PE": 2.0})
    assert (found.name, found.kind, found.country_code) == ("La Libertad", "admin1", "PE")
    # Without a type word the bare name is still looked up as written.
    assert load_gazetteer().resolve("LIBERTAD", {"PE": 2.0}).name == "Libertad"


def test_a_bare_name_shared_by_a_province_and_its_town_is_the_town():
    gazetteer = load_gazetteer()
    town = gazetteer.resolve("CHALATENANGO", ["SV"])
    assert (town.kind, town.admin1) == ("city", "Chalatenango")
    assert gazetteer.resolve("CHALATENANGO DEPARTMENT", ["SV"]).kind == "admin1"  # the type word asks for it
    # A small town that only carries the province's name in a longer one is not meant.
    assert gazetteer.resolve("ANTIOQUIA", ["CO"]).kind == "admin1"


def test_a_village_the_gazetteer_lacks_is_the_events_text(annotate):
    _, events = _event_locations(annotate, "SAN SALVADOR, 25 AUG 89 (EFE) -- [TEXT] A REPORT.\n\nSOLDIERS RAIDED "
                                           "HOMES IN ARCATAO, IN CHALATENANGO DEPARTMENT, YESTERDAY.")
    location = events["RAIDED"]
    assert (location.text, location.admin1, location.country_code) == ("ARCATAO", "Chalatenango", "SV")


def test_an_ocean_is_not_a_village(annotate):
    # An ocean the gazetteer lacks says less than the town it names: no text of its own.
    _, events = _event_locations(annotate, "SAN SALVADOR, 25 AUG 89 (EFE) -- [TEXT] A REPORT.\n\nA BOMB EXPLODED "
                                           "IN THE PACIFIC NEAR SAN SALVADOR YESTERDAY.")
    assert events["BOMB"].text != "PACIFIC"


def test_the_northern_city_of_a_name_is_completed_across_a_line_break(annotate):
    _, events = _event_locations(annotate, "TEGUCIGALPA, 7 FEB 89 (EFE) -- [TEXT] A REPORT.\n\nA BOMB EXPLODED TODAY "
                                           "IN THE NORTHERN CITY OF SAN PEDRO\nSULA, POLICE SAID.")
    assert events["BOMB"].name == "San Pedro Sula"


def test_a_country_that_qualifies_another_noun_gives_way_to_the_dateline_town(annotate):
    # "IN EL SALVADOR" hangs off the party, not off the murder: the report filed in San Salvador says more.
    _, events = _event_locations(annotate, "SAN SALVADOR, 9 JUN 89 (EFE) -- [TEXT] THE RULING PARTY IN EL SALVADOR "
                                           "TODAY CONDEMNED THE MURDER OF THE MINISTER.")
    assert events["MURDER"].name == "San Salvador"
    _, events = _event_locations(annotate, "SAN SALVADOR, 9 JUN 89 (EFE) -- [TEXT] A REPORT.\n\nTHE MINISTER WAS "
                                           "MURDERED IN EL SALVADOR LAST YEAR.")
    assert events["MURDERED"].name == "El Salvador"  # the murder's own place, however broad


def test_coordinates_are_a_location(blank_nlp):
    from pipeline.components.normalization import _coordinates

    text = ("The raid hit the village, at 36°20′N 43°08′E / 36.333°N 43.133°E / 36.333; 43.133, and a farm at "
            "48°51′24″N 2°21′03″E.")
    doc = blank_nlp(text)
    _coordinates(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("36°20′N 43°08′E", "LOC"), ("36.333°N 43.133°E", "LOC"), ("36.333; 43.133", "LOC"),
        ("48°51′24″N 2°21′03″E", "LOC")]
    # A pair of decimals alone is a pair of figures, not a place.
    doc = blank_nlp("Shares rose 1.234; 5.678 were sold.")
    _coordinates(doc)
    assert not doc.ents


def test_a_town_the_ner_misread_is_a_place_of_the_articles_country(doc_with_ents):
    from pipeline.components.normalization import _places_of_the_article
    from pipeline.normalize.actors import load_registry

    text = ("Army forces retook Samarra in Iraq. Samarra was empty. Morena and President Ramadi spoke; Carlos "
            "Mosul said the FMLN left Tikrit and Baiji, then mourned the assassinated Kirkuk.")
    doc = doc_with_ents(text, [("Samarra", "ORG", 0), ("Iraq", "GPE", 0), ("Samarra", "PERSON", 1),
                               ("Morena", "ORG", 0), ("Ramadi", "PERSON", 0), ("Carlos Mosul", "PERSON", 0),
                               ("FMLN", "ORG", 0), ("Tikrit", "GPE", 0), ("Baiji", "PERSON", 0),
                               ("Kirkuk", "PERSON", 0)])
    assert _places_of_the_article(doc, load_gazetteer(), {"IQ": 2.0}, load_registry(), None)
    # Morena is a town of India, not of Iraq; Ramadi follows a person's title; Mosul is a person's surname
    # here; the FMLN is a known armed group; Baiji stands in a list with a town, Kirkuk nowhere as a place.
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Samarra", "GPE"), ("Iraq", "GPE"), ("Samarra", "GPE"), ("Morena", "ORG"), ("Ramadi", "PERSON"),
        ("Carlos Mosul", "PERSON"), ("FMLN", "ORG"), ("Tikrit", "GPE"), ("Baiji", "GPE"), ("Kirkuk", "PERSON")]
    assert not _places_of_the_article(doc, load_gazetteer(), {}, load_registry(), None)


def test_a_country_the_ner_left_out_is_a_place_in_cased_text(annotate):
    doc = annotate("Leaders met for the 2019 Germany-Poland Forum at Berlin. It bought sophisticated US radar technology.")
    gpe = [e.text for e in doc.ents if e.label_ == "GPE"]
    assert "Germany" in gpe and "Poland" in gpe and "US" in gpe
    doc = annotate("THE ARMY TOLD US THAT THE GUERRILLAS LEFT.")
    assert "US" not in [e.text for e in doc.ents]


def test_the_words_that_type_a_town_are_not_its_name(annotate):
    doc = annotate("GUATEMALA CITY, 4 FEB 90 (ACAN-EFE) -- [TEXT] GUERRILLAS KILLED A PEASANT IN THE CITY OF\n"
                   "COBAN, IN THE NORTHERN ALTA VERAPAZ DEPARTMENT.")
    assert "COBAN" in [e.text for e in doc.ents if e.label_ == "GPE"]
    assert not [e for e in doc.ents if e.text.startswith("CITY")]


def test_a_province_read_as_a_region_is_a_gpe(doc_with_ents):
    from pipeline.components.normalization import _places_of_the_article
    from pipeline.normalize.actors import load_registry

    doc = doc_with_ents("Marines fought in Al Muthanna and the Euphrates River Valley of Iraq.",
                        [("Al Muthanna", "LOC", 0), ("Euphrates River Valley", "LOC", 0), ("Iraq", "GPE", 0)])
    assert _places_of_the_article(doc, load_gazetteer(), {"IQ": 2.0}, load_registry(), None)
    assert [(e.text, e.label_) for e in doc.ents] == [("Al Muthanna", "GPE"), ("Euphrates River Valley", "LOC"),
                                                      ("Iraq", "GPE")]


def test_a_place_name_the_ner_began_late_is_completed(doc_with_ents):
    from pipeline.components.normalization import _find_places

    doc = doc_with_ents("A bomb went off in Dera Ghazi Khan district and in Kabul.",
                        [("Khan district", "GPE", 0), ("Kabul", "GPE", 0)])
    _find_places(doc, load_gazetteer())
    assert [(e.text, e.label_) for e in doc.ents] == [("Dera Ghazi Khan district", "GPE"), ("Kabul", "GPE")]


def test_a_name_the_text_types_as_a_village_is_a_place_whatever_the_ner_read(doc_with_ents):
    from pipeline.components.normalization import _find_places

    doc = doc_with_ents("Rebels entered the small village of Qarlokh and the Department of Justice protested.",
                        [("Qarlokh", "ORG", 0), ("Justice", "ORG", 0)])
    _find_places(doc, load_gazetteer())
    assert [(e.text, e.label_) for e in doc.ents] == [("Qarlokh", "GPE"), ("Justice", "ORG")]


def test_a_town_read_as_a_region_and_a_nationality_read_for_a_province(doc_with_ents):
    from pipeline.components.normalization import _places_of_the_article
    from pipeline.normalize.actors import load_registry

    doc = doc_with_ents("Migrants camp near Dunkirk in France; Sindh-based groups and Sindh police.",
                        [("Dunkirk", "LOC", 0), ("France", "GPE", 0), ("Sindh", "NORP", 0), ("Sindh", "NORP", 1)])
    assert _places_of_the_article(doc, load_gazetteer(), {"FR": 2.0}, load_registry(), None)
    assert [(e.text, e.label_) for e in doc.ents][:2] == [("Dunkirk", "GPE"), ("France", "GPE")]
    doc = doc_with_ents("Sindh-based groups met Sindh police in Pakistan.",
                        [("Sindh", "NORP", 0), ("Sindh", "NORP", 1), ("Pakistan", "GPE", 0)])
    assert _places_of_the_article(doc, load_gazetteer(), {"PK": 2.0}, load_registry(), None)
    assert [(e.text, e.label_) for e in doc.ents] == [("Sindh", "GPE"), ("Sindh", "GPE"), ("Pakistan", "GPE")]


# Wire copy breaks its lines anywhere, inside the distance too.
@pytest.mark.parametrize("distance", ["250 KM SOUTHWEST OF BOGOTA", "250 KM SOUTHWEST OF\nBOGOTA",
                                      "250 KM\nSOUTHWEST OF BOGOTA", "250\nKM SOUTHWEST OF BOGOTA"])
def test_a_town_named_to_measure_a_distance_from_is_not_where_it_happened(annotate, distance):
    text = ("BOGOTA, 3 MAR 90 (EFE) -- [TEXT] A REPORT.\n\nGUERRILLAS ATTACKED A POLICE STATION YESTERDAY IN NEIVA, "
            f"{distance}.\n\nTHE SAME NIGHT, REBELS KIDNAPPED A RANCHER.")
    _, events = _event_locations(annotate, text)
    assert events["ATTACKED"].name == "Neiva"
    # The kidnapping names no place: the story's nearest place, not the landmark named after it.
    assert events["KIDNAPPED"].name == "Neiva"
    # A landmark close by is where a report places the event ("7 KM FROM NEIVA").
    _, events = _event_locations(annotate, "BOGOTA, 3 MAR 90 (EFE) -- [TEXT] A REPORT.\n\nREBELS KIDNAPPED A "
                                           "RANCHER ON A FARM 7 KM FROM NEIVA.")
    assert events["KIDNAPPED"].name == "Neiva"


def test_a_report_filed_abroad_is_placed_in_the_town_it_names_after_the_event(annotate):
    text = ("MEXICO CITY (MEXICO), 3 MAR 90 (EFE) -- [TEXT] GUATEMALAN GUERRILLAS TODAY ATTACKED A GUATEMALAN "
            "ARMY TRUCK.\n\nTHE GUERRILLAS HAVE OPERATED FOR MONTHS IN QUETZALTENANGO.")
    _, events = _event_locations(annotate, text)
    assert (events["ATTACKED"].name, events["ATTACKED"].country_code) == ("Quetzaltenango", "GT")


def test_a_district_of_the_story_is_not_a_namesake_city_abroad():
    gazetteer = load_gazetteer()
    # Typed as a district of a Peruvian report: not Salvador, Brazil (a city of millions).
    assert gazetteer.resolve("SALVADOR DISTRICT", ["PE"]) is None
    assert gazetteer.resolve("SALVADOR DISTRICT").country_code == "BR"  # an article of no known country
    assert gazetteer.resolve("SALVADOR DISTRICT", ["BR"]).country_code == "BR"


def _reported_from(annotate, dateline_town, story):
    """The event locations of a wire report filed in ``dateline_town`` whose story is ``story``."""
    return _event_locations(annotate, f"{dateline_town}, 3 MAR 90 (EFE) -- [TEXT] A REPORT.\n\n{story}")[1]


def test_the_town_that_names_what_was_struck_places_the_event(annotate):
    events = _reported_from(annotate, "BOGOTA", "LAST NIGHT ANOTHER CALI SHOPPING CENTER WAS ATTACKED BY TERRORISTS."
                            "\n\nLATER, THE GUERRILLAS BLEW UP A SECTION OF THE NEIVA-PITALITO PIPELINE.")
    assert (events["ATTACKED"].name, events["BLEW"].name) == ("Cali", "Neiva")
    # A town of its own whose name begins with another's is no facility of that town.
    events = _reported_from(annotate, "SAN SALVADOR", "THE GUERRILLAS ATTACKED SAN MIGUEL DE TORO YESTERDAY.")
    assert events["ATTACKED"].name != "San Miguel"


def test_a_province_the_gazetteer_lacks_is_the_events_text(annotate):
    # Its name may be a word that is no place alone ("SANTA"): the type word makes it one.
    events = _reported_from(annotate, "LIMA", "TERRORISTS KILLED 12 PEASANTS IN TWO VILLAGES OF SANTA PROVINCE, "
                                              "ANCASH DEPARTMENT.")
    assert (events["KILLED"].text, events["KILLED"].name) == ("SANTA PROVINCE", "Ancash")


def test_a_named_part_of_a_town_is_in_the_town_it_is_said_to_be_of(annotate):
    # "BELEN" is also a small Colombian town; "OF THE CITY OF CALI" says which is meant.
    events = _reported_from(annotate, "BOGOTA", "A BOMB WENT OFF AT A BANK BRANCH IN THE BELEN NEIGHBORHOOD OF THE "
                                                "CITY OF CALI LAST NIGHT.")
    assert (events["BOMB"].text, events["BOMB"].name) == ("BELEN NEIGHBORHOOD", "Cali")


@pytest.mark.parametrize("line_break", [" ", "\n"])
def test_the_town_a_part_is_said_to_be_of_may_be_on_the_next_line(doc_with_ents, line_break):
    from pipeline.components.event_location import _town_of_part

    doc = doc_with_ents(f"A BOMB WENT OFF IN THE BELEN NEIGHBORHOOD{line_break}OF THE CITY OF CALI.",
                        [("BELEN NEIGHBORHOOD", "GPE", 0), ("CALI", "GPE", 0)])
    part, cali = doc.ents
    cali._.place = load_gazetteer().resolve("Cali")
    assert _town_of_part(part) == cali


@pytest.mark.parametrize("line_break", [" ", "\n"])
def test_a_town_the_gazetteer_lacks_named_after_its_noun_on_the_next_line(doc_with_ents, line_break):
    from pipeline.components.event_location import _part_of_place

    doc = doc_with_ents(f"GUERRILLAS ATTACKED THE TOWN OF{line_break}HOSTIGAL.", [("HOSTIGAL", "GPE", 0)])
    for token in doc:  # a blank pipeline has no lemmatizer
        token.lemma_ = token.lower_
    assert _part_of_place(doc.ents[0])


def test_an_event_reported_in_a_town_happened_there(annotate):
    text = ("LIMA, 3 MAR 90 (EFE) -- [TEXT] THE ARMY PATROLS CUZCO.\n\nSIX EXPLOSIONS WERE REPORTED IN HUANCAYO "
            "YESTERDAY.")
    _, events = _event_locations(annotate, text)
    assert events["EXPLOSIONS"].name == "Huancayo"


@pytest.mark.parametrize("line_break", [" ", "\n"])
def test_a_town_name_before_a_site_noun_names_the_site_not_the_town(annotate, line_break):
    # "EL DORADO" alone is a town in Narino; before "INTERNATIONAL AIRPORT" it names Bogota's airport.
    text = (f"BOGOTA, 22 MAR 90 (INRAVISION) -- [TEXT] A TERRORIST KILLED PRESIDENTIAL CANDIDATE BERNARDO "
            f"JARAMILLO AT THE EL DORADO{line_break}INTERNATIONAL AIRPORT THIS MORNING.")
    doc, events = _event_locations(annotate, text)
    (site,) = [e for e in doc.ents if e.text.startswith("EL DORADO")]
    assert (site.label_, site._.place) == ("FAC", None)
    location = events["KILLED"]
    assert " ".join(location.text.split()) == "EL DORADO INTERNATIONAL AIRPORT" and location.name == "Bogotá"


def _with_lemmas(doc, lemmas):
    for token in doc:  # a blank pipeline has no lemmatizer
        token.lemma_ = lemmas.get(token.lower_, token.lower_)
    return doc


@pytest.mark.parametrize("line_break", [" ", "\n"])
def test_a_settlement_named_after_its_noun_is_found_across_a_line_break(doc_with_ents, line_break):
    from pipeline.components.normalization import _find_places

    # CHINAMECA (8,600 people) is too small to be taken without the noun that types it; QUELLOPATA is in no
    # gazetteer; the NER began SAN CLEMENTE on its second word, after the line break.
    text = (f"REBELS ATTACKED THE TOWN OF{line_break}CHINAMECA. THEY BURNED THE VILLAGE OF{line_break}QUELLOPATA "
            f"TERRORISTS. IN THE TOWN OF SAN{line_break}CLEMENTE A BOMB EXPLODED.")
    doc = _with_lemmas(doc_with_ents(text, [("CLEMENTE", "GPE", 0)]), {"terrorists": "terrorist"})
    _find_places(doc, load_gazetteer(), (frozenset({"terrorist", "bomb"}), frozenset({"explode"})))
    assert [(" ".join(e.text.split()), e.label_) for e in doc.ents] == [
        ("CHINAMECA", "GPE"), ("QUELLOPATA", "GPE"), ("SAN CLEMENTE", "GPE")]


def test_a_list_of_towns_and_a_town_with_its_province_are_each_a_place(doc_with_ents):
    from pipeline.components.normalization import _find_places

    text = ("THE ATTACKS TOOK PLACE IN THE TOWNS OF SANTO\nTOMAS DE PATA, PULLUHUAMAN, ANTA, AND ROSASPATA. HE WAS "
            "CAPTURED IN THE TOWN OF MAICAO, GUAJIRA INTENDANCY. THE ENVOYS OF THE UNITED STATES, FRANCE, AND "
            "ITALY LEFT.")
    doc = _with_lemmas(doc_with_ents(text, [("SANTO\nTOMAS DE PATA", "ORG", 0), ("PULLUHUAMAN, ANTA", "ORG", 0),
                                            ("ROSASPATA", "ORG", 0), ("MAICAO, GUAJIRA INTENDANCY", "GPE", 0),
                                            ("UNITED STATES, FRANCE", "GPE", 0)]), {"towns": "town"})
    _find_places(doc, load_gazetteer())
    assert [(" ".join(e.text.split()), e.label_) for e in doc.ents] == [
        ("SANTO TOMAS DE PATA", "GPE"), ("PULLUHUAMAN", "GPE"), ("ANTA", "GPE"), ("ROSASPATA", "GPE"),
        ("MAICAO", "GPE"), ("GUAJIRA INTENDANCY", "GPE"), ("UNITED STATES", "GPE"), ("FRANCE", "GPE"),
        ("ITALY", "GPE")]


def test_a_division_named_only_by_a_direction_is_one_of_the_article_s_country():
    gazetteer = load_gazetteer()
    assert gazetteer.resolve("SOUTHERN REGION").country_code == "MW"  # Malawi's, where nothing says otherwise
    assert gazetteer.resolve("SOUTHERN REGION", {"PE": 1.0}) is None  # in a Peruvian report, a part of Peru
    assert gazetteer.resolve("EASTERN PROVINCE", {"PE": 1.0, "US": 0.2}) is None


def test_a_type_word_cut_off_its_name_is_no_namesake_abroad():
    """The NER may split "ARENALES CANTON" in two: "CANTON" in a Salvadoran report is no Guangzhou."""
    gazetteer = load_gazetteer()
    assert gazetteer.resolve("CANTON", {"SV": 1.0}) is None
    assert gazetteer.resolve("Canton", {"CN": 1.0}).name == "Guangzhou"  # the old name, in a report on China
    assert gazetteer.resolve("Canton").name == "Guangzhou"  # where nothing says otherwise


def test_a_later_sentence_that_names_the_act_again_says_where_it_was(annotate):
    story = ("UNIDENTIFIED INDIVIDUALS TODAY BROKE INTO A FARM AND SET FIRE TO IT. AUTHORITIES VIEW THIS AS "
             "TERRORISM.\n\nTHE INCIDENT OCCURRED IN SEVILLA MUNICIPALITY, WHERE THE FARM IS.")
    events = _reported_from(annotate, "BOGOTA", story)
    assert events["FIRE"].name == "Sevilla"
    # Another act told in between is what "the incident" names: the first keeps the dateline's town.
    story = ("UNIDENTIFIED INDIVIDUALS TODAY SET FIRE TO A FARM. LATER, GUERRILLAS KIDNAPPED TWO ENGINEERS.\n\n"
             "THE INCIDENT OCCURRED IN SEVILLA MUNICIPALITY.")
    events = _reported_from(annotate, "BOGOTA", story)
    assert events["FIRE"].name == "Bogotá"


@pytest.mark.parametrize("line_break", [" ", "\n"])
def test_a_name_the_gazetteer_lacks_before_a_type_word_is_where_it_happened(annotate, line_break):
    # The tagger may read "MUNICIPALITY" as part of the name: the place is still after "IN".
    events = _reported_from(annotate, "MEDELLIN", f"THREE YOUNG MEN WERE GUNNED DOWN BY HIRED GUNMEN IN A BAR IN "
                                                  f"BELLO NORTE{line_break}MUNICIPALITY.")
    location = events["GUNNED"]
    assert location.text.startswith("BELLO NORTE") and (location.name, location.country_code) == ("Medellín", "CO")


def test_places_of_another_verb_do_not_split_the_act(annotate):
    text = ("SAN SALVADOR, 3 NOV 89 (EFE) -- [TEXT] A REPORT.\n\nTHE GUERRILLAS SUSPENDED THE TALKS, WHICH WERE HELD "
            "IN MEXICO CITY AND IN SAN JOSE, AFTER THE 31 OCTOBER ATTACK ON A UNION OFFICE IN SAN SALVADOR.")
    doc, _ = _event_locations(annotate, text)
    attacks = [e for e in doc._.events if e.trigger.text == "ATTACK"]
    assert len(attacks) == 1


def test_acts_in_the_plural_in_a_list_of_places_are_one_act_in_each(annotate):
    # The later names of a list are the event's places too ("IN BOGOTA AND MEDELLIN"); bombs in the plural make one
    # bombing in each town, as MUC-4 counts them, while one act in a list of places stays one act.
    doc, _ = _event_locations(annotate, "BOGOTA, 29 AUG 89 (DPA) -- [TEXT] SEVEN POWERFUL BOMBS WERE SET OFF IN "
                                        "BOGOTA AND MEDELLIN EARLY THIS MORNING.")
    assert sorted([a.span.text for a in e.arguments if a.role == "location"] for e in doc._.events) == [
        ["BOGOTA"], ["MEDELLIN"]]
    doc, _ = _event_locations(annotate, "BOGOTA, 29 AUG 89 (DPA) -- [TEXT] THE REBELS ATTACKED A PATROL IN BOGOTA AND "
                                        "MEDELLIN EARLY THIS MORNING.")
    (attack,) = doc._.events
    assert {a.span.text for a in attack.arguments if a.role == "location"} == {"BOGOTA", "MEDELLIN"}


def test_where_something_came_from_in_another_verb_s_clause_is_not_where_the_act_was(annotate):
    # "FROM METAPAN" says where the convoy set out; the act's own clause may still say "from": "FIRED FROM A HILL".
    events = _reported_from(annotate, "SAN SALVADOR", "FMLN UNITS AMBUSHED A SIX-VEHICLE MILITARY CONVOY TRANSPORTING "
                                                      "TROOPS FROM METAPAN TO SANTA ANA.")
    assert events["AMBUSHED"].name != "Metapán"
    events = _reported_from(annotate, "SAN SALVADOR", "THE GUERRILLAS FIRED ON THE GARRISON FROM A HILL IN USULUTAN.")
    assert events["FIRED"].name == "Usulután"


def test_the_items_of_a_list_of_places_are_places_of_its_country(annotate):
    # Towns too small, or too like English words, to be taken on their names alone are places when a list of
    # places goes on to them, in the country of the items before them; "AND" in capitals joins a list too.
    doc = annotate("SAN SALVADOR, 2 APR 89 (EFE) -- [TEXT] REBELS ATTACKED THE GARRISONS OF CHALATENANGO, "
                   "SAN ANTONIO, CIUDAD BARRIOS, AND GUAZAPA TODAY.\n\nLIMA, THE CAPITAL, WAS CALM. TROOPS PATROLLED "
                   "THE DEPARTMENTS OF PASCO, JUNIN, AND HUANUCO IN PERU.", published="1989-04-02")
    places = {ent.text: ent._.place for ent in doc.ents if ent.label_ == "GPE"}
    assert places["CIUDAD BARRIOS"].country_code == "SV" and places["GUAZAPA"].country_code == "SV"
    assert places["JUNIN"].country_code == "PE" and places["HUANUCO"].country_code == "PE"
    # A kind of place after the list types each item; a list whose first place the gazetteer lacks still lists
    # places, if notable ones.
    doc = annotate("MANAGUA, 3 MAR 89 (EFE) -- [TEXT] HELICOPTERS BOMBED VILLAGES IN ZELAYA, MATAGALPA, AND JINOTEGA "
                   "DEPARTMENTS.", published="1989-03-03")
    places = {ent.text: ent._.place for ent in doc.ents if ent.label_ == "GPE"}
    assert places["MATAGALPA"].country_code == "NI" and places["JINOTEGA"].country_code == "NI"
    # Not a word of a list that names no place before it.
    doc = annotate("SAN SALVADOR, 2 APR 89 (EFE) -- [TEXT] THE ARMY, GUAZAPA RESIDENTS SAID, FIRED AT THE HILLS.",
                   published="1989-04-02")
    assert "GUAZAPA" not in {ent.text for ent in doc.ents if ent.label_ == "GPE"}


def test_a_name_listed_with_a_place_but_not_with_a_street(doc_with_ents):
    from pipeline.components.normalization import _listed_with_a_place

    doc = doc_with_ents("KILLED IN MOSUL AND RAQQAH AT THE CORNER OF SARMIENTO AND SAN MARTIN STREETS.",
                        [("MOSUL", "GPE", 0), ("RAQQAH", "PERSON", 0), ("SARMIENTO", "PERSON", 0),
                         ("SAN MARTIN", "GPE", 0)])
    # "AND" in capitals joins a list; a list of streets ("SARMIENTO" a man's name as well) is none of places.
    assert _listed_with_a_place(list(doc.ents), 1) and not _listed_with_a_place(list(doc.ents), 2)


def test_an_act_told_again_soon_after_with_its_place_is_placed_there(annotate):
    # The lead tells the killing; the next sentence tells where the attack was. Told in the plural, the acts are
    # several, which the report would place one by one: they keep the dateline's town.
    lead = "SAN SALVADOR, 6 MAR 90 (ACAN-EFE) -- [TEXT] ONE SOLDIER WAS KILLED IN AN ATTACK ON A HELICOPTER TODAY. "
    then = ("REBELS MACHINEGUNNED THE HELICOPTER AS IT WAS FLYING OVER THE TOWN OF GUANCORITA IN NORTHERN "
            "CHALATENANGO DEPARTMENT.")
    _, events = _event_locations(annotate, lead + then)
    assert events["KILLED"].admin1 == "Chalatenango"
    _, events = _event_locations(annotate, lead.replace("ONE SOLDIER WAS KILLED IN AN ATTACK ON A HELICOPTER TODAY",
                                                        "REBELS LAUNCHED ATTACKS IN SEVERAL PARTS OF THE COUNTRY")
                                 + then)
    assert events["ATTACKS"].name == "San Salvador"


def test_a_second_dateline_where_the_text_begins_is_where_the_report_was_filed(annotate):
    doc, events = _event_locations(annotate, "BOGOTA, 11 SEP 89 (RADIO CADENA NACIONAL) -- [TEXT] PEREIRA -- THREE "
                                             "PERSONS WERE INJURED WHEN A BOMB EXPLODED AT A BANK LAST NIGHT.")
    assert doc._.dateline_place.text == "PEREIRA"
    assert events and all(location.name == "Pereira" for location in events.values())
    # Words before "--" that name no place leave the wire's dateline as it is.
    doc = annotate("BOGOTA, 12 SEP 89 (RADIO CADENA NACIONAL) -- [TEXT] THE CALLER IDENTIFIED HIMSELF AS ZAPATOCA -- "
                   "HE SAID THE BOMB WAS THEIRS.")
    assert doc._.dateline_place.text == "BOGOTA"


def test_a_country_gives_way_to_the_act_told_again_below_it(annotate):
    _, events = _event_locations(annotate, "BOGOTA, 25 JAN 90 (DPA) -- [TEXT] THE AUTHORITIES FACE AN EMERGENCY AFTER "
                                           "THE EXPLOSION OF A BOMB PLACED BY GUERRILLAS AT THE MAIN OIL PIPELINE IN "
                                           "COLOMBIA. THE GUERRILLAS BLEW UP A STRETCH OF THE PIPELINE IN NORTE DE "
                                           "SANTANDER DEPARTMENT.")
    assert events["EXPLOSION"].admin1 == "Norte de Santander"


def test_a_street_placed_only_in_a_country_lies_in_the_datelines_town(annotate):
    _, events = _event_locations(annotate, "SAN SALVADOR, 31 OCT 89 (RADIO CADENA YSKL) -- [TEXT] A BOMB WENT OFF AT "
                                           "THE BUILDING OF THE COMMITTEE OF MOTHERS, RELATIVES OF POLITICAL PRISONERS, "
                                           "MISSING, AND MURDERED PEOPLE IN EL SALVADOR, LOCATED ON NORTH SECOND AVENUE "
                                           "BETWEEN 27TH AND 29TH STREETS.")
    [location] = events.values()
    assert (location.text, location.name) == ("NORTH SECOND AVENUE", "San Salvador")
