"""MUC-4 template scoring with the metric of GTT (Du, Rush and Cardie, NAACL 2021), also used by IterX.

Templates are compared after the predicted templates of a document are aligned one-to-one with its
gold templates; the alignment is the one that maximises the document's micro-F1, as in GTT's
``eval.py`` (see docs/muc4_metric.md for every rule and where it comes from):

- the slots are the incident type and five role-filler slots (PerpInd, PerpOrg, Target, Victim,
  Weapon); the incident type counts as one slot filler of every template;
- an aligned pair counts only when the predicted type is one of the gold template's types (the gold
  ``"bombing / attack"`` accepts either); otherwise both sides stay unaligned;
- a predicted entity (a list of mention strings; one, in practice) is correct when all of its mentions
  are among the mentions of one gold entity of the same role in the aligned gold template; a gold
  entity is found when some predicted entity of that role matches it;
- mention strings are normalised (lower case, punctuation and the articles a/an/the removed,
  whitespace collapsed) before comparing;
- unaligned predicted templates count their type and entities as spurious, unaligned gold templates
  as missing; counts are summed over documents, then precision, recall and F1 are computed.
"""
from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence, Union

from ..components.casualties import ABOUT, WORD_NUMBERS

ROLES = ("PerpInd", "PerpOrg", "Target", "Victim", "Weapon")
SLOTS = ("incident_type",) + ROLES
INCIDENT_TYPES = ("attack", "bombing", "kidnapping", "arson", "robbery", "forced work stoppage")
# Our record roles -> MUC-4 slots (location and date are not scored by the GTT metric).
RECORD_ROLE_SLOTS = {"perpetrator": "PerpInd", "perpetrator_org": "PerpOrg", "target": "Target",
                     "victim": "Victim", "weapon": "Weapon"}
# Exact search over alignments up to this many candidates (GTT enumerates them all; ours cuts branches
# that cannot win); beyond it, the Hungarian algorithm on matched-filler counts (linear_sum_assignment).
MAX_ENUMERATED_ALIGNMENTS = 2_000_000

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCTUATION = set(string.punctuation)

Entity = tuple[str, ...]  # normalised mention strings of one entity


def normalize_mention(text: str) -> str:
    """GTT's normalisation: lower case, drop punctuation, drop articles, collapse whitespace."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


@dataclass(frozen=True)
class Template:
    incident_type: str
    fillers: dict[str, tuple[Entity, ...]] = field(default_factory=dict)

    def entities(self, role: str) -> tuple[Entity, ...]:
        return self.fillers.get(role, ())

    def types(self) -> set[str]:
        """The types a predicted template may have to align with this one ("bombing / attack")."""
        return {t.strip() for t in self.incident_type.split("/")}


MentionLike = Union[str, Sequence]  # "farm" or ["farm", 88]


def template_from_json(raw: dict) -> Template:
    """A template in GTT's processed form: roles map to entities, entities to [mention, offset] pairs."""
    fillers = {}
    for role in ROLES:
        entities = []
        for entity in raw.get(role, ()):
            mentions = tuple(normalize_mention(m if isinstance(m, str) else m[0]) for m in entity)
            if mentions:
                entities.append(mentions)
        fillers[role] = tuple(entities)
    return Template(str(raw.get("incident_type") or "attack").lower(), fillers)


def _unique(templates: Iterable[Template]) -> list[Template]:
    unique: list[Template] = []
    for template in templates:
        if template not in unique:  # GTT drops a gold template identical to an earlier one
            unique.append(template)
    return unique


def read_gtt(path: Path) -> dict[str, tuple[str, list[Template]]]:
    """GTT-format JSONL (docid, doctext, templates) -> {docid: (text, templates)}."""
    documents = {}
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            if line.strip():
                row = json.loads(line)
                documents[row["docid"]] = (row.get("doctext", ""),
                                           _unique(template_from_json(t) for t in row["templates"]))
    return documents


def read_predictions(path: Path) -> dict[str, list[Template]]:
    """Predicted templates, one JSON line per document: {"docid", "templates"} in the GTT form."""
    predictions = {}
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            if line.strip():
                row = json.loads(line)
                predictions[row["docid"]] = [template_from_json(t) for t in row["templates"]]
    return predictions


