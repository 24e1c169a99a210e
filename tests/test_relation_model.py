"""The trained pair classifiers: instance generators, pair features, the reader, overfitting on tiny
data, save/load, and the calibration helpers."""
from __future__ import annotations

import numpy
import pytest
from spacy.lang.en import English
from spacy.tokens import Doc, DocBin, Span
from spacy.training import Example
from thinc.api import fix_random_seed

from pipeline.architectures.relation_model import (TRIGGERS_KEY, PairContext, build_entity_pair_generator,
                                                   build_event_argument_generator, pair_features)
from pipeline.components.events import EventArgument, EventMention
from pipeline.components.relation_model import LinkedArgument, gold_triggers, role_of
from pipeline.training.relation_corpus import create_gold_entity_reader, with_gold_mentions
from pipeline.training.relations import best_threshold, fit_platt, reliability

# A small trainable encoder, so that the tests need no base model and no doc.tensor.
SMALL_TOK2VEC = {"@architectures": "spacy.HashEmbedCNN.v2", "width": 32, "depth": 1, "embed_size": 500,
                 "window_size": 1, "maxout_pieces": 2, "subword_features": True, "pretrained_vectors": None}


def _model_config(generator: str, **generator_args) -> dict:
    return {"model": {"create_instance_tensor": {"tok2vec": SMALL_TOK2VEC,
                                                 "pair_features": {"width": 16, "rows": 1000},
                                                 "get_instances": {"@misc": generator, **generator_args}},
                      "classification_layer": {"hidden_width": 32, "dropout": 0.0}}}


def _doc(nlp, text: str, ents: list[tuple[str, str]]) -> Doc:
    doc = nlp.make_doc(text)
    spans = []
    for phrase, label in ents:
        start = text.index(phrase)
        spans.append(doc.char_span(start, start + len(phrase), label=label))
    doc.ents = spans
    return doc


def _chars(doc: Doc, phrase: str) -> list[int]:
    start = doc.text.index(phrase)
    return [start, start + len(phrase)]


RELATION_TEXTS = [
    ("The Islamic State of Iraq and the Levant (ISIL) fought the Kurdish forces in Kobani, Syria.",
     [("Islamic State of Iraq and the Levant", "ORG"), ("ISIL", "ORG"), ("Kurdish forces", "ORG"),
      ("Kobani", "GPE"), ("Syria", "GPE")],
     [("ALIAS_OF", "ISIL", "Islamic State of Iraq and the Levant"), ("FIGHTING_AGAINST", "ISIL", "Kurdish forces"),
      ("LOCATED_IN", "Kobani", "Syria")]),
    ("Abu Bakr al-Baghdadi, the leader of ISIS, allied with Boko Haram in Nigeria.",
     [("Abu Bakr al-Baghdadi", "PERSON"), ("ISIS", "ORG"), ("Boko Haram", "ORG"), ("Nigeria", "GPE")],
     [("LEADER_OF", "Abu Bakr al-Baghdadi", "ISIS"), ("ALLIED_WITH", "ISIS", "Boko Haram"),
      ("LOCATED_IN", "Boko Haram", "Nigeria")]),
]


def _relation_examples(nlp) -> list[Example]:
    examples = []
    for text, ents, relations in RELATION_TEXTS:
        reference = _doc(nlp, text, ents)
        reference.user_data["relations"] = [[label, *_chars(reference, h), *_chars(reference, t)]
                                            for label, h, t in relations]
        examples.append(Example(_doc(nlp, text, ents), reference))
    return examples


def _relations(doc: Doc) -> set[tuple[str, str, str]]:
    return {(r.label, r.head.text, r.tail.text) for r in doc._.relations}


def _train(nlp, examples, steps: int = 60):
    fix_random_seed(0)
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(steps):
        nlp.update(examples, sgd=optimizer, drop=0.0, losses={})


def test_entity_pair_generator_window_and_both_orders(blank_nlp):
    doc = _doc(blank_nlp, "Hamas and Fatah met in Cairo , then Hezbollah spoke in a long speech far away from all "
                          "of them today at noon in Beirut .",
               [("Hamas", "ORG"), ("Fatah", "ORG"), ("Cairo", "GPE"), ("Hezbollah", "ORG"), ("Beirut", "GPE")])
    instances = build_entity_pair_generator(max_length=6, max_sentences=1)(doc)
    pairs = {(h.text, t.text) for h, t in instances}
    assert ("Hamas", "Fatah") in pairs and ("Fatah", "Hamas") in pairs
    assert ("Fatah", "Cairo") in pairs
    assert ("Hamas", "Beirut") not in pairs  # further apart than max_length tokens
    assert len(instances) == len(pairs)


