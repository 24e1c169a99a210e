def _relations(doc):
    return {(r.head.text, r.label, r.tail.text) for r in doc._.relations}


def test_alias_leader_location_and_enmity(annotate):
    doc = annotate("The Revolutionary Armed Forces of Colombia (FARC) attacked the Colombian army in Cali, Colombia. "
                   "FARC chief Manuel Marulanda said the war would go on.", published="1990-01-01")
    relations = _relations(doc)
    assert ("FARC", "ALIAS_OF", "Revolutionary Armed Forces of Colombia") in relations
    assert ("Manuel Marulanda", "LEADER_OF", "FARC") in relations
    assert ("Cali", "LOCATED_IN", "Colombia") in relations


def test_enmity_from_attacks(annotate):
    doc = annotate("The FMLN attacked the Salvadoran Armed Forces near San Miguel.", published="1990-01-01")
    assert ("FMLN", "FIGHTING_AGAINST", "the Salvadoran Armed Forces") in _relations(doc) or \
        ("FMLN", "FIGHTING_AGAINST", "Salvadoran Armed Forces") in _relations(doc)


def test_alliance_verbs(annotate):
    doc = annotate("Jamaat-ul-Ahrar merged with Tehreek-e-Taliban Pakistan in 2020.")
    assert ("Jamaat-ul-Ahrar", "ALLIED_WITH", "Tehreek-e-Taliban Pakistan") in _relations(doc)


def test_a_title_between_a_group_and_a_person_says_who_leads_it_and_who_serves_in_it(hand_parsed):
    from pipeline.components.relations import news_relations

    words = ["UN", "Secretary", "General", "Olavo", "Pereira", "and", "Army", "colonel", "Tomas", "Urrutia", "met", "."]
    doc = hand_parsed(words, [4, 4, 4, 4, 10, 4, 9, 9, 9, 4, 10, 10],
                  ["compound", "compound", "compound", "compound", "nsubj", "cc", "compound", "compound", "compound",
                   "conj", "ROOT", "punct"], ents=[(0, 1, "ORG"), (3, 5, "PERSON"), (6, 7, "ORG"), (8, 10, "PERSON")])
    relations = _relations(news_relations(doc))
    assert ("Olavo Pereira", "LEADER_OF", "UN") in relations
    assert ("Tomas Urrutia", "MEMBER_OF", "Army") in relations  # a rank, not a title that heads the army


def test_nominal_actors_that_are_members_of_a_named_group(hand_parsed):
    from pipeline.components.relations import news_relations

    doc = hand_parsed(["Members", "of", "the", "FMLN", "and", "ISIL", "terrorists", "burned", "buses", "."],
                  [7, 0, 3, 1, 0, 6, 0, 7, 7, 7],
                  ["nsubj", "prep", "det", "pobj", "cc", "compound", "conj", "ROOT", "dobj", "punct"],
                  ents=[(3, 4, "ORG"), (5, 6, "ORG")], actors=[(0, 1), (6, 7)])
    relations = _relations(news_relations(doc))
    assert ("Members", "MEMBER_OF", "FMLN") in relations and ("terrorists", "MEMBER_OF", "ISIL") in relations
    # The same mention marked as an ORG (as re3d marks "40 members" of "40 members of the Coalition").
    doc = hand_parsed(["40", "members", "of", "the", "Coalition", "met", "."], [1, 5, 1, 4, 2, 5, 5],
                      ["nummod", "nsubj", "prep", "det", "pobj", "ROOT", "punct"],
                      ents=[(0, 2, "ORG"), (3, 5, "ORG")])
    assert ("40 members", "MEMBER_OF", "the Coalition") in _relations(news_relations(doc))


def test_defeating_is_fighting_and_a_purpose_clause_takes_the_subject_of_the_verb_it_completes(hand_parsed):
    from pipeline.components.relations import news_relations

    doc = hand_parsed(["Britain", "stands", "by", "Iraq", "to", "defeat", "Daesh", "."], [1, 1, 1, 2, 5, 1, 5, 1],
                  ["nsubj", "ROOT", "prep", "pobj", "aux", "advcl", "dobj", "punct"],
                  pos=["PROPN", "VERB", "ADP", "PROPN", "PART", "VERB", "PROPN", "PUNCT"],
                  ents=[(0, 1, "GPE"), (3, 4, "GPE"), (6, 7, "ORG")])
    assert ("Britain", "FIGHTING_AGAINST", "Daesh") in _relations(news_relations(doc))


