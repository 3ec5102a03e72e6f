"""The GIFT reader: our own sample, Moodle's own examples file (outside reference data, skipped where
../shared/ is absent), each construct, and hostile files (no app)."""

from __future__ import annotations

import pytest

from learnapp.core import markdown
from learnapp.quizzes.gift import MAX_BYTES, GiftFileError, decode, parse_gift
from tests.growth import assert_grows_linearly
from tests.quizzes.quiz_helpers import GIFT_SAMPLE, MOODLE_GIFT_EXAMPLES


@pytest.fixture(scope="module")
def examples(shared_file):
    return parse_gift(decode(shared_file(MOODLE_GIFT_EXAMPLES).read_bytes()), tiers=[2],
                      audiences=["teen", "adult"], lesson="les-marees")


@pytest.fixture(scope="module")
def ours():
    return parse_gift(decode(GIFT_SAMPLE.read_bytes()), tiers=[1], audiences=["adult"], lesson="les-marees")


def taken_at(result, line):
    found = [q for q in result.questions if q.line == line]
    assert found, f"no question taken at line {line}"
    return found[0].data


def problems_at(result, line):
    return [p.code for p in result.problems if p.line == line]


# Our own sample ---------------------------------------------------------------------------------

def test_our_sample_gives_every_type_and_refuses_what_it_cannot_take(ours):
    assert ours.blocks == 12
    types = {q.line: q.data["type"] for q in ours.questions}
    assert types == {5: "single", 7: "true_false", 9: "single", 11: "short_text", 13: "numeric",
                     15: "matching", 21: "multiple", 23: "single"}
    assert [(p.line, p.code) for p in ours.refused] == [
        (25, "duplicate"), (27, "duplicate"), (29, "essay"), (31, "no_right_answer")]
    assert {p.line: p.params["other"] for p in ours.refused if p.code == "duplicate"} == {25: 23, 27: 7}
    assert [(p.line, p.code) for p in ours.notes] == [
        (3, "category_ignored"), (21, "weights_to_multiple")]


def test_our_sample_keeps_each_answer(ours):
    def at(line):
        return next(q.data for q in ours.questions if q.line == line)

    assert at(5)["id"] == "gift-rocher"
    assert [c["text"] for c in at(5)["choices"] if c.get("correct")] == ["un rocher"]
    assert at(7)["answer"] is True
    assert markdown.render(at(9)["prompt"]).html == "<p>La mer monte et descend _____ par jour.</p>\n"
    assert at(11)["answers"] == ["Chausey", "les îles Chausey"]
    assert {k: at(13)[k] for k in ("answer", "tolerance")} == {"answer": 14, "tolerance": 1}
    assert at(15)["pairs"][0] == {"left": "le Roc", "right": "le phare"} and len(at(15)["pairs"]) == 3
    assert [c["text"] for c in at(21)["choices"] if c.get("correct")] == ["des coques", "des palourdes"]
    for question in ours.questions:
        assert question.data["tiers"] == [1] and question.data["audiences"] == ["adult"]
        for text in (question.data["prompt"], question.data["explanation"]):
            assert markdown.render(text).ok, (question.line, text)


# Moodle's examples file ------------------------------------------------------------------------

# Where each question of the examples file starts (every block of the file, by hand).
EXAMPLE_QUESTIONS = [8, 10, 12, 14, 16, 25, 27, 29, 35, 43, 45, 49, 51, 55, 61, 70, 72, 74, 76, 85,
                     90, 93, 98, 103, 108, 113, 115, 117, 123, 130, 136, 143, 148, 167, 169, 171,
                     173, 175, 177, 184, 190, 195, 202]


def test_every_question_of_the_examples_file_is_taken_or_refused_with_its_line(examples):
    assert examples.blocks == len(EXAMPLE_QUESTIONS) == 43
    taken = {q.line for q in examples.questions}
    refused = {p.line for p in examples.refused}
    assert taken | refused == set(EXAMPLE_QUESTIONS)
    assert not taken & refused
    assert len(examples.questions) == 34 and len(examples.refused) == 9
    # The refused ones are exact repeats of an earlier question, each naming it.
    assert {p.code for p in examples.refused} == {"duplicate"}
    repeats = {p.line: p.params["other"] for p in examples.refused}
    # Line 76 (1822 with a partly right 1822 ± 2) is no repeat of line 70 (1822) now that partial
    # credit is kept.
    assert repeats == {25: 8, 27: 10, 43: 14, 49: 12, 136: 130, 167: 8, 169: 10, 171: 12, 173: 14}


