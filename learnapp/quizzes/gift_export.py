"""Our question bank → Moodle's GIFT format (the reverse of ``gift.py``).

Pure Python: no Flask, no database. :func:`export_gift` takes the questions (key, type, prompt,
explanation, definition) and returns the GIFT text, the questions it skipped (a type GIFT cannot
express) and notes on those it wrote with a change, each with its reason, and the stored images
the text names (written beside it in a zip by the caller, see ``gift_export_files``).

What Moodle's importer reads back (``question/format/gift/format.php``): every text in
``[markdown]``, the characters ``~ = # { } :`` and ``\\`` escaped, new lines as ``\\n`` (a blank
line would end the question), partial credit as ``%50%``, a catch-all answer as ``%0%*`` (short
answer) or ``~#…`` (numeric), the explanation as the general feedback ``####…``. Importing the
text with ``gift.parse_gift`` gives the same questions back (tested for every type GIFT has).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from learnapp.core import markdown
from learnapp.core.messages import translate
from learnapp.core.problems import N_, Messages, Problem

MESSAGES = Messages({
    "ordering": N_("Question à remettre dans l'ordre : GIFT n'a pas ce type, non exportée."),
    "image_choice": N_("Choix d'image : GIFT n'a pas de choix par images, non exportée."),
    "unknown_type": N_("Type « %(type)s » inconnu de GIFT, non exporté."),
    "arrow_in_pair": N_("Une paire contient « -> », que GIFT ne sait pas écrire dans un appariement : "
                        "non exportée."),
    "unit_dropped": N_("Unité « %(unit)s » non exportée : GIFT n'a pas d'unité (la valeur l'est)."),
    "wildcard_answer": N_("La réponse « %(text)s » contient « * », que Moodle lit comme un joker."),
})
# The comment at the top of the file that names each question left out.
SKIPPED_LINE = N_("Non exportée : %(key)s — %(reason)s")

_SPECIAL = "~=#{}:"


@dataclass(frozen=True)
class ExportProblem(Problem):
    """A question of the bank (``key``) left out of the file (``skipped``) or written with a change."""

    skipped: bool = False


def export_problem(key: str, code: str, skipped: bool, params: dict | None = None) -> ExportProblem:
    return ExportProblem(code, dict(params or {}), key=key, skipped=skipped, template=MESSAGES[code])


@dataclass(frozen=True)
class ExportQuestion:
    key: str
    type: str
    prompt: str  # Markdown, images as ``media:<sha256>.<ext>``
    explanation: str
    definition: dict


@dataclass
class ExportResult:
    text: str
    written: list[str]  # keys
    problems: list[ExportProblem]
    images: list[str]  # stored image names (``<sha256>.<ext>``) the text refers to

    @property
    def skipped(self) -> list[ExportProblem]:
        return [p for p in self.problems if p.skipped]


class _Skip(Exception):  # noqa: N818 (control flow: a question GIFT cannot express)
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def escape(text: str) -> str:
    """A text as GIFT writes it: ``\\`` and ``~ = # { } :`` escaped, new lines as ``\\n``."""
    text = text.replace("\\", "\\\\")
    for char in _SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


_READ_AS_MARKUP = re.compile(r"^\s*(%-?\d|\[(markdown|html|plain|moodle)\])", re.IGNORECASE)


def answer(text: str) -> str:
    """An answer's text: one that would read as a weight (« %50% ») or a format gets ``[plain]``."""
    return ("[plain]" if _READ_AS_MARKUP.match(text) else "") + escape(text)


def number(value) -> str:
    """14.0 → « 14 », 3.1415 → « 3.1415 » (GIFT's decimal point)."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def percent(value: float) -> str:
    """A weight as Moodle writes it: 50 → « 50 », 100/3 → « 33.33333 »."""
    text = f"{float(value):.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class _Images:
    """Image sources of the bank's Markdown (``media:…``) → names in the zip (``images/…``)."""

    def __init__(self):
        self.names: dict[str, None] = {}

    def __call__(self, text: str) -> str:
        replacements = {}
        for source in markdown.image_sources(text):
            parsed = markdown.parse_media_ref(source.src)
            if parsed:
                name = f"{parsed[0]}.{parsed[1]}"
                self.names[name] = None
                replacements[source.src] = f"images/{name}"
        return markdown.replace_image_sources(text, replacements) if replacements else text


def _feedback(text: str | None) -> str:
    return f"#{escape(text)}" if text else ""


