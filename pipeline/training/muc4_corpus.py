"""Training examples for the trained event extractor: MUC-4 templates and the gold brat events.

Both sources become Docs whose ``user_data["events"]`` holds the gold incidents in the layout the
brat converter (``corpus.py``) uses: ``{"type", "trigger", "mentions", "arguments", "kind", "status",
"subtype", ...}`` with arguments as ``[role, start_char, end_char]``. MUC-4 arguments carry a fourth
item, the number of the entity within its template, so that coreferent mentions stay one filler
when the examples are scored. A MUC-4 filler is labelled at every place its mention strings occur
in the text, not only at the one offset GTT's processed data records: the scorer matches strings,
so a later occurrence of "guerrillas" is as good as the first, and leaving it unlabelled would
teach the tagger that it is not a filler.

The reader ``news.muc4_corpus.v1`` (registered for ``spacy train``) mixes the two, leaves out every
gold brat document that is itself a MUC-4 evaluation document, and can hold back every n-th MUC-4
training document as the development part used to pick checkpoints and thresholds.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import registry

from ..evaluation.brat import read_brat_corpus
from .corpus import brat_to_doc

# MUC-4 slot -> our record role
SLOT_ROLES = {"PerpInd": "perpetrator", "PerpOrg": "perpetrator_org", "Target": "target", "Victim": "victim",
              "Weapon": "weapon"}
# "stage of execution" in the original MUC-4 keys -> our status
STAGE_STATUS = {"ACCOMPLISHED": "reported", "ATTEMPTED": "attempted", "THREATENED": "threatened"}


def event_type_of(incident_type: str) -> list[str]:
    """"bombing / attack" -> ["BOMBING", "ATTACK"]; "forced work stoppage" -> ["FORCED_WORK_STOPPAGE"]."""
    return [t.strip().upper().replace(" ", "_") for t in incident_type.split("/")]


def _occurrences(text: str, mention: str) -> Iterator[tuple[int, int]]:
    for match in re.finditer(r"(?<!\w)" + re.escape(mention) + r"(?!\w)", text):
        yield match.start(), match.end()


def gtt_row_to_doc(nlp: Language, row: dict, stages: Optional[list[str]] = None) -> Doc:
    """One document of GTT's processed MUC-4 data -> a Doc with its templates as gold events."""
    text = row["doctext"]
    doc = nlp.make_doc(text)
    events = []
    for number, template in enumerate(row["templates"]):
        arguments = []
        for slot, role in SLOT_ROLES.items():
            for entity_number, entity in enumerate(template.get(slot, ())):
                places = set()
                for mention, offset in entity:
                    places.add((offset, offset + len(mention)))
                    places.update(_occurrences(text, mention))
                for start, end in sorted(places):
                    if doc.char_span(start, end, alignment_mode="expand") is not None:
                        arguments.append([role, start, end, entity_number])
        stage = stages[number] if stages and number < len(stages) else "ACCOMPLISHED"
        events.append({"type": event_type_of(template["incident_type"])[0],
                       "types": event_type_of(template["incident_type"]), "trigger": None, "mentions": [],
                       "arguments": arguments, "kind": "incident",
                       "status": STAGE_STATUS.get(stage.split("/")[0].strip(), "reported"), "subtype": None,
                       "killed": None, "injured": None})
    doc.user_data["doc_id"] = row["docid"]
    doc.user_data["events"] = events
    return doc


def read_jsonl(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            if line.strip():
                yield json.loads(line)


def muc4_stages(raw_path: Optional[Path]) -> dict[str, list[str]]:
    """docid -> the stage of execution of each template, from the original MUC-4 keys when given."""
    if raw_path is None or not Path(raw_path).exists():
        return {}
    return {row["docid"]: [(t.get("stage_of_execution") or ["ACCOMPLISHED"])[0] for t in row["templates"]]
            for row in read_jsonl(Path(raw_path))}


def muc4_docs(nlp: Language, gtt_path: Path, raw_path: Optional[Path] = None, holdout_every: int = 0,
              part: str = "train", limit: int = 0, holdout_offset: int = 0) -> list[Doc]:
    """MUC-4 documents; with ``holdout_every=n`` every n-th one is the "heldout" part, the rest "train"
    (``is_held_out``)."""
    stages = muc4_stages(raw_path)
    docs = []
    for index, row in enumerate(read_jsonl(Path(gtt_path))):
        held_out = is_held_out(index, holdout_every, holdout_offset)
        if part == "all" or (part == "heldout") == held_out:
            docs.append(gtt_row_to_doc(nlp, row, stages.get(row["docid"])))
            if limit and len(docs) >= limit:
                break
    return docs


def is_held_out(index: int, holdout_every: int, holdout_offset: int = 0) -> bool:
    """Whether the ``index``-th MUC-4 training document is held out: every ``holdout_every``-th one, the last of
    each run of ``holdout_every`` (offset 0) or the one ``holdout_offset`` places before it, so that offsets 0 to
    n - 1 hold out n disjoint folds (the event extractors of ``make train-events-folds``)."""
    return holdout_every > 0 and index % holdout_every == (holdout_every - 1 - holdout_offset) % holdout_every


def annotation_docs(nlp: Language, annotations: Path, split: str, exclude_ids: Iterable[str] = ()) -> list[Doc]:
    """Gold brat documents of one split, without those whose MUC-4 id is excluded."""
    excluded = set(exclude_ids)
    docs = []
    for gold in read_brat_corpus(Path(annotations) / "docs", Path(annotations) / "index.jsonl", split):
        if gold.doc_id.removeprefix("muc4-") in excluded:
            continue
        docs.append(brat_to_doc(nlp, gold))
    return docs


def gtt_doc_ids(path: Optional[Path]) -> set[str]:
    if path is None or not Path(path).exists():
        return set()
    return {row["docid"] for row in read_jsonl(Path(path))}


def examples_from(nlp: Language, docs: Iterable[Doc]) -> Iterator[Example]:
    for reference in docs:
        predicted = nlp.make_doc(reference.text)
        yield Example(predicted, reference)


@registry.readers("news.muc4_corpus.v1")
def create_muc4_reader(gtt_path: str, raw_path: Optional[str] = None, annotations: Optional[str] = None,
                       annotation_split: str = "train", exclude_docs_in: Optional[str] = None,
                       holdout_every: int = 0, part: str = "train", limit: int = 0,
                       holdout_offset: int = 0) -> Callable[[Language], Iterator[Example]]:
    """MUC-4 documents (``part`` train, heldout or all) plus, for the train part, the gold brat documents
    of ``annotation_split``, minus any brat document that is a MUC-4 document of ``exclude_docs_in``."""

    def read(nlp: Language) -> Iterator[Example]:
        docs = muc4_docs(nlp, Path(gtt_path), Path(raw_path) if raw_path else None, holdout_every, part, limit,
                         holdout_offset)
        if annotations and part != "heldout":
            docs += annotation_docs(nlp, Path(annotations), annotation_split,
                                    gtt_doc_ids(Path(exclude_docs_in) if exclude_docs_in else None))
        yield from examples_from(nlp, docs)

    return read
