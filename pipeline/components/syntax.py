"""Tags, lemmas and the parse of an all-capitals (or all-lower-case) document, read from its
truecased view (``news_truecased_syntax``).

The base tagger and parser learnt English from cased text. On wire copy in capitals they read
almost every word as a proper noun: "WAS KIDNAPPED ON 3 APRIL" gives KIDNAPPED as a PROPN with
the lemma "KIDNAPPED", so no event trigger, no verb, no subject or object is found. This stage
runs the syntax components again on the truecased view that ``news_ner`` predicts on (the same
tokens, each written as cased news writes it) and copies the tags, morphology, lemmas and
dependency parse back, token for token. Cased documents are left as they are, at no cost.
"""
from __future__ import annotations

from typing import Iterable, Optional

from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc

from .entities import Truecaser, document_case

# What the copied view carries back. HEAD and DEP also fix the sentence boundaries: the paragraph
# starts set by news_paragraphs on the view are in its parse.
SYNTAX_ATTRS = [TAG, POS, MORPH, LEMMA, DEP, HEAD]


@Language.factory(
    "news_truecased_syntax",
    requires=["token.tag", "token.dep"],
    assigns=["token.tag", "token.pos", "token.morph", "token.lemma", "token.dep", "token.head",
             "token.is_sent_start"],
    default_config={"syntax_pipes": ["tok2vec", "tagger", "news_paragraphs", "parser", "attribute_ruler",
                                     "lemmatizer"],
                    "truecaser_pipe": "news_ner"},
)
def make_truecased_syntax(nlp: Language, name: str, syntax_pipes: list[str], truecaser_pipe: str
                          ) -> "TruecasedSyntax":
    return TruecasedSyntax(nlp, name, syntax_pipes, truecaser_pipe)


class TruecasedSyntax:
    """Re-reads the syntax of single-case documents on their truecased view.

    The truecaser is the one the named NER component carries (its table of written forms is
    trained and shipped with it), looked up when first needed, since that component may be
    added after this one. Without it the stage does nothing.
    """

    def __init__(self, nlp: Language, name: str, syntax_pipes: Iterable[str], truecaser_pipe: str):
        self.nlp = nlp
        self.name = name
        self.syntax_pipes = list(syntax_pipes)
        self.truecaser_pipe = truecaser_pipe

    @property
    def truecaser(self) -> Optional[Truecaser]:
        if self.truecaser_pipe not in self.nlp.pipe_names:
            return None
        return getattr(self.nlp.get_pipe(self.truecaser_pipe), "truecaser", None)

    def __call__(self, doc: Doc) -> Doc:
        truecaser = self.truecaser
        if truecaser is None or not truecaser.forms or document_case(doc) is None:
            return doc
        view = truecaser.view(doc)
        for name in self.syntax_pipes:
            if name in self.nlp.pipe_names:
                view = self.nlp.get_pipe(name)(view)
        doc.from_array(SYNTAX_ATTRS, view.to_array(SYNTAX_ATTRS))
        if view.tensor is not None and view.tensor.shape == doc.tensor.shape:
            doc.tensor = view.tensor
        return doc
