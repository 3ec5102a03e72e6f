"""French typography, applied by the renderer so that nobody types invisible spaces by hand.

In French, a few signs are kept on the line of the word before or after them:

- a narrow no-break space (U+202F) before « ; », « ! » and « ? »;
- a no-break space (U+00A0) before « : » and inside « guillemets »;
- a narrow no-break space between groups of thousands (« 5 000 »);
- a no-break space between a number and its unit (« 14 mètres », « 12 h 25 min », « 1 000 °C »).

:func:`french` fixes one run of plain text. It only ever *replaces* an existing space (it never
adds one before « ? » or « : », so « 12:30 » and « https://…/?q=1 » written as plain text stay as
they are), except inside guillemets, which always take their spaces. URLs written as plain text
are left alone entirely.

:func:`apply_to_tokens` walks a markdown-it token stream and fixes the text nodes only: code
(inline or block), link targets, autolinks and spans marked in another language
(``[Christian Dior and I]{lang=en}``) are never touched. No Flask, no HTML: text in, text out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NBSP = "\u00a0"  # no-break space
NNBSP = "\u202f"  # narrow no-break space
_SPACES = "[ \u00a0\u202f]"

_URL = re.compile(r"(?:https?://|mailto:|www\.)\S+")

# "5 000", "1 000 000": only groups of exactly three digits after a group of one to three.
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:" + _SPACES + r"\d{3})+(?![\d])")

# Units written after a number. Whole words only (« 3 mois », not « 3 moissons »).
_UNITS = (
    "km²", "m²", "km", "cm", "mm", "m", "kg", "g", "t", "ha", "l", "h", "min", "s",
    "mètres?", "kilomètres?", "centimètres?", "hectares?", "tonnes?", "kilos?", "grammes?",
    "litres?", "heures?", "minutes?", "secondes?", "jours?", "semaines?", "mois", "ans?",
    "siècles?", "euros?", "€", "%", "°C", "°",
)
_NUMBER_UNIT = re.compile(r"(\d)" + _SPACES + r"+(?=(?:" + "|".join(_UNITS) + r")(?![\w²'’]))")
# « 12 h 25 » : the minutes stay with their hour.
_HOUR_MINUTES = re.compile(r"(\d" + NBSP + r"h)" + _SPACES + r"+(?=\d)")
_BEFORE_TIGHT = re.compile(_SPACES + r"+([;!?])")
_BEFORE_COLON = re.compile(_SPACES + r"+:")
_OPEN_QUOTE = re.compile("«" + _SPACES + "*")
_CLOSE_QUOTE = re.compile(_SPACES + "*»")


def _fix(text: str) -> str:
    text = _THOUSANDS.sub(lambda match: re.sub(_SPACES, NNBSP, match.group(0)), text)
    text = _NUMBER_UNIT.sub(lambda match: match.group(1) + NBSP, text)
    text = _HOUR_MINUTES.sub(lambda match: match.group(1) + NBSP, text)
    text = _BEFORE_TIGHT.sub(lambda match: NNBSP + match.group(1), text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    text = _OPEN_QUOTE.sub("«" + NBSP, text)
    return _CLOSE_QUOTE.sub(NBSP + "»", text)


def french(text: str) -> str:
    """One run of French text with its no-break spaces; URLs inside it are kept as written."""
    if not text:
        return text
    pieces, last = [], 0
    for match in _URL.finditer(text):
        pieces.append(_fix(text[last:match.start()]))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append(_fix(text[last:]))
    return "".join(pieces)


def is_french(lang: str | None) -> bool:
    return (lang or "fr").lower().split("-")[0] == "fr"


def apply_to_tokens(tokens: Iterable, lang: str = "fr") -> None:
    """Fix the text nodes of a markdown-it token stream in place (see the module's docstring)."""
    for token in tokens:
        if token.type == "inline" and token.children:
            _apply_to_children(token.children, lang)


def _apply_to_children(children: list, lang: str) -> None:
    languages = [lang]  # the language of the span each child sits in
    in_autolink = 0
    for child in children:
        if child.type == "span_open":
            languages.append(str(child.attrGet("lang") or languages[-1]))
        elif child.type == "span_close" and len(languages) > 1:
            languages.pop()
        elif child.type == "link_open" and child.markup == "autolink":
            in_autolink += 1
        elif child.type == "link_close" and child.markup == "autolink":
            in_autolink = max(in_autolink - 1, 0)
        elif not is_french(languages[-1]) or in_autolink:
            continue
        elif child.type == "text":
            child.content = french(child.content)
        elif child.type == "image" and child.attrGet("title"):  # a figure's caption is shown text
            child.attrSet("title", french(str(child.attrGet("title"))))
        elif child.type == "glossary":
            child.meta = {**child.meta, "term": french(child.meta["term"]),
                          "definition": french(child.meta["definition"])}
