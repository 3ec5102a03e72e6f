"""Moodle's GIFT both ways (no app): partial credit and catch-all answers in our types, every case
Moodle's own import tests cover (``question/format/gift/tests/giftformat_test.php``; the inputs
here are ours), and export then import giving the same questions back."""

from __future__ import annotations

import pytest

from learnapp.quizzes import gift_export, loader, types
from learnapp.quizzes.gift import parse_gift


def one(text):
    result = parse_gift(text)
    assert len(result.questions) == 1, [(p.line, p.code) for p in result.problems]
    return result.questions[0].data, result


def built(data):
    """The question as the bank stores it (through the same checks as the files)."""
    spec, problems = loader.build_question(data, tier_numbers=None, lesson_slugs=None, images=None,
                                           require_lesson=False)
    assert not problems, [p.message for p in problems]
    return spec


def grade(data, answer):
    spec = built(data)
    return types.get(spec.type).grade(spec.definition, answer), spec


# Partial credit and catch-all, in our own question format ------------------------------------------------

def test_single_choice_partial_credit_earns_its_part_and_review_says_which():
    data = {"id": "q", "type": "single", "tiers": [1], "audiences": ["adult"], "prompt": "Le phare ?",
            "choices": [{"text": "à la pointe du Roc", "correct": True}, {"text": "sur le port", "credit": 50},
                        {"text": "au marché"}]}
    spec = built(data)
    by_text = {c["text"]: c["id"] for c in spec.definition["choices"]}
    kind = types.get("single")
    assert kind.grade(spec.definition, {"choice": by_text["sur le port"]}) == 0.5
    assert kind.grade(spec.definition, {"choice": by_text["au marché"]}) == 0.0
    assert kind.grade(spec.definition, {"choice": by_text["à la pointe du Roc"]}) == 1.0
    review = kind.review(spec.definition, {"order": sorted(by_text.values())}, {"choice": by_text["sur le port"]})
    chosen = next(o for o in review["options"] if o["chosen"])
    assert chosen["text"] == "sur le port" and chosen["credit"] == 50


@pytest.mark.parametrize("choice, code", [
    ({"text": "b", "credit": 100}, "bad_credit"), ({"text": "b", "credit": 0}, "bad_credit"),
    ({"text": "b", "credit": "50"}, "bad_credit"), ({"text": "b", "credit": 50, "correct": True}, "credit_and_correct"),
])
def test_a_bad_partial_credit_is_a_problem_not_a_crash(choice, code):
    _definition, problems = types.get("single").build({"choices": [{"text": "a", "correct": True}, choice]}, "q")
    assert code in [p.code for p in problems]


def test_multiple_and_image_choice_refuse_credit_on_a_choice():
    _definition, problems = types.get("multiple").build(
        {"choices": [{"text": "a", "correct": True}, {"text": "b", "credit": 50}]}, "q")
    assert [p.code for p in problems] == ["unknown_choice_field"]


def test_short_text_partial_credit_and_catch_all_feedback():
    data = {"id": "q", "type": "short_text", "tiers": [1], "audiences": ["adult"], "prompt": "Le meilleur animal ?",
            "answers": ["Grenouille", {"text": "Chat", "credit": 50}], "other_feedback": "Pas du tout."}
    assert grade(data, {"text": "grenouille"})[0] == 1.0
    credit, spec = grade(data, {"text": "CHAT"})
    assert credit == 0.5
    kind = types.get("short_text")
    assert kind.review(spec.definition, {}, {"text": "CHAT"})["credit_part"] == 50
    assert kind.review(spec.definition, {}, {"text": "chien"})["other_feedback"] == "Pas du tout."
    assert kind.review(spec.definition, {}, {"text": "chat"})["other_feedback"] == ""
    assert kind.grade(spec.definition, {"text": "chien"}) == 0.0


def test_short_text_needs_one_fully_right_answer():
    _definition, problems = types.get("short_text").build({"answers": [{"text": "Chat", "credit": 50}]}, "q")
    assert [p.code for p in problems] == ["answers_missing"]
    _definition, problems = types.get("short_text").build({"answers": ["a", {"text": "b", "oops": 1}]}, "q")
    assert [p.code for p in problems] == ["answer_not_mapping"]


