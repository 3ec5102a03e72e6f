"""Question types: a registry of classes, one per type (no if/elif chain over types).

Each type knows how to

- ``build`` its definition from the fields written in a question file (checking them and giving
  every choice a stable id), reporting problems instead of raising;
- ``present`` a question to one learner (shuffle with a seeded ``random.Random``), stored with
  the attempt so the learner always sees the same thing;
- ``view`` what its input template may show: never which answer is right;
- ``parse`` what a browser sent against that presentation (an unknown option id, a value out of
  range, a missing part, too much data: ``AnswerError``);
- ``grade`` an answer to a credit between 0.0 and 1.0 (an empty or malformed answer: 0.0);
- ``review`` the answer after it is final, with the right answer.

And everything else about itself, so that nothing outside this module branches on a type's name:

- its ``label`` (lazy translated) and its templates: input, review, staff editor, staff preview;
- its staff editor fields (``editor_fields``), filled from a definition (``to_form``) and read
  back into the question file's shape (``from_form``), and which editor field each of its
  problems belongs to (``problem_fields``);
- what its statistics count: its options (``stat_options``), the options an answer picked
  (``chosen_options``) and whether exactly one option is right (``one_key``);
- the answer the demo cohort gives, right or wrong (``demo_values``).

Adding a type is a class here (with ``@register``) plus its templates and translations.

No database. The strings a person reads are French, translated by ``learnapp.core.i18n``;
editor fields are WTForms fields (no request needed to build them).
"""

from __future__ import annotations

import hashlib
import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from random import Random
from typing import Any, ClassVar

from flask_babel import lazy_gettext
from wtforms import BooleanField, FieldList, Form, FormField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import Length, Optional

from learnapp.core.i18n import _
from learnapp.core.problems import N_, Messages, Problem
from learnapp.quizzes.rules import fold_text

# Limits that keep a forged or careless request from costing anything.
MAX_VALUES = 60  # values of one question in one request
MAX_TEXT = 200  # characters of a typed answer
MAX_NUMBER_TEXT = 40
MAX_MAGNITUDE = 1e15
MAX_CHOICES = 10
MAX_ITEMS = 10
MAX_OPTION_TEXT = 500

# What the loader passes to resolve an image path: path → stored image reference
# ({"sha256", "ext", "width", "height"}); raises ImageUnavailable.
ImageResolver = Callable[[str], dict]


# What each problem of a question's definition says (French ids, translated when shown).
MESSAGES = Messages({
    "choices_count": N_("Il faut une liste « choices » de %(min)s à %(max)s choix."),
    "choice_not_mapping": N_("Chaque choix s'écrit « - text: … » (et « correct: true » pour un bon choix)."),
    "choice_without_text": N_("Chaque choix a besoin d'un texte (« text »)."),
    "choice_without_image": N_("Chaque choix a besoin d'une image (« image »)."),
    "image_without_alt": N_("Chaque image a besoin d'un texte de remplacement (« alt ») qui dit ce qu'elle "
                            "montre."),
    "unknown_choice_field": N_("Champ inconnu dans un choix : %(fields)s."),
    "option_too_long": N_("Texte trop long : %(max)s caractères au plus."),
    "correct_not_bool": N_("« correct » vaut true ou false."),
    "feedback_not_text": N_("« feedback » est un texte."),
    "duplicate_choice": N_("Deux choix sont identiques."),
    "one_correct": N_("Il faut exactement un choix marqué « correct: true »."),
    "some_correct": N_("Au moins un choix doit être marqué « correct: true »."),
    "images_not_supported": N_("Les images ne peuvent pas être importées ainsi."),
    "image_missing": N_("Image « %(src)s » introuvable (les images sont dans le dossier images/ du quiz)."),
    "image_bad_name": N_("Image « %(src)s » : écrivez images/nom.png (lettres, chiffres, tirets ; .png, .jpg, "
                         ".gif ou .webp)."),
    "image_not_image": N_("« %(src)s » n'est pas une image lisible (PNG, JPEG, GIF ou WebP)."),
    "image_too_large": N_("Image « %(src)s » trop lourde ou trop grande (5 Mo et 16 millions de pixels au plus)."),
    "answer_not_bool": N_("« answer » vaut true (vrai) ou false (faux)."),
    "items_count": N_("Il faut une liste « items » de 3 à %(max)s éléments, écrits dans le bon ordre."),
    "item_not_text": N_("Chaque élément est un texte court (%(max)s caractères au plus)."),
    "duplicate_item": N_("Deux éléments sont identiques."),
    "pairs_count": N_("Il faut une liste « pairs » de 2 à %(max)s paires « {left: …, right: …} »."),
    "pair_not_mapping": N_("Chaque paire s'écrit « {left: …, right: …} »."),
    "distractors_not_texts": N_("« distractors » est une liste de textes."),
    "duplicate_pair_text": N_("Chaque texte ne peut figurer qu'une fois de chaque côté."),
    "too_many_distractors": N_("Trop de réponses proposées : %(max)s intrus au plus."),
    "unit_not_text": N_("« unit » est un texte court, par exemple « mètres »."),
    "answer_and_range": N_("Écrivez soit « answer » (et « tolerance »), soit « min » et « max », pas les deux."),
    "answer_not_number": N_("« answer » est un nombre et « tolerance » un nombre positif ou nul."),
    "bad_range": N_("Donnez « answer » (et « tolerance »), ou « min » et « max » avec min ≤ max."),
    "number_too_large": N_("Ce nombre est trop grand."),
    "answers_missing": N_("Il faut une liste « answers » d'au moins une réponse acceptée."),
    "bad_credit": N_("« credit » est un pourcentage entre 1 et 99 : les points d'une réponse en partie juste "
                     "(une réponse entièrement juste s'écrit sans « credit »)."),
    "credit_and_correct": N_("Un choix en partie juste (« credit ») ne peut pas être aussi « correct: true »."),
    "other_feedback_not_text": N_("« other_feedback » est un texte (%(max)s caractères au plus)."),
    "partial_not_list": N_("« partial » est une liste de réponses en partie justes, chacune avec son « credit »."),
    "answer_not_mapping": N_("Chaque réponse est un texte, ou « {text: …, credit: 50} » pour une réponse en "
                             "partie juste."),
    "bad_accepted_answer": N_("Une réponse acceptée contient au moins une lettre ou un chiffre, et %(max)s "
                              "caractères au plus."),
})


@dataclass(frozen=True)
class TypeProblem(Problem):
    """Something wrong in a question's definition: a core :class:`Problem` whose ``field`` is the
    dotted place in the question (``choices.2.text``), which also keeps that place as a tuple
    (``path``), so the loader can give the file's line."""

    path: tuple = ()


def _problem(path: tuple, code: str, params: Mapping[str, Any] | None = None) -> TypeProblem:
    return TypeProblem(code, dict(params or {}), field=".".join(map(str, path)), path=path,
                       template=MESSAGES[code])


class ImageUnavailable(ValueError):
    """Raised by an image resolver; ``code``: image_missing | image_bad_name | image_not_image |
    image_too_large."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class AnswerError(ValueError):
    """A submitted answer that cannot be taken. ``code``: unknown_option | too_many |
    duplicate | incomplete | out_of_range | not_a_number | too_long | malformed."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return ANSWER_ERRORS.get(self.code, ANSWER_ERRORS["malformed"])()


