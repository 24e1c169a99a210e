import pytest
import spacy
from spacy.language import Language

from pipeline.components.event_filter import EventFilter, event_features, probability
from pipeline.components.events import EventArgument, EventMention
from pipeline.evaluation.muc4 import make_template
from pipeline.training.event_filter import TrainingDocument, choose_threshold, fit

TEXT = "Guerrillas attacked the town hall. The army clashed with rebels in the hills."
LEMMAS = {"attacked": "attack", "clashed": "clash", "Guerrillas": "guerrilla", "rebels": "rebel"}


def _doc_with_events(lemmatized):
    doc = lemmatized(TEXT, LEMMAS)
    first, second = list(doc.sents)
    attack = EventMention("ATTACK", doc[1:2], first, [EventArgument("perpetrator", doc[0:1])])
    clash = EventMention("ATTACK", doc[8:9], second)
    doc._.events = [attack, clash]
    return doc


def test_features_say_what_the_rules_saw_of_each_event(lemmatized):
    doc = _doc_with_events(lemmatized)
    attack, clash = event_features(doc, doc._.events)
    assert attack["trigger=attack"] == 1.0 and attack["has_perpetrator"] == 1.0 and attack["first_event"] == 1.0
    assert attack["first_sentence"] == 1.0 and "word=town" in attack
    assert clash["trigger=clash"] == 1.0 and "has_perpetrator" not in clash and clash["first_sentence"] == 0.0


def test_features_say_who_struck_whom(hand_parsed):
    words = ["Rebels", "ambushed", "an", "army", "patrol", ".", "Gunmen", "shot", "a", "judge", "."]
    doc = hand_parsed(words, heads=[1, 1, 4, 4, 1, 1, 7, 7, 9, 7, 7],
                      deps=["nsubj", "ROOT", "det", "compound", "dobj", "punct", "nsubj", "ROOT", "det", "dobj", "punct"],
                      lemmas=["rebel", "ambush", "an", "army", "patrol", ".", "gunman", "shoot", "a", "judge", "."])
    first, second = list(doc.sents)
    ambush = EventMention("ATTACK", doc[1:2], first, [EventArgument("perpetrator", doc[0:1]),
                                                      EventArgument("victim", doc[3:5])])
    shooting = EventMention("ATTACK", doc[7:8], second, [EventArgument("victim", doc[9:10])])
    ambush_features, shooting_features = event_features(doc, [ambush, shooting])
    assert ambush_features["perpetrator_type=armed_group"] == 1.0 and ambush_features["perpetrator_head=rebel"] == 1.0
    assert ambush_features["struck_type=state_security"] == 1.0 and ambush_features["struck_head=patrol"] == 1.0
    assert shooting_features["struck_head=judge"] == 1.0 and "struck_type=state_security" not in shooting_features


def test_the_filter_sets_each_events_confidence_and_drops_only_when_asked(lemmatized):
    weights = {"bias": -1.0, "trigger=attack": 3.0, "trigger=clash": -2.0}
    kept = EventFilter("news_event_filter", threshold=0.5, weights=weights)(_doc_with_events(lemmatized))
    attack, clash = kept._.events
    assert attack.confidence > 0.5 > clash.confidence
    dropped = EventFilter("news_event_filter", threshold=0.5, weights=weights, drop=True)(_doc_with_events(lemmatized))
    assert [e.trigger.text for e in dropped._.events] == ["attacked"]
    untrained = EventFilter("news_event_filter", threshold=0.5, drop=True)(_doc_with_events(lemmatized))
    assert [e.confidence for e in untrained._.events] == [0.5, 0.5]


def test_incidents_only_needs_a_trained_filter(tmp_path):
    from pipeline.language import build_pipeline

    with pytest.raises(ValueError, match="event filter"):
        build_pipeline(models_dir=tmp_path, incidents_only=True)


