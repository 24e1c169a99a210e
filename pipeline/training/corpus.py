"""Gold brat annotations -> spaCy DocBin corpora for training, one file per split.

    python -m pipeline.training.corpus annotations/ corpora/

Entities become ``doc.ents`` (nested spans: the longest wins, as NER needs a flat layer), nominal
actors go to ``doc.spans["actors"]``, and the event, relation and normalisation layers travel in
``doc.user_data`` (the DocBin is written with ``store_user_data=True``) as plain character-offset
dicts, so that any later component can read them without this package.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from spacy.lang.en import English
from spacy.tokens import Doc, DocBin, Span
from spacy.util import filter_spans

from ..evaluation.brat import BratDocument, read_brat_corpus

NOMINAL_LABEL = "ACTOR"


def brat_to_doc(nlp, gold: BratDocument) -> Doc:
    doc = nlp.make_doc(gold.text)
    ents, actors = [], []
    for ent in gold.entities.values():
        span = doc.char_span(ent.start, ent.end, label=ent.label, alignment_mode="expand")
        if span is None:
            continue
        (actors if ent.label == NOMINAL_LABEL else ents).append(span)
    doc.ents = filter_spans(ents)
    doc.spans["actors"] = [Span(doc, s.start, s.end, label=NOMINAL_LABEL) for s in actors]
    entity = {i: (e.start, e.end) for i, e in gold.entities.items()}
    doc.user_data["doc_id"] = gold.doc_id
    doc.user_data["published"] = gold.meta.get("published")
    doc.user_data["events"] = [
        {"type": ev.type, "trigger": [gold.triggers[ev.trigger_id].start, gold.triggers[ev.trigger_id].end],
         "mentions": [[gold.triggers[t].start, gold.triggers[t].end] for t in ev.mention_ids if t in gold.triggers],
         "arguments": [[role, *entity[e]] for role, e in ev.arguments if e in entity],
         "kind": ev.kind, "status": ev.status, "subtype": ev.subtype,
         "killed": list(ev.killed) if ev.killed else None, "injured": list(ev.injured) if ev.injured else None}
        for ev in gold.events.values() if ev.trigger_id in gold.triggers
    ]
    doc.user_data["relations"] = [[r.label, *entity[r.head], *entity[r.tail]] for r in gold.relations.values()
                                  if r.head in entity and r.tail in entity]
    doc.user_data["timex"] = [[*entity[i], t.value, t.granularity] for i, t in gold.timex.items() if i in entity]
    doc.user_data["canonical"] = [[*entity[i], c.actor_type, c.name] for i, c in gold.canonical.items()
                                  if i in entity]
    return doc


def build_corpora(annotations: Path, out_dir: Path, splits=("train", "dev", "test")) -> dict[str, int]:
    nlp = English()
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for split in splits:
        docs = read_brat_corpus(annotations / "docs", annotations / "index.jsonl", split)
        bin_ = DocBin(store_user_data=True, attrs=["ENT_IOB", "ENT_TYPE"])
        for gold in docs:
            bin_.add(brat_to_doc(nlp, gold))
        bin_.to_disk(out_dir / f"gold-{split}.spacy")
        counts[split] = len(docs)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description="gold brat annotations -> DocBin corpora")
    parser.add_argument("annotations", type=Path)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args()
    for split, n in build_corpora(args.annotations, args.out_dir).items():
        print(f"{split}: {n} documents -> {args.out_dir / f'gold-{split}.spacy'}")


if __name__ == "__main__":
    main()
