"""Typed reader and validator for the gold brat standoff files (annotations/FORMAT.md).

    python -m pipeline.evaluation.brat validate annotations/

The reader is lenient: malformed lines are recorded in `BratDocument.problems` rather than
raised, and `validate_document` returns those together with the semantic checks.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ENTITY_LABELS = frozenset(
    "PERSON NORP FAC ORG GPE LOC PRODUCT EVENT LAW DATE TIME MONEY QUANTITY CARDINAL "
    "ORDINAL PERCENT WORK_OF_ART LANGUAGE WEAPON ACTOR".split())
EVENT_TYPES = frozenset("ATTACK BOMBING KIDNAPPING ARSON ROBBERY FORCED_WORK_STOPPAGE".split())
ROLES = frozenset("perpetrator perpetrator_org target victim weapon location date".split())
RELATION_LABELS = frozenset(
    "ALLIED_WITH FIGHTING_AGAINST MEMBER_OF LEADER_OF LOCATED_IN ALIAS_OF".split())
ATTRIBUTE_VALUES = {
    "Kind": frozenset({"incident", "aggregate", "background"}),
    "Status": frozenset({"reported", "claimed", "denied", "threatened", "attempted"}),
}
QUALIFIERS = frozenset({"exact", "at_least", "about", "at_most"})
GRANULARITIES = frozenset({"day", "week", "month", "year", "range", "none"})
ACTOR_TYPES = frozenset(
    {"armed_group", "state_security", "government", "civilian", "international", "other"})
NOTE_TARGETS = {  # note type -> entity labels it may sit on
    "Timex": {"DATE", "TIME"},
    "Geo": {"GPE", "LOC", "FAC"},
    "Canonical": {"ORG", "NORP", "PERSON", "ACTOR"},
}

_Y, _M = r"(BC\d{4}|\d{4}|XXXX)", r"(\d{2}|XX)"
_TIME = r"(T(\d{2}(:\d{2}(:\d{2})?)?Z?|MO|AF|EV|NI))"
TIMEX_VALUE = re.compile(
    rf"^({_Y}(-{_M}(-{_M}{_TIME}?)?|-W(\d{{2}}|XX)(-[1-7]{_TIME}?|-WE)?|-Q[1-4]|-(SP|SU|FA|WI))?"
    r"|\d{3}X?|\d{2}X{0,2}|PAST_REF|PRESENT_REF|FUTURE_REF"
    r"|P(\d+|X)(Y|M|W|D)|PT(\d+|X)(H|M|S))$")
SUBTYPE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Timex:
    value: str
    granularity: str


@dataclass(frozen=True)
class Geo:
    geonames_id: str | None  # None when the note says "-"
    country: str | None  # None for regions spanning countries ("Middle East")
    admin1: str | None


@dataclass(frozen=True)
class Canonical:
    actor_type: str
    name: str


@dataclass(frozen=True)
class BratEntity:
    id: str
    label: str
    start: int
    end: int
    text: str


@dataclass
class BratEvent:
    id: str
    type: str
    trigger_id: str
    arguments: list[tuple[str, str]]  # (role without numeric suffix, entity id)
    kind: str | None = None
    status: str | None = None
    subtype: str | None = None
    killed: tuple[int, str] | None = None
    injured: tuple[int, str] | None = None
    mention_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BratRelation:
    id: str
    label: str
    head: str  # Arg1
    tail: str  # Arg2


@dataclass
class BratDocument:
    doc_id: str
    text: str
    entities: dict[str, BratEntity] = field(default_factory=dict)  # non-trigger T lines
    triggers: dict[str, BratEntity] = field(default_factory=dict)  # T lines with event types
    events: dict[str, BratEvent] = field(default_factory=dict)
    relations: dict[str, BratRelation] = field(default_factory=dict)
    timex: dict[str, Timex] = field(default_factory=dict)  # keyed by entity id
    geo: dict[str, Geo] = field(default_factory=dict)
    canonical: dict[str, Canonical] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)  # the index.jsonl line, when read via the corpus
    problems: list[str] = field(default_factory=list)  # found while parsing


# Numbers are ASCII digits, at most 9 of them: str.isdigit() and \d also accept "²" or "٣", and int()
# refuses "²" and any string of more than 4300 digits.
_NUMBER = r"[0-9]{1,9}"


def _parse_count(value: str) -> tuple[int, str] | None:
    parts = value.split()
    if len(parts) == 2 and re.fullmatch(_NUMBER, parts[0]) and parts[1] in QUALIFIERS:
        return int(parts[0]), parts[1]
    return None


def _parse_line(doc: BratDocument, line: str, pending: list) -> None:
    cols = line.split("\t")
    ident, body = cols[0], cols[1] if len(cols) > 1 else ""
    if ident.startswith("T"):
        m = re.fullmatch(rf"(\S+) ({_NUMBER}) ({_NUMBER})", body)
        if not m or len(cols) != 3:
            doc.problems.append(f"{ident}: malformed T line (discontinuous spans are not used)")
            return
        ent = BratEntity(ident, m.group(1), int(m.group(2)), int(m.group(3)), cols[2])
        (doc.triggers if ent.label in EVENT_TYPES else doc.entities)[ident] = ent
    elif ident.startswith("E"):
        parts = [p.split(":", 1) for p in body.split()]
        if not parts or any(len(p) != 2 for p in parts):
            doc.problems.append(f"{ident}: malformed E line")
            return
        (etype, trigger), args = parts[0], parts[1:]
        arguments = [(re.sub(r"\d+$", "", role), filler) for role, filler in args]
        doc.events[ident] = BratEvent(ident, etype, trigger, arguments)
    elif ident.startswith("R"):
        m = re.fullmatch(r"(\S+) Arg1:(\S+) Arg2:(\S+)", body)
        if not m:
            doc.problems.append(f"{ident}: malformed R line")
            return
        doc.relations[ident] = BratRelation(ident, m.group(1), m.group(2), m.group(3))
    elif ident.startswith(("A", "#")):
        pending.append((ident, body.split(" ", 2), cols[2] if len(cols) > 2 else None))
    elif line.strip():
        doc.problems.append(f"unknown line: {line!r}")


def _apply_attribute_or_note(doc: BratDocument, ident: str, head: list, value: str | None):
    """A and # lines refer to ids that may come later in the file, so they are applied last."""
    kind, target = head[0], head[1] if len(head) > 1 else ""
    if ident.startswith("A"):
        event = doc.events.get(target)
        if len(head) != 3 or kind not in ("Kind", "Status", "Subtype"):
            doc.problems.append(f"{ident}: malformed attribute or unknown attribute {kind}")
        elif event is None:
            doc.problems.append(f"{ident}: attribute on unknown event {target}")
        elif kind != "Subtype" and head[2] not in ATTRIBUTE_VALUES[kind]:
            doc.problems.append(f"{ident}: bad {kind} value {head[2]!r}")
        elif kind == "Subtype" and not SUBTYPE.match(head[2]):
            doc.problems.append(f"{ident}: Subtype {head[2]!r} is not lower_snake_case")
        else:
            setattr(event, kind.lower(), head[2])
        return
    if kind == "AnnotatorNotes":
        return
    if len(head) != 2 or value is None:
        doc.problems.append(f"{ident}: malformed note")
    elif kind in ("Killed", "Injured", "Mentions"):
        event = doc.events.get(target)
        count = _parse_count(value)
        if event is None:
            doc.problems.append(f"{ident}: {kind} note on unknown event {target}")
        elif kind == "Mentions":
            event.mention_ids = value.split()
            for tid in event.mention_ids:
                trig = doc.triggers.get(tid)
                if trig is None:
                    doc.problems.append(f"{ident}: mention {tid} is not an event trigger")
                elif trig.label != event.type:
                    doc.problems.append(f"{ident}: mention {tid} is {trig.label}, "
                                        f"event {target} is {event.type}")
        elif count is None:
            doc.problems.append(f"{ident}: bad {kind} value {value!r} (want 'N qualifier', "
                                f"qualifier one of {sorted(QUALIFIERS)})")
        else:
            setattr(event, kind.lower(), count)
    elif kind in NOTE_TARGETS:
        ent = doc.entities.get(target)
        if ent is None:
            doc.problems.append(f"{ident}: {kind} note on unknown entity {target}")
            return
        if ent.label not in NOTE_TARGETS[kind]:
            doc.problems.append(f"{ident}: {kind} note on {ent.label} entity {target}")
        parts = value.split(" ", 2) if kind == "Geo" else value.split(" ", 1)
        if kind == "Timex":
            if len(parts) != 2 or parts[1] not in GRANULARITIES \
                    or not all(TIMEX_VALUE.match(v) for v in parts[0].split("/", 1)):
                doc.problems.append(f"{ident}: bad Timex {value!r}")
            else:
                doc.timex[target] = Timex(parts[0], parts[1])
        elif kind == "Geo":
            if len(parts) != 3 or not re.fullmatch(r"\d+|-", parts[0]) \
                    or not re.fullmatch(r"[A-Z]{2}|-", parts[1]):
                doc.problems.append(f"{ident}: bad Geo {value!r} (want 'id|- CC admin1|-')")
            else:
                gid, admin1 = parts[0], parts[2].strip()
                doc.geo[target] = Geo(None if gid == "-" else gid, None if parts[1] == "-" else parts[1],
                                      None if admin1 == "-" else admin1)
        elif len(parts) != 2 or parts[0] not in ACTOR_TYPES or not parts[1].strip():
            doc.problems.append(f"{ident}: bad Canonical {value!r}")
        else:
            doc.canonical[target] = Canonical(parts[0], parts[1].strip())
    else:
        doc.problems.append(f"{ident}: unknown note type {kind}")