def test_entity_pair_generator_skips_overlapping_mentions(blank_nlp):
    doc = _doc(blank_nlp, "Syrian rebels attacked Aleppo.", [("Syrian", "NORP"), ("Aleppo", "GPE")])
    doc.spans["actors"] = [Span(doc, 0, 2, label="ACTOR")]
    pairs = {(h.text, t.text) for h, t in build_entity_pair_generator()(doc)}
    assert ("Syrian", "Syrian rebels") not in pairs
    assert ("Syrian rebels", "Aleppo") in pairs


def test_event_argument_generator_reads_events_or_gold_triggers(blank_nlp):
    doc = _doc(blank_nlp, "Gunmen attacked a bus in Kabul. The Taliban claimed it.",
               [("Kabul", "GPE"), ("Taliban", "ORG")])
    doc.spans[TRIGGERS_KEY] = gold_triggers(doc, [{"type": "ATTACK", "trigger": _chars(doc, "attacked"),
                                                   "mentions": []}])
    generator = build_event_argument_generator(max_length=20, max_sentences=1)
    assert {(t.text, s.text) for t, s in generator(doc)} == {("attacked", "Kabul"), ("attacked", "Taliban")}
    doc._.events = [EventMention(type="ATTACK", trigger=doc[1:2], sentence=doc[:])]
    doc.spans[TRIGGERS_KEY] = []
    assert {(t.text, s.text) for t, s in generator(doc)} == {("attacked", "Kabul"), ("attacked", "Taliban")}


def test_pair_features_read_acronyms_parentheses_and_order(blank_nlp):
    doc = _doc(blank_nlp, "The Revolutionary Armed Forces of Colombia (FARC) attacked Cali.",
               [("Revolutionary Armed Forces of Colombia", "ORG"), ("FARC", "ORG"), ("Cali", "GPE")])
    long_form, acronym, city = doc.ents
    features = pair_features(PairContext(doc), acronym, long_form)
    assert "acronym=H" in features
    assert "second_in_parens=H" in features
    assert "lp=ORG|ORG|TH" in features
    assert "acronym=H" not in pair_features(PairContext(doc), acronym, city)


def test_pair_features_use_the_parse_when_there_is_one(base_nlp):
    doc = base_nlp("Hamas fought against Israel.")
    hamas, israel = (e for e in doc.ents if e.text in {"Hamas", "Israel"})
    features = pair_features(PairContext(doc), hamas, israel)
    assert "lca=fight" in features
    assert any(f.startswith("path=") for f in features)


def test_relation_linker_overfits_tiny_data(blank_nlp):
    nlp = blank_nlp
    nlp.add_pipe("news_relation_linker", config=_model_config("news.rel_instance_generator.v1", max_length=20))
    examples = _relation_examples(nlp)
    _train(nlp, examples)
    for example in examples:
        doc = nlp(_doc(nlp, example.reference.text, [(e.text, e.label_) for e in example.reference.ents]))
        gold = {(label, doc.text[hs:he], doc.text[ts:te]) for label, hs, he, ts, te in
                example.reference.user_data["relations"]}
        assert _relations(doc) == gold
        assert all(0.0 <= r.confidence <= 1.0 for r in doc._.relations)
    scores = nlp.evaluate(examples)
    assert scores["relations_f"] == 1.0


def test_relation_linker_save_and_load(blank_nlp, tmp_path):
    nlp = blank_nlp
    linker = nlp.add_pipe("news_relation_linker", config=_model_config("news.rel_instance_generator.v1"))
    examples = _relation_examples(nlp)
    _train(nlp, examples, steps=20)
    linker.cfg["threshold"] = 0.3
    linker.cfg["calibration"] = {label: [0.8, -0.1] for label in linker.labels}
    text, ents, _ = RELATION_TEXTS[0]
    before = nlp(_doc(nlp, text, ents))
    nlp.to_disk(tmp_path / "model")
    loaded = English().from_config(nlp.config)
    loaded.from_disk(tmp_path / "model")
    after = loaded(_doc(loaded, text, ents))
    reloaded = loaded.get_pipe("news_relation_linker")
    assert reloaded.threshold == pytest.approx(0.3) and reloaded.labels == linker.labels
    assert reloaded.cfg["calibration"] == linker.cfg["calibration"]
    assert [(r.label, r.head.text, r.tail.text, r.confidence) for r in before._.relations] == \
        [(r.label, r.head.text, r.tail.text, r.confidence) for r in after._.relations]


