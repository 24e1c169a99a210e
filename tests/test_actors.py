from pipeline.components.actors import ACTORS_KEY
from pipeline.normalize.actors import ActorRegistry, canonical_from_text, guess_actor_type, load_registry


def test_registry_lookup_aliases_abbreviations_and_misspellings():
    registry = load_registry()
    for name in ("TTP", "TPP", "Tehreek-e-Taliban Pakistan", "Pakistani Taliban", "Tehrik-i-Taliban Pakistan",
                 "Tehreek-e-Taliban Pakistann"):
        assert registry.lookup(name).canonical == "Tehreek-e-Taliban Pakistan", name
    assert registry.lookup("FMLN").actor_type == "armed_group"
    assert registry.lookup("Hizballah").canonical == "Hezbollah"
    assert registry.lookup("Carnegie Endowment") is None


def test_fuzzy_threshold_rejects_different_groups():
    registry = ActorRegistry.from_json({"version": "t", "actors": [
        {"canonical": "National Liberation Army", "actor_type": "armed_group", "aliases": [], "abbreviations": []}]})
    assert registry.lookup("National Liberation Armyy") is not None
    assert registry.lookup("National Salvation Front") is None


def test_unknown_actor_canonical_and_type_are_derived_from_text():
    assert canonical_from_text("the “Islamic Emirate") == "Islamic Emirate"
    assert canonical_from_text("GUATEMALAN NATIONAL POLICE") == "Guatemalan National Police"
    assert guess_actor_type("Salvadoran National Police", "ORG") == "state_security"
    assert guess_actor_type("Ministry of Interior", "ORG") == "government"


def test_pipeline_marks_groups_weapons_acronyms_and_nominal_actors(annotate):
    doc = annotate("The Jamaat-ul-Ahrar (JuA) said its militants fired rocket-propelled grenades at two soldiers. "
                   "Later JuA fighters planted a car bomb. The Pakistani Taleban denied it.")
    by_text = {ent.text: ent for ent in doc.ents}
    assert by_text["JuA"]._.canonical == "Jamaat-ul-Ahrar"
    assert by_text["Pakistani Taleban"]._.canonical == "Tehreek-e-Taliban Pakistan"
    assert by_text["rocket-propelled grenades"].label_ == "WEAPON"
    assert by_text["car bomb"].label_ == "WEAPON"
    actors = {span.text: span for span in doc.spans[ACTORS_KEY]}
    assert "two soldiers" in actors and actors["two soldiers"]._.actor_type == "state_security"
    for ent in doc.ents:
        if ent.label_ in {"ORG", "NORP", "PERSON"}:
            assert ent._.canonical and ent._.actor_type


def test_lowercase_phrase_is_not_a_group(annotate):
    doc = annotate("They want an Islamic state under sharia law.")
    assert not any(ent._.canonical == "Islamic State" for ent in doc.ents)
