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