# A count in front of a physical target: "three tank trucks", "some 20 food stands", "several stores" (the
# number words and qualifiers the casualty stage reads counts by).
_NUMBER = rf"(?:\d+|{'|'.join(w for w in WORD_NUMBERS if len(w) > 2)}|dozens|hundreds)"
_QUALIFIER = rf"(?:{'|'.join(sorted(ABOUT - {'more'}))}|more than|at least|up to)"
_TARGET_COUNT = re.compile(rf"^(?:(?:{_QUALIFIER}\s+)?{_NUMBER}(?:\s+{_NUMBER})*|several|various|numerous|many)"
                           rf"\s+(?!of\b)")


def without_count(mention: str) -> str:
    """A normalised target mention without its count, as MUC-4 writes PHYS TGT: ID ("three tank trucks" ->
    "tank trucks"): the count goes to PHYS TGT: NUMBER, a slot GTT does not score. "one of the vehicles"
    keeps its words (a part, not a count)."""
    return _TARGET_COUNT.sub("", mention) or mention


def slot_mention(role: str, text: str) -> tuple[Optional[str], str]:
    """The template slot a record role fills (None for location and date) and the mention as it is scored."""
    slot, mention = RECORD_ROLE_SLOTS.get(role), normalize_mention(text)
    if slot == "Target":
        mention = without_count(mention)
    return slot, mention


def make_template(event_type: str, arguments: Iterable[tuple[str, str]]) -> Template:
    """A predicted event as a template: our type ("FORCED_WORK_STOPPAGE" -> "forced work stoppage") and one
    single-mention entity per distinct (slot, normalised string); location and date are not scored. A
    target is written without its count (``without_count``)."""
    fillers: dict[str, list[Entity]] = {}
    for role, text in arguments:
        slot, mention = slot_mention(role, text)
        if slot and mention and (mention,) not in fillers.setdefault(slot, []):
            fillers[slot].append((mention,))
    return Template(event_type.lower().replace("_", " "), {slot: tuple(v) for slot, v in fillers.items()})


def record_templates(record) -> list[Template]:
    """The events of an ArticleRecord as templates.

    GTT's Victim slot is MUC-4's HUM TGT: NAME, named people only ("a peasant", "two soldiers" are
    descriptions, which it leaves out): a victim is scored when it is a PERSON entity, written as its
    canonical form, the fullest name the article gives ("MAZA MARQUEZ" -> "miguel maza marquez")."""
    entities = {entity.id: entity for entity in record.entities}
    return [make_template(event.type, filter(None, (scored_argument(a, entities) for a in event.arguments)))
            for event in record.events]


def scored_argument(argument, entities: dict) -> Optional[tuple[str, str]]:
    """(role, text) of a record's argument as ``record_templates`` scores it, or None for a victim that is no
    PERSON entity; ``entities``: the record's entities by id."""
    if argument.role != "victim":
        return argument.role, argument.text
    entity = entities.get(argument.entity) if argument.entity else None
    if entity is None or entity.label != "PERSON":
        return None
    return argument.role, entity.canonical or argument.text


def template_to_json(template: Template) -> dict:
    return {"incident_type": template.incident_type,
            **{role: [list(entity) for entity in template.entities(role)] for role in ROLES}}


@dataclass
class SlotCounts:
    p_num: int = 0
    p_den: int = 0
    r_num: int = 0
    r_den: int = 0

    def add(self, other: "SlotCounts") -> None:
        self.p_num += other.p_num
        self.p_den += other.p_den
        self.r_num += other.r_num
        self.r_den += other.r_den

    def report(self) -> dict:
        p = self.p_num / self.p_den if self.p_den else 0.0
        r = self.r_num / self.r_den if self.r_den else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(100 * p, 2), "r": round(100 * r, 2), "f1": round(100 * f1, 2),
                "p_num": self.p_num, "p_den": self.p_den, "r_num": self.r_num, "r_den": self.r_den}


def _matches(gold: Entity, pred: Entity) -> bool:
    return all(mention in gold for mention in pred)  # GTT: the predicted mentions are a subset of gold's


