from spacy.lang.en import English

from pipeline.components.names import document_names, news_name_mentions


def test_other_mentions_of_a_name_and_a_persons_surname_are_added(doc_with_ents):
    text = ("COLONEL LUIS ARTURO ISAACS WAS KILLED BY THE FMLN IN SAN SALVADOR. ISAACS HAD LEFT SAN SALVADOR "
            "AFTER THE FMLN THREATENED HIM.")
    doc = news_name_mentions(doc_with_ents(text, [("COLONEL LUIS ARTURO ISAACS", "PERSON", 0), ("FMLN", "ORG", 0),
                                         ("SAN SALVADOR", "GPE", 0)]))
    # Wire copy in capitals marks the name without its title (MUC-4's convention).
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("LUIS ARTURO ISAACS", "PERSON"), ("FMLN", "ORG"), ("SAN SALVADOR", "GPE"), ("ISAACS", "PERSON"),
        ("SAN SALVADOR", "GPE"), ("FMLN", "ORG")]


def test_a_title_before_a_name_joins_it_in_cased_text(doc_with_ents):
    text = ("UK Secretary of State Priti Patel met President Macron and MOD Minister James Heappey. "
            "Earlier, chief Abdul Rashid Dostum said Prime Ministers meet.")
    doc = doc_with_ents(text, [("UK", "GPE", 0), ("Priti Patel", "PERSON", 0), ("Macron", "PERSON", 0),
                               ("MOD", "ORG", 0), ("Minister James Heappey", "PERSON", 0),
                               ("Abdul Rashid Dostum", "PERSON", 0)])
    assert [(e.text, e.label_) for e in news_name_mentions(doc).ents][:4] == [
        ("UK Secretary of State Priti Patel", "PERSON"), ("President Macron", "PERSON"),
        ("MOD Minister James Heappey", "PERSON"), ("Abdul Rashid Dostum", "PERSON")]


def test_titles_leave_a_name_in_capitals(doc_with_ents):
    text = "COL QUINTERO AND GENERAL THURMAN MET. GENERAL COMMAND SAID SO."
    doc = doc_with_ents(text, [("COL QUINTERO", "PERSON", 0), ("GENERAL THURMAN", "PERSON", 0),
                               ("GENERAL COMMAND", "ORG", 0)])
    assert [(e.text, e.label_) for e in news_name_mentions(doc).ents] == [
        ("QUINTERO", "PERSON"), ("THURMAN", "PERSON"), ("GENERAL COMMAND", "ORG")]


def test_surname_particles_and_names_read_with_two_labels(doc_with_ents):
    text = ("Roberto del Valle met Sinjar officials. Sinjar was freed; TIAR and TIAR. Del Valle and del Valle left "
            "Sinjar and TIAR.")
    doc = doc_with_ents(text, [("Roberto del Valle", "PERSON", 0), ("Sinjar", "GPE", 0), ("Sinjar", "GPE", 1),
                      ("TIAR", "PERSON", 0), ("TIAR", "ORG", 1)])
    names = document_names(doc)
    assert names[("del", "Valle")] == "PERSON" and names[("Sinjar",)] == "GPE" and ("TIAR",) not in names
    added = [(e.text, e.label_) for e in news_name_mentions(doc).ents][5:]
    # "Del Valle" is another spelling; the third "TIAR" stays unlabelled.
    assert added == [("del Valle", "PERSON"), ("Sinjar", "GPE")]


def test_two_labels_lower_case_words_and_parts_of_words_are_left_alone(doc_with_ents):
    text = ("Jordan (GPE) and Jordan (PERSON) met. Jordan left. The army of UK-France, PANAMANIAN-U.S. and "
            "Al-Nusra; Al said army in the U.S.")
    doc = doc_with_ents(text, [("Jordan", "GPE", 0), ("Jordan", "PERSON", 1), ("army", "ORG", 0), ("Al", "PERSON", 1),
                      ("U.S.", "GPE", 1)])
    assert ("Jordan",) not in document_names(doc) and ("army",) not in document_names(doc)
    before = [(e.start, e.end, e.label_) for e in doc.ents]
    assert [(e.start, e.end, e.label_) for e in news_name_mentions(doc).ents] == before


def test_a_name_is_added_only_where_no_entity_is(doc_with_ents):
    text = "Hamas said. The Hamas leader Ismail Haniyeh and Haniyeh's aide."
    doc = doc_with_ents(text, [("Hamas", "ORG", 0), ("The Hamas leader Ismail Haniyeh", "PERSON", 0)])
    result = [(e.text, e.label_) for e in news_name_mentions(doc).ents]
    assert result == [("Hamas", "ORG"), ("The Hamas leader Ismail Haniyeh", "PERSON"), ("Haniyeh", "PERSON")]
    assert isinstance(news_name_mentions(English()("no names here")), type(doc))