def test_every_taken_question_has_the_common_fields_and_renders_cleanly(examples):
    keys = [q.data["id"] for q in examples.questions]
    assert len(set(keys)) == len(keys)
    for question in examples.questions:
        data = question.data
        assert data["id"].startswith("gift-")
        assert data["tiers"] == [2] and data["audiences"] == ["teen", "adult"]
        assert data["lesson"] == "les-marees"
        assert data["type"] in {"single", "multiple", "true_false", "matching", "numeric", "short_text"}
        for text in (data["prompt"], data["explanation"]):
            assert markdown.render(text).ok, (question.line, text)


def test_types_are_recognised(examples):
    types = {line: taken_at(examples, line)["type"] for line in (8, 12, 14, 16, 55, 130)}
    assert types == {8: "single", 12: "true_false", 14: "short_text", 16: "numeric", 55: "matching",
                     130: "multiple"}


def test_multiple_choice_with_one_right_answer(examples):
    data = taken_at(examples, 8)
    assert data["prompt"] == "Who's buried in Grant's tomb?"
    assert data["choices"] == [{"text": "Grant"}, {"text": "Jefferson"}, {"text": "no one", "correct": True}]


def test_missing_word_shows_a_blank_where_the_answers_stood(examples):
    data = taken_at(examples, 10)
    assert markdown.render(data["prompt"]).html == "<p>Grant is _____ in Grant's tomb.</p>\n"
    assert [c["text"] for c in data["choices"] if c.get("correct")] == ["entombed"]
    assert "_____ Thursday of November" in markdown.render(taken_at(examples, 29)["prompt"]).html


def test_true_false_and_its_feedback(examples):
    assert taken_at(examples, 12)["answer"] is False
    assert taken_at(examples, 51)["answer"] is True
    data = taken_at(examples, 113)
    assert data["answer"] is False and data["explanation"] == "No one is buried in Grant's tomb."


def test_short_answer_keeps_partly_right_answers_with_their_credit(examples):
    assert taken_at(examples, 14)["answers"] == ["no one", "nobody"]
    data = taken_at(examples, 195)
    assert data["answers"] == ["Nazareth", {"text": "Nazereth", "credit": 75}, {"text": "Bethlehem", "credit": 25}]
    assert not [p for p in examples.notes if 195 <= p.line <= 199]


def test_numeric_tolerance_range_and_several_answers(examples):
    assert {k: taken_at(examples, 16)[k] for k in ("answer", "tolerance")} == {"answer": 1822, "tolerance": 1}
    pi = taken_at(examples, 72)
    assert pi["answer"] == 3.1415 and pi["tolerance"] == 0.0005
    interval = taken_at(examples, 74)
    assert interval["min"] == 3.141 and interval["max"] == 3.142 and "answer" not in interval
    assert taken_at(examples, 85)["answer"] == 4
    several = taken_at(examples, 202)
    assert several["answer"] == 1822 and several["tolerance"] == 0
    assert "Correct" in several["explanation"]
    assert several["partial"] == [{"answer": 1822, "tolerance": 2, "credit": 50}]
    assert not problems_at(examples, 205)


def test_percentage_weights(examples):
    # One fully right answer: a single choice whose partly right answers keep their credit.
    hometown = taken_at(examples, 117)
    assert hometown["type"] == "single"
    assert [c["text"] for c in hometown["choices"] if c.get("correct")] == ["Nazareth"]
    assert {c["text"]: c.get("credit") for c in hometown["choices"] if not c.get("correct")} == {
        "Jerusalem": None, "Bethlehem": 25, "Galilee": 50}
    assert not problems_at(examples, 119) and not problems_at(examples, 120)
    # No fully right answer, positive weights: several answers to tick.
    tomb = taken_at(examples, 130)
    assert tomb["type"] == "multiple" and problems_at(examples, 130) == ["weights_to_multiple"]
    assert [c["text"] for c in tomb["choices"] if c.get("correct")] == ["Grant", "Grant's wife"]


def test_escaped_control_characters(examples):
    equals = taken_at(examples, 143)
    assert [c["text"] for c in equals["choices"]] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    assert equals["choices"][1]["correct"] is True
    control = taken_at(examples, 148)
    assert [c["text"] for c in control["choices"]] == ["~", "=", "#", "{", "}", "\\"]
    assert control["choices"][5]["correct"] is True
    assert control["choices"][0]["feedback"] == "~ is a control character."
    assert control["choices"][5]["feedback"].startswith("Correct! \\ (backslash) is not a control character. BUT, it")


