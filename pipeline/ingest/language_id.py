"""Is this article English? A small, deterministic language check for the readers.

The pipeline's models read English; an article in another language yields nonsense entities and
events, so it is quarantined instead ("not English: Spanish"). Two signals, both classic:

- the script: when most letters are outside the Latin alphabets, the text is not English (Arabic,
  Cyrillic, Han, ...), whatever a few English words quoted in it say;
- function words (Grefenstette 1995): in running text a few dozen short words make up a third of
  all words, and each language's set is its own. The language whose set covers the largest share
  of the words wins; only a clear win for another language quarantines an article.

- diacritics: English spells with plain ASCII letters; Turkish, Polish, Czech or Vietnamese put
  accents on one letter in twenty or more. Text with few English function words and many accented
  letters is in another Latin-script language even when its function words are not listed here.

No judgement is made on little text (fewer than ``MIN_WORDS`` words) or on text that matches no
language (tables of figures, lists of names): those go through, as before. Only the first
``SAMPLE_CHARS`` characters are read, so the check costs the same for any length.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Optional

SAMPLE_CHARS = 20_000
MIN_WORDS = 20
MIN_LETTERS = 40
# A non-Latin script must hold this share of the letters; an English report quoting a name in
# Arabic or a place in Cyrillic stays well under it.
SCRIPT_SHARE = 0.5
# Accented Latin letters (a share of all Latin letters) that, with few English function words
# (under ENGLISH_FLOOR), mark another Latin-script language.
DIACRITIC_SHARE = 0.03
ENGLISH_FLOOR = 0.05
# Another language's function words must cover this share of the words, and twice English's share.
MIN_SHARE = 0.12
MARGIN = 2.0

_FUNCTION_WORDS: dict[str, frozenset[str]] = {name: frozenset(words.split()) for name, words in {
    "English": "the of and to is that for it was with he by from his were are be this said have had has which "
               "not they but their been who after its or would she her there than into about when these what "
               "we our you them those could should while",
    "Spanish": "de la en el los las del que y por con para una se su al es fue como más pero sus ya este esta han ha "
               "entre sobre también según lo muy hasta desde durante",
    "French": "de la un en à le les des du et est une que qui dans pour pas sur au aux avec ce il elle par ont été sont "
              "mais plus cette ses leur selon ils lors",
    "German": "der die das und ist nicht den dem des ein eine einer mit von zu auf für sich im auch wurde "
              "sind bei nach wie aus dass werden hat wurden zum zur",
    "Portuguese": "de a o os da do das dos e em um uma não com para por foi mais na no ao pela pelo são também "
                  "seu sua ele ela como",
    "Italian": "la in il lo gli della del delle dei che è di un una per non con sono nel nella anche alla ha più "
               "come stato dal dalla questo",
    "Dutch": "de en het een van niet dat op te zijn voor met aan er maar ook werd bij naar door wordt heeft "
             "deze hij zij worden",
    "Indonesian": "yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke oleh telah ada "
                  "para kata mereka",
    "Turkish": "ve bir bu da için ile olarak çok daha gibi olan ama sonra kadar değil göre",
    "Polish": "w z na się nie do że jest jak po od przez ale oraz jego jej został przy",
    "Swedish": "en i och att det som på är av för med till den har inte om ett var från också efter",
}.items()}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def _is_latin(char: str) -> bool:
    # Basic Latin to Latin Extended-B, IPA and Latin Extended Additional (Vietnamese).
    code = ord(char)
    return code < 0x0250 or 0x1E00 <= code <= 0x1EFF


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    word = name.split(" ", 1)[0] if name else "unknown"
    return word if word == "CJK" else word.title()


def detect_other_language(text: str) -> Optional[str]:
    """The name of the language (or script) a text is written in when it is clearly not English; else None."""
    sample = text[:SAMPLE_CHARS]
    letters = [c for c in sample if c.isalpha()]
    if len(letters) < MIN_LETTERS:
        return None
    foreign = [c for c in letters if not _is_latin(c)]
    if len(foreign) > SCRIPT_SHARE * len(letters):
        script, _ = Counter(_script(c) for c in foreign).most_common(1)[0]
        return f"{script} script"
    words = [w for w in _WORD.findall(sample.lower()) if all(_is_latin(c) for c in w)]
    if len(words) < MIN_WORDS:
        return None
    latin = [c for c in letters if _is_latin(c)]
    diacritics = sum(not c.isascii() for c in latin) / len(latin)
    shares = {name: sum(w in vocabulary for w in words) / len(words) for name, vocabulary in _FUNCTION_WORDS.items()}
    best = max(shares, key=shares.get)
    if best != "English" and shares[best] >= MIN_SHARE and shares[best] >= MARGIN * shares["English"]:
        return best
    if shares["English"] < ENGLISH_FLOOR and diacritics >= DIACRITIC_SHARE:
        return "a Latin-script language other than English"
    return None