def test_numeric_partial_credit_and_catch_all_feedback():
    data = {"id": "q", "type": "numeric", "tiers": [1], "audiences": ["adult"], "prompt": "Né en ?",
            "answer": 1822, "partial": [{"answer": 1822, "tolerance": 2, "credit": 50}],
            "other_feedback": "Bien plus tôt ou plus tard."}
    assert grade(data, {"value": 1822.0, "text": "1822"})[0] == 1.0
    credit, spec = grade(data, {"value": 1823.0, "text": "1823"})
    assert credit == 0.5
    review = types.get("numeric").review(spec.definition, {}, {"value": 1900.0, "text": "1900"})
    assert review["other_feedback"] == "Bien plus tôt ou plus tard." and review["credit_part"] is None
    _definition, problems = types.get("numeric").build({"answer": 1, "partial": [{"answer": 2}]}, "q")
    assert [p.code for p in problems] == ["bad_credit"]
    _definition, problems = types.get("numeric").build({"answer": 1, "partial": "x"}, "q")
    assert [p.code for p in problems] == ["partial_not_list"]


# Every case of Moodle's own import tests -----------------------------------------------------------------

def test_numeric_with_catch_all_reads_as_moodle_does():
    data, _result = one("// une plage\n::Q5:: Un nombre de 1 à 5 ? {#3:2~#Complètement faux}")
    assert (data["type"], data["answer"], data["tolerance"]) == ("numeric", 3, 2)
    assert data["other_feedback"] == "Complètement faux"
    spec = built(data)
    assert (spec.definition["min"], spec.definition["max"]) == (1.0, 5.0)


def test_essay_is_refused_with_its_line():
    result = parse_gift("// libre\n::Q8:: Comment allez-vous ? {}")
    assert [(p.line, p.code) for p in result.refused] == [(2, "essay")]


def test_matching_with_format_markers_and_an_extra_answer():
    data, result = one("::Activités::[html]Associez l'<b>activité</b>.{\n"
                       "  =[html]Des discussions <i>asynchrones</i>. -> Forum\n"
                       "  =[moodle]Un vote entre plusieurs réponses. -> Sondage\n"
                       "  =[plain]Des fiches que chacun remplit. -> Base\n"
                       "  =[markdown]Des pages que tous modifient. -> Wiki\n"
                       "  = -> Chat\n}")
    assert data["prompt"] == "Associez l'**activité**."
    assert [p["left"] for p in data["pairs"]] == ["Des discussions asynchrones.", "Un vote entre plusieurs réponses.",
                                                   "Des fiches que chacun remplit.", "Des pages que tous modifient."]
    assert [p["right"] for p in data["pairs"]] == ["Forum", "Sondage", "Base", "Wiki"]
    assert data["distractors"] == ["Chat"]
    built(data)


def test_single_choice_with_feedback_on_every_answer_and_format_markers():
    data, _result = one("::Q2:: Entre orange et vert ?\n{\n  =jaune # juste, bravo !\n"
                        "  ~rouge # [html]faux, c'est <b>jaune</b>\n  ~[plain]bleu # faux, c'est jaune\n}")
    assert data["type"] == "single"
    assert data["choices"] == [{"text": "jaune", "correct": True, "feedback": "juste, bravo !"},
                               {"text": "rouge", "feedback": "faux, c'est jaune"},
                               {"text": "bleu", "feedback": "faux, c'est jaune"}]


def test_multiple_answers_with_negative_weights_and_feedback():
    data, result = one("::couleurs:: Entre orange et vert ?\n{\n  ~%50%jaune # oui\n  ~%-100%rouge # [html]non\n"
                       "  ~%50%beige # oui\n  ~%-100%[plain]bleu # non\n}")
    assert data["type"] == "multiple"
    assert [c["text"] for c in data["choices"] if c.get("correct")] == ["jaune", "beige"]
    assert [c["feedback"] for c in data["choices"]] == ["oui", "non", "oui", "non"]
    assert [p.code for p in result.notes] == ["weights_to_multiple"]


def test_short_answer_with_partial_credit_wildcard_and_general_feedback():
    data, _result = one("::Réponse courte::Le meilleur animal ?{\n  =Grenouille#Bien !\n"
                        "  =%50%Chat#Encore les chats ?\n  =%0%*#Complètement faux\n"
                        "  ####[html]Un <i>commentaire</i> général.\n}")
    assert data["answers"] == ["Grenouille", {"text": "Chat", "credit": 50}]
    assert data["other_feedback"] == "Complètement faux"
    assert data["explanation"].startswith("Un *commentaire* général.")
    assert "**Chat** : Encore les chats ?" in data["explanation"]