def test_matching_pairs(examples):
    assert taken_at(examples, 61)["pairs"] == [
        {"left": "Canada", "right": "Ottawa"}, {"left": "Italy", "right": "Rome"},
        {"left": "Japan", "right": "Tokyo"}, {"left": "India", "right": "New Delhi"}]
    assert len(taken_at(examples, 177)["pairs"]) == 3


def test_titles_become_keys(examples):
    assert taken_at(examples, 90)["id"] == "gift-kanji-origins"
    assert taken_at(examples, 123)["id"] == "gift-jesus-hometown-2"  # same title as line 117
    assert "title_duplicate" in problems_at(examples, 123)


def test_feedback_goes_to_each_choice_or_to_the_explanation(examples):
    choices = taken_at(examples, 98)["choices"]
    assert [c.get("feedback") for c in choices] == [
        "feedback comment on the wrong answer", "feedback comment on this wrong answer", "Very good!"]
    assert taken_at(examples, 98)["explanation"] == ""
    # Short answers and numbers have no choices: their feedback is listed in the explanation.
    html = markdown.render(taken_at(examples, 103)["explanation"]).html
    # (rendered as French text: a no-break space before « : »)
    assert "<li><strong>no one</strong>&nbsp;: excellent answer!</li>" in html


def test_markdown_format_is_kept(examples):
    data = taken_at(examples, 108)
    assert markdown.render(data["prompt"]).html == "<p>Who's buried in <strong>Grant's tomb</strong>?</p>\n"


# Each construct on its own ---------------------------------------------------------------------

def one(text, **kwargs):
    result = parse_gift(text, **kwargs)
    return result


def test_essay_and_description_are_reported_as_not_supported():
    result = one("Write about the tides. {}\n\nThe next questions are about Chausey.\n\n"
                 "::Essay with feedback:: Tell us.{####Thanks}")
    assert result.questions == []
    assert [(p.line, p.code) for p in result.problems] == [(1, "essay"), (3, "description"), (5, "essay")]
    assert "rien à corriger" in result.problems[0].message


def test_html_is_converted_never_stored_raw():
    result = one('[html]Who is <b>buried</b> <img src="x.png"> in <script>alert(1)</script>the '
                 '<a href="javascript:alert(2)">tomb</a>?<br>Think.{=nobody}')
    prompt = result.questions[0].data["prompt"]
    assert "<" not in prompt and "script" not in prompt and "alert" not in prompt
    assert prompt == "Who is **buried** in the tomb?\nThink."
    assert {p.code for p in result.notes} == {"html_converted", "media_dropped"}
    rendered = markdown.render(prompt)
    assert rendered.ok and "<strong>buried</strong>" in rendered.html


def test_plain_text_that_looks_like_markdown_or_html_stays_text():
    result = one("[plain]Is 2 < 3 * 4 and *not* <b>bold</b>? {T}")
    html = markdown.render(result.questions[0].data["prompt"]).html
    assert html == "<p>Is 2 &lt; 3 * 4 and *not* &lt;b&gt;bold&lt;/b&gt;?</p>\n"


def test_true_false_feedback_for_both_answers():
    data = one("Granville is an island.{FALSE#No, a peninsula.#Right: it is on a rock by the sea.}") \
        .questions[0].data
    assert data["answer"] is False
    assert data["explanation"] == "Right: it is on a rock by the sea.\n\nNo, a peninsula."


@pytest.mark.parametrize("text, code, line", [
    ("Q {=a", "unclosed_block", 1),
    ("Two blocks {=a} and {=b}", "several_blocks", 1),
    ("Stray } brace", "stray_brace", 1),
    ("{=answer only}", "empty_prompt", 1),
    ("::title never closed {=a}", "unclosed_title", 1),
    ("Pick one {=a =b ~c}", "several_right_single", 1),
    ("Nothing right {~a ~b}", "no_right_answer", 1),
    ("Only one choice {=a ~}", "empty_answer", 1),
    ("Not a number {#abc}", "bad_number", 1),
    ("Backwards {#5..3}", "bad_range", 1),
    ("Negative {#5:-1}", "negative_tolerance", 1),
    ("Two values {#\n=5\n=%100%6}", "numeric_several_values", 3),
    ("One pair {=a -> x}", "matching_too_few", 1),
    ("Too heavy {~%150%a ~b}", "bad_weight", 1),
    ("Huh {what}", "unknown_answers", 1),
])
def test_malformed_questions_are_refused_with_their_line(text, code, line):
    result = one("// a comment first\n\n" + text)
    assert result.questions == []
    assert [(p.code, p.line) for p in result.problems] == [(code, line + 2)]
    assert result.problems[0].message  # every code has a message


