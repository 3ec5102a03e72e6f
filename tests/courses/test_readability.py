"""The readability gauge (Kandel & Moles' French Flesch score): plain Python, no app."""

import pytest

from learnapp.courses import readability
from learnapp.courses.readability import kandel_moles, measure, plain_text, split_sentences, syllables, verdict
from tests.growth import assert_grows_linearly

CHILD = (
    "La mer monte et descend deux fois par jour. On appelle ça la marée. "
    "Quand la mer est basse, on voit le sable et les rochers. "
    "Les crabes se cachent sous les algues."
)
ADULT_LEGAL = (
    "Sous réserve des dispositions législatives et réglementaires applicables, l'exploitant "
    "demeure personnellement responsable de la conformité des installations vis-à-vis des "
    "prescriptions techniques imposées par l'autorité administrative compétente, notamment en "
    "matière d'accessibilité, de sécurité incendie et de protection de l'environnement."
)


@pytest.mark.parametrize("word, count", [
    ("chat", 1), ("plage", 1), ("le", 1), ("les", 1), ("marée", 2), ("année", 2), ("partie", 2),
    ("guerre", 1), ("quelque", 1), ("oiseau", 2), ("histoire", 2), ("aéroport", 4), ("naïf", 2),
    ("Noël", 2), ("voyage", 2), ("poème", 2), ("réel", 2), ("Granville", 2),
    ("Mont-Saint-Michel", 4), ("l'eau", 1), ("qu'il", 1), ("aujourd'hui", 3), ("1958", 4),
    ("administrative", 5), ("responsabilité", 6),
])
def test_french_syllables_are_counted_as_spoken(word, count):
    assert syllables(word) == count


def test_the_formula_is_kandel_and_moles():
    assert kandel_moles(10, 1.5) == pytest.approx(207 - 10.15 - 110.4)
    assert kandel_moles(20, 2.0) == pytest.approx(207 - 20.3 - 147.2)


def test_a_hand_counted_sentence_scores_as_computed_by_hand():
    # la(1) marée(2) monte(1) deux(1) fois(1) par(1) jour(1): 7 words, 8 syllables, 1 sentence.
    result = measure("La marée monte deux fois par jour.")
    assert (result.sentences, result.words, result.syllables) == (1, 7, 8)
    assert result.score == pytest.approx(207 - 1.015 * 7 - 73.6 * 8 / 7, abs=0.1)
    # Two sentences of a published kind: « Le chat dort. Il fait beau. » 6 words, 6 syllables.
    result = measure("Le chat dort. Il fait beau.")
    assert result.score == pytest.approx(207 - 1.015 * 3 - 73.6, abs=0.1)


def test_an_easy_child_text_reads_easier_than_an_adult_legal_sentence():
    child, legal = measure(CHILD), measure(ADULT_LEGAL)
    assert child.score > 80 > 30 > legal.score
    assert child.band in {"very_easy", "easy"}
    assert legal.band == "very_hard"
    assert child.words_per_sentence < 10 < legal.words_per_sentence
    assert child.syllables_per_word < legal.syllables_per_word


def test_the_gauge_warns_only_when_a_child_text_is_too_hard():
    assert verdict(ADULT_LEGAL, "child").warn
    assert not verdict(ADULT_LEGAL, "child").meets_target
    assert not verdict(CHILD, "child").warn and verdict(CHILD, "child").meets_target
    # Adults and teens get advice (target not met) but no warning.
    adult = verdict(ADULT_LEGAL, "adult")
    assert not adult.meets_target and not adult.warn
    assert verdict(CHILD, "adult").target == readability.TARGETS["adult"]


def test_markdown_syntax_is_not_counted():
    marked = (
        "# La marée\n\n"
        "La **mer** monte et _descend_ deux fois par jour.\n\n"
        "![Des vagues sur la plage de Granville](media:" + "a" * 64 + ".png \"La plage\")\n\n"
        "Voir [le site de l'office](https://www.granville-terre-mer.fr/page) et l'[[estran|la "
        "partie de la plage que la mer couvre et découvre]].\n\n"
        "::: savais-tu\n"
        "- Le sable bouge\n"
        "- Les rochers restent\n"
        ":::\n"
    )
    text = plain_text(marked)
    for syntax in ("#", "**", "_", "media:", "https", "![", "](", ":::", "[[", "|"):
        assert syntax not in text
    assert [len(sentence) for sentence in split_sentences(text)] == [2, 9, 7, 3, 3]


def test_initials_and_abbreviations_do_not_end_a_sentence():
    sentences = split_sentences("Elle date du Ier siècle av. J.-C. et M. Dior y vivait. Fin.")
    assert len(sentences) == 2


def test_nothing_to_measure_gives_no_score_and_no_warning():
    assert measure("") is None
    assert measure("![une image](media:abc.png)\n\n---") is None
    assert not verdict("", "child").warn


@pytest.mark.parametrize("unit", ["[", "[[a|", "[a](", "<", "\n"],
                         ids=["brackets", "glossary", "links", "angles", "blank-lines"])
def test_the_longest_text_the_editor_accepts_is_measured_in_linear_time(unit):
    # The editor measures every preview; these used to take from seconds to minutes (quadratic).
    assert_grows_linearly(lambda text: verdict(text, "child"), lambda size: unit * (size // len(unit)),
                          25_000)
