import pytest
import spacy

from pipeline.components.argument_filter import ArgumentFilter, argument_features
from pipeline.components.event_filter import probability
from pipeline.components.events import EventArgument, EventMention
from pipeline.evaluation.muc4 import make_template
from pipeline.training.argument_filter import FillerRow, TrainingDocument, choose_threshold
from pipeline.training.event_filter import fit, ship_filter

TEXT = "Rebels bombed the bank with dynamite. The fact is the army seized rifles."
LEMMAS = {"Rebels": "rebel", "bombed": "bomb", "seized": "seize", "rifles": "rifle"}


def _doc_with_an_event(lemmatized):
    doc = lemmatized(TEXT, LEMMAS)
    first, _ = list(doc.sents)
    bombing = EventMention("BOMBING", doc[1:2], first, [
        EventArgument("perpetrator", doc[0:1]), EventArgument("target", doc[2:4]),
        EventArgument("weapon", doc[5:6]), EventArgument("location", doc[2:4]),
        EventArgument("perpetrator", doc[7:9], source="model"), EventArgument("weapon", doc[14:15], source="model")])
    doc._.events = [bombing]
    return doc


def test_features_say_who_linked_each_filler_and_how_close_it_is(lemmatized):
    doc = _doc_with_an_event(lemmatized)
    (rebels, bank, dynamite, location, fact, rifles), = argument_features(doc, doc._.events)
    assert location is None  # places and dates are not the filter's to judge
    assert rebels["perpetrator:source=rules"] == 1.0 and rebels["perpetrator:head=rebel"] == 1.0
    assert rebels["perpetrator:first_event"] == 1.0 and "perpetrator:outside_sentence" not in rebels
    assert bank["target:word=bank"] == 0.5 and bank["target:type=BOMBING"] == 1.0
    assert fact["perpetrator:source=model"] == 1.0 and fact["perpetrator:outside_sentence"] == 1.0
    assert rifles["weapon:source=model"] == 1.0 and rifles["weapon:distance"] > dynamite["weapon:distance"]


def test_the_filter_drops_fillers_only_when_asked_and_only_when_trained(lemmatized):
    weights = {"bias": 1.0, "perpetrator:source=model": -3.0, "weapon:outside_sentence": -3.0}
    kept = ArgumentFilter("news_argument_filter", threshold=0.5, weights=weights)(_doc_with_an_event(lemmatized))
    assert len(kept._.events[0].arguments) == 6
    dropped = ArgumentFilter("news_argument_filter", threshold=0.5, weights=weights, drop=True)(_doc_with_an_event(lemmatized))
    assert [a.span.text for a in dropped._.events[0].arguments] == ["Rebels", "the bank", "dynamite", "the bank"]
    untrained = ArgumentFilter("news_argument_filter", threshold=0.5, drop=True)(_doc_with_an_event(lemmatized))
    assert len(untrained._.events[0].arguments) == 6


