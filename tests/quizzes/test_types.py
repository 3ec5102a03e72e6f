"""Question types without an app: definitions, presentations, parsing and grading.

Property tests (hypothesis): a right answer earns the whole point, an empty or malformed answer
earns nothing, forged input is refused, and what a page may show never depends on the answer.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
import wtforms
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from learnapp.quizzes import rules, types

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèàç ", min_size=1, max_size=12).map(str.strip).filter(bool)
SEED = st.integers(0, 2**31 - 2)
# Anything a stored answer could hold if it were tampered with.
JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=10)


def build(name, raw, key="q"):
    definition, problems = types.get(name).build(raw, key)
    assert problems == [], [p.message for p in problems]
    return definition


@st.composite
def choice_questions(draw, multiple=False):
    texts = draw(st.lists(WORD, min_size=2, max_size=8, unique=True))
    if multiple:
        correct = draw(st.lists(st.booleans(), min_size=len(texts), max_size=len(texts)).filter(any))
    else:
        right = draw(st.integers(0, len(texts) - 1))
        correct = [n == right for n in range(len(texts))]
    return {"choices": [{"text": t, "correct": c} for t, c in zip(texts, correct, strict=True)]}


def right_ids(definition):
    return [c["id"] for c in definition["choices"] if c["correct"]]


def wrong_ids(definition):
    return [c["id"] for c in definition["choices"] if not c["correct"]]


# The right answer earns the point ----------------------------------------------------------------

@given(choice_questions(), SEED)
def test_single_right_choice_earns_one_and_any_other_nothing(raw, seed):
    kind = types.get("single")
    definition = build("single", raw)
    presentation = kind.present(definition, random.Random(seed))
    assert sorted(presentation["order"]) == sorted(c["id"] for c in definition["choices"])
    for option in definition["choices"]:
        answer = kind.parse(definition, presentation, {"": [option["id"]]})
        assert kind.grade(definition, answer) == (1.0 if option["correct"] else 0.0)


@given(choice_questions(multiple=True), st.data())
def test_multiple_partial_credit_follows_the_documented_rule(raw, data):
    kind = types.get("multiple")
    definition = build("multiple", raw)
    presentation = kind.present(definition, random.Random(1))
    ids = [c["id"] for c in definition["choices"]]
    chosen = data.draw(st.lists(st.sampled_from(ids), unique=True, min_size=1))
    answer = kind.parse(definition, presentation, {"": chosen})
    right, wrong = set(right_ids(definition)), set(wrong_ids(definition))
    expected = len(right & set(chosen)) / len(right) - (len(wrong & set(chosen)) / len(wrong) if wrong else 0)
    assert kind.grade(definition, answer) == pytest.approx(max(0.0, expected))
    assert kind.grade(definition, {"choices": sorted(right)}) == 1.0
    if wrong:  # ticking everything is not a strategy
        assert kind.grade(definition, {"choices": ids}) == 0.0


def test_multiple_examples():
    kind = types.get("multiple")
    definition = build("multiple", {"choices": [{"text": "a", "correct": True}, {"text": "b", "correct": True},
                                                {"text": "c"}, {"text": "d"}]})
    a, b, c, _d = (choice["id"] for choice in definition["choices"])
    assert kind.grade(definition, {"choices": [a]}) == 0.5
    assert kind.grade(definition, {"choices": [a, b]}) == 1.0
    assert kind.grade(definition, {"choices": [a, b, c]}) == 0.5
    assert kind.grade(definition, {"choices": [a, c]}) == 0.0


@given(st.booleans(), SEED)
def test_true_false(answer, seed):
    kind = types.get("true_false")
    definition = build("true_false", {"answer": answer})
    presentation = kind.present(definition, random.Random(seed))
    right = kind.parse(definition, presentation, {"": ["true" if answer else "false"]})
    wrong = kind.parse(definition, presentation, {"": ["false" if answer else "true"]})
    assert (kind.grade(definition, right), kind.grade(definition, wrong)) == (1.0, 0.0)


@given(st.lists(WORD, min_size=3, max_size=8, unique=True), SEED, st.data())
def test_ordering_credit_counts_the_links_kept(items, seed, data):
    kind = types.get("ordering")
    definition = build("ordering", {"items": items})
    presentation = kind.present(definition, random.Random(seed))
    right = [i["id"] for i in definition["items"]]
    assert sorted(presentation["order"]) == sorted(right) and presentation["order"] != right
    order = data.draw(st.permutations(right))
    values = {item_id: [str(order.index(item_id) + 1)] for item_id in right}
    answer = kind.parse(definition, presentation, values)
    assert answer == {"order": list(order)}
    links = {(right[n], right[n + 1]) for n in range(len(right) - 1)}
    kept = sum(1 for n in range(len(order) - 1) if (order[n], order[n + 1]) in links)
    assert kind.grade(definition, answer) == pytest.approx(kept / (len(right) - 1))
    assert kind.grade(definition, {"order": right}) == 1.0
    assert kind.grade(definition, {"order": right[::-1]}) == 0.0


@given(st.lists(st.tuples(WORD, WORD), min_size=2, max_size=6, unique_by=(lambda p: p[0], lambda p: p[1])),
       SEED, st.data())
def test_matching_credit_is_the_share_of_pairs_matched(pairs, seed, data):
    kind = types.get("matching")
    definition = build("matching", {"pairs": [{"left": left, "right": right} for left, right in pairs]})
    presentation = kind.present(definition, random.Random(seed))
    rights = [p["right_id"] for p in definition["pairs"]]
    chosen = data.draw(st.lists(st.sampled_from(rights), min_size=len(rights), max_size=len(rights)))
    values = {p["id"]: [choice] for p, choice in zip(definition["pairs"], chosen, strict=True)}
    answer = kind.parse(definition, presentation, values)
    good = sum(1 for p, choice in zip(definition["pairs"], chosen, strict=True) if p["right_id"] == choice)
    assert kind.grade(definition, answer) == pytest.approx(good / len(pairs))
    perfect = {p["id"]: [p["right_id"]] for p in definition["pairs"]}
    assert kind.grade(definition, kind.parse(definition, presentation, perfect)) == 1.0


@given(st.floats(-1e6, 1e6), st.floats(0, 100), st.floats(-2, 2))
def test_numeric_accepts_the_tolerance_and_nothing_beyond(answer, tolerance, where):
    kind = types.get("numeric")
    definition = build("numeric", {"answer": answer, "tolerance": tolerance})
    value = answer + where * tolerance
    expected = 1.0 if abs(where) <= 1 else 0.0
    # The very edge (within float rounding of the bounds) is left out.
    assume(abs(abs(where) - 1) * tolerance > 1e-8 * max(1.0, abs(answer)))
    assert kind.grade(definition, {"value": value, "text": str(value)}) == expected


def test_numeric_reads_french_numbers_and_ranges():
    kind = types.get("numeric")
    definition = build("numeric", {"min": 12, "max": 15, "unit": "mètres"})
    for text, credit in [("14", 1.0), ("14,5", 1.0), (" 12 ", 1.0), ("15.0", 1.0), ("15,01", 0.0), ("1 000", 0.0)]:
        assert kind.grade(definition, kind.parse(definition, {}, {"": [text]})) == credit, text
    for text in ["quatorze", "1e999", "nan", "inf", "14 m", "--1"]:
        with pytest.raises(types.AnswerError):
            kind.parse(definition, {}, {"": [text]})


@given(st.lists(WORD.filter(lambda w: rules.fold_text(w)), min_size=1, max_size=4), st.data())
def test_short_text_ignores_case_accents_and_spaces(answers, data):
    kind = types.get("short_text")
    definition = build("short_text", {"answers": answers})
    accepted = data.draw(st.sampled_from(answers))
    variant = data.draw(st.sampled_from([accepted.upper(), f"  {accepted} ", accepted.replace(" ", ""),
                                         accepted.replace("é", "e").replace("è", "E")]))
    assert kind.grade(definition, kind.parse(definition, {}, {"": [variant]})) == 1.0
    other = data.draw(WORD)
    assume(rules.fold_text(other) not in {rules.fold_text(a) for a in answers})
    assert kind.grade(definition, {"text": other}) == 0.0


def test_image_choice_needs_a_resolver_and_alt_texts():
    kind = types.get("image_choice")
    raw = {"choices": [{"image": "images/a.png", "alt": "Le Mont", "correct": True},
                       {"image": "images/b.png", "alt": "La tour"}]}
    _, problems = kind.build(raw, "q")
    assert {p.code for p in problems} == {"images_not_supported"}
    ref = {"sha256": "0" * 64, "ext": "png", "width": 10, "height": 10}
    definition, problems = kind.build(raw, "q", lambda path: ref)
    assert problems == []
    presentation = kind.present(definition, random.Random(3))
    right = right_ids(definition)[0]
    assert kind.grade(definition, kind.parse(definition, presentation, {"": [right]})) == 1.0
    _, problems = kind.build({"choices": [{"image": "images/a.png", "correct": True}, {"image": "b.png", "alt": "x"}]},
                             "q", lambda path: ref)
    assert [p.code for p in problems] == ["image_without_alt"]


# Empty, malformed and forged answers earn nothing or are refused -----------------------------------

def sample_definitions():
    ref = {"sha256": "0" * 64, "ext": "png", "width": 10, "height": 10}
    return {
        "single": build("single", {"choices": [{"text": "a", "correct": True}, {"text": "b"}]}),
        "multiple": build("multiple", {"choices": [{"text": "a", "correct": True}, {"text": "b"}, {"text": "c"}]}),
        "true_false": build("true_false", {"answer": False}),
        "ordering": build("ordering", {"items": ["a", "b", "c"]}),
        "matching": build("matching", {"pairs": [{"left": "a", "right": "1"}, {"left": "b", "right": "2"}]}),
        "numeric": build("numeric", {"answer": 0, "tolerance": 1}),
        "short_text": build("short_text", {"answers": ["Chausey"]}),
        "image_choice": types.get("image_choice").build(
            {"choices": [{"image": "a.png", "alt": "A", "correct": True}, {"image": "b.png", "alt": "B"}]}, "q",
            lambda path: ref)[0],
    }


DEFINITIONS = sample_definitions()


def test_every_type_is_registered_with_its_templates():
    assert set(types.names()) == {"single", "multiple", "true_false", "ordering", "matching", "numeric",
                                  "short_text", "image_choice"}
    assert set(DEFINITIONS) == set(types.names())
    for name in types.names():
        kind = types.get(name)
        assert kind.template.startswith("quizzes/types/_") and kind.review_template.startswith("quizzes/types/_")


TEMPLATES = Path(types.__file__).parent / "templates"


def test_every_type_owns_its_editor_preview_and_statistics():
    for name in types.names():
        kind = types.get(name)
        for template in (kind.template, kind.review_template, kind.editor_template, kind.preview_template):
            assert (TEMPLATES / template).is_file(), (name, template)
        assert kind.label
        # A type that counts options names each one once, and picks only those.
        options = kind.stat_options(DEFINITIONS[name])
        assert bool(options) == kind.counts_options
        assert len({option_id for option_id, _label, _right in options}) == len(options)
    assert set(types.option_counting()) == {"single", "multiple", "true_false", "image_choice"}
    assert {name for name in types.names() if types.get(name).one_key} == {"single", "true_false", "image_choice"}


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_the_demo_answer_is_what_the_page_sends_and_grades_as_meant(name):
    kind, definition = types.get(name), DEFINITIONS[name]
    presentation = kind.present(definition, random.Random(5))
    right = kind.parse(definition, presentation, kind.demo_values(definition, True, random.Random(1)))
    wrong = kind.parse(definition, presentation, kind.demo_values(definition, False, random.Random(1)))
    assert kind.grade(definition, right) == 1.0
    assert kind.grade(definition, wrong) < 1.0
    options = {option_id for option_id, _label, _right in kind.stat_options(definition)}
    if kind.counts_options:
        assert set(kind.chosen_options(right)) <= options and kind.chosen_options(right)


class _Errors(dict):
    def add(self, name, message):
        self.setdefault(name, []).append(str(message))


def _without_ids(value):
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if not k.endswith("id")}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_the_editor_gives_back_the_definition_it_was_filled_from(name):
    kind, definition = types.get(name), DEFINITIONS[name]
    form = type("EditorForm", (wtforms.Form,), kind.editor_fields())()
    kind.to_form(definition, form)
    errors = _Errors()
    raw = kind.from_form(form, definition, errors)
    assert errors == {}
    ref = {"sha256": "0" * 64, "ext": "png", "width": 10, "height": 10}
    rebuilt, problems = kind.build(raw, "q", lambda path: ref)
    assert problems == []
    # An image choice's pictures come back under their stored names (so their ids change).
    assert _without_ids(rebuilt) == _without_ids(definition)
    if name != "image_choice":
        assert rebuilt == definition


# The only answers that earn anything, written independently of the types' code.
WELL_FORMED_RIGHT = {
    "true_false": lambda a: a == {"value": False} and a["value"] is False,
    "numeric": lambda a: (isinstance(a, dict) and "value" in a and set(a) <= {"value", "text"}
                          and type(a["value"]) in (int, float) and -1 <= a["value"] <= 1),
    "short_text": lambda a: isinstance(a, dict) and set(a) == {"text"} and rules.fold_text(a["text"]) == "chausey",
}


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
@given(junk=JUNK)
@settings(max_examples=60)
def test_grading_never_raises_and_credits_no_malformed_answer(name, junk):
    kind, definition = types.get(name), DEFINITIONS[name]
    credit = kind.grade(definition, junk)
    assert 0.0 <= credit <= 1.0
    if credit > 0:
        # Option ids cannot be guessed, so only these types can be hit by chance, and only by
        # an answer of exactly the right shape and value.
        assert name in WELL_FORMED_RIGHT and WELL_FORMED_RIGHT[name](junk), junk


@pytest.mark.parametrize("name", sorted(WELL_FORMED_RIGHT))
@given(junk=JUNK)
@settings(max_examples=60)
def test_malformed_variants_of_a_right_answer_earn_nothing(name, junk):
    kind, definition = types.get(name), DEFINITIONS[name]
    right = {"true_false": {"value": False}, "numeric": {"value": 0, "text": "0"},
             "short_text": {"text": "Chausey"}}[name]
    assert kind.grade(definition, right) == 1.0
    for broken in ({**right, "extra": junk}, {"wrong": junk}, [right], {k: [v] for k, v in right.items()},
                   {k: str(v) if not isinstance(v, str) else None for k, v in right.items()}):
        assert kind.grade(definition, broken) == 0.0, broken


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_empty_answers_earn_nothing(name):
    kind, definition = types.get(name), DEFINITIONS[name]
    presentation = kind.present(definition, random.Random(0))
    assert kind.parse(definition, presentation, {}) is None
    for empty in (None, {}, [], "", {"choice": None}, {"choices": []}, {"order": []}, {"pairs": {}},
                  {"value": None}, {"text": ""}, {"text": "   "}):
        assert kind.grade(definition, empty) == 0.0


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
@given(data=st.data())
@settings(max_examples=40)
def test_any_form_input_is_either_refused_or_a_gradable_answer(name, data):
    kind, definition = types.get(name), DEFINITIONS[name]
    presentation = kind.present(definition, random.Random(0))
    ids = [str(v) for v in itertools.chain.from_iterable(
        v if isinstance(v, list) else [] for v in presentation.values())]
    parts = data.draw(st.dictionaries(st.sampled_from(["", *ids, "x", "q1"]),
                                      st.lists(st.sampled_from([*ids, "", "1", "2", "9", "true", "-3", "a" * 500]),
                                               max_size=3), max_size=4))
    try:
        answer = kind.parse(definition, presentation, parts)
    except types.AnswerError as error:
        assert error.code in types.ANSWER_ERRORS
        return
    assert answer is None or 0.0 <= kind.grade(definition, answer) <= 1.0


def test_forged_input_is_refused():
    other = build("single", {"choices": [{"text": "x", "correct": True}, {"text": "y"}]}, key="another-question")
    single = types.get("single")
    definition = DEFINITIONS["single"]
    presentation = single.present(definition, random.Random(0))
    refusals = [
        (single, definition, presentation, {"": [other["choices"][0]["id"]]}, "unknown_option"),
        (single, definition, presentation, {"": presentation["order"]}, "too_many"),
        (single, definition, presentation, {"extra": ["1"]}, "unknown_option"),
        (single, definition, presentation, {"": ["x"] * 100}, "too_many"),
    ]
    ordering = types.get("ordering")
    order_def = DEFINITIONS["ordering"]
    order_pres = ordering.present(order_def, random.Random(0))
    first, second, third = order_pres["order"]
    refusals += [
        (ordering, order_def, order_pres, {first: ["1"], second: ["2"]}, "incomplete"),
        (ordering, order_def, order_pres, {first: ["1"], second: ["2"], third: ["4"]}, "out_of_range"),
        (ordering, order_def, order_pres, {first: ["1"], second: ["1"], third: ["2"]}, "duplicate"),
        (ordering, order_def, order_pres, {first: ["1"], second: ["2"], third: ["-1"]}, "out_of_range"),
    ]
    matching = types.get("matching")
    match_def = DEFINITIONS["matching"]
    match_pres = matching.present(match_def, random.Random(0))
    refusals.append((matching, match_def, match_pres, {match_pres["lefts"][0]: ["r-forged"]}, "unknown_option"))
    text = types.get("short_text")
    refusals.append((text, DEFINITIONS["short_text"], {}, {"": ["a" * 300]}, "too_long"))
    for kind, definition_, presentation_, values, code in refusals:
        with pytest.raises(types.AnswerError) as caught:
            kind.parse(definition_, presentation_, values)
        assert caught.value.code == code, (kind.name, values)


# What a page may show never depends on the right answer ------------------------------------------

@given(choice_questions(), st.integers(0, 7), SEED)
def test_presentation_and_view_do_not_depend_on_which_choice_is_right(raw, other, seed):
    """Moving the « correct » flag changes nothing in what the browser receives."""
    assume(other < len(raw["choices"]))
    moved = {"choices": [{"text": c["text"], "correct": n == other} for n, c in enumerate(raw["choices"])]}
    for name in ("single", "multiple"):
        kind = types.get(name)
        first, second = build(name, raw), build(name, moved)
        p1, p2 = kind.present(first, random.Random(seed)), kind.present(second, random.Random(seed))
        assert p1 == p2
        assert kind.view(first, p1, None) == kind.view(second, p2, None)


@given(st.lists(st.tuples(WORD, WORD), min_size=3, max_size=5, unique_by=(lambda p: p[0], lambda p: p[1])), SEED)
def test_matching_view_does_not_depend_on_the_pairing(pairs, seed):
    kind = types.get("matching")
    lefts, rights = [p[0] for p in pairs], [p[1] for p in pairs]
    first = build("matching", {"pairs": [{"left": left, "right": right}
                                         for left, right in zip(lefts, rights, strict=True)]})
    rotated = rights[1:] + rights[:1]
    second = build("matching", {"pairs": [{"left": left, "right": r} for left, r in zip(lefts, rotated, strict=True)]})
    p1, p2 = kind.present(first, random.Random(seed)), kind.present(second, random.Random(seed))
    assert p1 == p2 and kind.view(first, p1, None) == kind.view(second, p2, None)


def test_views_carry_no_correctness():
    for name, definition in DEFINITIONS.items():
        kind = types.get(name)
        view = kind.view(definition, kind.present(definition, random.Random(0)), None)
        text = repr(view)
        assert "correct" not in text and "'answer'" not in text and "'min'" not in text, name
    assert "Chausey" not in repr(types.get("short_text").view(DEFINITIONS["short_text"], {}, None))


# Definitions: problems are reported, with where they are -------------------------------------------

@pytest.mark.parametrize("name, raw, code, path", [
    ("single", {"choices": [{"text": "a", "correct": True}, {"text": "b", "correct": True}]}, "one_correct",
     ("choices",)),
    ("single", {"choices": [{"text": "a"}, {"text": "b"}]}, "one_correct", ("choices",)),
    ("single", {"choices": [{"text": "a", "correct": True}]}, "choices_count", ("choices",)),
    ("single", {"choices": [{"text": "a", "correct": True}, {"text": False}]}, "choice_without_text",
     ("choices", 1)),
    ("single", {"choices": [{"text": "a", "correct": "yes"}, {"text": "b"}]}, "correct_not_bool",
     ("choices", 0, "correct")),
    ("multiple", {"choices": [{"text": "a"}, {"text": "b"}]}, "some_correct", ("choices",)),
    ("single", {"choices": [{"text": "a", "correct": True}, {"text": "a"}]}, "duplicate_choice", ("choices",)),
    ("true_false", {"answer": "vrai"}, "answer_not_bool", ("answer",)),
    ("ordering", {"items": ["a", "b"]}, "items_count", ("items",)),
    ("ordering", {"items": ["a", "b", "a"]}, "duplicate_item", ("items",)),
    ("matching", {"pairs": [{"left": "a"}, {"left": "b", "right": "c"}]}, "pair_not_mapping", ("pairs", 0)),
    ("numeric", {"answer": "14"}, "answer_not_number", ("answer",)),
    ("numeric", {"min": 5, "max": 1}, "bad_range", ("min",)),
    ("numeric", {"answer": 3, "min": 1}, "answer_and_range", ("answer",)),
    ("short_text", {"answers": []}, "answers_missing", ("answers",)),
    ("short_text", {"answers": ["!!"]}, "bad_accepted_answer", ("answers", 0)),
])
def test_bad_definitions_are_reported(name, raw, code, path):
    _, problems = types.get(name).build(raw, "q")
    assert (problems[0].code, problems[0].path) == (code, path)
    assert problems[0].message  # a French sentence, with its parameters filled in


def test_option_ids_are_stable_and_do_not_follow_position():
    a = build("single", {"choices": [{"text": "Deux", "correct": True}, {"text": "Une"}]})
    b = build("single", {"choices": [{"text": "Une"}, {"text": "Deux", "correct": True}]})
    assert {c["id"] for c in a["choices"]} == {c["id"] for c in b["choices"]}
    c = build("single", {"choices": [{"text": "Deux", "correct": True}, {"text": "Une"}]}, key="other")
    assert not {x["id"] for x in a["choices"]} & {x["id"] for x in c["choices"]}