def test_true_false_keeps_both_feedbacks():
    data, _result = one("// vrai-faux\n::Q1:: 42 est la réponse ?{TRUE#Non, c'est 43#Oui, 42 !}")
    assert data["answer"] is True
    assert data["explanation"] == "Oui, 42 !\n\nNon, c'est 43"


@pytest.mark.parametrize("title, key", [("Q 10", "gift-q-10"), ("Tome-2 de 3", "gift-tome-2-de-3")])
def test_titles_with_digits_and_hyphens(title, key):
    data, _result = one(f"::{title}:: Vrai ? {{T}}")
    assert data["id"] == key


def test_a_numeric_wrong_value_our_type_cannot_hold_is_reported_with_its_line():
    result = parse_gift("Né en ?\n{#\n=1822\n~1900#Trop tard\n}")
    assert [(p.line, p.code) for p in result.notes] == [(4, "wrong_numeric_dropped")]


# Export, then import: the same questions ------------------------------------------------------------------

BANK = [
    {"id": "simple", "type": "single", "prompt": "Où est le **phare** ? {accolades} : ~ = #",
     "explanation": "Sur la pointe.\n\nDeux paragraphes, un \\* échappé.",
     "choices": [{"text": "à la pointe : du Roc", "correct": True, "feedback": "Oui #1"},
                 {"text": "sur le port", "credit": 50}, {"text": "au marché {x}"}]},
    {"id": "plusieurs", "type": "multiple", "prompt": "Que pêche-t-on à pied ?",
     "choices": [{"text": "des coques", "correct": True}, {"text": "des palourdes", "correct": True},
                 {"text": "des sardines"}]},
    {"id": "vrai", "type": "true_false", "prompt": "La mer monte deux fois par jour.", "answer": True},
    {"id": "faux", "type": "true_false", "prompt": "Le Roc est une île.", "answer": False, "explanation": "Non."},
    {"id": "court", "type": "short_text", "prompt": "Les îles ?",
     "answers": ["Chausey", {"text": "Jersey", "credit": 25}], "other_feedback": "Regardez la carte."},
    {"id": "nombre", "type": "numeric", "prompt": "Marnage ?", "answer": 14, "tolerance": 1},
    {"id": "intervalle", "type": "numeric", "prompt": "Pi ?", "min": 3.141, "max": 3.142},
    {"id": "nombre-partiel", "type": "numeric", "prompt": "Né en ?", "answer": 1822,
     "partial": [{"answer": 1822, "tolerance": 2, "credit": 50}], "other_feedback": "Non."},
    {"id": "paires", "type": "matching", "prompt": "Associez.",
     "pairs": [{"left": "le Roc", "right": "le phare"}, {"left": "Chausey", "right": "l'archipel"}],
     "distractors": ["le Mont"]},
]


def stored(data):
    spec = built({"tiers": [1], "audiences": ["adult"], **data})
    return gift_export.ExportQuestion(data["id"], spec.type, spec.prompt_markdown, spec.explanation_markdown,
                                      spec.definition)


def same(spec):
    """What must survive the round trip: type, texts and the definition (its ids come from the key)."""
    def strip_ids(value):
        if isinstance(value, dict):
            return {k: strip_ids(v) for k, v in value.items() if k not in {"id", "right_id"}}
        if isinstance(value, list):
            return [strip_ids(v) for v in value]
        return value

    return spec.type, spec.prompt_markdown, spec.explanation_markdown, strip_ids(spec.definition)


def test_export_then_import_gives_the_same_questions_for_every_type_gift_has():
    exported = gift_export.export_gift([stored(data) for data in BANK])
    assert exported.written == [data["id"] for data in BANK] and not exported.problems
    result = parse_gift(exported.text, tiers=[1], audiences=["adult"])
    assert not result.refused, [(p.line, p.code, p.params) for p in result.refused]
    back = {q.title: built(q.data) for q in result.questions}
    assert set(back) == {data["id"] for data in BANK}
    for data in BANK:
        assert same(back[data["id"]]) == same(built({"tiers": [1], "audiences": ["adult"], **data})), data["id"]
    assert {types.get(s.type).name for s in back.values()} == set(gift_export.WRITERS) - {"ordering", "image_choice"}