ANSWER_ERRORS: dict[str, Callable[[], str]] = {
    "unknown_option": lambda: _("Cette réponse ne fait pas partie des choix proposés."),
    "too_many": lambda: _("Cette réponse contient trop de valeurs."),
    "duplicate": lambda: _("Chaque place ne peut être donnée qu'une fois."),
    "incomplete": lambda: _("Donnez une place à chaque élément."),
    "out_of_range": lambda: _("Cette valeur est hors des limites possibles."),
    "not_a_number": lambda: _("Écrivez un nombre, par exemple 14 ou 2,5."),
    "too_long": lambda: _("Cette réponse est trop longue."),
    "malformed": lambda: _("Cette réponse n'a pas pu être comprise."),
}

COMMON_FIELDS = frozenset({"id", "type", "tiers", "audiences", "lesson", "tags", "prompt", "explanation"})

REGISTRY: dict[str, QuestionType] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    REGISTRY[cls.name] = cls()
    return cls


def get(name: str) -> QuestionType:
    """The type named ``name``; ``KeyError`` for an unknown one."""
    return REGISTRY[name]


ORDER = ("single", "multiple", "true_false", "ordering", "matching", "numeric", "short_text", "image_choice")


def option_counting() -> list[str]:
    """Types whose statistics count how often each option is chosen."""
    return [name for name, kind in REGISTRY.items() if kind.counts_options]


def names() -> list[str]:
    """Registered types, in the documented order first."""
    return sorted(REGISTRY, key=lambda name: (ORDER.index(name) if name in ORDER else len(ORDER), name))


def option_id(key: str, kind: str, text: str) -> str:
    """A stable id for an option: from the question's key and the option's own text, never
    from its position or whether it is right (the page shows ids, and must show nothing else)."""
    digest = hashlib.sha256(f"{key}\x1f{kind}\x1f{text}".encode()).hexdigest()
    return f"{kind[0]}{digest[:10]}"


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _only(values: Mapping[str, Sequence[str]], allowed: set[str]) -> None:
    """Refuse parts the presentation does not have, and payloads too big to be honest."""
    if set(values) - allowed:
        raise AnswerError("unknown_option")
    if sum(len(v) for v in values.values()) > MAX_VALUES:
        raise AnswerError("too_many")
    for parts in values.values():
        for part in parts:
            if not isinstance(part, str) or len(part) > MAX_TEXT * 2:
                raise AnswerError("too_long")


def _check_choice_fields(raw: Mapping, allowed: set[str], index: int, problems: list[Problem]) -> None:
    unknown = set(raw) - allowed
    if unknown:
        problems.append(_problem(("choices", index), "unknown_choice_field",
                                {"fields": ", ".join(sorted(map(str, unknown)))}))


def _credit(value: Any) -> int | float | None:
    """A partial credit as written in a file: a percentage strictly between 0 and 100, else None."""
    if not _is_number(value) or not 0 < value < 100:
        return None
    return int(value) if float(value).is_integer() else float(value)


def _other_feedback(raw: Mapping, problems: list[Problem]) -> str:
    """The catch-all feedback (``other_feedback``): shown for any answer that earns nothing."""
    value = raw.get("other_feedback")
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_OPTION_TEXT:
        problems.append(_problem(("other_feedback",), "other_feedback_not_text", {"max": MAX_OPTION_TEXT}))
        return ""
    return value.strip()


def _form_credit(text: str | None, errors, name: str) -> int | float | None:
    """A percentage typed in the editor (« 50 », « 50 % », « 33,3 »); a message when it is not 1-99."""
    text = (text or "").replace("%", "").strip()
    if not text:
        return None
    try:
        value = parse_number(text)
    except AnswerError:
        value = None
    credit = _credit(int(value) if value is not None and value.is_integer() else value)
    if credit is None:
        errors.add(name, _("Une réponse en partie juste vaut de 1 à %(max)s %% des points.", max=99))
    return credit


def _single_value(values: Mapping[str, Sequence[str]]) -> str | None:
    _only(values, {""})
    parts = [p for p in values.get("", []) if p != ""]
    if not parts:
        return None
    if len(parts) > 1:
        raise AnswerError("too_many")
    return parts[0]


def _typed_value(values: Mapping[str, Sequence[str]]) -> str | None:
    """What the learner typed in the question's one text field, or None when it is blank."""
    text = _single_value(values)
    return text if text is not None and text.strip() else None