def test_a_names_possessive_is_cut_off(doc_with_ents):
    text = "Saddam Hussein's army and GENERAL THURMAN'S VISIT; the Peoples' Party."
    doc = doc_with_ents(text, [("Saddam Hussein's", "PERSON", 0), ("THURMAN'S", "PERSON", 0), ("Peoples' Party", "ORG", 0)])
    assert [(e.text, e.label_) for e in news_name_mentions(doc).ents] == [
        ("Saddam Hussein", "PERSON"), ("THURMAN", "PERSON"), ("Peoples' Party", "ORG")]


def test_two_persons_joined_by_and_are_two(doc_with_ents):
    text = "The Prime Minister and President Hollande met the Foreign and Commonwealth Office and Mr Smith."
    doc = doc_with_ents(text, [("The Prime Minister and President Hollande", "PERSON", 0),
                      ("Foreign and Commonwealth Office", "ORG", 0), ("Mr Smith", "PERSON", 0)])
    assert [(e.text, e.label_) for e in news_name_mentions(doc).ents] == [
        ("The Prime Minister", "PERSON"), ("President Hollande", "PERSON"), ("Foreign and Commonwealth Office", "ORG"),
        ("Mr Smith", "PERSON")]


def test_an_organisations_people_are_not_part_of_its_name(doc_with_ents):
    text = ("FMLN fighters, Coalition forces, the TTP militants, Kurdish fighters, US coalition forces and the Armed "
            "Forces met.")
    doc = doc_with_ents(text, [("FMLN fighters", "ORG", 0), ("Coalition forces", "ORG", 0), ("the TTP militants", "ORG", 0),
                      ("Kurdish fighters", "ORG", 0), ("US coalition forces", "ORG", 0), ("the Armed Forces", "ORG", 0)])
    assert [(e.text, e.label_) for e in news_name_mentions(doc).ents] == [
        ("FMLN", "ORG"), ("Coalition", "ORG"), ("TTP", "ORG"), ("Kurdish", "NORP"), ("US", "GPE"),
        ("the Armed Forces", "ORG")]
    upper = doc_with_ents("THE FMLN FIGHTERS AND THE ARMED FORCES MET.", [("FMLN FIGHTERS", "ORG", 0), ("ARMED FORCES", "ORG", 0)])
    assert [e.text for e in news_name_mentions(upper).ents] == ["FMLN", "ARMED FORCES"]


def test_a_label_the_names_own_words_contradict_is_corrected(doc_with_ents):
    text = "Saray al-Jihad Group and 6th Marines met GENERAL THURMAN and GENERAL COMMAND in Bogota."
    doc = doc_with_ents(text, [("Saray al-Jihad Group", "PERSON", 0), ("6th Marines", "NORP", 0),
                      ("GENERAL THURMAN", "ORG", 0), ("GENERAL COMMAND", "ORG", 0), ("Bogota", "GPE", 0)])
    # The title rule reads the tagger's parts of speech: "THURMAN" is a proper noun, "COMMAND" is not.
    for token in doc:
        token.pos_ = "PROPN" if token.text in ("THURMAN", "Bogota") else "NOUN"
    assert [(e.text, e.label_) for e in news_name_mentions(doc).ents] == [
        ("Saray al-Jihad Group", "ORG"), ("6th Marines", "ORG"), ("GENERAL THURMAN", "PERSON"),
        ("GENERAL COMMAND", "ORG"), ("Bogota", "GPE")]


def test_a_bracket_the_name_opens_but_does_not_close_is_cut_off(doc_with_ents):
    text = "Leaders of the Organization of Islamic Cooperation (OIC) met in RECREO (CAQUETA DEPARTMENT) and Lima (Peru)."
    doc = doc_with_ents(text, [("the Organization of Islamic Cooperation (OIC", "ORG", 0),
                               ("RECREO (CAQUETA DEPARTMENT", "GPE", 0), ("Lima (Peru)", "GPE", 0)])
    # The acronym in the bracket is a name of its own; a bracket closed inside the name is left alone.
    assert [(e.text, e.label_) for e in news_name_mentions(doc).ents] == [
        ("the Organization of Islamic Cooperation", "ORG"), ("OIC", "ORG"), ("RECREO", "GPE"), ("Lima (Peru)", "GPE")]


def test_the_acronym_in_a_bracket_is_not_added_where_the_ner_has_a_name(doc_with_ents):
    text = "Fighters of the Islamic State (ISIS) attacked."
    doc = doc_with_ents(text, [("the Islamic State (", "ORG", 0), ("ISIS", "ORG", 0)])
    assert [(e.text, e.label_) for e in news_name_mentions(doc).ents] == [("the Islamic State", "ORG"),
                                                                          ("ISIS", "ORG")]