def test_killing_makes_nominal_actors_enemies(annotate):
    assert ("Militants", "FIGHTING_AGAINST", "two soldiers") in _relations(annotate("Militants killed two soldiers."))


def test_short_forms_in_brackets_either_way_and_names_also_known_as_each_other(hand_parsed):
    from pipeline.components.relations import news_relations

    words = ["The", "Popular", "Liberation", "Front", "[", "PLF", "]", "and", "CDN", "[", "National", "Defence",
             "Council", "]", "met", "Daesh", "(", "also", "known", "as", "ISIL", ")", "."]
    doc = hand_parsed(words, list(range(len(words))), ["dep"] * len(words),
                  ents=[(1, 4, "ORG"), (5, 6, "ORG"), (8, 9, "ORG"), (10, 13, "ORG"), (15, 16, "ORG"), (20, 21, "ORG")])
    relations = _relations(news_relations(doc))
    assert ("PLF", "ALIAS_OF", "Popular Liberation Front") in relations
    assert ("CDN", "ALIAS_OF", "National Defence Council") in relations
    assert {("Daesh", "ALIAS_OF", "ISIL"), ("ISIL", "ALIAS_OF", "Daesh")} <= relations


def test_a_neighbourhood_the_gazetteer_lacks_lies_in_the_town_named_after_it(hand_parsed):
    from pipeline.components.relations import news_relations
    from pipeline.normalize.places import load_gazetteer

    words = ["A", "bomb", "hit", "Zafrana", "Heights", ",", "Baghdad", ",", "and", "Mosul", ",", "Iraq", "."]
    doc = hand_parsed(words, list(range(len(words))), ["dep"] * len(words),
                  ents=[(3, 5, "GPE"), (6, 7, "GPE"), (9, 10, "GPE"), (11, 12, "GPE")])
    for ent in doc.ents:  # as the places stage resolves them
        ent._.place = load_gazetteer().resolve(ent.text)
    relations = _relations(news_relations(doc))
    assert ("Zafrana Heights", "LOCATED_IN", "Baghdad") in relations and ("Mosul", "LOCATED_IN", "Iraq") in relations
    assert not any(head == "Baghdad" for head, _, _ in relations)  # a town is not in the next town named


def test_places_the_text_says_lie_in_another(hand_parsed):
    from pipeline.components.relations import news_relations
    from pipeline.normalize.places import load_gazetteer

    words = ["Rebels", "took", "villages", "in", "Nimroz", "province", ",", "including", "Varmalak", "and", "Dozadab",
             ",", "and", "Kandahar", ",", "a", "city", "in", "southern", "Afghanistan", ",", "fell", "."]
    doc = hand_parsed(words, [1] * len(words), ["dep"] * len(words),
                      ents=[(4, 6, "GPE"), (8, 9, "GPE"), (10, 11, "LOC"), (13, 14, "GPE"), (18, 20, "GPE")])
    for ent in doc.ents:  # as the places stage resolves them
        ent._.place = load_gazetteer().resolve(ent.text, ["AF"])
    relations = _relations(news_relations(doc))
    # Listed after "including": villages of the province, which the gazetteer does not know.
    assert {("Varmalak", "LOCATED_IN", "Nimroz province"), ("Dozadab", "LOCATED_IN", "Nimroz province")} <= relations
    assert ("Kandahar", "LOCATED_IN", "southern Afghanistan") in relations  # "a city in"
    assert not any(head == "Nimroz province" for head, _, _ in relations)  # the province is not in a village
    # The gold marks a place named by its kind alone ("a city"): it is Kandahar again, not a place between.
    doc = hand_parsed(words, [1] * len(words), ["dep"] * len(words),
                      ents=[(13, 14, "GPE"), (15, 17, "LOC"), (18, 20, "GPE")])
    for ent in doc.ents:
        ent._.place = load_gazetteer().resolve(ent.text, ["AF"])
    assert ("Kandahar", "LOCATED_IN", "southern Afghanistan") in _relations(news_relations(doc))