def split_lines(text: str | None, limit: int = 60) -> list[str]:
    """Non-empty stripped lines of an editor's text area, at most ``limit``."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()][:limit]


def _number_text(value) -> str:
    """A stored number as the editor shows it: 14.0 → « 14 », 2.5 → « 2,5 »."""
    if value is None:
        return ""
    value = float(value)
    return (str(int(value)) if value.is_integer() else repr(value)).replace(".", ",")


def _form_number(form_field, errors, name: str):
    """The number typed in an editor field, or None when blank (a message in ``errors`` when it
    is not a number)."""
    text = (form_field.data or "").strip()
    if not text:
        return None
    try:
        value = parse_number(text)
    except AnswerError:
        errors.add(name, _("Écrivez un nombre, par exemple 14 ou 2,5."))
        return None
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


class ChoiceRow(Form):
    """One choice in the staff editor (for an image choice, ``text`` is the picture's description)."""

    text = StringField(lazy_gettext("Texte du choix"), validators=[Optional(), Length(max=MAX_OPTION_TEXT)])
    correct = BooleanField(lazy_gettext("Bonne réponse"))
    feedback = StringField(lazy_gettext("Commentaire montré après la réponse"),
                           validators=[Optional(), Length(max=MAX_OPTION_TEXT)])
    credit = StringField(lazy_gettext("En partie juste : % des points (facultatif)"),
                         validators=[Optional(), Length(max=6)],
                         description=lazy_gettext("De 1 à 99, pour un choix qui n'est pas la bonne réponse."))


class PairRow(Form):
    left = StringField(lazy_gettext("Élément"), validators=[Optional(), Length(max=MAX_OPTION_TEXT)])
    right = StringField(lazy_gettext("Va avec"), validators=[Optional(), Length(max=MAX_OPTION_TEXT)])


class QuestionType(ABC):
    """What every question type knows: build its definition, present, parse, grade, review;
    its editor, its statistics and its demo answer."""

    name: ClassVar[str] = ""
    label: ClassVar[Any] = ""  # lazy translated
    template: ClassVar[str] = ""  # the input, inside the question's fieldset
    review_template: ClassVar[str] = ""
    editor_template: ClassVar[str] = ""  # its fields in the staff editor
    preview_template: ClassVar[str] = ""  # its right answers, as the staff preview shows them
    fields: ClassVar[frozenset[str]] = frozenset()  # the type's own fields in a question file
    # Editor fields whose fieldset shows its own errors (not under a single input).
    editor_groups: ClassVar[frozenset[str]] = frozenset()
    # Which editor field each problem of ``build`` belongs to (problem code → field name).
    problem_fields: ClassVar[Mapping[str, str]] = {}
    # Statistics: options counted (``stat_options`` not empty) and whether exactly one is right.
    counts_options: ClassVar[bool] = False
    one_key: ClassVar[bool] = False

    @abstractmethod
    def build(self, raw: Mapping, key: str, images: ImageResolver | None = None) -> tuple[dict, list[Problem]]:
        ...

    def present(self, definition: dict, rng: Random) -> dict:
        return {}

    @abstractmethod
    def view(self, definition: dict, presentation: dict, answer: dict | None) -> dict:
        ...

    @abstractmethod
    def parse(self, definition: dict, presentation: dict, values: Mapping[str, Sequence[str]]) -> dict | None:
        """The answer sent for this question, or ``None`` when nothing was given."""
        ...

    @abstractmethod
    def grade(self, definition: dict, answer: Any) -> float:
        ...

    @abstractmethod
    def review(self, definition: dict, presentation: dict, answer: dict | None) -> dict:
        ...

    # The staff editor -----------------------------------------------------------------------

    def editor_fields(self) -> dict[str, Any]:
        """The type's own WTForms fields (unbound), added to the editor's common ones."""
        return {}

    @abstractmethod
    def to_form(self, definition: dict, form) -> None:
        """Fill the type's editor fields from a stored definition."""

    @abstractmethod
    def from_form(self, form, definition: dict, errors) -> dict:
        """The type's fields in a question file's shape, from the editor (``definition``: the
        stored one being edited). A value the form cannot give: ``errors.add(field, message)``."""

    # Statistics ---------------------------------------------------------------------------------

    def stat_options(self, definition: dict) -> list[tuple[str, Any, bool]]:
        """(option id, label, right) in the question's order, for the option counts; none by default."""
        return []

    def chosen_options(self, answer: Any) -> list[str]:
        """The option ids a stored answer picked (for the option counts)."""
        return []

    # The demo -----------------------------------------------------------------------------------

    @abstractmethod
    def demo_values(self, definition: dict, right: bool, rng: Random) -> dict[str, list[str]]:
        """What the quiz page's form sends for this question, right or wrong, keyed as ``parse``
        reads it ("" for the question's own field, else the part's id)."""


# Choices -------------------------------------------------------------------------------------

class _Choices(QuestionType):
    """Shared by single, multiple and image choice: a list of options, some right."""

    kind = "choice"
    fields = frozenset({"choices"})
    min_choices = 2
    max_choices = MAX_CHOICES
    editor_template = "quizzes/types/_choice_editor.html"
    preview_template = "quizzes/types/_choice_preview.html"
    editor_groups = frozenset({"choices"})
    editor_hint: ClassVar[Any] = ""
    blank_rows = 2  # empty rows the editor offers for new choices
    problem_fields = dict.fromkeys(
        ("choices_count", "choice_not_mapping", "choice_without_text", "choice_without_image", "image_without_alt",
         "unknown_choice_field", "option_too_long", "correct_not_bool", "feedback_not_text", "duplicate_choice",
         "one_correct", "some_correct", "images_not_supported", "image_missing", "image_bad_name",
         "image_not_image", "image_too_large", "bad_credit", "credit_and_correct"), "choices")
    counts_options = True
    partial_credit: ClassVar[bool] = False  # a choice may carry ``credit`` (percent) when not right

    def _allowed(self, *names: str) -> set[str]:
        return {*names, "correct", "feedback", *(("credit",) if self.partial_credit else ())}

    def _option(self, raw: Mapping, key: str, index: int, images, problems) -> dict | None:
        text = raw.get("text")
        if not _is_text(text):
            problems.append(_problem(("choices", index), "choice_without_text"))
            return None
        if len(text) > MAX_OPTION_TEXT:
            problems.append(_problem(("choices", index, "text"), "option_too_long", {"max": MAX_OPTION_TEXT}))
        _check_choice_fields(raw, self._allowed("text"), index, problems)
        option = {"id": option_id(key, self.kind, text.strip()), "text": text.strip()}
        return option

    def build(self, raw, key, images=None):
        problems: list[Problem] = []
        choices = raw.get("choices")
        if not isinstance(choices, list) or not (self.min_choices <= len(choices) <= self.max_choices):
            return {}, [_problem(("choices",), "choices_count", {"min": self.min_choices, "max": self.max_choices})]
        options = []
        for index, item in enumerate(choices):
            if not isinstance(item, Mapping):
                problems.append(_problem(("choices", index), "choice_not_mapping"))
                continue
            correct = item.get("correct", False)
            if not isinstance(correct, bool):
                problems.append(_problem(("choices", index, "correct"), "correct_not_bool"))
            feedback = item.get("feedback", "")
            if feedback is None:
                feedback = ""
            if not isinstance(feedback, str):
                problems.append(_problem(("choices", index, "feedback"), "feedback_not_text"))
                feedback = ""
            credit = None
            if self.partial_credit and item.get("credit") is not None:
                credit = _credit(item["credit"])
                if credit is None:
                    problems.append(_problem(("choices", index, "credit"), "bad_credit"))
                elif correct is True:
                    problems.append(_problem(("choices", index, "credit"), "credit_and_correct"))
            option = self._option(item, key, index, images, problems)
            if option is not None:
                option["correct"] = correct is True
                if credit is not None and correct is not True:
                    option["credit"] = credit
                if feedback.strip():
                    option["feedback"] = feedback.strip()
                options.append(option)
        ids = [o["id"] for o in options]
        if len(set(ids)) != len(ids):
            problems.append(_problem(("choices",), "duplicate_choice"))
        if len(options) == len(choices):
            problems.extend(self._check_correct(options))
        return {"choices": options}, problems

    def _check_correct(self, options: list[dict]) -> list[Problem]:
        if sum(o["correct"] for o in options) != 1:
            return [_problem(("choices",), "one_correct")]
        return []

    def present(self, definition, rng):
        order = sorted(o["id"] for o in definition["choices"])
        rng.shuffle(order)
        return {"order": order}

    def _by_id(self, definition) -> dict[str, dict]:
        return {o["id"]: o for o in definition["choices"]}

    def _chosen(self, answer) -> set[str]:
        if not isinstance(answer, dict):
            return set()
        if isinstance(answer.get("choice"), str):
            return {answer["choice"]}
        choices = answer.get("choices")
        if isinstance(choices, list):
            return {c for c in choices if isinstance(c, str)}
        return set()

    def _public(self, option: dict) -> dict:
        return {"id": option["id"], "text": option["text"]}

    def view(self, definition, presentation, answer):
        by_id = self._by_id(definition)
        chosen = self._chosen(answer)
        return {"options": [{**self._public(by_id[i]), "checked": i in chosen}
                            for i in presentation["order"] if i in by_id]}

    def review(self, definition, presentation, answer):
        by_id = self._by_id(definition)
        chosen = self._chosen(answer)
        return {"options": [{**self._public(by_id[i]), "chosen": i in chosen, "correct": by_id[i]["correct"],
                             "credit": by_id[i].get("credit"), "feedback": by_id[i].get("feedback", "")}
                            for i in presentation["order"] if i in by_id]}

    def editor_fields(self):
        return {"choices": FieldList(FormField(ChoiceRow), min_entries=0, max_entries=MAX_CHOICES)}

    def to_form(self, definition, form):
        choices = definition.get("choices") or []
        for choice in choices:
            form.choices.append_entry({"text": choice.get("text", ""), "correct": bool(choice.get("correct")),
                                       "feedback": choice.get("feedback", ""),
                                       "credit": _number_text(choice["credit"]) if choice.get("credit") else ""})
        for _blank in range(max(0, min(self.blank_rows, MAX_CHOICES - len(choices)))):
            form.choices.append_entry({})

    def _row(self, row, first: dict, errors=None) -> dict:
        """One editor row as a choice of the file: ``first`` (its text or picture), then right,
        partial credit (types that have it) and comment."""
        choice = {**first, "correct": bool(row.form.correct.data)}
        if self.partial_credit and errors is not None and not choice["correct"]:
            credit = _form_credit(row.form.credit.data, errors, "choices")
            if credit is not None:
                choice["credit"] = credit
        if (row.form.feedback.data or "").strip():
            choice["feedback"] = row.form.feedback.data.strip()
        return choice

    def from_form(self, form, definition, errors):
        return {"choices": [self._row(row, {"text": (row.form.text.data or "").strip()}, errors)
                            for row in form.choices if (row.form.text.data or "").strip()]}

    def stat_options(self, definition):
        return [(choice["id"], choice["text"], bool(choice.get("correct")))
                for choice in definition.get("choices") or []]

    def chosen_options(self, answer):
        if not isinstance(answer, dict):
            return []
        if isinstance(answer.get("choice"), str):
            return [answer["choice"]]
        choices = answer.get("choices")
        if isinstance(choices, list):
            return list(dict.fromkeys(c for c in choices if isinstance(c, str)))
        return []

    def demo_values(self, definition, right, rng):
        choices = definition["choices"]
        if right:
            return {"": [next(c["id"] for c in choices if c["correct"])]}
        wrong = [c["id"] for c in choices if not c["correct"]]
        weights = [0.62, 0.3, 0.08, 0.0, 0.0, 0.0][:len(wrong)]
        return {"": [rng.choices(wrong, weights=weights)[0]]}


@register
class SingleChoice(_Choices):
    name = "single"
    label = lazy_gettext("Choix unique")
    template = "quizzes/types/_choice.html"
    review_template = "quizzes/types/_choice_review.html"
    editor_hint = lazy_gettext("Cochez exactement une bonne réponse ; un autre choix peut rapporter une part des "
                               "points. Laissez un texte vide pour retirer un choix.")
    one_key = True
    partial_credit = True

    def parse(self, definition, presentation, values):
        value = _single_value(values)
        if value is None:
            return None
        if value not in presentation["order"]:
            raise AnswerError("unknown_option")
        return {"choice": value}

    def grade(self, definition, answer):
        if not isinstance(answer, dict) or set(answer) != {"choice"} or not isinstance(answer["choice"], str):
            return 0.0
        option = self._by_id(definition).get(answer["choice"])
        if option is None:
            return 0.0
        return 1.0 if option["correct"] else (_credit(option.get("credit")) or 0) / 100


@register
class MultipleChoice(_Choices):
    """Several right choices. Each right choice ticked earns 1/R of the point, each wrong
    choice ticked costs 1/W (R right and W wrong choices); the credit never goes below 0.
    All right and none wrong: 1. Everything ticked: 0. Nothing ticked: 0."""

    name = "multiple"
    label = lazy_gettext("Choix multiple")
    template = "quizzes/types/_choice.html"
    review_template = "quizzes/types/_choice_review.html"
    editor_hint = lazy_gettext("Cochez toutes les bonnes réponses. Laissez un texte vide pour retirer un choix.")

    def _check_correct(self, options):
        if not any(o["correct"] for o in options):
            return [_problem(("choices",), "some_correct")]
        return []

    def view(self, definition, presentation, answer):
        return {**super().view(definition, presentation, answer), "multiple": True}

    def parse(self, definition, presentation, values):
        _only(values, {""})
        parts = [p for p in values.get("", []) if p != ""]
        if not parts:
            return None
        if len(parts) != len(set(parts)):
            raise AnswerError("malformed")
        if len(parts) > len(presentation["order"]):
            raise AnswerError("too_many")
        allowed = set(presentation["order"])
        if any(p not in allowed for p in parts):
            raise AnswerError("unknown_option")
        return {"choices": sorted(parts)}

    def grade(self, definition, answer):
        if not isinstance(answer, dict) or set(answer) != {"choices"}:
            return 0.0
        chosen = answer["choices"]
        if not isinstance(chosen, list) or not chosen or not all(isinstance(c, str) for c in chosen):
            return 0.0
        by_id = self._by_id(definition)
        if len(set(chosen)) != len(chosen) or any(c not in by_id for c in chosen):
            return 0.0
        right = sum(1 for o in by_id.values() if o["correct"])
        wrong = len(by_id) - right
        gained = sum(1 for c in chosen if by_id[c]["correct"]) / right
        lost = sum(1 for c in chosen if not by_id[c]["correct"]) / wrong if wrong else 0.0
        return max(0.0, min(1.0, gained - lost))

    def demo_values(self, definition, right, rng):
        good = [c["id"] for c in definition["choices"] if c["correct"]]
        bad = [c["id"] for c in definition["choices"] if not c["correct"]]
        if right or not bad:
            return {"": good}
        return {"": good[:-1] + [rng.choice(bad)]}


@register
class ImageChoice(SingleChoice):
    """Like single choice, with a picture (and its text alternative) for each choice."""

    name = "image_choice"
    label = lazy_gettext("Choix d'image")
    kind = "image"
    template = "quizzes/types/_image_choice.html"
    review_template = "quizzes/types/_image_choice_review.html"
    max_choices = 6
    editor_hint = lazy_gettext("Les images restent celles des fichiers ; vous pouvez changer leur description et "
                               "la bonne réponse.")
    blank_rows = 0  # the editor changes descriptions and answers; pictures come from the files
    partial_credit = False

    def _option(self, raw, key, index, images, problems):
        path, alt = raw.get("image"), raw.get("alt")
        _check_choice_fields(raw, self._allowed("image", "alt"), index, problems)
        if not _is_text(path):
            problems.append(_problem(("choices", index), "choice_without_image"))
            return None
        if not _is_text(alt):
            problems.append(_problem(("choices", index), "image_without_alt"))
            return None
        if len(alt) > MAX_OPTION_TEXT:
            problems.append(_problem(("choices", index, "alt"), "option_too_long", {"max": MAX_OPTION_TEXT}))
        if images is None:
            problems.append(_problem(("choices", index, "image"), "images_not_supported"))
            return None
        try:
            image = images(path.strip())
        except ImageUnavailable as error:
            problems.append(_problem(("choices", index, "image"), error.code, {"src": path.strip()[:80]}))
            return None
        return {"id": option_id(key, self.kind, f"{path.strip()}|{alt.strip()}"), "text": alt.strip(),
                "image": image}

    def _public(self, option):
        return {"id": option["id"], "text": option["text"], "image": option["image"]}

    def from_form(self, form, definition, errors):
        # The editor names each stored picture ``images/<sha256>.<ext>``, in the stored order.
        paths = [f"images/{c['image']['sha256']}.{c['image']['ext']}" for c in definition.get("choices", [])
                 if isinstance(c.get("image"), dict)]
        return {"choices": [self._row(row, {"image": path, "alt": (row.form.text.data or "").strip()})
                            for row, path in zip(form.choices, paths, strict=False)]}


@register
class TrueFalse(QuestionType):
    name = "true_false"
    label = lazy_gettext("Vrai ou faux")
    template = "quizzes/types/_true_false.html"
    review_template = "quizzes/types/_choice_review.html"
    editor_template = "quizzes/types/_true_false_editor.html"
    preview_template = "quizzes/types/_true_false_preview.html"
    fields = frozenset({"answer"})
    editor_groups = frozenset({"answer"})
    problem_fields = {"answer_not_bool": "answer"}
    counts_options = True
    one_key = True

    def build(self, raw, key, images=None):
        if not isinstance(raw.get("answer"), bool):
            return {}, [_problem(("answer",), "answer_not_bool")]
        return {"answer": raw["answer"]}, []

    def _rows(self, answer) -> list[dict]:
        """Vrai and Faux, each with whether the learner picked it."""
        value = self._value(answer)
        return [{"id": i, "text": t, "picked": value is not None and (i == "true") == value}
                for i, t in (("true", _("Vrai")), ("false", _("Faux")))]

    def _value(self, answer) -> bool | None:
        if isinstance(answer, dict) and set(answer) == {"value"} and isinstance(answer["value"], bool):
            return answer["value"]
        return None

    def view(self, definition, presentation, answer):
        return {"options": [{"id": r["id"], "text": r["text"], "checked": r["picked"]} for r in self._rows(answer)]}

    def parse(self, definition, presentation, values):
        value = _single_value(values)
        if value is None:
            return None
        if value not in ("true", "false"):
            raise AnswerError("unknown_option")
        return {"value": value == "true"}

    def grade(self, definition, answer):
        value = self._value(answer)
        return 1.0 if value is not None and value == definition["answer"] else 0.0

    def review(self, definition, presentation, answer):
        return {"options": [{"id": r["id"], "text": r["text"], "chosen": r["picked"],
                             "correct": (r["id"] == "true") == definition["answer"], "feedback": ""}
                            for r in self._rows(answer)]}

    def editor_fields(self):
        return {"answer": RadioField(lazy_gettext("La bonne réponse"),
                                     choices=[SelectChoice("true", lazy_gettext("Vrai")),
                                              SelectChoice("false", lazy_gettext("Faux"))],
                                     validators=[Optional()])}

    def to_form(self, definition, form):
        form.answer.data = "true" if definition.get("answer") else "false"

    def from_form(self, form, definition, errors):
        if form.answer.data not in ("true", "false"):
            errors.add("answer", _("Choisissez la bonne réponse : vrai ou faux."))
        return {"answer": form.answer.data == "true"}

    def stat_options(self, definition):
        answer = definition.get("answer")
        return [("true", lazy_gettext("Vrai"), answer is True), ("false", lazy_gettext("Faux"), answer is False)]

    def chosen_options(self, answer):
        value = answer.get("value") if isinstance(answer, dict) else None
        return ["true" if value else "false"] if isinstance(value, bool) else []

    def demo_values(self, definition, right, rng):
        return {"": ["true" if definition["answer"] == right else "false"]}


@register
class Ordering(QuestionType):
    """Items listed in the right order in the file, shown shuffled (never already in order).

    The learner gives each item its place. Credit: the share of the n - 1 links « this item
    comes right before that one » that the learner got right; so moving one item costs little,
    a reversed list earns nothing."""

    name = "ordering"
    label = lazy_gettext("Remettre dans l'ordre")
    template = "quizzes/types/_ordering.html"
    review_template = "quizzes/types/_ordering_review.html"
    editor_template = "quizzes/types/_ordering_editor.html"
    preview_template = "quizzes/types/_ordering_preview.html"
    fields = frozenset({"items"})
    problem_fields = dict.fromkeys(("items_count", "item_not_text", "duplicate_item"), "items")

    def build(self, raw, key, images=None):
        items = raw.get("items")
        if not isinstance(items, list) or not (3 <= len(items) <= MAX_ITEMS):
            return {}, [_problem(("items",), "items_count", {"max": MAX_ITEMS})]
        problems = []
        for index, item in enumerate(items):
            if not _is_text(item) or len(item) > MAX_OPTION_TEXT:
                problems.append(_problem(("items", index), "item_not_text", {"max": MAX_OPTION_TEXT}))
        if problems:
            return {}, problems
        texts = [item.strip() for item in items]
        if len(set(texts)) != len(texts):
            return {}, [_problem(("items",), "duplicate_item")]
        return {"items": [{"id": option_id(key, "item", t), "text": t} for t in texts]}, []

    def present(self, definition, rng):
        right = [i["id"] for i in definition["items"]]
        order = sorted(right)
        rng.shuffle(order)
        if order == right:  # never shown already in order: move the first item to the end
            order = order[1:] + order[:1]
        return {"order": order}

    def _order(self, definition, answer) -> list[str] | None:
        if not isinstance(answer, dict) or set(answer) != {"order"} or not isinstance(answer["order"], list):
            return None
        order = answer["order"]
        ids = [i["id"] for i in definition["items"]]
        if len(order) != len(ids) or not all(isinstance(i, str) for i in order) or sorted(order) != sorted(ids):
            return None
        return order

    def _texts(self, definition) -> dict[str, str]:
        return {i["id"]: i["text"] for i in definition["items"]}

    def view(self, definition, presentation, answer):
        texts = self._texts(definition)
        order = self._order(definition, answer) or []
        place = {item_id: n for n, item_id in enumerate(order, start=1)}
        return {"items": [{"id": i, "text": texts[i], "position": place.get(i)} for i in presentation["order"]],
                "positions": list(range(1, len(texts) + 1))}

    def parse(self, definition, presentation, values):
        ids = list(presentation["order"])
        _only(values, set(ids))
        given = {}
        for item_id in ids:
            parts = [p for p in values.get(item_id, []) if p != ""]
            if len(parts) > 1:
                raise AnswerError("too_many")
            if parts:
                given[item_id] = parts[0]
        if not given:
            return None
        if len(given) != len(ids):
            raise AnswerError("incomplete")
        places = {}
        for item_id, text in given.items():
            if not (text.isascii() and text.isdigit()) or len(text) > 3:
                raise AnswerError("out_of_range")
            place = int(text)
            if not 1 <= place <= len(ids):
                raise AnswerError("out_of_range")
            places[item_id] = place
        if len(set(places.values())) != len(ids):
            raise AnswerError("duplicate")
        return {"order": sorted(ids, key=places.__getitem__)}

    def grade(self, definition, answer):
        order = self._order(definition, answer)
        if order is None:
            return 0.0
        right = [i["id"] for i in definition["items"]]
        follows = {right[n]: right[n + 1] for n in range(len(right) - 1)}
        good = sum(1 for n in range(len(order) - 1) if follows.get(order[n]) == order[n + 1])
        return good / (len(right) - 1)

    def review(self, definition, presentation, answer):
        texts = self._texts(definition)
        right = [i["id"] for i in definition["items"]]
        order = self._order(definition, answer)
        return {"given": [{"text": texts[i], "correct": i == right[n]} for n, i in enumerate(order)] if order else [],
                "right": [texts[i] for i in right]}

    def editor_fields(self):
        return {"items": TextAreaField(lazy_gettext("Éléments, dans le bon ordre"),
                                       validators=[Optional(), Length(max=6000)],
                                       description=lazy_gettext("Un par ligne : ils seront montrés mélangés."))}

    def to_form(self, definition, form):
        form.items.data = "\n".join(item["text"] for item in definition.get("items") or [])

    def from_form(self, form, definition, errors):
        return {"items": split_lines(form.items.data)}

    def demo_values(self, definition, right, rng):
        order = [item["id"] for item in definition["items"]]
        if not right:
            at = rng.randrange(len(order) - 1)
            order[at], order[at + 1] = order[at + 1], order[at]
        return {item_id: [str(place)] for place, item_id in enumerate(order, start=1)}


@register
class Matching(QuestionType):
    """Pairs listed matched in the file; both sides shown shuffled. Optional ``distractors``:
    extra right-hand answers that match nothing. Credit: the share of pairs matched right."""

    name = "matching"
    label = lazy_gettext("Associer par paires")
    template = "quizzes/types/_matching.html"
    review_template = "quizzes/types/_matching_review.html"
    editor_template = "quizzes/types/_matching_editor.html"
    preview_template = "quizzes/types/_matching_preview.html"
    fields = frozenset({"pairs", "distractors"})
    editor_groups = frozenset({"pairs"})
    problem_fields = {**dict.fromkeys(("pairs_count", "pair_not_mapping", "duplicate_pair_text", "too_many_distractors",
                                       "option_too_long"), "pairs"),
                      "distractors_not_texts": "distractors"}

    def build(self, raw, key, images=None):
        pairs, distractors = raw.get("pairs"), raw.get("distractors") or []
        if not isinstance(pairs, list) or not (2 <= len(pairs) <= MAX_ITEMS):
            return {}, [_problem(("pairs",), "pairs_count", {"max": MAX_ITEMS})]
        problems = []
        built = []
        for index, pair in enumerate(pairs):
            if (not isinstance(pair, Mapping) or set(pair) != {"left", "right"} or not _is_text(pair["left"])
                    or not _is_text(pair["right"])):
                problems.append(_problem(("pairs", index), "pair_not_mapping"))
                continue
            left, right = pair["left"].strip(), pair["right"].strip()
            if max(len(left), len(right)) > MAX_OPTION_TEXT:
                problems.append(_problem(("pairs", index), "option_too_long", {"max": MAX_OPTION_TEXT}))
            built.append({"id": option_id(key, "left", left), "left": left,
                          "right_id": option_id(key, "right", right), "right": right})
        if not isinstance(distractors, list) or not all(_is_text(d) for d in distractors):
            problems.append(_problem(("distractors",), "distractors_not_texts"))
            distractors = []
        extra = [{"id": option_id(key, "right", d.strip()), "text": d.strip()} for d in distractors]
        lefts = [p["id"] for p in built]
        rights = [p["right_id"] for p in built] + [d["id"] for d in extra]
        if len(set(lefts)) != len(lefts) or len(set(rights)) != len(rights):
            problems.append(_problem(("pairs",), "duplicate_pair_text"))
        if len(rights) > MAX_ITEMS + 4:
            problems.append(_problem(("distractors",), "too_many_distractors", {"max": 4}))
        return {"pairs": built, "distractors": extra}, problems

    def present(self, definition, rng):
        lefts = sorted(p["id"] for p in definition["pairs"])
        rights = sorted([p["right_id"] for p in definition["pairs"]] + [d["id"] for d in definition["distractors"]])
        rng.shuffle(lefts)
        rng.shuffle(rights)
        return {"lefts": lefts, "rights": rights}

    def _texts(self, definition):
        lefts = {p["id"]: p["left"] for p in definition["pairs"]}
        rights = {p["right_id"]: p["right"] for p in definition["pairs"]}
        rights.update({d["id"]: d["text"] for d in definition["distractors"]})
        return lefts, rights

    def _pairs(self, definition, answer) -> dict[str, str]:
        if not isinstance(answer, dict) or set(answer) != {"pairs"} or not isinstance(answer["pairs"], dict):
            return {}
        lefts, rights = self._texts(definition)
        pairs = answer["pairs"]
        if not pairs or any(k not in lefts or not isinstance(v, str) or v not in rights for k, v in pairs.items()):
            return {}
        return pairs

    def view(self, definition, presentation, answer):
        lefts, rights = self._texts(definition)
        chosen = self._pairs(definition, answer)
        return {"lefts": [{"id": i, "text": lefts[i], "chosen": chosen.get(i)} for i in presentation["lefts"]],
                "rights": [{"id": i, "text": rights[i]} for i in presentation["rights"]]}

    def parse(self, definition, presentation, values):
        lefts, rights = presentation["lefts"], set(presentation["rights"])
        _only(values, set(lefts))
        pairs = {}
        for left in lefts:
            parts = [p for p in values.get(left, []) if p != ""]
            if len(parts) > 1:
                raise AnswerError("too_many")
            if parts:
                if parts[0] not in rights:
                    raise AnswerError("unknown_option")
                pairs[left] = parts[0]
        return {"pairs": pairs} if pairs else None

    def grade(self, definition, answer):
        chosen = self._pairs(definition, answer)
        if not chosen:
            return 0.0
        good = sum(1 for p in definition["pairs"] if chosen.get(p["id"]) == p["right_id"])
        return good / len(definition["pairs"])

    def review(self, definition, presentation, answer):
        _, rights = self._texts(definition)
        chosen = self._pairs(definition, answer)
        by_left = {p["id"]: p for p in definition["pairs"]}
        rows = []
        for left in presentation["lefts"]:
            pair = by_left[left]
            given = chosen.get(left)
            rows.append({"left": pair["left"], "given": rights.get(given, "") if given else "",
                         "right": pair["right"], "correct": given == pair["right_id"]})
        return {"rows": rows}

    def editor_fields(self):
        return {"pairs": FieldList(FormField(PairRow), min_entries=0, max_entries=MAX_ITEMS),
                "distractors": TextAreaField(
                    lazy_gettext("Intrus (facultatif)"), validators=[Optional(), Length(max=3000)],
                    description=lazy_gettext("Réponses en trop, une par ligne, qui ne vont avec rien."))}

    def to_form(self, definition, form):
        pairs = definition.get("pairs") or []
        for pair in pairs:
            form.pairs.append_entry({"left": pair["left"], "right": pair["right"]})
        for _blank in range(min(2, MAX_ITEMS - len(pairs))):
            form.pairs.append_entry({})
        form.distractors.data = "\n".join(d["text"] for d in definition.get("distractors") or [])

    def from_form(self, form, definition, errors):
        data: dict = {"pairs": []}
        for row in form.pairs:
            left, right = (row.form.left.data or "").strip(), (row.form.right.data or "").strip()
            if left or right:
                data["pairs"].append({"left": left, "right": right})
        distractors = split_lines(form.distractors.data)
        if distractors:
            data["distractors"] = distractors
        return data

    def demo_values(self, definition, right, rng):
        pairs = definition["pairs"]
        rights = [pair["right_id"] for pair in pairs]
        if not right:
            rights = rights[1:] + rights[:1]
        return {pair["id"]: [answer] for pair, answer in zip(pairs, rights, strict=True)}


def parse_number(text: str) -> float:
    """« 14 », « 2,5 », « -3.25 », « 1 000 » → a float; ``AnswerError`` otherwise."""
    if len(text) > MAX_NUMBER_TEXT:
        raise AnswerError("too_long")
    cleaned = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    if not cleaned or any(ch not in "0123456789.-+eE" for ch in cleaned):
        raise AnswerError("not_a_number")
    try:
        value = float(cleaned)
    except ValueError:
        raise AnswerError("not_a_number") from None
    if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
        raise AnswerError("out_of_range")
    return value


@register
class Numeric(QuestionType):
    """A number: ``answer`` with an optional ``tolerance`` (answer ± tolerance), or ``min`` and
    ``max``; bounds included. Optional ``unit`` shown beside the field."""

    name = "numeric"
    label = lazy_gettext("Nombre")
    template = "quizzes/types/_numeric.html"
    review_template = "quizzes/types/_numeric_review.html"
    editor_template = "quizzes/types/_numeric_editor.html"
    preview_template = "quizzes/types/_numeric_preview.html"
    fields = frozenset({"answer", "tolerance", "min", "max", "unit", "partial", "other_feedback"})
    problem_fields = {"unit_not_text": "unit", "answer_and_range": "value", "answer_not_number": "value",
                      "number_too_large": "value", "bad_range": "minimum", "partial_not_list": "value",
                      "bad_credit": "value", "other_feedback_not_text": "other_feedback"}

    def build(self, raw, key, images=None):
        unit = raw.get("unit")
        problems = []
        if unit is not None and (not isinstance(unit, str) or len(unit) > 40):
            problems.append(_problem(("unit",), "unit_not_text"))
            unit = None
        main, problem = _numeric_range(raw, ())
        if problem is not None:
            return {}, [problem]
        answer, low, high = main
        if max(abs(low), abs(high)) > MAX_MAGNITUDE:
            problems.append(_problem(("answer",), "number_too_large"))
        definition = {"answer": answer, "min": float(low), "max": float(high), "unit": (unit or "").strip()}
        partial = raw.get("partial")
        if partial is not None:
            if not isinstance(partial, list) or len(partial) > MAX_CHOICES:
                problems.append(_problem(("partial",), "partial_not_list"))
            else:
                built = []
                for index, item in enumerate(partial):
                    if not isinstance(item, Mapping) or set(item) - {"answer", "tolerance", "min", "max", "credit"}:
                        problems.append(_problem(("partial", index), "partial_not_list"))
                        continue
                    spec, problem = _numeric_range(item, ("partial", index))
                    credit = _credit(item.get("credit"))
                    if problem is not None:
                        problems.append(problem)
                    elif credit is None:
                        problems.append(_problem(("partial", index, "credit"), "bad_credit"))
                    else:
                        built.append({"answer": spec[0], "min": float(spec[1]), "max": float(spec[2]),
                                      "credit": credit})
                if built:
                    definition["partial"] = built
        other = _other_feedback(raw, problems)
        if other:
            definition["other_feedback"] = other
        return definition, problems

    def _credit_of(self, definition, value: float) -> tuple[float, dict | None]:
        """(credit, the partly right range it fell in) of a number."""
        def inside(low, high):
            slack = 1e-9 * max(1.0, abs(low), abs(high))
            return low - slack <= value <= high + slack

        if inside(definition["min"], definition["max"]):
            return 1.0, None
        best = None
        for part in definition.get("partial") or []:
            if inside(part["min"], part["max"]) and (best is None or part["credit"] > best["credit"]):
                best = part
        return (best["credit"] / 100, best) if best else (0.0, None)

    def _value(self, answer) -> float | None:
        if not isinstance(answer, dict) or not _is_number(answer.get("value")):
            return None
        if set(answer) - {"value", "text"}:
            return None
        return float(answer["value"])

    def view(self, definition, presentation, answer):
        text = answer.get("text", "") if isinstance(answer, dict) and isinstance(answer.get("text"), str) else ""
        return {"text": text, "unit": definition.get("unit", "")}

    def parse(self, definition, presentation, values):
        text = _typed_value(values)
        if text is None:
            return None
        return {"value": parse_number(text), "text": text.strip()}

    def grade(self, definition, answer):
        value = self._value(answer)
        if value is None:
            return 0.0
        return self._credit_of(definition, value)[0]

    def review(self, definition, presentation, answer):
        view = self.view(definition, presentation, answer)
        exact = definition["min"] == definition["max"]
        value = self._value(answer)
        credit, part = self._credit_of(definition, value) if value is not None else (0.0, None)
        return {"given": view["text"], "unit": definition.get("unit", ""), "answer": definition.get("answer"),
                "min": _plain(definition["min"]), "max": _plain(definition["max"]), "exact": exact,
                "partial": [{"min": _plain(p["min"]), "max": _plain(p["max"]), "exact": p["min"] == p["max"],
                             "credit": p["credit"]} for p in definition.get("partial") or []],
                "credit_part": part["credit"] if part else None,
                "other_feedback": definition.get("other_feedback", "") if value is not None and credit == 0 else ""}

    def editor_fields(self):
        def number(label, description=None):
            return StringField(label, validators=[Optional(), Length(max=40)], description=description)

        return {"value": number(lazy_gettext("Valeur juste"), lazy_gettext(
                    "Par exemple 14 ou 2,5. Laissez vide pour donner un intervalle.")),
                "tolerance": number(lazy_gettext("Tolérance (plus ou moins)")),
                "minimum": number(lazy_gettext("Au moins")),
                "maximum": number(lazy_gettext("Au plus")),
                "unit": number(lazy_gettext("Unité")),
                "other_feedback": _other_feedback_field()}

    def to_form(self, definition, form):
        if definition.get("answer") is not None:
            form.value.data = _number_text(definition["answer"])
            tolerance = float(definition["max"]) - float(definition["answer"])
            form.tolerance.data = _number_text(round(tolerance, 12)) if tolerance else ""
        else:
            form.minimum.data = _number_text(definition.get("min"))
            form.maximum.data = _number_text(definition.get("max"))
        form.unit.data = definition.get("unit", "")
        form.other_feedback.data = definition.get("other_feedback", "")

    def from_form(self, form, definition, errors):
        data: dict = {}
        value, tolerance = _form_number(form.value, errors, "value"), _form_number(form.tolerance, errors, "tolerance")
        low, high = _form_number(form.minimum, errors, "minimum"), _form_number(form.maximum, errors, "maximum")
        if value is not None:
            data["answer"] = value
            if tolerance is not None:
                data["tolerance"] = tolerance
        elif low is not None or high is not None:
            data["min"], data["max"] = low, high
        elif "value" not in errors:
            errors.add("value", _("Donnez la valeur juste, ou un intervalle (au moins, au plus)."))
        if (form.unit.data or "").strip():
            data["unit"] = form.unit.data.strip()
        # Partly right values are written in files or come from GIFT; the editor keeps them.
        partial = [_numeric_source(part) | {"credit": part["credit"]} for part in definition.get("partial") or []]
        if partial:
            data["partial"] = partial
        if (form.other_feedback.data or "").strip():
            data["other_feedback"] = form.other_feedback.data.strip()
        return data

    def demo_values(self, definition, right, rng):
        low, high = definition["min"], definition["max"]
        value = definition["answer"] if definition.get("answer") is not None else (low + high) / 2
        if not right:
            value = high + max(1.0, abs(high) * 0.25)
        return {"": [f"{value:g}"]}


def _numeric_range(raw: Mapping, path: tuple) -> tuple[tuple, TypeProblem | None]:
    """``answer`` (± ``tolerance``) or ``min``/``max`` of a mapping → ((answer, low, high), problem)."""
    if "answer" in raw:
        answer, tolerance = raw.get("answer"), raw.get("tolerance", 0)
        if "min" in raw or "max" in raw:
            return (), _problem((*path, "answer"), "answer_and_range")
        if not _is_number(answer) or not _is_number(tolerance) or tolerance < 0:
            return (), _problem((*path, "answer"), "answer_not_number")
        return (answer, answer - tolerance, answer + tolerance), None
    low, high = raw.get("min"), raw.get("max")
    if not _is_number(low) or not _is_number(high) or low > high:
        return (), _problem((*path, "min"), "bad_range")
    return (None, low, high), None


def _numeric_source(part: dict) -> dict:
    """A stored range as a file writes it: answer and tolerance, or min and max."""
    if part.get("answer") is not None:
        tolerance = round(float(part["max"]) - float(part["answer"]), 12)
        return {"answer": part["answer"], "tolerance": int(tolerance) if tolerance.is_integer() else tolerance}
    return {"min": _whole(part["min"]), "max": _whole(part["max"])}


def _whole(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _other_feedback_field():
    return StringField(lazy_gettext("Commentaire pour toute autre réponse (facultatif)"),
                       validators=[Optional(), Length(max=MAX_OPTION_TEXT)],
                       description=lazy_gettext("Montré après une réponse qui ne rapporte aucun point."))


def _plain(value: float) -> str:
    """14.0 → « 14 », 2.5 → « 2,5 » (French decimal comma)."""
    return (f"{value:.6f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))).replace(".", ",")


@register
class ShortText(QuestionType):
    """A few words typed by the learner, compared with each accepted answer ignoring case,
    accents, spaces, hyphens, apostrophes and punctuation."""

    name = "short_text"
    label = lazy_gettext("Réponse courte")
    template = "quizzes/types/_short_text.html"
    review_template = "quizzes/types/_short_text_review.html"
    editor_template = "quizzes/types/_short_text_editor.html"
    preview_template = "quizzes/types/_short_text_preview.html"
    fields = frozenset({"answers", "other_feedback"})
    problem_fields = {**dict.fromkeys(("answers_missing", "bad_accepted_answer", "answer_not_mapping", "bad_credit"),
                                      "answers"),
                      "other_feedback_not_text": "other_feedback"}

    def build(self, raw, key, images=None):
        answers = raw.get("answers")
        if isinstance(answers, str):
            answers = [answers]
        if not isinstance(answers, list) or not answers or len(answers) > MAX_VALUES:
            return {}, [_problem(("answers",), "answers_missing")]
        problems: list[Problem] = []
        full, partial = [], []
        for index, item in enumerate(answers):
            credit = None
            if isinstance(item, Mapping):  # {text: Cat, credit: 50}: partly right
                if set(item) - {"text", "credit"} or not _is_text(item.get("text")):
                    problems.append(_problem(("answers", index), "answer_not_mapping"))
                    continue
                if item.get("credit") is not None:
                    credit = _credit(item["credit"])
                    if credit is None:
                        problems.append(_problem(("answers", index, "credit"), "bad_credit"))
                        continue
                item = item["text"]
            if not _is_text(item):
                problems.append(_problem(("answers", index), "answer_not_mapping"))
                continue
            if not fold_text(item) or len(item) > MAX_TEXT:
                problems.append(_problem(("answers", index), "bad_accepted_answer", {"max": MAX_TEXT}))
            if credit is None:
                full.append(item.strip())
            else:
                partial.append({"text": item.strip(), "credit": credit})
        if not full and not problems:
            problems.append(_problem(("answers",), "answers_missing"))
        definition: dict = {"answers": full}
        if partial:
            definition["partial"] = partial
        other = _other_feedback(raw, problems)
        if other:
            definition["other_feedback"] = other
        return definition, problems

    def _text(self, answer) -> str | None:
        if isinstance(answer, dict) and set(answer) == {"text"} and isinstance(answer["text"], str):
            return answer["text"]
        return None

    def _match(self, definition, answer) -> tuple[float, dict | None]:
        """(credit, the partly right answer it matched) of a typed answer."""
        text = self._text(answer)
        if text is None or len(text) > MAX_TEXT:
            return 0.0, None
        folded = fold_text(text)
        if not folded:
            return 0.0, None
        if folded in {fold_text(a) for a in definition["answers"]}:
            return 1.0, None
        matches = [p for p in definition.get("partial") or [] if fold_text(p["text"]) == folded]
        best = max(matches, key=lambda p: p["credit"], default=None)
        return (best["credit"] / 100, best) if best else (0.0, None)

    def view(self, definition, presentation, answer):
        return {"text": self._text(answer) or "", "max_length": MAX_TEXT}

    def parse(self, definition, presentation, values):
        text = _typed_value(values)
        if text is None:
            return None
        if len(text) > MAX_TEXT:
            raise AnswerError("too_long")
        return {"text": text.strip()}

    def grade(self, definition, answer):
        return self._match(definition, answer)[0]

    def review(self, definition, presentation, answer):
        credit, part = self._match(definition, answer)
        given = self._text(answer) or ""
        return {"given": given, "answers": definition["answers"], "partial": definition.get("partial") or [],
                "credit_part": part["credit"] if part else None,
                "other_feedback": definition.get("other_feedback", "") if given and credit == 0 else ""}

    def editor_fields(self):
        return {"answers": TextAreaField(
            lazy_gettext("Réponses acceptées"), validators=[Optional(), Length(max=4000)],
            description=lazy_gettext("Une par ligne. Majuscules, accents et espaces ne comptent pas.")),
                "partial": TextAreaField(
            lazy_gettext("Réponses en partie justes (facultatif)"), validators=[Optional(), Length(max=4000)],
            description=lazy_gettext("Une par ligne, les points d'abord : « 50 % : Saint-Malo ».")),
                "other_feedback": _other_feedback_field()}

    def to_form(self, definition, form):
        form.answers.data = "\n".join(definition.get("answers") or [])
        form.partial.data = "\n".join(f"{_number_text(p['credit'])} % : {p['text']}"
                                      for p in definition.get("partial") or [])
        form.other_feedback.data = definition.get("other_feedback", "")

    def from_form(self, form, definition, errors):
        data: dict = {"answers": split_lines(form.answers.data)}
        for line in split_lines(form.partial.data):
            credit, colon, text = line.partition(":")
            value = _form_credit(credit, errors, "partial") if colon and text.strip() else None
            if not colon or not text.strip():
                errors.add("partial", _("Écrivez chaque réponse en partie juste ainsi : « 50 % : Saint-Malo »."))
            elif value is not None:
                data["answers"].append({"text": text.strip(), "credit": value})
        if (form.other_feedback.data or "").strip():
            data["other_feedback"] = form.other_feedback.data.strip()
        return data

    def demo_values(self, definition, right, rng):
        return {"": [definition["answers"][0] if right else "je ne sais pas"]}
