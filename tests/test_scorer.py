"""The scorer on hand-made gold/prediction pairs whose scores are worked out by hand."""
import pytest

from pipeline.evaluation.documents import ArgumentView, DocumentView, EntityView, EventView, head_word
from pipeline.evaluation.scorer import score_corpus

TEXT = "Gunmen of the FMLN attacked a bus in San Miguel on Monday, killing two soldiers."


def _ent(text, label, occurrence=0, **extra):
    start = TEXT.index(text) if occurrence == 0 else TEXT.index(text, TEXT.index(text) + 1)
    return EntityView((start, start + len(text)), label, text, **extra)


def _arg(role, text):
    start = TEXT.index(text)
    return ArgumentView(role, (start, start + len(text)), text)


def _event(trigger="attacked", args=(), etype="ATTACK", killed=None, country=None):
    start = TEXT.index(trigger)
    location = EntityView((0, 0), "GPE", "San Miguel", country=country) if country else None
    return EventView(etype, [(start, start + len(trigger))], list(args), "incident", "reported", killed, None,
                     location)


@pytest.fixture
def gold():
    return DocumentView("d", TEXT, entities=[
        _ent("FMLN", "ORG", canonical="Farabundo Marti National Liberation Front"),
        _ent("San Miguel", "GPE", country="SV", geonames_id=3583361),
        _ent("Monday", "DATE", timex="1990-01-08"),
    ], events=[_event(args=[_arg("perpetrator", "Gunmen"), _arg("perpetrator_org", "FMLN"), _arg("target", "a bus"),
                            _arg("victim", "two soldiers")], killed=2, country="SV")],
        relations=[("LOCATED_IN", (0, 6), (14, 18))])


def test_perfect_prediction_scores_one(gold):
    scores = score_corpus([(gold, gold)])
    for layer in ("entities_exact", "entities_overlap", "events", "arguments", "relations"):
        assert scores[layer]["f"] == 1.0, layer
    assert scores["date_value_accuracy"]["accuracy"] == 1.0
    assert scores["casualty_count_accuracy"]["killed"]["accuracy"] == 1.0
    assert scores["actor_canonical_accuracy"]["accuracy"] == 1.0


def test_partial_prediction(gold):
    pred = DocumentView("d", TEXT, entities=[
        _ent("FMLN", "ORG", canonical="FMLN"),                # registry alias: same actor
        EntityView((TEXT.index("in San"), TEXT.index("in San") + 13), "GPE", "in San Miguel"),  # overlap only
        _ent("Monday", "DATE", timex="1990-01-01"),          # wrong value
        _ent("soldiers", "ORG"),                              # spurious
    ], events=[_event(args=[_arg("perpetrator", "Gunmen"), _arg("victim", "a bus"), _arg("victim", "two soldiers")],
                      killed=3, country="SV")])
    scores = score_corpus([(gold, pred)])
    # entities exact: FMLN, Monday right; San Miguel wrong span; soldiers spurious -> P 2/4, R 2/3
    assert scores["entities_exact"]["p"] == 0.5 and scores["entities_exact"]["r"] == pytest.approx(0.6667, abs=1e-4)
    assert scores["entities_overlap"]["tp"] == 3
    assert scores["events"]["f"] == 1.0
    # arguments: perpetrator ok, victim "two soldiers" ok, victim "a bus" wrong role; gold target and
    # perpetrator_org missed -> tp 2, fp 1, fn 2
    assert (scores["arguments"]["tp"], scores["arguments"]["fp"], scores["arguments"]["fn"]) == (2, 1, 2)
    assert scores["relations"]["r"] == 0.0
    assert scores["date_value_accuracy"]["accuracy"] == 0.0
    assert scores["casualty_count_accuracy"]["killed"]["accuracy"] == 0.0
    assert scores["actor_canonical_accuracy"]["accuracy"] == 1.0
    assert scores["event_location_accuracy"]["country"]["accuracy"] == 1.0


def test_wrong_type_or_trigger_misses_the_event_and_its_arguments(gold):
    pred = DocumentView("d", TEXT, events=[_event(etype="BOMBING", args=[_arg("perpetrator", "Gunmen")])])
    scores = score_corpus([(gold, pred)])
    assert scores["events"]["tp"] == 0 and scores["events"]["fp"] == 1 and scores["events"]["fn"] == 1
    assert scores["arguments"]["tp"] == 0 and scores["arguments"]["fn"] == 4 and scores["arguments"]["fp"] == 1


def test_head_word_matching_follows_muc():
    assert head_word("the Atlacatl Battalion") == "battalion"
    assert head_word("members of the FMLN") == "members"
    assert head_word("73 people") == "people"


def test_subtypes_are_scored_on_matched_events_in_the_guidelines_vocabulary(gold):
    def with_subtype(view, subtype):
        event = view.events[0]
        return DocumentView("d", TEXT, view.entities, [EventView(
            event.type, event.triggers, event.arguments, event.kind, event.status, event.killed, event.injured,
            event.location, subtype)], view.relations)

    # "car_bombing" is the gold's spelling of the guidelines' "car_bomb"
    same = score_corpus([(with_subtype(gold, "car_bombing"), with_subtype(gold, "car_bomb"))])["event_subtypes"]
    assert (same["tp"], same["fp"], same["fn"]) == (1, 0, 0)
    # a free-text gold subtype is none; a predicted one then counts against precision only
    free = score_corpus([(with_subtype(gold, "military_offensive"), with_subtype(gold, "ambush"))])["event_subtypes"]
    assert (free["tp"], free["fp"], free["fn"]) == (0, 1, 0)
    missed = score_corpus([(with_subtype(gold, "air_strike"), gold)])["event_subtypes"]
    assert (missed["tp"], missed["fp"], missed["fn"]) == (0, 0, 1)