def test_the_filter_travels_with_its_pipeline(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("news_argument_filter", config={"threshold": 0.35}).weights = {"bias": 0.5, "role=target": -1.5}
    nlp.to_disk(tmp_path)
    loaded = spacy.load(tmp_path).get_pipe("news_argument_filter")
    assert loaded.weights == {"bias": 0.5, "role=target": -1.5} and loaded.cfg["threshold"] == pytest.approx(0.35)


def test_incidents_only_makes_a_shipped_argument_filter_drop(tmp_path):
    from pipeline.language import ARGUMENT_FILTER, set_incidents_only

    nlp = spacy.blank("en")
    nlp.add_pipe("news_event_filter", config={"threshold": 0.3})
    nlp.add_pipe("news_argument_filter", name=ARGUMENT_FILTER.name)
    set_incidents_only(nlp, True)
    assert nlp.get_pipe(ARGUMENT_FILTER.name).cfg["drop"] is True
    set_incidents_only(nlp, False)
    assert nlp.get_pipe(ARGUMENT_FILTER.name).cfg["drop"] is False


def test_training_overfits_a_small_set_and_picks_the_threshold_that_keeps_the_right_fillers(tmp_path):
    gold = make_template("BOMBING", [("perpetrator", "rebels"), ("weapon", "dynamite")])
    right = {"bias": 1.0, "perpetrator:source=rules": 1.0}
    wrong = {"bias": 1.0, "perpetrator:source=model": 1.0}
    documents = [TrainingDocument(f"d{i}", [("BOMBING", [FillerRow("perpetrator", "rebels", right, 1),
                                                         FillerRow("perpetrator", "the fact", wrong, 0),
                                                         FillerRow("weapon", "dynamite", None, None)])], [gold])
                 for i in range(10)]
    assert documents[0].labels == [1, 0]  # the weapon, not judged, is no training example
    weights = fit(documents, l2=0.1, epochs=500, learn_rate=1.0, min_count=1)
    assert probability(weights, right) > 0.9 > 0.1 > probability(weights, wrong)
    settings = {"folds": 2, "l2": 0.1, "epochs": 500, "learn_rate": 1.0, "min_count": 1, "thresholds": [0.5]}
    threshold, sweep = choose_threshold(documents, settings)
    assert threshold == 0.5 and sweep[0.5] == 100.0 > sweep[0.0]
    ship_filter(documents, settings, choose_threshold, "news_argument_filter", "argument_filter", "fillers", tmp_path)
    shipped = spacy.load(tmp_path)
    assert shipped.get_pipe("news_argument_filter").cfg["threshold"] == 0.5
    assert shipped.meta["performance"]["fillers"] == 20 and shipped.meta["performance"]["positives"] == 10


def test_fillers_are_labelled_against_the_gold_template_their_event_is_aligned_with():
    from pipeline.records import Argument, ArticleRecord, Entity, Event, Trigger
    from pipeline.training.argument_filter import document_rows

    text = "GUERRILLAS KILLED MAZA MARQUEZ AND A PEASANT. THE ARMY CLASHED WITH REBELS."

    def event(number, trigger, start, arguments):
        return Event(id=f"E{number}", type="ATTACK", trigger=Trigger(text=trigger, start=start, end=start + len(trigger)),
                     sentence=0, kind="incident", status="reported", confidence=0.5, arguments=arguments)

    record = ArticleRecord(
        article_id="d", content_hash="h", pipeline_version="0", text=text,
        entities=[Entity(id="T1", text="MAZA MARQUEZ", label="PERSON", start=18, end=30, sentence=0,
                         canonical="Miguel Maza Marquez")],
        events=[event(1, "KILLED", 11, [Argument(role="perpetrator", text="GUERRILLAS", start=0, end=10),
                                        Argument(role="victim", entity="T1", text="MAZA MARQUEZ", start=18, end=30),
                                        Argument(role="victim", text="A PEASANT", start=35, end=44),
                                        Argument(role="target", text="A PEASANT", start=35, end=44)]),
                event(2, "CLASHED", 55, [Argument(role="perpetrator", text="THE ARMY", start=46, end=54)])])
    gold = [make_template("ATTACK", [("perpetrator", "guerrillas"), ("victim", "miguel maza marquez")])]
    features = {(0, "perpetrator", 0, 10): {"bias": 1.0}, (0, "victim", 18, 30): {"bias": 1.0},
                (0, "target", 35, 44): {"bias": 1.0}, (1, "perpetrator", 46, 54): {"bias": 1.0}}
    (_, killing), (_, clash) = document_rows(record, features, gold)
    # The victim that is no named person is not scored, so it is no row; a filler the gold template lacks is a
    # negative; the fillers of the event aligned with no template are no examples.
    assert [(row.role, row.text, row.label) for row in killing] == [
        ("perpetrator", "GUERRILLAS", 1), ("victim", "Miguel Maza Marquez", 1), ("target", "A PEASANT", 0)]
    assert [row.label for row in clash] == [None]