def pair_counts(pred: Template, gold: Template) -> Optional[dict[str, tuple[int, int]]]:
    """(precision hits, recall hits) per slot for an aligned pair, or None when the types disagree."""
    if pred.incident_type not in gold.types():
        return None
    counts = {"incident_type": (1, 1)}
    for role in ROLES:
        gold_entities, pred_entities = gold.entities(role), pred.entities(role)
        precision_hits = sum(any(_matches(g, p) for g in gold_entities) for p in pred_entities)
        recall_hits = sum(any(_matches(g, p) for p in pred_entities) for g in gold_entities)
        counts[role] = (precision_hits, recall_hits)
    return counts


def _denominators(templates: Sequence[Template]) -> dict[str, int]:
    totals = {"incident_type": len(templates)}
    for role in ROLES:
        totals[role] = sum(len(t.entities(role)) for t in templates)
    return totals


def _f1(p_num: int, p_den: int, r_num: int, r_den: int) -> float:
    p = p_num / p_den if p_den else 0.0
    r = r_num / r_den if r_den else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def _count_alignments(n_pred: int, n_gold: int, limit: int) -> int:
    """How many partial one-to-one maps there are, counting no further than ``limit``."""
    total, term = 0, 1
    for k in range(0, min(n_pred, n_gold) + 1):
        if k:
            term = term * (n_pred - k + 1) * (n_gold - k + 1) // k
        total += term
        if total > limit:
            return total
    return total


def _exact_alignment(hits, n_gold: int, p_den: int, r_den: int) -> list[int]:
    """Depth-first over every partial one-to-one map pred -> gold (-1: unaligned) in the order GTT's
    ``itertools.product(range(n_gold) + [-1], repeat=n_pred)`` visits the valid ones; a strictly better
    F1 replaces the best, so the first best map in that order wins, as in GTT. A branch is cut when
    even the best remaining hits could not beat the best so far, which leaves that choice unchanged."""
    n_pred = len(hits)
    best_rest = [(0, 0)] * (n_pred + 1)  # upper bounds on the hits still to come from pred i onwards
    for i in range(n_pred - 1, -1, -1):
        row = [h for h in hits[i] if h is not None]
        best_rest[i] = (best_rest[i + 1][0] + max((h[0] for h in row), default=0),
                        best_rest[i + 1][1] + max((h[1] for h in row), default=0))
    choice, used = [-1] * n_pred, [False] * n_gold
    best: dict = {"f1": -1.0, "alignment": [-1] * n_pred}

    def extend(i: int, p_num: int, r_num: int) -> None:
        if i == n_pred:
            f1 = _f1(p_num, p_den, r_num, r_den)
            if f1 > best["f1"]:
                best["f1"], best["alignment"] = f1, list(choice)
            return
        if _f1(p_num + best_rest[i][0], p_den, r_num + best_rest[i][1], r_den) <= best["f1"]:
            return
        for j in list(range(n_gold)) + [-1]:
            if j >= 0 and used[j]:
                continue
            hit = hits[i][j] if j >= 0 else None
            choice[i] = j
            if j >= 0:
                used[j] = True
            extend(i + 1, p_num + (hit[0] if hit else 0), r_num + (hit[1] if hit else 0))
            if j >= 0:
                used[j] = False
        choice[i] = -1

    extend(0, 0, 0)
    return best["alignment"]


def best_alignment(pred: Sequence[Template], gold: Sequence[Template],
                   max_enumerated: int = MAX_ENUMERATED_ALIGNMENTS) -> list[int]:
    """The alignment (pred index -> gold index or -1) that maximises the document's micro-F1."""
    pairs = [[pair_counts(p, g) for g in gold] for p in pred]
    p_den = sum(_denominators(pred).values())
    r_den = sum(_denominators(gold).values())
    hits = [[(sum(c[0] for c in cell.values()), sum(c[1] for c in cell.values())) if cell else None
             for cell in row] for row in pairs]
    if _count_alignments(len(pred), len(gold), max_enumerated) <= max_enumerated:
        return _exact_alignment(hits, len(gold), p_den, r_den)
    from scipy.optimize import linear_sum_assignment
    import numpy as np

    weight = np.array([[sum(h) if h else 0 for h in row] for row in hits], dtype=float)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    alignment = [-1] * len(pred)
    for i, j in zip(rows, cols):
        if hits[i][j] is not None:
            alignment[i] = int(j)
    return alignment