def test_who_governs_a_place_and_the_ruler_a_regime_is_named_after_lead_them(hand_parsed):
    from spacy.tokens import Span

    from pipeline.components.entities import NESTED_KEY
    from pipeline.components.relations import news_relations

    words = ["Huila", "department", "governor", "Rosa", "Perdomo", "condemned", "the", "Karimov", "regime", "."]
    doc = hand_parsed(words, [5] * len(words), ["dep"] * len(words),
                      ents=[(0, 2, "GPE"), (3, 5, "PERSON"), (7, 9, "ORG")])
    doc.spans[NESTED_KEY] = [Span(doc, 7, 8, label="PERSON")]  # as news_actors nests it
    relations = _relations(news_relations(doc))
    assert ("Rosa Perdomo", "LEADER_OF", "Huila department") in relations
    assert ("Karimov", "LEADER_OF", "Karimov regime") in relations
    # A place's name before a rank is no membership: the army is not the place.
    doc = hand_parsed(["Huila", "colonel", "Rosa", "Perdomo", "spoke", "."], [4] * 6, ["dep"] * 6,
                      ents=[(0, 1, "GPE"), (2, 4, "PERSON")])
    assert not _relations(news_relations(doc))


def test_one_of_its_leaders_and_the_chief_of_staff_of_a_group_lead_it(hand_parsed):
    from pipeline.components.relations import news_relations

    words = ["Juan", "Alva", ",", "one", "of", "the", "Red", "Path", "'s", "leaders", ",", "and", "Rosa", "Diaz", ",",
             "chief", "of", "staff", "of", "the", "Blue", "Brigade", ",", "spoke", "."]
    heads = [1, 23, 1, 1, 3, 7, 7, 9, 7, 4, 1, 1, 13, 1, 13, 13, 15, 16, 17, 21, 21, 18, 13, 23, 23]
    deps = ["compound", "nsubj", "punct", "appos", "prep", "det", "compound", "poss", "case", "pobj", "punct", "cc",
            "compound", "conj", "punct", "appos", "prep", "pobj", "prep", "det", "compound", "pobj", "punct", "ROOT",
            "punct"]
    lemmas = [w.lower() for w in words]
    lemmas[9] = "leader"
    doc = hand_parsed(words, heads, deps, lemmas=lemmas,
                      ents=[(0, 2, "PERSON"), (5, 8, "ORG"), (12, 14, "PERSON"), (19, 22, "ORG")])
    relations = _relations(news_relations(doc))
    assert ("Juan Alva", "LEADER_OF", "the Red Path") in relations
    assert ("Rosa Diaz", "LEADER_OF", "the Blue Brigade") in relations


def test_who_fight_a_common_enemy_together_are_allies(hand_parsed):
    from pipeline.components.relations import news_relations

    # As the parser reads the list: "Canada" the subject, "the Sahel Coalition and the Government of Mali" its
    # apposition; "defeating" completes "committed to".
    words = ["Canada", ",", "the", "Sahel", "Coalition", "and", "the", "Government", "of", "Mali", "are", "committed",
             "to", "defeating", "the", "militants", "."]
    heads = [11, 0, 4, 4, 0, 4, 7, 4, 7, 8, 11, 11, 11, 12, 15, 13, 11]
    deps = ["nsubjpass", "punct", "det", "compound", "appos", "cc", "det", "conj", "prep", "pobj", "auxpass", "ROOT",
            "prep", "pcomp", "det", "dobj", "punct"]
    pos = ["PROPN", "PUNCT", "DET", "PROPN", "PROPN", "CCONJ", "DET", "PROPN", "ADP", "PROPN", "AUX", "VERB", "ADP",
           "VERB", "DET", "NOUN", "PUNCT"]
    lemmas = [w.lower() for w in words]
    lemmas[11], lemmas[13], lemmas[15] = "commit", "defeat", "militant"
    doc = hand_parsed(words, heads, deps, pos=pos, lemmas=lemmas,
                      ents=[(0, 1, "GPE"), (3, 5, "ORG"), (7, 10, "ORG")], actors=[(14, 16)])
    relations = _relations(news_relations(doc))
    assert {("Canada", "ALLIED_WITH", "Sahel Coalition"), ("Canada", "ALLIED_WITH", "Government of Mali"),
            ("Sahel Coalition", "ALLIED_WITH", "Government of Mali")} <= relations
    assert ("Government of Mali", "FIGHTING_AGAINST", "the militants") in relations


