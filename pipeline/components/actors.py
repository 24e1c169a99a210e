"""Domain entities on top of the base NER: armed groups from the registry, weapons, and actors.

``news_actors`` adds registry matches (as ORG) and weapon mentions (as WEAPON) to ``doc.ents``,
preferring them over overlapping base-model entities, resolves acronyms introduced in
parentheses, fills ``span._.canonical`` and ``span._.actor_type`` for every actor entity, and
collects nominal actor mentions ("militants", "two soldiers") in ``doc.spans["actors"]``.
"""
from __future__ import annotations

from importlib import resources

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..normalize.actors import ActorRegistry, canonical_from_text, guess_actor_type, load_registry

ACTOR_LABELS = {"ORG", "NORP", "PERSON"}
ACTORS_KEY = "actors"
# Heads of nominal mentions that name people acting or acted upon in conflict news.
ACTOR_NOUNS = frozenset("""
militant gunman gunmen guerrilla guerrillas rebel insurgent terrorist fighter jihadist extremist attacker bomber
assailant kidnapper abductor commando soldier troop trooper policeman policemen police officer guard army military
force forces civilian peasant villager resident student worker child children woman women man men people person
official officer leader commander member farmer journalist worshipper passenger pilgrim tourist diplomat judge
mayor priest bodyguard victim hostage security personnel patrol squad unit column cell faction group
""".split())
_WEAPON_FILE = "weapons.txt"

for _name in ("canonical", "actor_type"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


def _weapon_terms() -> list[str]:
    text = resources.files("pipeline.data").joinpath(_WEAPON_FILE).read_text(encoding="utf-8")
    terms = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return terms + [t + "s" for t in terms if not t.endswith("s") and not t.isupper()]


@Language.factory(
    "news_actors",
    requires=["doc.ents", "token.pos", "token.dep"],
    assigns=["doc.ents", "doc.spans", "span._.canonical", "span._.actor_type"],
)
def make_news_actors(nlp: Language, name: str) -> "NewsActors":
    return NewsActors(nlp, name, load_registry())


class NewsActors:
    def __init__(self, nlp: Language, name: str, registry: ActorRegistry):
        self.name = name
        self.registry = registry
        self.cased = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.uncased = PhraseMatcher(nlp.vocab, attr="LOWER")
        # Names match as written, in capitals (wire copy) or, unless an abbreviation, in lower
        # case (lower-cased corpora). A case-blind match would turn "an Islamic state" into a group.
        for phrase, is_abbreviation in registry.patterns():
            variants = {phrase, phrase.upper()} if is_abbreviation else {phrase, phrase.upper(), phrase.lower()}
            self.cased.add("ORG", [nlp.make_doc(v) for v in variants])
        self.uncased.add("WEAPON", [nlp.make_doc(term) for term in _weapon_terms()])

    def __call__(self, doc: Doc) -> Doc:
        ours = [Span(doc, s, e, label=lab) for lab, s, e in self._matches(doc)]
        ours = filter_spans(ours)
        taken = {i for span in ours for i in range(span.start, span.end)}
        kept = [ent for ent in doc.ents if not any(i in taken for i in range(ent.start, ent.end))]
        doc.ents = filter_spans(kept + ours)
        aliases = self._parenthesised_acronyms(doc)
        for ent in doc.ents:
            if ent.label_ in ACTOR_LABELS:
                self._canonicalise(ent, aliases)
        doc.spans[ACTORS_KEY] = list(self._nominal_actors(doc))
        return doc

    def _matches(self, doc: Doc):
        for matcher in (self.cased, self.uncased):
            for match_id, start, end in matcher(doc):
                yield doc.vocab.strings[match_id], start, end

    def _canonicalise(self, ent: Span, aliases: dict[str, str]) -> None:
        name = aliases.get(ent.text, ent.text)
        actor = self.registry.lookup(name)
        if actor is not None:
            ent._.canonical, ent._.actor_type = actor.canonical, actor.actor_type
        else:
            ent._.canonical = canonical_from_text(name)
            ent._.actor_type = guess_actor_type(name, ent.label_)

    @staticmethod
    def _parenthesised_acronyms(doc: Doc) -> dict[str, str]:
        """'Guatemalan National Revolutionary Unity (URNG)' makes URNG an alias of the long form."""
        aliases = {}
        ents = list(doc.ents)
        for long_form, short in zip(ents, ents[1:]):
            between = doc[long_form.end:short.start]
            if between.text.strip() == "(" and short.end < len(doc) and doc[short.end].text == ")":
                if len(short) == 1 and short.text.replace("-", "").isupper():
                    aliases[short.text] = long_form.text
        return aliases

    def _nominal_actors(self, doc: Doc):
        ent_tokens = {i for ent in doc.ents if ent.label_ in ACTOR_LABELS for i in range(ent.start, ent.end)}
        for chunk in doc.noun_chunks:
            root = chunk.root
            if root.i in ent_tokens or root.pos_ == "PROPN" and root.ent_type_:
                continue
            if root.lower_ in ACTOR_NOUNS or root.lemma_.lower() in ACTOR_NOUNS:
                start = chunk.start + (1 if chunk[0].dep_ == "det" and chunk[0].lower_ in {"the", "a", "an"} else 0)
                span = Span(doc, start, chunk.end, label="ACTOR")
                if not len(span):
                    continue
                span._.canonical = root.lemma_.lower() if not root.text.isupper() else root.lower_
                span._.actor_type = guess_actor_type(span.text, "ACTOR")
                yield span
