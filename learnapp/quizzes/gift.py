"""Moodle's GIFT question format → question dicts in our YAML shape (docs/content-format.md).

Pure Python: no Flask, no database. :func:`parse_gift` reads a whole file and returns the
questions it could take (each with the line it starts on) and a list of problems, each with a
line, a code and its parameters. A problem either *refuses* a question (nothing of it is
imported) or is a *note* on a question that is imported with a change (e.g. a partial-credit
answer our types cannot express). Every question of the file ends up taken or refused: nothing
is dropped silently. The messages people read are in ``gift_messages.py``.

The reading follows Moodle's own importer (``question/format/gift/format.php``): questions are
separated by blank lines, ``//`` lines are comments, ``::title::``, ``[format]``, one answer
block ``{…}``, text after the block makes a "missing word" question whose blank is shown as
``_____``, escapes ``\\~ \\= \\# \\{ \\} \\: \\\\ \\n``.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

from learnapp.core import age_groups
from learnapp.core.problems import N_, Messages, Problem

MAX_BYTES = 1024 * 1024  # a GIFT file larger than this is refused before parsing
MAX_QUESTIONS = 1000
MAX_TEXT = 10_000  # characters of a prompt, an answer or a feedback
KEY_PREFIX = "gift-"
BLANK = "_____"

# Escapes are swapped for private-use characters while parsing, then put back.
_ESCAPES = {"\\": "\ue000", "~": "\ue001", "=": "\ue002", "#": "\ue003", "{": "\ue004",
            "}": "\ue005", ":": "\ue006"}
_UNESCAPE = {placeholder: char for char, placeholder in _ESCAPES.items()}
_PRIVATE = re.compile("[\ue000-\ue006]")
_RESERVED = re.compile("[\ue000-\ue00f]")  # stripped from the input: the parser's own markers
_NEWLINE = "\ue009"  # the escape \n, kept apart so that offsets keep their line
_BLANK_MARK = "\ue007"  # where the answer block of a missing-word question stood
_ESCAPE_SEQUENCE = re.compile(r"\\(.)", re.DOTALL)
_COMMENT_LINE = re.compile(r"^\s*//")
_FORMAT = re.compile(r"^\s*\[(markdown|html|plain|moodle)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TAG_LOOKING = re.compile(r"</?[a-zA-Z][^<>]*>")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_META_ID = re.compile(r"\[id:([^\]]{1,100})\]")
_META_TAG = re.compile(r"\[tag:([^\]]{1,60})\]")


MESSAGES = Messages({
    # The file as a whole
    "too_large": N_("Fichier trop volumineux (%(size)s octets ; au plus %(max)s)."),
    "not_utf8": N_("Le fichier n'est pas en UTF-8 (premier caractère illisible ligne %(line)s). "
                   "Enregistrez-le en UTF-8 et recommencez."),
    "binary": N_("Ce fichier n'est pas un fichier texte GIFT."),
    "empty": N_("Le fichier est vide."),
    "no_question": N_("Aucune question trouvée dans ce fichier."),
    # A question refused
    "essay": N_("Question à réponse libre (« {} ») : rien à corriger automatiquement, non importée."),
    "description": N_("Texte sans bloc de réponses { … } (description) : rien à corriger, non importé."),
    "unclosed_title": N_("Le titre « ::…:: » n'est pas fermé."),
    "unclosed_block": N_("Le bloc de réponses n'est pas fermé : il manque « } »."),
    "stray_brace": N_("« } » sans « { » : écrivez \\} pour une accolade dans le texte."),
    "several_blocks": N_("Plusieurs blocs de réponses : une question n'en a qu'un ; écrivez \\{ et \\} "
                         "pour des accolades dans le texte."),
    "empty_prompt": N_("La question n'a pas de texte."),
    "empty_answer": N_("Une réponse est vide."),
    "unknown_answers": N_("Bloc de réponses incompris : chaque réponse commence par « = » ou « ~ »."),
    "no_right_answer": N_("Aucune bonne réponse (« = » ou poids positif)."),
    "several_right_single": N_("Plusieurs réponses valent 100 %% alors qu'une seule peut être choisie : "
                               "pour une question à plusieurs réponses, donnez-leur des poids (~%%50%%)."),
    "too_few_choices": N_("Il faut au moins deux choix."),
    "bad_number": N_("« %(value)s » n'est pas un nombre."),
    "bad_range": N_("Intervalle impossible : %(low)s est plus grand que %(high)s."),
    "negative_tolerance": N_("Tolérance négative (%(value)s)."),
    "bad_weight": N_("Poids « %(weight)s %% » impossible (entre -100 et 100)."),
    "numeric_several_values": N_("Plusieurs valeurs justes différentes : une question numérique n'en a "
                                 "qu'une (avec sa tolérance)."),
    "matching_too_few": N_("Un appariement demande au moins deux paires."),
    "too_long": N_("Texte trop long (%(length)s caractères ; au plus %(max)s)."),
    "too_many_questions": N_("Plus de %(max)s questions : la suite du fichier n'est pas lue."),
    "duplicate": N_("Une fois convertie, identique à la question de la ligne %(other)s : "
                    "non importée en double."),
    "invalid": N_("Refusée par la banque de questions : %(reason)s"),
    # A question taken with a change (notes)
    "wrong_answer_dropped": N_("Réponse fausse « %(text)s » (%(weight)s %%) non reprise : toute réponse non "
                               "acceptée compte comme fausse."),
    "weights_to_multiple": N_("Question à plusieurs réponses : les réponses de poids positif sont les bonnes, "
                              "et notre règle remplace les poids (chaque bonne réponse cochée rapporte sa part "
                              "du point, chaque mauvaise cochée en retire une part, jamais moins de 0)."),
    "wrong_numeric_dropped": N_("Réponse fausse « %(text)s » non reprise (seules les valeurs justes comptent)."),
    "html_converted": N_("HTML converti en Markdown : seuls le texte, les paragraphes, le gras et "
                         "l'italique sont gardés."),
    "media_dropped": N_("Images, liens ou médias du HTML retirés."),
    "matching_feedback_dropped": N_("Commentaire d'une paire non repris (les appariements n'en ont pas)."),
    "wildcard_literal": N_("« * » dans « %(text)s » est pris à la lettre (pas de joker)."),
    "title_duplicate": N_("Titre déjà utilisé ligne %(other)s : cette question reçoit la clé %(key)s."),
    "category_ignored": N_("Catégorie Moodle « %(name)s » ignorée (la banque est celle du cours et du palier "
                           "choisis)."),
})


@dataclass(frozen=True)
class GiftProblem(Problem):
    """A problem in a GIFT file (``line`` counts from 1): the question was ``refused``, or taken with
    a change (a note)."""

    refused: bool = False
    excerpt: str = ""  # the first words of the question, to find it in the file
    question: int = 0  # the line its question starts on (0: the file, or a line of its own)


def gift_problem(line: int, code: str, refused: bool, params: dict | None = None, excerpt: str = "",
                 question: int = 0) -> GiftProblem:
    return GiftProblem(code, dict(params or {}), line=line, refused=refused, excerpt=excerpt, question=question,
                       template=MESSAGES[code])


@dataclass
class GiftQuestion:
    line: int
    data: dict  # our YAML shape: id, type, tiers, audiences, prompt, explanation, …
    title: str = ""
    excerpt: str = ""


@dataclass
class GiftResult:
    questions: list[GiftQuestion]
    problems: list[GiftProblem]
    blocks: int = 0  # question blocks read (taken + refused)

    @property
    def refused(self) -> list[GiftProblem]:
        return [p for p in self.problems if p.refused]

    @property
    def notes(self) -> list[GiftProblem]:
        return [p for p in self.problems if not p.refused]


class GiftFileError(ValueError):
    """The file as a whole cannot be read (too large, not text, empty)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params
        self.problem = MESSAGES.problem(code, params)

    @property
    def message(self) -> str:
        return self.problem.message

    def localized(self) -> str:
        return self.problem.message