def test_a_person_said_to_be_a_member_of_groups_is_a_member_of_each(hand_parsed):
    from pipeline.components.relations import news_relations

    words = ["Juan", "Perez", "is", "a", "member", "of", "the", "Blue", "Guard", "and", "the", "Red", "League", "."]
    heads = [1, 2, 2, 4, 2, 4, 8, 8, 5, 8, 12, 12, 8, 2]
    deps = ["compound", "nsubj", "ROOT", "det", "attr", "prep", "det", "compound", "pobj", "cc", "det", "compound",
            "conj", "punct"]
    lemmas = [w.lower() for w in words]
    lemmas[2] = "be"
    doc = hand_parsed(words, heads, deps, lemmas=lemmas, ents=[(0, 2, "PERSON"), (6, 9, "ORG"), (10, 13, "ORG")])
    relations = _relations(news_relations(doc))
    assert {("Juan Perez", "MEMBER_OF", "the Blue Guard"), ("Juan Perez", "MEMBER_OF", "the Red League")} <= relations


def test_raids_on_a_groups_targets_and_the_sides_of_a_war_are_enmity(hand_parsed):
    from pipeline.components.relations import news_relations

    words = ["Chad", "conducted", "raids", "on", "Boko", "Haram", "targets", "after", "the", "Chad", "-", "Libya",
             "war", "."]
    heads = [1, 1, 1, 2, 5, 6, 3, 1, 12, 12, 9, 9, 7, 1]
    deps = ["nsubj", "ROOT", "dobj", "prep", "compound", "compound", "pobj", "prep", "det", "compound", "punct",
            "compound", "pobj", "punct"]
    pos = ["PROPN", "VERB", "NOUN", "ADP", "PROPN", "PROPN", "NOUN", "ADP", "DET", "PROPN", "PUNCT", "PROPN", "NOUN",
           "PUNCT"]
    lemmas = [w.lower() for w in words]
    lemmas[1], lemmas[2], lemmas[6] = "conduct", "raid", "target"
    doc = hand_parsed(words, heads, deps, pos=pos, lemmas=lemmas,
                      ents=[(0, 1, "GPE"), (4, 6, "ORG"), (9, 10, "GPE"), (11, 12, "GPE")])
    relations = _relations(news_relations(doc))
    assert ("Chad", "FIGHTING_AGAINST", "Boko Haram") in relations
    assert {("Chad", "FIGHTING_AGAINST", "Libya"), ("Libya", "FIGHTING_AGAINST", "Chad")} <= relations


def test_names_also_known_by_another_name_are_aliases_past_a_language(hand_parsed):
    from pipeline.components.relations import news_relations

    words = ["trade", "that", "benefits", "Boko", "Haram", ",", "also", "known", "by", "its", "Hausa", "name", "as",
             "JAS", "."]
    doc = hand_parsed(words, [2] * len(words), ["dep"] * len(words),
                      ents=[(3, 5, "ORG"), (10, 11, "NORP"), (13, 14, "ORG")])
    relations = _relations(news_relations(doc))
    assert {("Boko Haram", "ALIAS_OF", "JAS"), ("JAS", "ALIAS_OF", "Boko Haram")} <= relations
    # "known for ... as" says what someone did, not another name
    doc = hand_parsed(["Ali", "Reza", ",", "known", "for", "his", "role", "as", "Hamas", "envoy"], [0] * 10,
                      ["dep"] * 10, ents=[(0, 2, "PERSON"), (8, 9, "ORG")])
    assert not _relations(news_relations(doc))