def _read_utf8(path: Path, problems: list[str]) -> str:
    """The file's text exactly as stored (no newline translation: offsets count every character)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(f"{path.name}: not valid UTF-8 at byte {error.start}")
        return raw.decode("utf-8", "replace")


def read_brat_document(txt_path: str | Path, ann_path: str | Path | None = None) -> BratDocument:
    """Read one document; ann_path defaults to the .ann beside the .txt (a second pass lives elsewhere)."""
    txt_path = Path(txt_path)
    problems: list[str] = []
    doc = BratDocument(txt_path.stem, _read_utf8(txt_path, problems), problems=problems)
    ann_path = Path(ann_path) if ann_path is not None else txt_path.with_suffix(".ann")
    if not ann_path.exists():
        return doc
    pending: list = []
    seen: set[str] = set()
    # Lines end at "\n" only: str.splitlines() also splits at characters a span's text may hold
    # (U+2028, U+0085, form feed).
    for line in _read_utf8(ann_path, problems).split("\n"):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        ident = line.split("\t", 1)[0]
        if ident in seen:
            doc.problems.append(f"duplicate id {ident}")
        seen.add(ident)
        _parse_line(doc, line, pending)
    for ident, head, value in pending:
        _apply_attribute_or_note(doc, ident, head, value)
    return doc


def read_brat_corpus(folder: str | Path, index_path: str | Path,
                     split: str | None = None) -> list[BratDocument]:
    """Documents listed in index_path (optionally one split) that have an .ann in folder."""
    docs = []
    for line in Path(index_path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        meta = json.loads(line)
        txt = Path(folder) / f"{meta['id']}.txt"
        if (split is None or meta["split"] == split) and txt.with_suffix(".ann").exists():
            doc = read_brat_document(txt)
            doc.meta = meta
            docs.append(doc)
    return docs


def validate_document(doc: BratDocument) -> list[str]:
    problems = list(doc.problems)
    for ent in [*doc.entities.values(), *doc.triggers.values()]:
        if ent.label not in ENTITY_LABELS and ent.label not in EVENT_TYPES:
            problems.append(f"{ent.id}: unknown label {ent.label}")
        if not 0 <= ent.start < ent.end <= len(doc.text):
            problems.append(f"{ent.id}: offsets {ent.start}-{ent.end} out of range")
        elif doc.text[ent.start:ent.end] != ent.text:
            problems.append(f"{ent.id}: text {ent.text!r} != "
                            f"{doc.text[ent.start:ent.end]!r} at {ent.start}-{ent.end}")
    used_triggers = set()
    for ev in doc.events.values():
        used_triggers.update([ev.trigger_id, *ev.mention_ids])
        trig = doc.triggers.get(ev.trigger_id)
        if ev.type not in EVENT_TYPES:
            problems.append(f"{ev.id}: unknown event type {ev.type}")
        if trig is None:
            problems.append(f"{ev.id}: trigger {ev.trigger_id} is not an event-trigger T line")
        elif trig.label != ev.type:
            problems.append(f"{ev.id}: trigger label {trig.label} != event type {ev.type}")
        for role, filler in ev.arguments:
            if role not in ROLES:
                problems.append(f"{ev.id}: unknown role {role!r}")
            if filler not in doc.entities:
                problems.append(f"{ev.id}: {role} filler {filler} is not an entity")
        if ev.kind is None or ev.status is None:
            problems.append(f"{ev.id}: missing Kind or Status attribute")
    for tid in doc.triggers.keys() - used_triggers:
        problems.append(f"{tid}: trigger not used by any event")
    for rel in doc.relations.values():
        if rel.label not in RELATION_LABELS:
            problems.append(f"{rel.id}: unknown relation label {rel.label}")
        for end in (rel.head, rel.tail):
            if end not in doc.entities:
                problems.append(f"{rel.id}: argument {end} is not an entity")
    return problems


def validate_folder(folder: str | Path, texts: str | Path | None = None) -> tuple[dict[str, list[str]], int, int]:
    """Validate every .ann under folder (or folder/docs); returns problems, checked, unannotated.

    texts is where the .txt files are when they are not beside the .ann files (a second pass)."""
    folder = Path(folder)
    docs_dir = folder / "docs" if (folder / "docs").is_dir() else folder
    texts_dir = Path(texts) if texts is not None else docs_dir
    results, unannotated = {}, 0
    for ann in sorted(docs_dir.glob("*.ann")):
        txt = texts_dir / f"{ann.stem}.txt"
        if not txt.exists():
            results[ann.stem] = ["no .txt for this .ann"]
            continue
        results[ann.stem] = validate_document(read_brat_document(txt, ann))
    if texts is None:
        unannotated = sum(not txt.with_suffix(".ann").exists() for txt in docs_dir.glob("*.txt"))
    index = folder / "index.jsonl"
    if index.exists():
        ids = {json.loads(l)["id"] for l in index.read_text(encoding="utf-8").splitlines() if l}
        for doc_id in sorted(set(results) - ids):
            results[doc_id].append("not listed in index.jsonl")
    return results, len(results), unannotated


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 4) or argv[0] != "validate" or len(argv) == 4 and argv[2] != "--texts":
        print("usage: python -m pipeline.evaluation.brat validate <annotations folder> [--texts <txt folder>]")
        return 2
    results, checked, unannotated = validate_folder(argv[1], argv[3] if len(argv) == 4 else None)
    total = 0
    for doc_id, problems in results.items():
        for problem in problems:
            print(f"{doc_id}: {problem}")
        total += len(problems)
    bad = sum(1 for p in results.values() if p)
    print(f"{checked} annotated documents checked, {bad} with problems, {total} problems; "
          f"{unannotated} .txt without .ann not checked")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