def test_export_escapes_gift_characters_and_writes_markdown():
    text = gift_export.export_gift([stored(BANK[0])]).text
    assert "::simple::[markdown]Où est le **phare** ? \\{accolades\\} \\: \\~ \\= \\#" in text
    assert "\\n\\n" in text  # paragraphs stay inside one question
    assert "~%50%sur le port" in text and "=à la pointe \\: du Roc#Oui \\#1" in text


def test_moodles_weights_for_several_answers_match_our_rule():
    text = gift_export.export_gift([stored(BANK[1])]).text
    assert "~%50%des coques" in text and "~%50%des palourdes" in text and "~%-100%des sardines" in text


def test_types_gift_lacks_are_skipped_with_their_reason():
    ordering = stored({"id": "ordre", "type": "ordering", "prompt": "Dans l'ordre.", "items": ["a", "b", "c"]})
    arrow = stored({"id": "fleche", "type": "matching", "prompt": "Associez.",
                    "pairs": [{"left": "a -> b", "right": "c"}, {"left": "d", "right": "e"}]})
    unit = stored({"id": "unite", "type": "numeric", "prompt": "Hauteur ?", "answer": 14, "unit": "mètres"})
    exported = gift_export.export_gift([ordering, arrow, unit])
    assert [(p.key, p.code) for p in exported.skipped] == [("ordre", "ordering"), ("fleche", "arrow_in_pair")]
    assert [(p.key, p.code, p.skipped) for p in exported.problems][-1] == ("unite", "unit_dropped", False)
    assert exported.written == ["unite"]
    assert "// Non exportée : ordre" in exported.text
    assert len(parse_gift(exported.text).questions) == 1


def test_images_are_named_for_the_zip_beside_the_file():
    sha = "a" * 64
    question = gift_export.ExportQuestion("img", "true_false", f"Voici ![le phare](media:{sha}.png)", "",
                                          {"answer": True})
    exported = gift_export.export_gift([question])
    assert exported.images == [f"{sha}.png"]
    assert f"(images/{sha}.png)" in exported.text


# The staff editor keeps partial credit and catch-all feedback ------------------------------------------

class _Errors(dict):
    def add(self, name, message):
        self.setdefault(name, []).append(str(message))


@pytest.mark.parametrize("name, raw", [
    ("single", {"choices": [{"text": "a", "correct": True}, {"text": "b", "credit": 50}, {"text": "c"}]}),
    ("short_text", {"answers": ["Chausey", {"text": "Jersey", "credit": 25}], "other_feedback": "Non."}),
    ("numeric", {"answer": 1822, "partial": [{"answer": 1822, "tolerance": 2, "credit": 50},
                                             {"min": 1800, "max": 1850, "credit": 10}], "other_feedback": "Non."}),
])
def test_the_editor_gives_back_partial_credit_and_catch_all(name, raw):
    import wtforms

    kind = types.get(name)
    definition, problems = kind.build(raw, "q")
    assert problems == []
    form = type("EditorForm", (wtforms.Form,), kind.editor_fields())()
    kind.to_form(definition, form)
    errors = _Errors()
    rebuilt, problems = kind.build(kind.from_form(form, definition, errors), "q")
    assert errors == {} and problems == []
    assert rebuilt == definition


def test_the_editor_says_when_a_partial_credit_is_not_understood():
    import wtforms

    kind = types.get("short_text")
    form = type("EditorForm", (wtforms.Form,), kind.editor_fields())(
        data={"answers": "Chausey", "partial": "Jersey sans points\n150 % : Sark"})
    errors = _Errors()
    data = kind.from_form(form, {}, errors)
    assert data["answers"] == ["Chausey"] and len(errors["partial"]) == 2


def test_weights_without_an_equals_sign_let_several_be_ticked_as_in_moodle():
    data, _result = one("::Q8:: Entre orange et vert ?{~%100%jaune ~%-50%rouge ~%-50%bleu}")
    assert data["type"] == "multiple"
    assert [c["text"] for c in data["choices"] if c.get("correct")] == ["jaune"]


def test_an_answer_that_looks_like_a_weight_or_a_format_is_exported_as_plain_text():
    question = stored({"id": "pourcent", "type": "single", "prompt": "Combien ?",
                       "choices": [{"text": "%50% de plus", "correct": True}, {"text": "[html] rien"}]})
    text = gift_export.export_gift([question]).text
    assert "=[plain]%50% de plus" in text and "~[plain][html] rien" in text
    back = built(parse_gift(text).questions[0].data)
    assert [c["text"] for c in back.definition["choices"]] == ["%50% de plus", "[html] rien"]
