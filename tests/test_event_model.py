"""The trained event extractor: it learns a tiny corpus on a blank pipeline, survives a save/load
round trip, reads its gold from MUC-4 templates and brat events alike, and decodes BIO tags."""
import json

import pytest
import spacy
from spacy.lang.en import English
from spacy.training import Example
from spacy.util import fix_random_seed

from pipeline.architectures.event_model import ROLE_TAGS, decode_role_tags, role_tag
from pipeline.components.event_model import event_templates, gold_arrays, gold_templates
from pipeline.evaluation.muc4 import Template
from pipeline.training.muc4_corpus import annotation_docs, gtt_row_to_doc, muc4_docs

TEXTS = ["Guerrillas of the FMLN bombed a power station in San Miguel .",
         "The mayor was kidnapped by urban terrorists yesterday .",
         "The weather was pleasant and the market opened ."]
GOLD = [[("BOMBING", [("perpetrator", "Guerrillas"), ("perpetrator_org", "FMLN"), ("target", "power station")])],
        [("KIDNAPPING", [("victim", "mayor"), ("perpetrator", "urban terrorists")])],
        []]
SMALL_MODEL = {
    "@architectures": "news.event_model.v1", "hidden_width": 32, "dropout": 0.0,
    "tok2vec": {"@architectures": "spacy.Tok2Vec.v2",
                "embed": {"@architectures": "news.CaseInsensitiveEmbed.v1", "width": 32,
                          "rows": [500, 100, 200, 50]},
                "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": 32, "depth": 2,
                           "window_size": 1, "maxout_pieces": 2}}}


def _events(text, gold):
    return [{"type": event_type, "arguments": [[role, text.index(s), text.index(s) + len(s)] for role, s in args]}
            for event_type, args in gold]


def _examples(nlp):
    examples = []
    for text, gold in zip(TEXTS, GOLD):
        reference = nlp.make_doc(text)
        reference.user_data["events"] = _events(text, gold)
        examples.append(Example(nlp.make_doc(text), reference))
    return examples


def _predictions(nlp):
    return [sorted((e.type, sorted((a.role, a.span.text) for a in e.arguments)) for e in doc._.events)
            for doc in nlp.pipe(TEXTS)]


def _expected():
    return [sorted((event_type, sorted(args)) for event_type, args in gold) for gold in GOLD]


@pytest.fixture(scope="module")
def trained():
    fix_random_seed(0)
    nlp = English()
    nlp.add_pipe("news_event_model", config={"model": SMALL_MODEL})
    examples = _examples(nlp)
    optimizer = nlp.initialize(lambda: examples)
    losses = []
    for _ in range(60):
        step = {}
        nlp.update(examples, sgd=optimizer, losses=step)
        losses.append(step["news_event_model"])
    return nlp, losses


def test_overfits_a_tiny_corpus(trained):
    nlp, losses = trained
    assert losses[-1] < losses[0] / 20
    assert _predictions(nlp) == _expected()
    assert nlp.evaluate(_examples(nlp))["events_f"] == 1.0


def test_save_and_load_round_trip(trained, tmp_path):
    nlp, _ = trained
    nlp.to_disk(tmp_path / "events")
    loaded = spacy.load(tmp_path / "events")
    assert loaded.get_pipe("news_event_model").cfg == nlp.get_pipe("news_event_model").cfg
    assert _predictions(loaded) == _predictions(nlp) == _expected()


def test_the_pipeline_takes_another_event_extractor_in_place_of_models_events(trained, tmp_path, monkeypatch):
    """The transformer variant is the shipped pipeline around another extractor (--events-model)."""
    from pipeline.language import EVENT_FILLERS, EVENTS_MODEL_ENV, build_pipeline

    nlp, _ = trained
    nlp.to_disk(tmp_path / "tiny")
    models = tmp_path / "models"  # no trained stage of its own
    models.mkdir()
    assert EVENT_FILLERS.name not in build_pipeline(models_dir=models).pipe_names
    built = build_pipeline(models_dir=models, replaced={"events": tmp_path / "tiny"})
    assert built.get_pipe(EVENT_FILLERS.name).model.to_bytes() == nlp.get_pipe("news_event_model").model.to_bytes()
    monkeypatch.setenv(EVENTS_MODEL_ENV, str(tmp_path / "tiny"))  # what run --events-model sets for its workers
    assert EVENT_FILLERS.name in build_pipeline(models_dir=models).pipe_names
    with pytest.raises(FileNotFoundError):
        build_pipeline(models_dir=models, replaced={"events": tmp_path / "absent"})