def _argument_example(nlp) -> Example:
    text = "Gunmen attacked a bus in Kabul on Monday. The Taliban claimed it."
    ents = [("Gunmen", "ORG"), ("bus", "FAC"), ("Kabul", "GPE"), ("Monday", "DATE"), ("Taliban", "ORG")]
    reference = _doc(nlp, text, ents)
    reference.user_data["events"] = [{
        "type": "ATTACK", "trigger": _chars(reference, "attacked"), "mentions": [],
        "arguments": [["target", *_chars(reference, "bus")], ["location", *_chars(reference, "Kabul")],
                      ["date", *_chars(reference, "Monday")], ["perpetrator_org", *_chars(reference, "Taliban")],
                      ["perpetrator_org2", *_chars(reference, "Gunmen")]]}]
    predicted = _doc(nlp, text, ents)
    predicted.spans[TRIGGERS_KEY] = gold_triggers(predicted, reference.user_data["events"])
    return Example(predicted, reference)


def test_event_argument_linker_overfits_and_links_the_next_sentence(blank_nlp):
    nlp = blank_nlp
    nlp.add_pipe("news_event_argument_linker",
                 config=_model_config("news.event_argument_instance_generator.v1", max_length=30))
    example = _argument_example(nlp)
    _train(nlp, [example])
    assert nlp.evaluate([_argument_example(nlp)])["event_arguments_f"] == 1.0
    # In the pipeline: an events stage's event with one argument already; the linker adds the rest.
    doc = _doc(nlp, example.reference.text, [(e.text, e.label_) for e in example.reference.ents])
    doc._.events = [EventMention(type="ATTACK", trigger=doc[1:2], sentence=doc[:9],
                                 arguments=[EventArgument("target", doc[3:4])])]
    doc = nlp(doc)
    arguments = {(a.role, a.span.text) for a in doc._.events[0].arguments}
    assert arguments == {("target", "bus"), ("location", "Kabul"), ("date", "Monday"),
                         ("perpetrator_org", "Taliban"), ("perpetrator_org", "Gunmen")}
    added = [a for a in doc._.events[0].arguments if isinstance(a, LinkedArgument)]
    assert len(added) == 4 and all(0.0 <= a.confidence <= 1.0 for a in added)


def test_role_of_drops_brat_numbering():
    assert role_of("victim2") == "victim" and role_of("perpetrator_org") == "perpetrator_org"


def test_reader_copies_gold_mentions_into_the_predicted_doc(blank_nlp, tmp_path):
    example = _argument_example(blank_nlp)
    reference = example.reference
    reference.spans["actors"] = [Span(reference, 0, 1, label="ACTOR")]
    reference.user_data["relations"] = [["LOCATED_IN", *_chars(reference, "bus"), *_chars(reference, "Kabul")]]
    DocBin(store_user_data=True, docs=[reference]).to_disk(tmp_path / "gold.spacy")
    examples = list(create_gold_entity_reader(tmp_path / "gold.spacy", parser=None)(blank_nlp))
    assert len(examples) == 1
    predicted = examples[0].predicted
    assert [(e.text, e.label_) for e in predicted.ents] == [(e.text, e.label_) for e in reference.ents]
    assert [s.text for s in predicted.spans["actors"]] == ["Gunmen"]
    assert [(s.text, s.label_, s.id_) for s in predicted.spans[TRIGGERS_KEY]] == [("attacked", "ATTACK", "0")]
    assert [list(r) for r in examples[0].reference.user_data["relations"]] == reference.user_data["relations"]


def test_with_gold_mentions_snaps_to_the_predicted_tokens(blank_nlp):
    reference = _doc(blank_nlp, "ISIL-held Mosul fell.", [])
    reference.ents = [reference.char_span(0, 4, label="ORG", alignment_mode="expand")]
    predicted = with_gold_mentions(blank_nlp.make_doc(reference.text), reference)
    assert [e.label_ for e in predicted.ents] == ["ORG"]


def test_platt_scaling_recovers_a_known_calibration():
    rng = numpy.random.default_rng(0)
    logits = rng.normal(0, 3, 20000)
    truths = rng.uniform(size=logits.shape) < 1 / (1 + numpy.exp(-(0.5 * logits - 1.0)))
    a, b = fit_platt(logits, truths, prior=0.0)
    assert abs(a - 0.5) < 0.05 and abs(b + 1.0) < 0.1


def test_reliability_of_calibrated_and_overconfident_scores():
    rng = numpy.random.default_rng(1)
    probabilities = rng.uniform(size=50000)
    outcomes = rng.uniform(size=probabilities.shape) < probabilities
    assert reliability(probabilities, outcomes)["ece"] < 0.02
    overconfident = reliability(numpy.full(1000, 0.9), numpy.arange(1000) < 500)
    assert overconfident["ece"] == pytest.approx(0.4)
    assert overconfident["table"] == [{"bin": [0.9, 1.0], "n": 1000, "confidence": 0.9, "accuracy": 0.5}]