def test_a_world_region_is_a_location(doc_with_ents):
    doc = doc_with_ents("Central Asia and the Balkans met.", [("Central Asia", "PERSON", 0), ("the Balkans", "ORG", 0)])
    assert [(e.text, e.label_) for e in news_name_mentions(doc).ents] == [("Central Asia", "LOC"),
                                                                          ("the Balkans", "LOC")]


def test_a_credit_lines_names_are_split_at_the_slash(doc_with_ents):
    text = "Photo: Reuters / Ahmad Masood. Image: Telegram / Amaq. Read the and/or clause of ISIS / Daesh Brigades."
    doc = doc_with_ents(text, [("Reuters / Ahmad Masood", "ORG", 0), ("Telegram / Amaq", "PERSON", 0),
                               ("ISIS / Daesh Brigades", "ORG", 0)])
    assert [(e.text, e.label_) for e in news_name_mentions(doc).ents][:6] == [
        ("Reuters", "ORG"), ("Ahmad Masood", "PERSON"), ("Telegram", "ORG"), ("Amaq", "ORG"), ("ISIS", "ORG"),
        ("Daesh Brigades", "ORG")]


def test_a_title_of_several_words_makes_a_person(doc_with_ents):
    doc = doc_with_ents("Special Adviser Jones met Deputy Mayor Ruiz and Special Forces.",
                        [("Special Adviser Jones", "ORG", 0), ("Deputy Mayor Ruiz", "GPE", 0),
                         ("Special Forces", "ORG", 0)])
    for token in doc:
        token.pos_ = "PROPN" if token.is_title else "NOUN"
    assert [(e.text, e.label_) for e in news_name_mentions(doc).ents][:3] == [
        ("Special Adviser Jones", "PERSON"), ("Deputy Mayor Ruiz", "PERSON"), ("Special Forces", "ORG")]


def test_a_nationality_alone_is_a_norp(doc_with_ents):
    doc = doc_with_ents("Druze and Yezidi families met Syrians.", [("Yezidi", "ORG", 0), ("Syrians", "ORG", 0)])
    # A plural ("Syrians") may name the people as an actor (re3d marks them ORG): left as read.
    assert [(e.text, e.label_) for e in news_name_mentions(doc).ents][:2] == [("Yezidi", "NORP"), ("Syrians", "ORG")]


def test_words_the_ner_ran_on_into_are_cut_off(doc_with_ents):
    doc = doc_with_ents("Forces entered the city of Aleppo lies in ruins. We left.",
                        [("the city of Aleppo lies", "GPE", 0), ("We", "ORG", 0)])
    for token, pos in zip(doc, ["NOUN", "VERB", "DET", "NOUN", "ADP", "PROPN", "VERB", "DET", "NOUN", "PUNCT",
                                "PRON", "VERB", "PUNCT"]):
        token.pos_ = pos
    # A pronoun alone (re3d marks "We" as an ORG) is left as it is.
    assert [(e.text, e.label_) for e in news_name_mentions(doc).ents] == [("the city of Aleppo", "GPE"),
                                                                          ("We", "ORG")]


def test_clock_times_operations_and_described_places(doc_with_ents):
    doc = doc_with_ents("[0615 GMT] OPERATION JUST CAUSE HIT THE PERUVIAN CITY. IN 1800 GMT TROOPS.",
                        [("GMT", "ORG", 0), ("OPERATION JUST CAUSE", "ORG", 0), ("PERUVIAN CITY", "GPE", 0),
                         ("1800", "DATE", 0)])
    assert [(e.text, e.label_) for e in news_name_mentions(doc).ents] == [
        ("0615 GMT", "TIME"), ("OPERATION JUST CAUSE", "EVENT"), ("PERUVIAN", "NORP"), ("1800 GMT", "TIME")]


def test_a_verb_the_ner_took_into_a_name_is_cut_off(doc_with_ents):
    doc = doc_with_ents("Many feared Iran as a patron of the Tehran-funded hotel, and Arabic-speaking Iraq.",
                        [("Many feared Iran", "ORG", 0), ("the Tehran-funded", "FAC", 0),
                         ("Arabic-speaking Iraq", "LOC", 0)])
    for token in doc:
        token.pos_ = {"feared": "VERB", "funded": "VERB", "speaking": "VERB"}.get(token.text, "PROPN")
    assert [(e.text, e.label_) for e in news_name_mentions(doc).ents] == [
        ("Iran", "ORG"), ("the Tehran", "FAC"), ("Arabic-speaking Iraq", "LOC")]