class _Refuse(Exception):  # noqa: N818 (control flow inside the parser)
    def __init__(self, code: str, offset: int | None = None, **params):
        super().__init__(code)
        self.code = code
        self.offset = offset
        self.params = params


# Reading the file -----------------------------------------------------------------------------

def decode(raw: bytes) -> str:
    """Bytes of an uploaded file → text; refuses what is too large, not UTF-8 or binary."""
    if len(raw) > MAX_BYTES:
        raise GiftFileError("too_large", size=len(raw), max=MAX_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise GiftFileError("not_utf8", line=line) from error
    if "\x00" in text:
        raise GiftFileError("binary")
    if not text.strip():
        raise GiftFileError("empty")
    return text


def _blocks(text: str):
    """Yield (first line number, text) per question; comments become empty lines (offsets keep
    their line), and the comment lines of a block are yielded too (for [id:] and [tag:])."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    current: list[str] = []
    comments: list[str] = []
    start = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            if start is not None:
                yield start, "\n".join(current), comments
            current, comments, start = [], [], None
            continue
        if _COMMENT_LINE.match(line):
            comments.append(line)
            if start is not None:
                current.append("")
            continue
        if start is None:
            start = number
        current.append(line)
    if start is not None:
        yield start, "\n".join(current), comments


def _protect(text: str) -> str:
    text = _RESERVED.sub("", text)

    def swap(match):
        char = match.group(1)
        if char == "n":
            return _NEWLINE
        return _ESCAPES.get(char, match.group(0))

    return _ESCAPE_SEQUENCE.sub(swap, text)


def _restore(text: str) -> str:
    return _PRIVATE.sub(lambda m: _UNESCAPE[m.group(0)], text).replace(_NEWLINE, "\n")


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# Text formats → Markdown ----------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&{}])")
_MD_LINE_START = re.compile(r"^(\s*)([-+]|\d+[.)])(?=\s|$)", re.MULTILINE)
_MD_RULE_LINE = re.compile(r"^(\s*)([=-]+\s*)$", re.MULTILINE)


def escape_inline(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def plain_to_markdown(text: str) -> str:
    """Plain text shown as written: every Markdown control character is escaped."""
    text = escape_inline(text)
    text = _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    text = _MD_RULE_LINE.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return text.strip()


class _HtmlToMarkdown(HTMLParser):
    """Keeps text, paragraphs, line breaks, bold, italics and list items; drops every other
    tag (and the content of script/style). Never lets raw HTML through."""

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "tr",
              "blockquote", "pre"}
    DROP_CONTENT = {"script", "style", "template", "iframe", "object", "svg", "math"}
    MEDIA = {"img", "a", "video", "audio", "iframe", "object", "embed"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.dropped_media = False

    def handle_starttag(self, tag, attrs):
        if tag in self.MEDIA:
            self.dropped_media = True
        if tag in self.DROP_CONTENT:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in {"b", "strong"}:
            self.parts.append("**")
        elif tag in {"i", "em"}:
            self.parts.append("*")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in self.DROP_CONTENT:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag in {"b", "strong"}:
            self._close("**")
        elif tag in {"i", "em"}:
            self._close("*")

    def _close(self, marker: str):
        if self.parts and self.parts[-1] == marker:  # empty emphasis: drop it
            self.parts.pop()
        else:
            self.parts.append(marker)

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(escape_inline(re.sub(r"\s+", " ", data)))


def html_to_markdown(text: str) -> tuple[str, bool]:
    """HTML → Markdown of its text and simple emphasis; returns (markdown, media_dropped)."""
    parser = _HtmlToMarkdown()
    parser.feed(text)
    parser.close()
    markdown = "".join(parser.parts)
    markdown = re.sub(r"[ \t]{2,}", " ", markdown)
    markdown = re.sub(r"[ \t]+\n", "\n", markdown)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown)
    return markdown.strip(), parser.dropped_media


def html_to_text(text: str) -> str:
    """HTML → plain text (for answers, which are shown as plain text)."""
    parser = _HtmlToMarkdown()
    parser.feed(text)
    parser.close()
    plain = "".join(part for part in parser.parts if part not in {"**", "*"})
    plain = re.sub(r"\\(.)", r"\1", plain)  # undo the Markdown escaping of the text parts
    return _squash(html.unescape(plain))


# One question ---------------------------------------------------------------------------------

@dataclass
class _Answer:
    marker: str  # "=" or "~"
    text: str
    weight: float | None  # percent given with %n%, else None
    feedback: str
    offset: int  # in the block, for the line number

    def credit(self) -> float:
        if self.weight is not None:
            return self.weight
        return 100.0 if self.marker == "=" else 0.0


class _Question:
    def __init__(self, start: int, text: str, comments: list[str]):
        self.start = start
        self.source = text
        self.comments = comments
        self.notes: list[tuple[int | None, str, dict]] = []
        self.title = ""
        self.format = "moodle"
        self.block_offset = 0

    def note(self, code: str, offset: int | None = None, **params):
        self.notes.append((offset, code, params))

    # text helpers

    def to_markdown(self, text: str) -> str:
        text = _restore(text).strip()
        if self.format == "markdown":
            return text
        if self.format == "html" or (self.format == "moodle" and _TAG_LOOKING.search(text)):
            markdown, media = html_to_markdown(text)
            self.note("html_converted")
            if media:
                self.note("media_dropped")
            return markdown
        return plain_to_markdown(text)

    def to_markdown_own_format(self, text: str) -> str:
        """A text that may start with its own ``[format]`` (Moodle's general feedback)."""
        match = _FORMAT.match(_restore(text))
        if not match:
            return self.to_markdown(text)
        kept, self.format = self.format, match.group(1).lower()
        try:
            return self.to_markdown(_restore(text)[match.end():])
        finally:
            self.format = kept

    def to_plain(self, text: str) -> str:
        text = _restore(text)
        format_match = _FORMAT.match(text)
        if format_match:
            text = text[format_match.end():]
        if self.format == "html" or (self.format != "plain" and _TAG_LOOKING.search(text)):
            return html_to_text(text)
        return _squash(text)

    def excerpt(self) -> str:
        words = _squash(_restore(self.source))
        return words[:80] + ("…" if len(words) > 80 else "")


def _find_unescaped(text: str, char: str, start: int = 0) -> int:
    return text.find(char, start)  # escaped characters are placeholders by now


def _split_answers(body: str, base: int) -> list[_Answer]:
    """``~a#fb =b ~%50%c`` → answers (markers at any position; escapes are placeholders)."""
    answers = []
    positions = [m.start() for m in re.finditer(r"[=~]", body)]
    for index, position in enumerate(positions):
        end = positions[index + 1] if index + 1 < len(positions) else len(body)
        chunk = body[position + 1:end]
        weight = None
        weight_match = _WEIGHT.match(chunk.lstrip())
        if weight_match:
            weight = float(weight_match.group(1))
            chunk = chunk.lstrip()[weight_match.end():]
        text, _, feedback = chunk.partition("#")
        answers.append(_Answer(body[position], text, weight, feedback, base + position))
    return answers


def _split_matching(body: str, base: int) -> list[tuple[str, str, str, int]]:
    """``=a -> b =c -> d`` → (left, right, feedback, offset); split on ``=`` only (``->`` holds none)."""
    pairs = []
    positions = [m.start() for m in re.finditer(r"=", body)]
    for index, position in enumerate(positions):
        end = positions[index + 1] if index + 1 < len(positions) else len(body)
        chunk = body[position + 1:end]
        left, arrow, rest = chunk.partition("->")
        right, _, feedback = rest.partition("#")
        pairs.append((left if arrow else "", right if arrow else left, feedback, base + position))
    return pairs


def _number(raw: str, offset: int):
    value = _restore(raw).strip()
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", value):
        raise _Refuse("bad_number", offset, value=value[:40])
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")) or abs(number) > 1e15:
        raise _Refuse("bad_number", offset, value=value[:40])
    return int(number) if number.is_integer() and re.fullmatch(r"[-+]?\d+", value) else number


def _parse_numeric_spec(spec: str, offset: int) -> dict:
    """``1822``, ``1822:2`` or ``3.141..3.142`` → our numeric fields."""
    spec = spec.strip()
    if ".." in spec:
        low, _, high = spec.partition("..")
        low_value, high_value = _number(low, offset), _number(high, offset)
        if low_value > high_value:
            raise _Refuse("bad_range", offset, low=low.strip(), high=high.strip())
        return {"min": low_value, "max": high_value}
    value, colon, tolerance = spec.partition(":")
    result = {"answer": _number(value, offset), "tolerance": 0}
    if colon:
        tolerance_value = _number(tolerance, offset)
        if tolerance_value < 0:
            raise _Refuse("negative_tolerance", offset, value=tolerance.strip())
        result["tolerance"] = tolerance_value
    return result


def _describe_numeric(spec: dict) -> str:
    if "min" in spec:
        return f"{spec['min']}..{spec['max']}"
    return f"{spec['answer']} ± {spec['tolerance']}" if spec["tolerance"] else str(spec["answer"])


def _feedback_list(question: _Question, items: list[tuple[str, str]]) -> list[str]:
    """Per-answer feedback → Markdown list items ``- **answer** : feedback``."""
    lines = []
    for label, feedback in items:
        feedback = _squash(_restore(feedback))
        if feedback:
            lines.append(f"- **{plain_to_markdown(label)}** : {question.to_markdown(feedback)}")
    return lines


def _parse_question(question: _Question) -> dict:
    text = _protect(question.source)
    stripped = text.lstrip()
    offset = len(text) - len(stripped)

    # ::title::
    if stripped.startswith("::"):
        close = stripped.find("::", 2)
        if close < 0:
            raise _Refuse("unclosed_title", offset)
        question.title = _squash(_restore(stripped[2:close]))
        offset += close + 2
        stripped = stripped[close + 2:]

    # [format]
    format_match = _FORMAT.match(stripped)
    if format_match:
        question.format = format_match.group(1).lower()
        offset += format_match.end()
        stripped = stripped[format_match.end():]

    open_at = _find_unescaped(stripped, "{")
    close_at = stripped.rfind("}")
    if open_at < 0:
        if close_at >= 0:
            raise _Refuse("stray_brace", offset + close_at)
        raise _Refuse("description")
    if close_at < open_at:
        raise _Refuse("unclosed_block", offset + open_at)
    body = stripped[open_at + 1:close_at]
    body_offset = offset + open_at + 1
    if "{" in body or "}" in body:
        raise _Refuse("several_blocks", body_offset + min(i for i in (body.find("{"), body.find("}")) if i >= 0))

    before, after = stripped[:open_at], stripped[close_at + 1:]
    # A missing-word question: the blank stands where the answer block was.
    prompt_source = (before + _BLANK_MARK + after) if _restore(after).strip() else before
    if not _restore(prompt_source).strip():
        raise _Refuse("empty_prompt")
    for part in (before, after):
        if len(part) > MAX_TEXT:
            raise _Refuse("too_long", length=len(part), max=MAX_TEXT)
    if len(body) > MAX_TEXT * 4:
        raise _Refuse("too_long", length=len(body), max=MAX_TEXT * 4)

    # The general feedback ####…
    general = ""
    general_at = body.find("####")
    if general_at >= 0:
        general = body[general_at + 4:]
        body = body[:general_at]

    data = _answers(question, body, body_offset)
    prompt = question.to_markdown(prompt_source).replace(_BLANK_MARK, "\\_" * len(BLANK))
    data["prompt"] = prompt
    explanation = data.pop("_feedback", [])
    parts = []
    if _restore(general).strip():
        parts.append(question.to_markdown_own_format(general))
    if explanation:
        parts.append("\n".join(explanation))
    data["explanation"] = "\n\n".join(parts)
    return data


def _answers(question: _Question, body: str, base: int) -> dict:
    content = body.strip()
    lead = len(body) - len(body.lstrip())
    if not content:
        raise _Refuse("essay")
    if content.startswith("#"):
        return _numeric(question, content[1:], base + lead + 1)
    if "~" in content:
        return _choice(question, content, base + lead)
    if "=" in content and "->" in content:
        return _matching(question, content, base + lead)
    head, _, feedback = content.partition("#")
    if head.strip().upper() in _TRUE_FALSE:
        return _true_false(question, head.strip().upper(), feedback)
    if not content.startswith("="):
        raise _Refuse("unknown_answers", base + lead)
    return _short_text(question, content, base + lead)


def _true_false(question: _Question, head: str, feedback: str) -> dict:
    wrong_feedback, _, right_feedback = feedback.partition("#")
    parts = [question.to_markdown(part) for part in (right_feedback, wrong_feedback) if _restore(part).strip()]
    return {"type": "true_false", "answer": _TRUE_FALSE[head], "_feedback": ["\n\n".join(parts)] if parts else []}


def _numeric(question: _Question, body: str, base: int) -> dict:
    content = body.strip()
    base += len(body) - len(body.lstrip())
    if not content.startswith(("=", "~")):
        if "=" not in content and "~" not in content:
            spec_text, _, feedback = content.partition("#")
            spec = _parse_numeric_spec(spec_text, base)
            return {"type": "numeric", **spec,
                    "_feedback": _feedback_list(question, [(_describe_numeric(spec), feedback)])}
        # Moodle: ``#3:2~#wrong`` is ``#=3:2 ~#wrong`` (the first answer is the right one).
        content, base = "=" + content, base - 1
    right, partial, feedback_items, other = [], [], [], ""
    for answer in _split_answers(content, base):
        text = _squash(_restore(answer.text))
        if text in ("", "*") and answer.credit() <= 0:
            # Moodle's catch-all: any other answer, no credit, this feedback.
            other = question.to_plain(answer.feedback)
            continue
        if answer.marker == "~" or answer.credit() <= 0:
            question.note("wrong_numeric_dropped", answer.offset, text=text[:60])
            continue
        spec = _parse_numeric_spec(answer.text, answer.offset)
        if answer.credit() >= 100:
            right.append((spec, answer))
        else:
            partial.append({**spec, "credit": _credit_value(answer.credit())})
            feedback_items.append((_describe_numeric(spec), answer.feedback))
    if not right:
        raise _Refuse("no_right_answer")
    distinct = {tuple(sorted(spec.items())) for spec, _ in right}
    if len(distinct) > 1:
        raise _Refuse("numeric_several_values", right[1][1].offset)
    spec, answer = right[0]
    feedback_items.insert(0, (_describe_numeric(spec), answer.feedback))
    data = {"type": "numeric", **spec, "_feedback": _feedback_list(question, feedback_items)}
    if partial:
        data["partial"] = partial
    if other:
        data["other_feedback"] = other
    return data


def _credit_value(weight: float) -> int | float:
    """A GIFT weight (percent) as our ``credit``: 50 → 50, 33.33333 → 33.33333."""
    weight = round(float(weight), 5)
    return int(weight) if weight.is_integer() else weight


def _weight_text(weight: float) -> str:
    return str(int(weight)) if float(weight).is_integer() else f"{weight:g}"


def _choice_dict(question: _Question, text: str, answer: _Answer, correct: bool, partial: bool = False) -> dict:
    choice = {"text": text}
    if correct:
        choice["correct"] = True
    elif partial and 0 < answer.credit() < 100:
        choice["credit"] = _credit_value(answer.credit())
    feedback = question.to_plain(answer.feedback)
    if feedback:
        choice["feedback"] = feedback
    return choice


def _choice(question: _Question, content: str, base: int) -> dict:
    answers = _split_answers(content, base)
    choices = []
    for answer in answers:
        text = question.to_plain(answer.text)
        if not text:
            raise _Refuse("empty_answer", answer.offset)
        if len(text) > MAX_TEXT:
            raise _Refuse("too_long", answer.offset, length=len(text), max=MAX_TEXT)
        if answer.weight is not None and not -100 <= answer.weight <= 100:
            raise _Refuse("bad_weight", answer.offset, weight=_weight_text(answer.weight))
        choices.append((text, answer))
    if len(choices) < 2:
        raise _Refuse("too_few_choices")
    full = [(text, answer) for text, answer in choices if answer.credit() >= 100]
    positive = [(text, answer) for text, answer in choices if answer.credit() > 0]
    if not positive:
        raise _Refuse("no_right_answer")
    if any(answer.marker == "=" for _text, answer in choices):
        # Moodle: an answer marked « = » makes a question with one answer to pick (``~%100%`` alone
        # does not: several may then be ticked); a partly right one (~%50%) earns its part of the point.
        if len(full) > 1:
            raise _Refuse("several_right_single", full[1][1].offset)
        return {"type": "single",
                "choices": [_choice_dict(question, text, answer, answer.credit() >= 100, partial=True)
                            for text, answer in choices]}
    # Several answers to tick: the positively weighted ones are right, and our rule for
    # multiple answers replaces Moodle's weights (always said, since the grading differs).
    question.note("weights_to_multiple")
    return {"type": "multiple",
            "choices": [_choice_dict(question, text, answer, answer.credit() > 0) for text, answer in choices]}


def _matching(question: _Question, content: str, base: int) -> dict:
    if not content.startswith("="):
        raise _Refuse("unknown_answers", base)
    pairs, distractors = [], []
    for left, right, feedback, offset in _split_matching(content, base):
        left_text, right_text = question.to_plain(left), question.to_plain(right)
        if not right_text:
            raise _Refuse("empty_answer", offset)
        if _restore(feedback).strip():
            question.note("matching_feedback_dropped", offset)
        if not left_text:  # Moodle: an extra right-hand answer that matches nothing
            distractors.append(right_text)
            continue
        pairs.append({"left": left_text, "right": right_text})
    if len(pairs) < 2:
        raise _Refuse("matching_too_few")
    data = {"type": "matching", "pairs": pairs}
    if distractors:
        data["distractors"] = distractors
    return data


def _short_text(question: _Question, content: str, base: int) -> dict:
    accepted, partial, feedback, other = [], [], [], ""
    for answer in _split_answers(content, base):
        text = question.to_plain(answer.text)
        if not text:
            raise _Refuse("empty_answer", answer.offset)
        if len(text) > 200:
            raise _Refuse("too_long", answer.offset, length=len(text), max=200)
        if text == "*" and answer.credit() <= 0:
            # Moodle's catch-all (=%0%*): any other answer, no credit, this feedback.
            other = question.to_plain(answer.feedback)
            continue
        if "*" in text and answer.credit() > 0:
            question.note("wildcard_literal", answer.offset, text=text[:60])
        if answer.credit() >= 100:
            accepted.append(text)
            feedback.append((text, answer.feedback))
        elif answer.credit() > 0:
            partial.append({"text": text, "credit": _credit_value(answer.credit())})
            feedback.append((text, answer.feedback))
        else:
            question.note("wrong_answer_dropped", answer.offset, text=text[:60],
                          weight=_weight_text(answer.credit()))
    if not accepted:
        raise _Refuse("no_right_answer")
    data = {"type": "short_text", "answers": [*accepted, *partial], "_feedback": _feedback_list(question, feedback)}
    if other:
        data["other_feedback"] = other
    return data


# Keys -----------------------------------------------------------------------------------------

def slugify(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].strip("-")


def content_hash(data: dict) -> str:
    fields = {k: v for k, v in data.items() if k not in {"id", "tiers", "audiences", "lesson", "tags"}}
    return hashlib.sha256(repr(sorted(fields.items())).encode()).hexdigest()


# The whole file -------------------------------------------------------------------------------

def parse_gift(text: str, *, tiers: list[int] | None = None, audiences: list[str] | None = None,
               lesson: str | None = None, tags: list[str] | None = None, namespace: str = "") -> GiftResult:
    """Read a GIFT text; every question block is either in ``questions`` or refused in ``problems``.

    ``namespace`` goes into every key: Moodle titles are often generic ("Q1"), so the same title
    in another file or for another tier must not overwrite an existing question.
    """
    questions: list[GiftQuestion] = []
    problems: list[GiftProblem] = []
    seen_hashes: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    blocks = 0
    for start, block, comments in _blocks(text):
        stripped = block.strip()
        if stripped.startswith("$CATEGORY:"):
            problems.append(gift_problem(start, "category_ignored", False,
                                        {"name": _squash(stripped[len("$CATEGORY:"):])[:80]}))
            continue
        blocks += 1
        if blocks > MAX_QUESTIONS:
            problems.append(gift_problem(start, "too_many_questions", True, {"max": MAX_QUESTIONS}, "", start))
            break
        question = _Question(start, block, comments)

        protected = _protect(block)

        def line_of(offset, start=start, protected=protected):
            return start if offset is None else start + protected[:offset].count("\n")

        try:
            data = _parse_question(question)
        except _Refuse as refusal:
            problems.append(gift_problem(line_of(refusal.offset), refusal.code, True, refusal.params,
                                        question.excerpt(), start))
            continue
        if len(data["prompt"]) > MAX_TEXT or len(data["explanation"]) > MAX_TEXT:
            problems.append(gift_problem(start, "too_long", True, {"length": max(len(data["prompt"]),
                                        len(data["explanation"])), "max": MAX_TEXT}, question.excerpt(), start))
            continue

        digest = content_hash(data)
        if digest in seen_hashes:
            problems.append(gift_problem(start, "duplicate", True, {"other": seen_hashes[digest]},
                                        question.excerpt(), start))
            continue
        seen_hashes[digest] = start

        meta_id = next((m.group(1) for c in comments for m in _META_ID.finditer(c)), None)
        meta_tags = [slugify(m.group(1), 40) for c in comments for m in _META_TAG.finditer(c)]
        base = slugify(meta_id or question.title) if (meta_id or question.title) else digest[:12]
        key = KEY_PREFIX + (f"{namespace}-" if namespace else "") + (base or digest[:12])
        if key in seen_keys:
            number = 2
            while f"{key}-{number}" in seen_keys:
                number += 1
            problems.append(gift_problem(start, "title_duplicate", False,
                                        {"other": seen_keys[key], "key": f"{key}-{number}"},
                                        question.excerpt(), start))
            key = f"{key}-{number}"
        seen_keys[key] = start

        question_dict = {"id": key, "type": data.pop("type"), "tiers": list(tiers or [1]),
                         "audiences": list(audiences or [age_groups.ADULT])}
        if lesson:
            question_dict["lesson"] = lesson
        all_tags = list(dict.fromkeys([*(tags or []), *(t for t in meta_tags if t)]))
        if all_tags:
            question_dict["tags"] = all_tags
        question_dict["prompt"] = data.pop("prompt")
        question_dict["explanation"] = data.pop("explanation")
        question_dict.update(data)
        questions.append(GiftQuestion(start, question_dict, question.title, question.excerpt()))
        for offset, code, params in dict.fromkeys(
                (o, c, tuple(sorted(p.items()))) for o, c, p in question.notes):
            problems.append(gift_problem(line_of(offset), code, False, dict(params), question.excerpt(), start))
    problems.sort(key=lambda problem: problem.line)
    return GiftResult(questions, problems, blocks)