def test_best_threshold_prefers_the_higher_of_equal_scores():
    rows = [{"threshold": 0.2, "f": 0.5}, {"threshold": 0.4, "f": 0.5}, {"threshold": 0.6, "f": 0.3}]
    assert best_threshold(rows) == 0.4


def test_the_token_encoder_can_start_from_the_base_models(blank_nlp, base_nlp):
    from pipeline.components.relation_model import DEFAULT_RELATION_MODEL
    from pipeline.language import BASE_MODEL

    linker = blank_nlp.add_pipe("news_relation_linker", config={"model": DEFAULT_RELATION_MODEL})
    linker.initialize(lambda: _relation_examples(blank_nlp), nlp=blank_nlp, tok2vec_from=BASE_MODEL)
    encoder = linker.model.get_ref("instance_tensor").get_ref("tok2vec")
    assert encoder.to_bytes() == base_nlp.get_pipe("tok2vec").model.to_bytes()


def test_relation_linker_keeps_earlier_relations_with_its_own_confidence(blank_nlp):
    from pipeline.components.relations import RelationMention

    nlp = blank_nlp
    nlp.add_pipe("news_relation_linker", config={**_model_config("news.rel_instance_generator.v1", max_length=20),
                                                 "keep_existing": True})
    examples = _relation_examples(nlp)
    _train(nlp, examples)
    text, ents, _ = RELATION_TEXTS[0]
    doc = _doc(nlp, text, ents)
    fighters, kobani, syria = doc.ents[2], doc.ents[3], doc.ents[4]
    doc._.relations = [RelationMention(fighters, kobani, "LOCATED_IN", 0.6),  # a candidate pair: re-scored
                       RelationMention(syria, fighters, "MEMBER_OF", 0.6)]
    doc = nlp(doc)
    kept = {(r.head.text, r.label, r.tail.text): r.confidence for r in doc._.relations}
    assert ("Kurdish forces", "LOCATED_IN", "Kobani") in kept and kept[("Kurdish forces", "LOCATED_IN", "Kobani")] < 0.5
    assert ("Kobani", "LOCATED_IN", "Syria") in kept and kept[("Kobani", "LOCATED_IN", "Syria")] > 0.5
    assert ("Syria", "MEMBER_OF", "Kurdish forces") in kept


def test_end_to_end_scoring_finds_both_linkers_in_language_py():
    from pipeline.training.relations import linker_stages

    names = [stage.name for stage in linker_stages() if stage.directory == "relations"]
    assert sorted(names) == ["news_event_argument_linker", "news_relation_linker"]


def test_the_items_of_a_list_are_not_linked_as_aliases(blank_nlp):
    from pipeline.components.relations import listed_together

    nlp = blank_nlp
    linker = nlp.add_pipe("news_relation_linker",
                          config=_model_config("news.rel_instance_generator.v1", max_length=20))
    nlp.initialize(lambda: _relation_examples(nlp))
    text = "Mercenaries named John Owen, Dave Tomkins, R. Paxton and Peter Lenox met Abu Haidar, Qanbar and ISIL."
    doc = _doc(nlp, text, [("John Owen", "PERSON"), ("Dave Tomkins", "PERSON"), ("Paxton", "PERSON"),
                           ("Peter Lenox", "PERSON"), ("Abu Haidar", "PERSON"), ("Qanbar", "PERSON"), ("ISIL", "ORG")])
    owen, tomkins, paxton, lenox, haidar, qanbar, isil = doc.ents
    assert listed_together(owen, tomkins) and listed_together(paxton, lenox) and listed_together(owen, lenox)
    assert listed_together(haidar, qanbar)  # "X, Y and Z": a list, whatever its last item's label
    apposition = _doc(nlp, "Abboud Qanbar, Abu Haidar, is a general.", [("Abboud Qanbar", "PERSON"),
                                                                         ("Abu Haidar", "PERSON")])
    assert not listed_together(*apposition.ents) and not listed_together(owen, isil)
    alias = [0.9 if label == "ALIAS_OF" else 0.0 for label in linker.labels]
    linker.annotate(doc, [(owen, tomkins), (qanbar, isil)], numpy.asarray([alias, alias]))
    assert [(r.head.text, r.tail.text) for r in doc._.relations] == [("Qanbar", "ISIL")]
    linker.annotate(apposition, [tuple(apposition.ents)], numpy.asarray([alias]))
    assert len(apposition._.relations) == 1