def test_the_linker_does_not_give_a_pair_the_rules_linked_another_label(hand_parsed):
    from pipeline.components.relation_model import with_new_links
    from pipeline.components.relations import RelationMention

    words = ["Boko", "Haram", ",", "also", "known", "as", "JAS", ",", "fights", "Chad", "."]
    doc = hand_parsed(words, [8] * len(words), ["dep"] * len(words))
    group, alias, chad = doc[0:2], doc[6:7], doc[9:10]
    kept = [RelationMention(group, alias, "ALIAS_OF", 0.9)]
    found = [RelationMention(group, alias, "FIGHTING_AGAINST", 0.6), RelationMention(alias, group, "ALIAS_OF", 0.7),
             RelationMention(group, chad, "FIGHTING_AGAINST", 0.6), RelationMention(group, alias, "ALIAS_OF", 0.8)]
    links = {(r.head.text, r.label, r.tail.text) for r in with_new_links(kept, found)}
    assert links == {("Boko Haram", "ALIAS_OF", "JAS"), ("JAS", "ALIAS_OF", "Boko Haram"),
                     ("Boko Haram", "FIGHTING_AGAINST", "Chad")}


def test_the_people_a_group_is_identified_as_are_its_members(hand_parsed):
    from pipeline.components.relations import news_relations

    words = ["Foreign", "mercenaries", "\n", "identified", "as", "Tom", "Dale", ",", "Rob", "Kerr", "and", "Ian", "Moss",
             "entered", "Peru", "."]
    doc = hand_parsed(words, [13] * len(words), ["dep"] * len(words), ents=[(5, 7, "PERSON"), (8, 10, "PERSON"),
                      (11, 13, "PERSON"), (14, 15, "GPE")], actors=[(0, 2)])
    relations = _relations(news_relations(doc))
    assert {(name, "MEMBER_OF", "Foreign mercenaries") for name in ("Tom Dale", "Rob Kerr", "Ian Moss")} <= relations


def test_people_listed_with_other_members_of_a_group_and_a_groups_deputy_are_its_members(hand_parsed):
    from pipeline.components.relations import news_relations

    words = ["Police", "freed", "Juan", "Perez", ",", "Luis", "Mora", "and", "other", "members", "of", "the", "Blue",
             "Guard", "."]
    heads = [1, 1, 3, 1, 3, 6, 3, 6, 9, 6, 9, 13, 13, 10, 1]
    deps = ["nsubj", "ROOT", "compound", "dobj", "punct", "compound", "conj", "cc", "amod", "conj", "prep", "det",
            "compound", "pobj", "punct"]
    lemmas = [w.lower() for w in words]
    lemmas[9] = "member"
    doc = hand_parsed(words, heads, deps, lemmas=lemmas, ents=[(2, 4, "PERSON"), (5, 7, "PERSON"), (11, 14, "ORG")],
                      actors=[(8, 10)])
    relations = _relations(news_relations(doc))
    assert {("Juan Perez", "MEMBER_OF", "the Blue Guard"), ("Luis Mora", "MEMBER_OF", "the Blue Guard")} <= relations

    words = ["Roberto", "Soto", ",", "an", "ARENA", "deputy", ",", "spoke", "."]
    doc = hand_parsed(words, [1, 7, 1, 5, 5, 1, 1, 7, 7],
                      ["compound", "nsubj", "punct", "det", "compound", "appos", "punct", "ROOT", "punct"],
                      ents=[(0, 2, "PERSON"), (4, 5, "ORG")])
    assert ("Roberto Soto", "MEMBER_OF", "ARENA") in _relations(news_relations(doc))