def _choices(question: ExportQuestion, notes: list) -> str:
    choices = question.definition["choices"]
    lines = []
    if question.type == "multiple":
        # Our rule for several answers is Moodle's weights: each right one +1/R, each wrong one −1/W.
        right = sum(1 for c in choices if c.get("correct"))
        wrong = len(choices) - right
        for choice in choices:
            weight = 100 / right if choice.get("correct") else (-100 / wrong if wrong else 0)
            lines.append(f"~%{percent(weight)}%{answer(choice['text'])}{_feedback(choice.get('feedback'))}")
    else:
        for choice in choices:
            if choice.get("correct"):
                head = "="
            elif choice.get("credit"):
                head = f"~%{percent(choice['credit'])}%"
            else:
                head = "~"
            lines.append(f"{head}{answer(choice['text'])}{_feedback(choice.get('feedback'))}")
    return "\n\t".join(lines)


def _true_false(question: ExportQuestion, notes: list) -> str:
    return "TRUE" if question.definition["answer"] else "FALSE"


def _short_text(question: ExportQuestion, notes: list) -> str:
    definition = question.definition
    answers = [(text, None) for text in definition["answers"]]
    answers += [(part["text"], part["credit"]) for part in definition.get("partial") or []]
    lines = []
    for text, credit in answers:
        if "*" in text:
            notes.append(("wildcard_answer", {"text": text[:60]}))
        lines.append(f"={'' if credit is None else f'%{percent(credit)}%'}{answer(text)}")
    if definition.get("other_feedback"):
        lines.append(f"=%0%*{_feedback(definition['other_feedback'])}")
    return "\n\t".join(lines)


def _range(part: dict) -> str:
    if part.get("answer") is not None:
        tolerance = round(float(part["max"]) - float(part["answer"]), 12)
        return f"{number(part['answer'])}:{number(tolerance)}" if tolerance else number(part["answer"])
    return f"{number(part['min'])}..{number(part['max'])}"


def _numeric(question: ExportQuestion, notes: list) -> str:
    definition = question.definition
    if definition.get("unit"):
        notes.append(("unit_dropped", {"unit": definition["unit"]}))
    partial, other = definition.get("partial") or [], definition.get("other_feedback")
    if not partial and not other:
        return "#" + _range(definition)
    lines = [f"={_range(definition)}"]
    lines += [f"=%{percent(part['credit'])}%{_range(part)}" for part in partial]
    if other:
        lines.append(f"~{_feedback(other)}")
    return "#\n\t" + "\n\t".join(lines)


def _matching(question: ExportQuestion, notes: list) -> str:
    definition = question.definition
    texts = [t for p in definition["pairs"] for t in (p["left"], p["right"])]
    texts += [d["text"] for d in definition.get("distractors") or []]
    if any("->" in text for text in texts):
        raise _Skip("arrow_in_pair")
    lines = [f"={answer(p['left'])} -> {escape(p['right'])}" for p in definition["pairs"]]
    lines += [f"= -> {escape(d['text'])}" for d in definition.get("distractors") or []]
    return "\n\t".join(lines)


def _not_in_gift(code: str) -> Callable:
    def skip(question: ExportQuestion, notes: list) -> str:
        raise _Skip(code)

    return skip


# What each of our types becomes; a type GIFT lacks says why it is skipped.
WRITERS: dict[str, Callable[[ExportQuestion, list], str]] = {
    "single": _choices, "multiple": _choices, "true_false": _true_false, "short_text": _short_text,
    "numeric": _numeric, "matching": _matching,
    "ordering": _not_in_gift("ordering"), "image_choice": _not_in_gift("image_choice"),
}


def export_gift(questions: Iterable[ExportQuestion], *, heading: str = "") -> ExportResult:
    """The questions as one GIFT text; skipped ones listed in comments at its top, too."""
    images = _Images()
    blocks, written, problems = [], [], []
    for question in questions:
        writer = WRITERS.get(question.type)
        notes: list[tuple[str, dict]] = []
        try:
            if writer is None:
                raise _Skip("unknown_type", type=question.type)
            body = writer(question, notes)
        except _Skip as skip:
            problems.append(export_problem(question.key, skip.code, True, skip.params))
            continue
        problems.extend(export_problem(question.key, code, False, params) for code, params in notes)
        general = f"\n\t####{escape(images(question.explanation))}" if question.explanation.strip() else ""
        blocks.append(f"// [id:{question.key}]\n::{escape(question.key)}::[markdown]{escape(images(question.prompt))}"
                      f"{{\n\t{body}{general}\n}}")
        written.append(question.key)
    head = [f"// {line}" for line in heading.splitlines()] if heading else []
    head += ["// " + translate(SKIPPED_LINE, {"key": p.key, "reason": p.message}) for p in problems if p.skipped]
    text = "\n\n".join((["\n".join(head)] if head else []) + blocks)
    return ExportResult(text=text + "\n", written=written, problems=problems, images=list(images.names))