def test_a_region_the_ner_left_out_is_a_location(doc_with_ents):
    doc = doc_with_ents("TRADE IN THE SOUTHERN CONE GREW AS THE ARMY LEFT.", [])
    assert [(e.text, e.label_) for e in news_name_mentions(doc).ents] == [("SOUTHERN CONE", "LOC")]
    doc = doc_with_ents("Trade in Central Asia grew; the Islamic State of Iraq and the Levant and the Gulf waters "
                        "did not.", [("Islamic State of Iraq", "ORG", 0)])
    # "Levant" continues the name the NER cut short, "Gulf" alone may be a gulf's.
    assert [(e.text, e.label_) for e in news_name_mentions(doc).ents] == [
        ("Central Asia", "LOC"), ("Islamic State of Iraq", "ORG")]


def test_treaties_and_holidays_are_no_places_or_persons(doc_with_ents):
    doc = doc_with_ents("THE VIENNA CONVENTION WAS SIGNED AT EASTER IN VIENNA.",
                        [("VIENNA CONVENTION", "GPE", 0), ("EASTER", "PERSON", 0), ("VIENNA", "GPE", 1)])
    assert [(e.text, e.label_) for e in news_name_mentions(doc).ents] == [
        ("VIENNA CONVENTION", "LAW"), ("EASTER", "DATE"), ("VIENNA", "GPE")]


def test_a_given_name_left_out_after_a_title_joins_the_name(doc_with_ents):
    # lower-case text (MUC-4's): the NER starts the name one word late
    text = "the murder of magistrate julio ramos ortega and of general elect alvaro diaz."
    doc = doc_with_ents(text, [("ramos ortega", "PERSON", 0), ("alvaro diaz", "PERSON", 0)])
    for token in doc:
        token.pos_ = "PROPN" if token.text in ("julio", "ramos", "ortega", "alvaro", "diaz") else "NOUN"
    assert [e.text for e in news_name_mentions(doc).ents][:2] == ["julio ramos ortega", "alvaro diaz"]


def test_given_names_left_out_before_a_persons_name_join_it(doc_with_ents):
    # lower-case text (MUC-4's): the NER starts long Spanish names late, or splits them
    text = "former mayor pablo pelaez gonzalez and pedro rafael ordonez were shot; in may perez resigned."
    doc = doc_with_ents(text, [("pelaez gonzalez", "PERSON", 0), ("pedro", "PERSON", 0),
                               ("rafael ordonez", "PERSON", 0), ("perez", "PERSON", 0)])
    assert [e.text for e in news_name_mentions(doc).ents][:3] == [
        "pablo pelaez gonzalez", "pedro rafael ordonez", "perez"]  # "may" is a month here, not a name
    doc = doc_with_ents("the victims were jose manuel jimenez rivera and others.",
                        [("jose manuel", "PERSON", 0), ("jimenez rivera", "PERSON", 0)])
    assert [e.text for e in news_name_mentions(doc).ents] == ["jose manuel jimenez rivera"]
    text = "Officials met Carlos Perez and the general Ortega."  # cased text: a given name is capitalised
    doc = doc_with_ents(text, [("Perez", "PERSON", 0), ("Ortega", "PERSON", 0)])
    assert [e.text for e in news_name_mentions(doc).ents][:2] == ["Carlos Perez", "Ortega"]


def test_a_name_the_ner_broke_in_two_is_one(doc_with_ents):
    # Wire copy in capitals wraps its lines inside names; a list of people puts commas or "and" between them.
    text = "GUNMEN KILLED GUSTAVO ALVAREZ\nMARTINEZ AND RENE RODRIGUEZ HURTADO; R. PAXTON, P. GLASGOW LEFT."
    doc = doc_with_ents(text, [("GUSTAVO ALVAREZ", "PERSON", 0), ("MARTINEZ", "PERSON", 0),
                               ("RENE RODRIGUEZ", "PERSON", 0), ("HURTADO", "PERSON", 0), ("R. PAXTON", "PERSON", 0),
                               ("P. GLASGOW", "PERSON", 0)])
    assert [e.text for e in news_name_mentions(doc).ents][:4] == [
        "GUSTAVO ALVAREZ\nMARTINEZ", "RENE RODRIGUEZ HURTADO", "R. PAXTON", "P. GLASGOW"]
    # A title is no part of the name (the gold leaves it out), and two lines of a cased list are two people.
    text = "HONDURAN FOREIGN MINISTER CARLOS LOPEZ SAID SO."
    doc = doc_with_ents(text, [("HONDURAN FOREIGN MINISTER", "PERSON", 0), ("CARLOS LOPEZ", "PERSON", 0)])
    assert "CARLOS LOPEZ" in [e.text for e in news_name_mentions(doc).ents]
    doc = doc_with_ents("Speakers:\nAshraf Ghani\nHamid Karzai", [("Ashraf Ghani", "PERSON", 0),
                                                                   ("Hamid Karzai", "PERSON", 0)])
    assert [e.text for e in news_name_mentions(doc).ents] == ["Ashraf Ghani", "Hamid Karzai"]