def test_a_group_led_by_a_person_and_the_groups_a_body_is_made_of(hand_parsed):
    from pipeline.components.relations import news_relations

    words = ["the", "Blue", "Front", ",", "led", "by", "Juan", "Perez", ",", "met", "."]
    heads = [2, 2, 9, 2, 2, 4, 7, 5, 2, 9, 9]
    deps = ["det", "compound", "nsubj", "punct", "acl", "agent", "compound", "pobj", "punct", "ROOT", "punct"]
    lemmas = [w.lower() for w in words]
    lemmas[4] = "lead"
    doc = hand_parsed(words, heads, deps, lemmas=lemmas, ents=[(1, 3, "ORG"), (6, 8, "PERSON")])
    doc[4].tag_ = "VBN"
    assert ("Juan Perez", "LEADER_OF", "Blue Front") in _relations(news_relations(doc))

    words = ["the", "Blue", "Front", ",", "made", "up", "of", "the", "Red", "League", "and", "the", "Green", "Army",
             ",", "and", "the", "community", ",", "including", "Peru", ",", "backed", "innocent", "civilians", ",",
             "including", "women", "."]
    doc = hand_parsed(words, [0] * len(words), ["dep"] * len(words),
                      ents=[(1, 3, "ORG"), (8, 10, "ORG"), (12, 14, "ORG"), (20, 21, "GPE")],
                      actors=[(16, 18), (23, 25), (27, 28)])
    relations = _relations(news_relations(doc))
    assert {("Red League", "MEMBER_OF", "Blue Front"), ("Green Army", "MEMBER_OF", "Blue Front"),
            ("Peru", "MEMBER_OF", "the community")} <= relations
    # "including" gives examples of a description, not members of a body
    assert not any(tail == "innocent civilians" for _, _, tail in relations)


def test_standing_by_a_country_and_support_for_it_are_alliance(hand_parsed):
    from pipeline.components.relations import news_relations

    words = ["The", "UK", "stands", "by", "Iraq", ";", "Peru", "support", "for", "Chile", "."]
    heads = [1, 2, 2, 2, 3, 2, 7, 2, 7, 8, 2]
    deps = ["det", "nsubj", "ROOT", "prep", "pobj", "punct", "compound", "dobj", "prep", "pobj", "punct"]
    pos = ["DET", "PROPN", "VERB", "ADP", "PROPN", "PUNCT", "PROPN", "NOUN", "ADP", "PROPN", "PUNCT"]
    lemmas = [w.lower() for w in words]
    lemmas[2] = "stand"
    doc = hand_parsed(words, heads, deps, pos=pos, lemmas=lemmas,
                      ents=[(1, 2, "GPE"), (4, 5, "GPE"), (6, 7, "GPE"), (9, 10, "GPE")])
    relations = _relations(news_relations(doc))
    assert {("UK", "ALLIED_WITH", "Iraq"), ("Peru", "ALLIED_WITH", "Chile")} <= relations


def test_whom_one_helps_against_an_enemy_fights_it(hand_parsed):
    from pipeline.components.relations import news_relations

    # "The UK supports the Government of Mali in defeating the Front"; "... helps Peru against the terrorism of the
    # Front".
    words = ["The", "UK", "supports", "the", "Government", "of", "Mali", "in", "defeating", "the", "Front", ";",
             "Chile", "helps", "Peru", "against", "the", "terrorism", "of", "the", "Army", "."]
    heads = [1, 2, 2, 4, 2, 4, 5, 2, 7, 10, 8, 2, 13, 2, 13, 13, 17, 15, 17, 20, 18, 2]
    deps = ["det", "nsubj", "ROOT", "det", "dobj", "prep", "pobj", "prep", "pcomp", "det", "dobj", "punct", "nsubj",
            "conj", "dobj", "prep", "det", "pobj", "prep", "det", "pobj", "punct"]
    pos = ["DET", "PROPN", "VERB", "DET", "PROPN", "ADP", "PROPN", "ADP", "VERB", "DET", "PROPN", "PUNCT", "PROPN",
           "VERB", "PROPN", "ADP", "DET", "NOUN", "ADP", "DET", "PROPN", "PUNCT"]
    lemmas = [w.lower() for w in words]
    lemmas[2], lemmas[8], lemmas[13] = "support", "defeat", "help"
    doc = hand_parsed(words, heads, deps, pos=pos, lemmas=lemmas,
                      ents=[(1, 2, "GPE"), (3, 7, "ORG"), (9, 11, "ORG"), (12, 13, "GPE"), (14, 15, "GPE"),
                            (19, 21, "ORG")])
    relations = _relations(news_relations(doc))
    assert {("the Government of Mali", "FIGHTING_AGAINST", "the Front"),
            ("Peru", "FIGHTING_AGAINST", "the Army")} <= relations
    assert ("UK", "FIGHTING_AGAINST", "the Front") not in relations  # the helper is an ally, not said to fight