def score_document(pred: Sequence[Template], gold: Sequence[Template]) -> dict[str, SlotCounts]:
    counts = {slot: SlotCounts() for slot in SLOTS}
    for slot, total in _denominators(pred).items():
        counts[slot].p_den += total
    for slot, total in _denominators(gold).items():
        counts[slot].r_den += total
    for i, j in enumerate(best_alignment(pred, gold)):
        if j < 0:
            continue
        cell = pair_counts(pred[i], gold[j])
        if cell is None:
            continue
        for slot, (p_hits, r_hits) in cell.items():
            counts[slot].p_num += p_hits
            counts[slot].r_num += r_hits
    return counts


def _type_blind_pairs(pred: Sequence[Template], gold: Sequence[Template]) -> list[tuple[int, int]]:
    """Predicted and gold templates paired by shared role fillers alone, whatever their types."""
    if not pred or not gold:
        return []
    from scipy.optimize import linear_sum_assignment
    import numpy as np

    shared = np.zeros((len(pred), len(gold)))
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            shared[i, j] = sum(any(_matches(ge, pe) for ge in g.entities(role)) for role in ROLES
                               for pe in p.entities(role))
    rows, cols = linear_sum_assignment(shared, maximize=True)
    return [(int(i), int(j)) for i, j in zip(rows, cols) if shared[i, j] > 0]


def score_corpus(predictions: dict[str, list[Template]], gold: dict[str, list[Template]],
                 interval: bool = False) -> dict:
    """Micro-averaged P/R/F1 per slot and overall, plus incident-type accuracies; with ``interval``, a bootstrap
    interval of the micro-F1 over documents (``f1_interval``)."""
    unknown = sorted(set(predictions) - set(gold))
    if unknown:
        raise ValueError(f"{len(unknown)} predicted documents are not in the gold, e.g. {unknown[:3]}")
    totals = {slot: SlotCounts() for slot in SLOTS}
    typed_pairs = typed_correct = type_sets_correct = 0
    document_totals = []
    for docid, gold_templates in gold.items():
        pred_templates = predictions.get(docid, [])
        document = SlotCounts()
        for slot, counts in score_document(pred_templates, gold_templates).items():
            totals[slot].add(counts)
            document.add(counts)
        document_totals.append(document)
        for i, j in _type_blind_pairs(pred_templates, gold_templates):
            typed_pairs += 1
            typed_correct += pred_templates[i].incident_type in gold_templates[j].types()
        predicted_types = {t.incident_type for t in pred_templates}
        gold_types = {t.incident_type for t in gold_templates}
        type_sets_correct += predicted_types == gold_types
    overall = SlotCounts()
    for counts in totals.values():
        overall.add(counts)
    role_fillers = SlotCounts()
    for role in ROLES:
        role_fillers.add(totals[role])
    report = {
        "documents": len(gold),
        "micro_avg": overall.report(),
        "per_slot": {slot: totals[slot].report() for slot in SLOTS},
        "role_fillers_only": role_fillers.report(),
        "incident_type_accuracy": {
            "accuracy": round(100 * typed_correct / typed_pairs, 2) if typed_pairs else None,
            "aligned_pairs": typed_pairs},
        "document_type_set_accuracy": round(100 * type_sets_correct / len(gold), 2) if gold else None,
    }
    if interval:
        report["micro_f1_interval"] = f1_interval(document_totals)
    return report


def f1_interval(documents: Sequence[SlotCounts], resamples: int = 1000, level: float = 95.0, seed: int = 0) -> dict:
    """A percentile bootstrap interval of the micro-F1 over documents: the documents drawn with replacement,
    each bringing its own counts (its templates are aligned within it, as the metric does)."""
    import numpy as np

    if not documents:
        return {}
    table = np.array([(d.p_num, d.p_den, d.r_num, d.r_den) for d in documents], dtype=float)
    drawn = table[np.random.default_rng(seed).integers(0, len(table), size=(resamples, len(table)))].sum(axis=1)
    p = np.divide(drawn[:, 0], drawn[:, 1], out=np.zeros(resamples), where=drawn[:, 1] > 0)
    r = np.divide(drawn[:, 2], drawn[:, 3], out=np.zeros(resamples), where=drawn[:, 3] > 0)
    f1 = np.divide(200 * p * r, p + r, out=np.zeros(resamples), where=p + r > 0)
    tail = (100 - level) / 2
    return {"low": round(float(np.percentile(f1, tail)), 2), "high": round(float(np.percentile(f1, 100 - tail)), 2),
            "level": level, "resamples": resamples, "seed": seed}


