"""How easily a French lesson text reads: Kandel & Moles' adaptation of the Flesch score.

Plain Python (no Flask, no database): text in, numbers out.

The formula (L. Kandel et A. Moles, « Application de l'indice de Flesch à la langue
française », *Cahiers d'études de radio-télévision* n° 19, 1958)::

    score = 207 − 1.015 × (words per sentence) − 73.6 × (syllables per word)

Like Flesch's, the score reads on a 0-100 scale, the higher the easier (very short sentences of
one-syllable words go above 100, very long legal sentences below 0). Usual bands: 90+ very
easy, 80-90 easy, 70-80 fairly easy, 60-70 standard, 50-60 fairly hard, 30-50 hard, under 30
very hard.

Targets per age group (our decision; see docs/decisions.md). With the counting below:

* ``child`` (read alone, 8-14): **70**. Sentences of about 10 words averaging 1.4 syllables
  per word score about 94; sentences of 18 words at 1.7 syllables per word score about 64,
  too hard for a child reading alone.
* ``teen`` (15-17): **55** (15 words at 1.8 syllables per word: about 59).
* ``adult``: **40** (25 words at 1.9 syllables per word: about 42, a dense newspaper page).

Only the child's target raises a warning (a child cannot push through a text that is too
hard); for teens and adults the gauge shows the score and the target as advice.

Counting, and its limits
------------------------
Markdown is removed first (links keep their text, images and URLs are dropped, a glossary
term ``[[terme|définition]]`` keeps its term, headings and list items count as sentences).

Sentences end at ``. ! ? … ; :`` and at the end of a heading, list item or paragraph; a
single capital before a full stop (``J.-C.``) and a few abbreviations (``M.``, ``av.``,
``env.``…) do not end one.

Syllables are *spoken* syllables estimated from spelling: each group of vowels (``a e i o
u y`` and accented forms) is one syllable, with these corrections —

* ``u`` after ``q`` or ``g`` before a vowel is silent (``quand``, ``guerre``);
* a final ``e``, ``es`` after a consonant or vowel is silent (``marée`` → 2, ``plage`` → 1,
  ``tables`` → 1) when the word has another vowel group; one-syllable words keep it (``le``);
* hiatus: ``é`` before a vowel (``réel``, ``géant``) and ``a``/``o``/``e`` before ``é è ê``
  (``aéroport``, ``poème``) split the group; a diaeresis (``naïf``, ``Noël``) starts a syllable;
  ``y`` between two vowels counts twice (``voyage`` → voi-ya-ge);
* numbers written in digits count as one word of one syllable per digit (rough);
* words without any vowel (the elided ``l'``, ``d'``, ``qu'``) are not words.

Known limits: the verb ending ``-ent`` (``ils parlent``) is counted as a syllable although it
is silent (``moment`` needs it); ``-ier``, ``-ion`` after a consonant pair (``crier``,
``lion``) count one syllable where careful speech says two; foreign names (``Dior``) follow
French rules. These errors are small on a whole text (a few percent of syllables); the gauge is
a guide for the writer, not a grade.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from learnapp.core import age_groups

# Each age group's target and whether missing it warns: see ``age_groups.GROUPS``.
TARGETS = {group.code: group.reading_target for group in age_groups.GROUPS}

BANDS = (  # (lowest score, code): the first band whose lowest score is reached
    (90.0, "very_easy"),
    (80.0, "easy"),
    (70.0, "fairly_easy"),
    (60.0, "standard"),
    (50.0, "fairly_hard"),
    (30.0, "hard"),
    (float("-inf"), "very_hard"),
)

VOWELS = set("aeiouyàâäéèêëîïôöùûüÿœæ")
DIAERESIS = set("ëïüÿ")
OPEN_E = set("éèê")
ABBREVIATIONS = {"m", "mme", "mlle", "mm", "dr", "st", "ste", "av", "apr", "env", "cf", "ex", "p", "vol",
                 "chap", "fig", "éd", "hab", "km", "n°", "no"}

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
# No pattern may cross the character that starts it again ("[", "(", "<", a line end): a text of
# 100,000 "[" would otherwise take minutes to measure (each attempt scanning to the end).
_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^()]*\)")
_LINK = re.compile(r"\[([^\[\]]*)\]\([^()]*\)")
_GLOSSARY = re.compile(r"\[\[([^\[\]|]+)(?:\|[^\[\]]*)?\]\]")
_URL = re.compile(r"(?:https?://|www\.)\S+|media:\S+")
_HTML = re.compile(r"<[^<>]*>")
_FENCE = re.compile(r"^[ \t]*(?::::|```|~~~).*$", re.M)
_BLOCK_MARK = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)", re.M)
_INLINE_MARK = re.compile(r"[*_`~]+")
_WORD = re.compile(r"[^\W\d_]+(?:[-’'][^\W\d_]+)*|\d+(?:[.,]\d+)*", re.U)
_TERMINATORS = set(".!?…;:")


@dataclass(frozen=True)
class Readability:
    sentences: int
    words: int
    syllables: int
    score: float

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences

    @property
    def syllables_per_word(self) -> float:
        return self.syllables / self.words

    @property
    def band(self) -> str:
        return band(self.score)


@dataclass(frozen=True)
class Verdict:
    """What the gauge shows for one text and age group."""

    readability: Readability | None  # None: not enough text to measure
    audience: str
    target: float
    meets_target: bool
    warn: bool  # a warning the writer should act on (a child's text too hard)


def plain_text(markdown: str) -> str:
    """The words a reader reads: markdown syntax, images and URLs removed.

    Every block (heading, list item, paragraph) ends with a full stop, so it counts as a
    sentence even without punctuation.
    """
    text = _FRONT_MATTER.sub("", markdown.replace("\r\n", "\n"))
    text = _FENCE.sub("", text)
    text = _IMAGE.sub(" ", text)
    text = _GLOSSARY.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _URL.sub(" ", text)
    text = _HTML.sub(" ", text)
    lines = []
    for line in text.split("\n"):
        block_start = bool(_BLOCK_MARK.match(line))
        line = _BLOCK_MARK.sub("", line)
        line = _INLINE_MARK.sub("", line).strip()
        if block_start and lines and lines[-1]:
            lines[-1] = _close(lines[-1])
        lines.append(line)
    blocks = []
    current: list[str] = []
    for line in lines + [""]:
        if line:
            current.append(line)
        elif current:
            blocks.append(_close(" ".join(current)))
            current = []
    return "\n".join(blocks)


def _close(text: str) -> str:
    return text if text[-1] in _TERMINATORS else text + "."


def split_sentences(text: str) -> list[list[str]]:
    """Sentences as lists of words (elided articles and punctuation dropped)."""
    sentences: list[list[str]] = []
    current: list[str] = []
    position = 0
    for match in _WORD.finditer(text):
        gap = text[position:match.start()]
        if current and _ends_sentence(gap, current[-1]):
            sentences.append(current)
            current = []
        current.append(match.group(0))
        position = match.end()
    if current:
        sentences.append(current)
    return [sentence for sentence in sentences if any(syllables(word) for word in sentence)]


def _ends_sentence(gap: str, previous_word: str) -> bool:
    if not any(char in _TERMINATORS for char in gap):
        return False
    stripped = gap.strip()
    if stripped.startswith(".") and not any(char in _TERMINATORS for char in stripped[1:]):
        word = previous_word.lower()
        if len(previous_word) == 1 and previous_word.isupper():
            return False  # an initial: J.-C., M. Dior
        if word in ABBREVIATIONS:
            return False
    return True


def syllables(word: str) -> int:
    """Spoken syllables in a French word, estimated from its spelling (see the module doc)."""
    if word[:1].isdigit():
        return sum(char.isdigit() for char in word)
    parts = re.split(r"([-’'])", word.lower())
    total = 0
    for index in range(0, len(parts), 2):
        part = parts[index]
        elided = index + 1 < len(parts) and parts[index + 1] != "-"
        if elided and part.endswith("qu"):
            part = part[:-1]  # qu'il, lorsqu'on: the u is not heard
        total += _syllables_in_part(part)
    return total


def _syllables_in_part(word: str) -> int:
    word = unicodedata.normalize("NFC", word)
    # Silent u in qu/gu before a vowel: quand, guerre, Guillaume.
    word = re.sub(r"([qg])u(?=[aeiouyàâéèêëîïôöû])", r"\1", word)
    word = _without_silent_final_e(word)
    groups = 0
    previous_vowel = ""
    for index, char in enumerate(word):
        if char not in VOWELS:
            previous_vowel = ""
            continue
        if not previous_vowel or _hiatus(previous_vowel, char, word, index):
            groups += 1
        previous_vowel = char
    return groups


def _hiatus(previous: str, char: str, word: str, index: int) -> bool:
    if char in DIAERESIS:
        return True
    if previous == "é":
        return True  # réel, géant, créé, année (the final e is dropped afterwards)
    if char in OPEN_E and previous in "aoe":
        return True  # aéroport, poème, poésie
    # voyage, payer, royaume: y between vowels is two i
    return previous == "y" and index >= 2 and word[index - 2] in VOWELS


def _without_silent_final_e(word: str) -> str:
    """plage → plag, marée → maré, parties → parti; le, les, que keep their e."""
    for ending in ("es", "e"):
        if word.endswith(ending):
            stem = word[: -len(ending)]
            if any(char in VOWELS for char in stem):
                return stem
            return word
    return word


def measure(markdown: str) -> Readability | None:
    """The Kandel-Moles score of a text (markdown allowed); None when there are no words."""
    sentences = split_sentences(plain_text(markdown))
    counted = [[word for word in sentence if syllables(word)] for sentence in sentences]
    words = sum(len(sentence) for sentence in counted)
    if not words:
        return None
    syllable_count = sum(syllables(word) for sentence in counted for word in sentence)
    score = kandel_moles(words / len(counted), syllable_count / words)
    return Readability(sentences=len(counted), words=words, syllables=syllable_count,
                       score=round(score, 1))


def kandel_moles(words_per_sentence: float, syllables_per_word: float) -> float:
    return 207 - 1.015 * words_per_sentence - 73.6 * syllables_per_word


def band(score: float) -> str:
    for lowest, code in BANDS:
        if score >= lowest:
            return code
    return BANDS[-1][1]  # pragma: no cover - the last band has no lower bound


def verdict(markdown: str, audience: str) -> Verdict:
    """The gauge for one age group's text: score, target, and whether to warn."""
    group = age_groups.BY_CODE.get(audience) or age_groups.get(age_groups.DEFAULT)
    target = group.reading_target
    result = measure(markdown)
    meets = result is None or result.score >= target
    return Verdict(readability=result, audience=audience, target=target, meets_target=meets,
                   warn=not meets and group.warn_if_hard)