def test_whose_campaign_against_someone_it_is_fights_them(hand_parsed):
    from pipeline.components.relations import news_relations

    # "Peru's battle against the Front"; "the Army launched an offensive against the League".
    words = ["Peru", "'s", "battle", "against", "the", "Front", "goes", "on", ";", "the", "Army", "launched", "an",
             "offensive", "against", "the", "League", "."]
    heads = [2, 0, 6, 2, 5, 3, 6, 6, 6, 10, 11, 6, 13, 11, 13, 16, 14, 6]
    deps = ["poss", "case", "nsubj", "prep", "det", "pobj", "ROOT", "prt", "punct", "det", "nsubj", "conj", "det",
            "dobj", "prep", "det", "pobj", "punct"]
    pos = ["PROPN", "PART", "NOUN", "ADP", "DET", "PROPN", "VERB", "ADP", "PUNCT", "DET", "PROPN", "VERB", "DET", "NOUN",
           "ADP", "DET", "PROPN", "PUNCT"]
    doc = hand_parsed(words, heads, deps, pos=pos,
                      ents=[(0, 1, "GPE"), (4, 6, "ORG"), (9, 11, "ORG"), (15, 17, "ORG")])
    relations = _relations(news_relations(doc))
    assert {("Peru", "FIGHTING_AGAINST", "the Front"), ("the Army", "FIGHTING_AGAINST", "the League")} <= relations


def test_the_people_said_to_live_in_a_place_are_located_in_it(hand_parsed):
    from pipeline.components.relations import news_relations

    words = ["Aid", "reached", "civilians", "in", "Madaya", "and", "the", "residents", "of", "the", "Old", "City",
             ";", "fighters", "in", "Homs", "left", "."]
    doc = hand_parsed(words, [1] * len(words), ["dep"] * len(words),
                      ents=[(4, 5, "GPE"), (10, 12, "LOC"), (15, 16, "GPE")], actors=[(2, 3), (6, 8), (13, 14)])
    relations = _relations(news_relations(doc))
    assert {("civilians", "LOCATED_IN", "Madaya"), ("the residents", "LOCATED_IN", "Old City")} <= relations
    assert not any(head == "fighters" for head, _, _ in relations)  # fighters in a town are not its people


def test_who_is_said_to_be_part_of_a_group_is_its_member(hand_parsed):
    from pipeline.components.relations import news_relations

    # "Peru is working as part of the Coalition"; "Chile is part of the League".
    words = ["Peru", "is", "working", "as", "part", "of", "the", "Coalition", ";", "Chile", "is", "part", "of", "the",
             "League", "."]
    heads = [2, 2, 2, 2, 3, 4, 7, 5, 2, 10, 2, 10, 11, 14, 12, 2]
    deps = ["nsubj", "aux", "ROOT", "prep", "pobj", "prep", "det", "pobj", "punct", "nsubj", "conj", "attr", "prep",
            "det", "pobj", "punct"]
    pos = ["PROPN", "AUX", "VERB", "ADP", "NOUN", "ADP", "DET", "PROPN", "PUNCT", "PROPN", "AUX", "NOUN", "ADP", "DET",
           "PROPN", "PUNCT"]
    lemmas = [w.lower() for w in words]
    lemmas[1], lemmas[2], lemmas[10] = "be", "work", "be"
    doc = hand_parsed(words, heads, deps, pos=pos, lemmas=lemmas,
                      ents=[(0, 1, "GPE"), (6, 8, "ORG"), (9, 10, "GPE"), (13, 15, "ORG")])
    relations = _relations(news_relations(doc))
    assert {("Peru", "MEMBER_OF", "the Coalition"), ("Chile", "MEMBER_OF", "the League")} <= relations