# -- running a pipeline on the benchmark ----------------------------------------------------------
RULES, FULL, INCIDENTS = "rules", "full", "incidents"


def load_muc4_pipeline(pipeline: str, gpu_id: int = -1, events_model: Optional[Path] = None):
    """``rules``: the rule pipeline (no trained stage); ``full``: the shipped pipeline with whatever
    trained stages models/ holds; ``incidents``: the same, reporting only the events its event filter
    takes for incidents (``build_pipeline(incidents_only=True)``); any other value: a trained pipeline
    directory, run on its own. ``events_model``: for full and incidents, the event extractor to take in
    place of models/events (models/events-trf: the transformer variant)."""
    if gpu_id >= 0:
        import spacy

        spacy.require_gpu(gpu_id)
    if pipeline in (RULES, FULL, INCIDENTS):
        from ..language import build_pipeline

        if pipeline == RULES:
            return build_pipeline(models_dir=None)
        return build_pipeline(incidents_only=pipeline == INCIDENTS,
                              replaced={"events": events_model} if events_model else {})
    import spacy

    return spacy.load(pipeline)


def predict_templates(nlp, texts: Sequence[str], batch_size: int = 16) -> tuple[list[list[Template]], float]:
    """Templates for each text and the seconds the pipeline took (conversion not included)."""
    import time

    started = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=batch_size))
    seconds = time.perf_counter() - started
    if "news_paragraphs" not in nlp.pipe_names:  # a trained pipeline on its own: events straight off the Doc
        return [[make_template(e.type, ((a.role, a.span.text) for a in e.arguments)) for e in doc._.events or ()]
                for doc in docs], seconds
    from ..doc_to_record import doc_to_record
    from ..ingest import ArticleLimits, make_article

    templates = []  # the full pipeline: through the record, as the pipeline's users see it
    for number, (text, doc) in enumerate(zip(texts, docs)):
        article = make_article(text, f"muc4-{number}", ArticleLimits(), article_id=str(number))
        templates.append(record_templates(doc_to_record(doc, article)))
    return templates, seconds


def evaluate_muc4(gold_path: Path, pipeline: str = FULL, pred_path: Optional[Path] = None, gpu_id: int = -1,
                  events_model: Optional[Path] = None) -> dict:
    gold = read_gtt(gold_path)
    gold_templates = {docid: templates for docid, (_, templates) in gold.items()}
    report: dict = {"gold": str(gold_path)}
    if pred_path is not None:
        report["predictions"] = str(pred_path)
        predictions = read_predictions(pred_path)
    else:
        nlp = load_muc4_pipeline(pipeline, gpu_id, events_model)
        docids = list(gold)
        texts = [gold[docid][0] for docid in docids]
        predicted, seconds = predict_templates(nlp, texts)
        predictions = dict(zip(docids, predicted))
        if events_model and pipeline in (FULL, INCIDENTS):
            report["events_model"] = str(events_model)
        report.update({"pipeline": pipeline, "components": list(nlp.pipe_names), "device": _device(gpu_id),
                       "docs_per_sec": round(len(texts) / seconds, 2) if seconds else None,
                       "words_per_sec": round(sum(len(t.split()) for t in texts) / seconds) if seconds else None})
    # With how far the figure could move on another draw of as many documents: 200 measure it to a few points.
    report.update(score_corpus(predictions, gold_templates, interval=True))
    return report


def merge_reports(reports: dict[str, dict], out: Optional[Path] = None) -> dict:
    """{"results": {pipeline: report}}; with ``out``, merged into that file's results and written."""
    merged: dict = {"metric": "GTT template micro-F1 (docs/muc4_metric.md)", "results": {}}
    if out is not None and out.exists():
        merged = json.loads(out.read_text(encoding="utf-8"))
    merged.setdefault("results", {}).update(reports)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(merged, indent=2) + "\n", encoding="utf-8")
    return merged


def _device(gpu_id: int) -> str:
    import platform

    if gpu_id >= 0:
        try:
            import torch

            return f"GPU {torch.cuda.get_device_name(gpu_id)}"
        except Exception:  # the name is a label only; no torch, no name
            return f"GPU {gpu_id}"
    return f"CPU {platform.machine()} ({platform.processor() or 'unknown'})"