def test_the_filter_travels_with_its_pipeline(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("news_event_filter", config={"threshold": 0.3}).weights = {"bias": 0.5, "trigger=attack": 1.25}
    nlp.to_disk(tmp_path)
    loaded = spacy.load(tmp_path).get_pipe("news_event_filter")
    assert loaded.weights == {"bias": 0.5, "trigger=attack": 1.25} and loaded.cfg["threshold"] == pytest.approx(0.3)


def test_training_overfits_a_small_set_and_picks_the_threshold_that_keeps_the_incidents():
    incident = make_template("ATTACK", [("perpetrator", "guerrillas")])
    documents = [TrainingDocument(f"d{i}", [{"bias": 1.0, "trigger=attack": 1.0}, {"bias": 1.0, "trigger=clash": 1.0}],
                                  [1, 0], [incident, make_template("ATTACK", [("perpetrator", "army")])], [incident])
                 for i in range(10)]
    weights = fit(documents, l2=0.1, epochs=500, learn_rate=1.0, min_count=1)
    assert probability(weights, documents[0].features[0]) > 0.9 > 0.1 > probability(weights, documents[0].features[1])
    settings = {"folds": 2, "l2": 0.1, "epochs": 500, "learn_rate": 1.0, "min_count": 1, "thresholds": [0.5]}
    threshold, sweep = choose_threshold(documents, settings)
    assert threshold == 0.5 and sweep[0.5] == 100.0 > sweep[0.0]



@Language.factory("test_mark_fold", default_config={"fold": ""})
def make_fold_mark(nlp, name, fold):
    def mark(doc):
        doc.user_data["fold"] = fold
        return doc
    return mark


def test_with_fold_pipelines_each_document_goes_through_the_one_that_held_it_out(tmp_path):
    """Cross-fitting: the filters learn from what an event extractor finds on documents it did not learn."""
    from pipeline.training.event_filter import fold_pipelines, through_pipeline

    models = tmp_path / "models"
    (models / "events").mkdir(parents=True)
    folds = tmp_path / "folds"
    for k in range(2):
        (folds / str(k)).mkdir(parents=True)
    (folds / "train-0").mkdir()  # training output beside the extractors is not one of them

    def build(replaced):  # the shipped models, but for the event extractor
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")  # doc_to_record reads sentences
        nlp.add_pipe("test_mark_fold", config={"fold": replaced["events"].name})
        return nlp

    pipelines = fold_pipelines(build, folds)
    documents = {f"d{i}": (f"Text number {i} .", []) for i in range(5)}
    seen = [(doc_id, doc.text, doc.user_data["fold"])
            for doc_id, doc, _, _ in through_pipeline(pipelines, documents)]
    # in the documents' order; extractor 0 held out documents 1 and 3 (the second of each pair), extractor 1 the rest
    assert seen == [(f"d{i}", f"Text number {i} .", "01"[i % 2 == 0]) for i in range(5)]
    with pytest.raises(ValueError):
        fold_pipelines(build, models)  # no extractors 0 ... n-1 there


def test_fold_pipelines_take_the_other_replacements_in_every_fold(tmp_path):
    """The transformer variant's argument filter learns behind its own event filter, in each fold's pipeline."""
    from pipeline.training.event_filter import fold_pipelines

    folds = tmp_path / "folds"
    for k in range(2):
        (folds / str(k)).mkdir(parents=True)
    built = []
    fold_pipelines(lambda replaced=None: built.append(replaced) or spacy.blank("en"), folds,
                   also_replaced={"event_filter": tmp_path / "trf_filter"})
    assert built == [{"events": folds / str(k), "event_filter": tmp_path / "trf_filter"} for k in range(2)]
    built.clear()
    fold_pipelines(lambda replaced=None: built.append(replaced) or spacy.blank("en"), None,
                   also_replaced={"event_filter": tmp_path / "trf_filter"})
    assert built == [{"event_filter": tmp_path / "trf_filter"}]


# A judge as the transformer variant's, but a bag of words in place of MiniLM: the filter's and the training's
# mechanics without the trf extra (tests/test_event_model_trf.py trains the MiniLM one).
BOW_JUDGE_CONFIG = """
[system]
seed = 0
[nlp]
lang = "en"
pipeline = ["textcat"]
[components]
[components.textcat]
factory = "textcat"
[components.textcat.model]
@architectures = "spacy.TextCatBOW.v3"
exclusive_classes = true
ngram_size = 1
no_output_layer = false
[judge]
epochs = 30
batch_size = 4
dropout = 0.0
learn_rate = 0.05
warmup_fraction = 0.0
L2 = 0.0
grad_clip = 1.0
folds = 2
"""


def _bow_judge_config():
    from thinc.api import Config

    return Config().from_str(BOW_JUDGE_CONFIG)


def test_the_judge_reads_an_events_type_trigger_and_sentence(lemmatized):
    from pipeline.components.event_filter import event_context

    attack, clash = _doc_with_events(lemmatized)._.events
    assert event_context(attack) == "attack (attacked): Guerrillas attacked the town hall."
    assert event_context(clash) == "attack (clashed): The army clashed with rebels in the hills."


def test_a_judge_learns_and_the_filter_averages_it_with_the_weights_and_keeps_it_on_disk(lemmatized, tmp_path):
    from pipeline.components.event_filter import JUDGE_LABEL, event_context
    from pipeline.training.event_judge import judge_probabilities, train_judge

    doc = _doc_with_events(lemmatized)
    texts = [event_context(event) for event in doc._.events]
    judge = train_judge(texts * 4, [1, 0] * 4, _bow_judge_config())
    incident, battle = judge_probabilities(judge, texts)
    assert incident > 0.9 and battle < 0.1  # overfits its two examples
    weights = {"bias": 0.0}  # 0.5 for every event: the judge alone tells them apart
    judged = EventFilter("news_event_filter", threshold=0.6, weights=weights, judge=judge, drop=True)(
        _doc_with_events(lemmatized))
    assert [e.trigger.text for e in judged._.events] == ["attacked"]
    assert judged._.events[0].confidence == pytest.approx((0.5 + incident) / 2, abs=1e-4)
    nlp = spacy.blank("en")
    nlp.add_pipe("news_event_filter", config={"threshold": 0.6}).weights = weights
    nlp.get_pipe("news_event_filter").judge = judge
    nlp.to_disk(tmp_path)
    loaded = spacy.load(tmp_path).get_pipe("news_event_filter")
    assert loaded.judge.pipe_names == ["textcat"]
    assert loaded.judge(texts[0]).cats[JUDGE_LABEL] == pytest.approx(incident, abs=1e-6)


def test_with_a_judge_the_threshold_is_chosen_on_both_out_of_fold_probabilities():
    from pipeline.training.event_filter import choose_threshold_with_judge

    incident = make_template("ATTACK", [("perpetrator", "guerrillas")])
    battle = make_template("ATTACK", [("perpetrator", "army")])
    # the weights cannot tell the two events apart (the same features); their words can
    documents = [TrainingDocument(f"d{i}", [{"bias": 1.0}, {"bias": 1.0}], [1, 0], [incident, battle], [incident],
                                  ["attack (bombed): guerrillas bombed a bank", "attack (clashed): the army clashed"])
                 for i in range(8)]
    settings = {"folds": 2, "l2": 0.1, "epochs": 200, "learn_rate": 1.0, "min_count": 1, "thresholds": [0.6]}
    assert choose_threshold(documents, settings)[0] == 0.0  # the weights alone keep both
    threshold, sweep = choose_threshold_with_judge(documents, settings, _bow_judge_config())
    assert threshold == 0.6 and sweep[0.6] == 100.0 > sweep[0.0]