def test_refusing_one_question_keeps_the_others():
    result = one("Good {=yes ~no}\n\nBad {~a ~b}\n\nAlso good {T}")
    assert [q.line for q in result.questions] == [1, 5]
    assert [(p.line, p.code) for p in result.refused] == [(3, "no_right_answer")]


def test_unequal_or_negative_weights_are_noted_on_multiple_answers():
    result = one("Which? {~%33%a ~%33%b ~%34%c ~%-100%d}")
    data = result.questions[0].data
    assert data["type"] == "multiple"
    assert [c.get("correct", False) for c in data["choices"]] == [True, True, True, False]
    assert [p.code for p in result.notes] == ["weights_to_multiple"]
    assert "jamais moins de 0" in result.notes[0].message


def test_matching_distractors_and_categories_and_moodle_ids_and_tags():
    text = ("$CATEGORY: $course$/top/Granville\n\n"
            "// [id:Marées 1] [tag:marées]\nMatch {=a -> x =b -> y = -> z}")
    result = one(text, tags=["gift"])
    data = result.questions[0].data
    assert data["id"] == "gift-marees-1" and data["tags"] == ["gift", "marees"]
    assert data["pairs"] == [{"left": "a", "right": "x"}, {"left": "b", "right": "y"}]
    assert data["distractors"] == ["z"]
    assert [(p.line, p.code) for p in result.notes] == [(1, "category_ignored")]


def test_escaped_newline_and_colon_and_unknown_escape():
    data = one("Time\\: two\\nlines \\d {=12\\:30}").questions[0].data
    assert data["prompt"] == "Time: two\nlines \\\\d"
    assert data["answers"] == ["12:30"]


def test_windows_line_endings_and_a_byte_order_mark():
    result = parse_gift(decode("\ufeff// c\r\nQ1 {T}\r\n\r\nQ2 {F}\r\n".encode()))
    assert [(q.line, q.data["answer"]) for q in result.questions] == [(2, True), (4, False)]


def test_the_parsers_own_markers_in_the_input_are_ignored():
    data = one("A \ue007 B \ue000 {=x}").questions[0].data
    assert data["prompt"] == "A  B"


# Hostile files ---------------------------------------------------------------------------------

def test_a_file_too_large_is_refused_before_parsing():
    with pytest.raises(GiftFileError) as error:
        decode(b"Q {T}\n\n" * (MAX_BYTES // 7 + 1))
    assert error.value.code == "too_large" and "octets" in error.value.message


@pytest.mark.parametrize("raw, code", [
    (b"", "empty"), (b"  \n\n\t\n", "empty"), (b"Question \xe9t\xe9 {T}", "not_utf8"),
    (b"a\x00b {T}", "binary"),
])
def test_unreadable_files_are_refused_with_a_clear_reason(raw, code):
    with pytest.raises(GiftFileError) as error:
        decode(raw)
    assert error.value.code == code and error.value.message


def test_a_file_of_comments_only_has_no_question():
    result = parse_gift("// nothing\n// here\n")
    assert result.blocks == 0 and result.questions == [] and result.problems == []


def test_pathological_input_is_parsed_in_linear_time_and_bounded():
    def nasty(size):
        return ("{" * size + "\n\n" + "~" * size + "\n\n" + "::" * (size // 2) + "\n\n"
                + "Q {" + "=a " * (size // 3) + "}")

    assert_grows_linearly(parse_gift, nasty, 12_500)
    result = parse_gift(nasty(50_000))
    assert result.blocks == 4 and len(result.refused) + len(result.questions) == 4


def test_too_many_questions_are_cut_and_reported():
    from learnapp.quizzes import gift

    text = "\n\n".join(f"Q{i} {{T}}" for i in range(gift.MAX_QUESTIONS + 5))
    result = parse_gift(text)
    assert len(result.questions) == gift.MAX_QUESTIONS
    assert result.refused[-1].code == "too_many_questions"