def test_someone_who_is_a_member_of_a_group_is_its_member(hand_parsed):
    from pipeline.components.relations import news_relations

    # "The buyer, who is a member of the Cartel, fled."
    words = ["The", "buyer", ",", "who", "is", "a", "member", "of", "the", "Cartel", ",", "fled", "."]
    heads = [1, 11, 1, 4, 1, 6, 4, 6, 9, 7, 1, 11, 11]
    deps = ["det", "nsubj", "punct", "nsubj", "relcl", "det", "attr", "prep", "det", "pobj", "punct", "ROOT", "punct"]
    lemmas = [w.lower() for w in words]
    lemmas[4] = "be"
    doc = hand_parsed(words, heads, deps, lemmas=lemmas, ents=[(8, 10, "ORG")], actors=[(0, 2)])
    doc[3].tag_ = "WP"
    assert ("The buyer", "MEMBER_OF", "the Cartel") in _relations(news_relations(doc))


def test_each_site_of_a_list_lies_in_the_place_after_it(hand_parsed):
    from pipeline.components.relations import news_relations

    words = ["an", "attack", "on", "a", "petrol", "station", ",", "a", "bank", "and", "restaurant", "in", "Hilla", "."]
    doc = hand_parsed(words, [1] * len(words), ["dep"] * len(words),
                      ents=[(3, 6, "FAC"), (7, 9, "FAC"), (10, 11, "FAC"), (12, 13, "GPE")])
    relations = _relations(news_relations(doc))
    assert {("a petrol station", "LOCATED_IN", "Hilla"), ("a bank", "LOCATED_IN", "Hilla"),
            ("restaurant", "LOCATED_IN", "Hilla")} <= relations


def test_a_named_group_or_person_in_a_place_is_located_there(hand_parsed):
    from pipeline.components.relations import news_relations

    words = ["The", "envoy", "de", "Mistura", "in", "Geneva", "said", "we", "will", "defeat", "ISIL", "in", "Syria",
             "and", "Iraq", ",", "kill", "the", "Nimr", "tribe", "in", "Anbar", ",", "Iraq", "and", "fighters", "in",
             "Homs", "."]
    doc = hand_parsed(words, [6] * len(words), ["dep"] * len(words),
                      ents=[(2, 4, "PERSON"), (5, 6, "GPE"), (10, 11, "ORG"), (12, 13, "GPE"), (14, 15, "GPE"),
                            (17, 20, "ORG"), (21, 22, "GPE"), (23, 24, "GPE"), (27, 28, "GPE")], actors=[(25, 26)])
    relations = _relations(news_relations(doc))
    assert {("de Mistura", "LOCATED_IN", "Geneva"), ("ISIL", "LOCATED_IN", "Syria"), ("ISIL", "LOCATED_IN", "Iraq"),
            ("the Nimr tribe", "LOCATED_IN", "Anbar")} <= relations
    assert ("the Nimr tribe", "LOCATED_IN", "Iraq") not in relations  # "Anbar, Iraq" is one place, not a list
    assert not any(head == "fighters" for head, _, _ in relations)  # a nominal actor is left to the linker


def test_the_places_of_a_kind_listed_in_a_place_lie_in_it_and_not_in_each_other(hand_parsed):
    from pipeline.components.relations import news_relations
    from pipeline.normalize.places import load_gazetteer

    words = ["Fire", "was", "heard", "in", "the", "neighborhoods", "of", "San", "Salvador", ",", "such", "as", "\n",
             "Miralvalle", ",", "Satelite", ",", "Montebello", ",", "and", "San", "Ramon", "."]  # a line break
    doc = hand_parsed(words, [2] * len(words), ["dep"] * len(words),
                      ents=[(7, 9, "GPE"), (13, 14, "GPE"), (15, 16, "GPE"), (17, 18, "GPE"), (20, 22, "GPE")])
    for ent in doc.ents:  # without the article's country, the gazetteer puts Montebello and San Ramon in the US
        ent._.place = load_gazetteer().resolve(ent.text)
    relations = _relations(news_relations(doc))
    assert {(name, "LOCATED_IN", "San Salvador") for name in ("Miralvalle", "Satelite", "Montebello", "San Ramon")} \
        <= relations
    assert ("Satelite", "LOCATED_IN", "Montebello") not in relations  # two items of one list