def test_an_event_extractor_brings_its_own_filters(trained, tmp_path):
    """Filters cross-fitted on an extractor's folds (models/events-trf/event_filter) come with that extractor."""
    from pipeline.language import EVENT_FILTER, build_pipeline

    nlp, _ = trained
    nlp.to_disk(tmp_path / "tiny")
    for folder, bias in ((tmp_path / "models" / "event_filter", -1.0), (tmp_path / "tiny" / "event_filter", 2.0),
                         (tmp_path / "other_filter", 0.5)):
        event_filter = spacy.blank("en")
        event_filter.add_pipe("news_event_filter").weights = {"bias": bias}
        folder.parent.mkdir(parents=True, exist_ok=True)
        event_filter.to_disk(folder)

    def bias(built):
        return built.get_pipe(EVENT_FILTER.name).weights["bias"]

    models = tmp_path / "models"
    assert bias(build_pipeline(models_dir=models)) == -1.0  # the shipped filter
    assert bias(build_pipeline(models_dir=models, replaced={"events": tmp_path / "tiny"})) == 2.0
    # one named outright wins over the extractor's own
    assert bias(build_pipeline(models_dir=models, replaced={"events": tmp_path / "tiny",
                                                            "event_filter": tmp_path / "other_filter"})) == 0.5
    assert spacy.load(tmp_path / "tiny").pipe_names == ["news_event_model"]  # the extractor loads as before


def test_a_document_without_incidents_gets_no_events_and_an_empty_one_works(trained):
    nlp, _ = trained
    assert nlp("The weather was pleasant and the market opened .")._.events == []
    assert nlp("")._.events == []


def test_bio_decoding_starts_spans_at_stray_inside_tags():
    b, i = role_tag("victim", inside=False), role_tag("victim", inside=True)
    tags = [0, b, i, 0, i, i, role_tag("target", inside=True), 0, b]
    assert decode_role_tags(tags) == [(1, 3, "victim"), (4, 6, "victim"), (6, 7, "target"), (8, 9, "victim")]
    assert ROLE_TAGS[b] == "B-victim" and ROLE_TAGS[i] == "I-victim"


def test_gold_arrays_tag_fillers_with_their_incident_types(blank_nlp):
    text = "Guerrillas bombed the bus and kidnapped the driver ."
    reference = blank_nlp.make_doc(text)
    reference.user_data["events"] = [
        {"type": "BOMBING", "arguments": [["perpetrator", 0, 10], ["target", 22, 25]]},
        {"type": "KIDNAPPING", "arguments": [["perpetrator", 0, 10], ["victim", 44, 50]]}]
    roles, types, mask, doc_types = gold_arrays([Example(blank_nlp.make_doc(text), reference)])
    assert [ROLE_TAGS[t] for t in roles] == ["B-perpetrator", "O", "O", "B-target", "O", "O", "O", "B-victim", "O"]
    assert types[0].tolist() == [0, 1, 1, 0, 0, 0]  # "Guerrillas" takes part in the bombing and the kidnapping
    assert mask.tolist() == [1, 0, 0, 1, 0, 0, 0, 1, 0]
    assert doc_types.tolist() == [[0, 1, 1, 0, 0, 0]]


