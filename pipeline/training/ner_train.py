"""Train the domain NER from configs/ner.cfg and ship the best model under models/ner/; the same
for the nominal actors (configs/ner_actors.cfg, models/ner_actors/, writing doc.spans["actors"]).

    python -m pipeline.training.ner_train configs/ner.cfg --output build/ner/train --ship models/ner \
        [--training.max_steps 500]
    python -m pipeline.training.ner_train configs/ner_actors.cfg --output build/ner/actors \
        --ship models/ner_actors --spans-key actors

The corpora come from ``pipeline.training.ner_corpus`` (``make train-ner`` builds them first).
Importing that module registers the config's case augmenter.
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Optional

import spacy
from spacy.cli._util import parse_config_overrides
from spacy.cli.train import train

from ..components.entities import TruecasingEntityRecognizer
from . import ner_corpus  # noqa: F401  (registers news.case_variants.v1)


def ship(best: Path, truecaser: Path, target: Path, spans_key: Optional[str] = None) -> None:
    """Turn the trained ``ner`` into a ``news_ner`` (the same weights, plus the truecaser that reads
    all-capitals text; with ``spans_key``, writing ``doc.spans[spans_key]``) where language.py
    sources it from, and check that it loads."""
    nlp = spacy.load(best)
    if target.exists():
        shutil.rmtree(target)
    nlp.to_disk(target)
    config = spacy.util.load_config(target / "config.cfg")
    config["components"]["ner"]["factory"] = "news_ner"
    config["components"]["ner"]["spans_key"] = spans_key
    # What only training needs (the corpora and their augmenter) is not part of the shipped model.
    config["corpora"] = {}
    config.to_disk(target / "config.cfg")
    shutil.copyfile(truecaser, target / "ner" / "truecaser")
    shipped = spacy.load(target).get_pipe("ner")
    if not isinstance(shipped, TruecasingEntityRecognizer) or not shipped.truecaser.forms:
        raise RuntimeError(f"{target} does not load as a news_ner with its truecaser")


def main() -> None:
    parser = argparse.ArgumentParser(description="train the domain NER")
    parser.add_argument("config", type=Path)
    parser.add_argument("--output", type=Path, default=Path("build/ner/train"))
    parser.add_argument("--ship", type=Path, default=None, help="copy model-best here, e.g. models/ner")
    parser.add_argument("--spans-key", default=None, help="ship writing doc.spans[KEY] instead of doc.ents")
    args, extra = parser.parse_known_args()  # the rest are config overrides: --training.max_steps 500
    train(args.config, args.output, use_gpu=-1, overrides=parse_config_overrides(extra))
    if args.ship is not None:
        truecaser = spacy.util.load_config(args.config, overrides=parse_config_overrides(extra), interpolate=True)
        ship(args.output / "model-best", Path(truecaser["paths"]["truecaser"]), args.ship, args.spans_key)


if __name__ == "__main__":
    main()