def test_muc4_templates_label_every_occurrence_and_keep_coreference(blank_nlp):
    row = {"docid": "DEV-MUC3-0001", "doctext": "the fmln attacked a farm. later the fmln left.",
           "templates": [{"incident_type": "bombing / attack", "PerpOrg": [[["fmln", 4]]], "Target": [[["farm", 20]]],
                          "PerpInd": [], "Victim": [], "Weapon": []}]}
    doc = gtt_row_to_doc(blank_nlp, row, ["ATTEMPTED"])
    (event,) = doc.user_data["events"]
    assert event["types"] == ["BOMBING", "ATTACK"] and event["status"] == "attempted"
    assert [a[:3] for a in event["arguments"] if a[0] == "perpetrator_org"] == [["perpetrator_org", 4, 8],
                                                                                ["perpetrator_org", 36, 40]]
    assert gold_templates(doc) == [Template("bombing / attack", {"PerpOrg": (("fmln",),), "Target": (("farm",),)})]


def test_holdout_split_and_dev_documents_left_out_of_brat_training(blank_nlp, tmp_path):
    rows = [{"docid": f"DEV-MUC3-{i:04d}", "doctext": f"text {i}", "templates": []} for i in range(1, 11)]
    path = tmp_path / "train.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    train = [d.user_data["doc_id"] for d in muc4_docs(blank_nlp, path, holdout_every=5)]
    heldout = [d.user_data["doc_id"] for d in muc4_docs(blank_nlp, path, holdout_every=5, part="heldout")]
    assert heldout == ["DEV-MUC3-0005", "DEV-MUC3-0010"] and len(train) == 8 and not set(train) & set(heldout)
    (tmp_path / "docs").mkdir()
    index = []
    for doc_id in ("muc4-TST1-MUC3-0002", "re3d-x"):
        (tmp_path / "docs" / f"{doc_id}.txt").write_text("Rebels attacked.", encoding="utf-8")
        (tmp_path / "docs" / f"{doc_id}.ann").write_text("T1\tATTACK 7 15\tattacked\nE1\tATTACK:T1\n",
                                                         encoding="utf-8")
        index.append({"id": doc_id, "split": "train", "origin": "muc4", "published": None})
    (tmp_path / "index.jsonl").write_text("".join(json.dumps(r) + "\n" for r in index), encoding="utf-8")
    kept = annotation_docs(blank_nlp, tmp_path, "train", exclude_ids={"TST1-MUC3-0002"})
    assert [d.user_data["doc_id"] for d in kept] == ["re3d-x"]


def test_fold_offsets_hold_out_disjoint_folds_that_cover_every_document(blank_nlp, tmp_path):
    rows = [{"docid": f"DEV-MUC3-{i:04d}", "doctext": f"text {i}", "templates": []} for i in range(1, 8)]
    path = tmp_path / "train.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    folds = [[d.user_data["doc_id"][-1] for d in muc4_docs(blank_nlp, path, holdout_every=3, part="heldout",
                                                           holdout_offset=k)] for k in range(3)]
    assert folds == [["3", "6"], ["2", "5"], ["1", "4", "7"]]  # offset 0 is the usual every-third document
    trained_on = [d.user_data["doc_id"][-1] for d in muc4_docs(blank_nlp, path, holdout_every=3, holdout_offset=1)]
    assert trained_on == ["1", "3", "4", "6", "7"]


def test_event_templates_use_the_scored_roles_only(blank_nlp):
    from pipeline.components.events import EventArgument, EventMention

    doc = blank_nlp("Rebels burned the bus in Lima .")
    event = EventMention(type="ARSON", trigger=doc[1:2], sentence=doc[:],
                         arguments=[EventArgument("perpetrator", doc[0:1]), EventArgument("target", doc[2:4]),
                                    EventArgument("location", doc[5:6])])
    assert event_templates([event]) == [Template("arson", {"PerpInd": (("rebels",),), "Target": (("bus",),)})]


def test_added_to_found_events_it_gives_its_fillers_to_the_incident_of_their_type(trained):
    """add_to_found: the trained model reads the incidents another stage found and adds the role fillers it
    finds to the first of their type; it adds no event and keeps what the event had."""
    from pipeline.components.events import EventArgument, EventMention

    nlp, _ = trained
    pipe = nlp.get_pipe("news_event_model")
    doc = nlp.make_doc(TEXTS[0])
    found = EventMention("BOMBING", doc[3:4], doc[0:len(doc)], [EventArgument("perpetrator", doc[0:1])])
    other = EventMention("KIDNAPPING", doc[3:4], doc[0:len(doc)])
    doc._.events = [found, other]
    pipe.cfg["add_to_found"] = True
    try:
        doc = pipe(doc)
    finally:
        pipe.cfg["add_to_found"] = False
    assert doc._.events == [found, other]
    assert [(a.role, a.span.text) for a in found.arguments] == [
        ("perpetrator", "Guerrillas"), ("perpetrator_org", "FMLN"), ("target", "power station")]
    assert other.arguments == []


def test_added_to_found_events_a_document_without_events_is_left_alone_unless_events_where_none(trained):
    """Incidents only (events_where_none), a document left with no event takes the model's own events."""
    nlp, _ = trained
    pipe = nlp.get_pipe("news_event_model")
    pipe.cfg["add_to_found"] = True
    try:
        without = nlp.make_doc(TEXTS[0])
        without._.events = []
        assert pipe(without)._.events == []
        pipe.cfg["events_where_none"] = True
        filled = nlp.make_doc(TEXTS[0])
        filled._.events = []
        assert [e.type for e in pipe(filled)._.events] == ["BOMBING"]
    finally:
        pipe.cfg["add_to_found"] = False
        pipe.cfg.pop("events_where_none", None)


def test_a_filler_that_cuts_a_name_is_added_as_the_whole_name(blank_nlp):
    from spacy.tokens import Span

    from pipeline.components.event_model import add_role_fillers
    from pipeline.components.events import EventArgument, EventMention

    doc = blank_nlp("SHINING PATH GUERRILLAS ATTACKED THE POST .")
    doc.ents = [Span(doc, 0, 2, label="ORG")]
    found = EventMention(type="ATTACK", trigger=doc[3:4], sentence=doc[0:len(doc)])
    predicted = EventMention(type="ATTACK", trigger=doc[3:4], sentence=doc[0:len(doc)],
                             arguments=[EventArgument("perpetrator_org", doc[0:1]),  # "SHINING" alone
                                        EventArgument("target", doc[5:6])])
    add_role_fillers([found], [predicted])
    assert [(a.role, a.span.text) for a in found.arguments] == [("perpetrator_org", "SHINING PATH"), ("target", "POST")]


def _parsed(blank_nlp, words, tags, pos, heads, deps):
    from spacy.tokens import Doc

    return Doc(blank_nlp.vocab, words=words, tags=tags, pos=pos, heads=heads, deps=deps)


def test_a_filler_cut_at_a_function_word_is_made_a_whole_phrase(blank_nlp):
    from pipeline.components.event_model import whole_phrase

    doc = _parsed(blank_nlp, ["terrorists", "bombed", "the", "offices", "of", "the", "newspaper", "and", "men", "fled"],
                  ["NNS", "VBD", "DT", "NNS", "IN", "DT", "NN", "CC", "NNS", "VBD"],
                  ["NOUN", "VERB", "DET", "NOUN", "ADP", "DET", "NOUN", "CCONJ", "NOUN", "VERB"],
                  [1, 1, 3, 1, 3, 6, 4, 1, 9, 1], ["nsubj", "ROOT", "det", "dobj", "prep", "det", "pobj", "cc", "nsubj",
                                                    "conj"])
    # The tags stopped on "of the": the phrase the preposition introduces is part of the filler.
    assert whole_phrase(doc[3:6]).text == "offices of the newspaper"
    # They began on "of": the noun the phrase belongs to is.
    assert whole_phrase(doc[4:7]).text == "the offices of the newspaper"
    # A verb or a conjunction after the noun is not.
    assert whole_phrase(doc[8:10]).text == "men"
    assert whole_phrase(doc[6:8]).text == "newspaper"
    # A whole phrase is left as it is; function words alone are nothing.
    span = doc[2:7]
    assert whole_phrase(span) is span
    assert whole_phrase(doc[7:8]) is None
    # Without a parse there is nothing to go by.
    unparsed = blank_nlp("the offices of")
    assert whole_phrase(unparsed[0:3]).text == "the offices of"
