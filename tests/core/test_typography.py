"""French typography done by the renderer: no-break spaces where French puts them, nowhere else."""

from html import unescape

import pytest

from learnapp.core import markdown
from learnapp.core.typography import NBSP, NNBSP, french


def render(text: str, **options) -> markdown.Rendered:
    """The renderer's HTML with entities decoded (the sanitiser writes U+00A0 as &nbsp;)."""
    rendered = markdown.render(text, **options)
    return markdown.Rendered(html=unescape(rendered.html), problems=rendered.problems)


def render_inline(text: str, **options) -> markdown.Rendered:
    return markdown.Rendered(html=unescape(markdown.render_inline(text, **options).html))


@pytest.mark.parametrize(("typed", "expected"), [
    ("Quoi ? Oui ! Bon ; d'accord", f"Quoi{NNBSP}? Oui{NNBSP}! Bon{NNBSP}; d'accord"),
    ("Urgence : 112", f"Urgence{NBSP}: 112"),
    ("« Prenez le rythme des marées »", f"«{NBSP}Prenez le rythme des marées{NBSP}»"),
    ("«Sourdins»", f"«{NBSP}Sourdins{NBSP}»"),
    ("5 000 hectares", f"5{NNBSP}000{NBSP}hectares"),
    ("1 000 000 de visiteurs", f"1{NNBSP}000{NNBSP}000 de visiteurs"),
    ("12 h 25 min", f"12{NBSP}h{NBSP}25{NBSP}min"),
    ("plus de 1 000 °C", f"plus de 1{NNBSP}000{NBSP}°C"),
    ("14 mètres, 4 tonnes, 50 minutes", f"14{NBSP}mètres, 4{NBSP}tonnes, 50{NBSP}minutes"),
    # Twice gives the same text.
    (f"Quoi{NNBSP}? 5{NNBSP}000{NBSP}ha", f"Quoi{NNBSP}? 5{NNBSP}000{NBSP}ha"),
])
def test_french_spaces(typed, expected):
    assert french(typed) == expected


@pytest.mark.parametrize("typed", [
    "Rendez-vous à 12:30 sur le port",      # a time: no space was there, none is added
    "Voir https://www.shom.fr/?port=granville&a=b : les horaires",  # the URL is kept whole
    "en 1442 s'installe",                   # « s' » is not a unit
    "Les années 1439 1440",                 # two years are not one number
    "Quoi?",                                # no space typed: none added (it may be English)
])
def test_what_is_left_alone(typed):
    result = french(typed)
    for part in ("12:30", "https://www.shom.fr/?port=granville&a=b", "1442 s'", "1439 1440", "Quoi?"):
        if part in typed:
            assert part in result


def test_a_url_in_plain_text_keeps_its_question_mark_but_the_sentence_is_fixed():
    result = french("Voir https://www.shom.fr/?port=granville : les horaires ?")
    assert "https://www.shom.fr/?port=granville" in result
    assert result.endswith(f"horaires{NNBSP}?")
    assert f"granville{NBSP}:" in result


def test_rendered_lesson_gets_french_spaces_in_text_titles_lists_and_callouts():
    html = render("# Quoi ?\n\n- Urgence : 112\n\n::: savais-tu\nIl y a 5 000 hectares !\n:::\n").html
    assert f"<h2>Quoi{NNBSP}?</h2>" in html
    assert f"Urgence{NBSP}: 112" in html
    assert f"5{NNBSP}000{NBSP}hectares{NNBSP}!" in html
    assert f"Le savais-tu{NNBSP}?" in markdown.for_display(html, "fr")  # the title is added when shown
    assert " ?" not in html and " !" not in html and " :" not in html


def test_code_spans_and_code_blocks_are_left_alone():
    html = render("Tapez `a : b ?` puis :\n\n    x : y ?\n").html
    assert "<code>a : b ?</code>" in html
    assert "x : y ?" in html
    assert f"puis{NBSP}:" in html


def test_link_targets_are_left_alone_and_their_text_is_french():
    html = render("Voir [les horaires ?](https://www.shom.fr/?port=granville&x=1) et <https://a.fr/b?c=d>.").html
    assert 'href="https://www.shom.fr/?port=granville&x=1"' in html
    assert f"les horaires{NNBSP}?" in html
    assert ">https://a.fr/b?c=d<" in html


def test_an_english_quote_inside_french_text_is_left_alone():
    html = render('Dior écrit : « [My life, my style: almost everything!]{lang=en} »').html
    assert '<span lang="en">My life, my style: almost everything!</span>' in html
    assert f"écrit{NBSP}: «{NBSP}<span" in html
    assert f"</span>{NBSP}»" in html


def test_a_span_marks_only_a_language():
    html = render("[texte]{lang=en onclick=x} et [autre]{.visually-hidden}").html
    assert "onclick" not in html and "visually-hidden" not in html


def test_english_content_is_left_alone():
    assert render("Really ? Yes : 5 000 m", lang="en").html == "<p>Really ? Yes : 5 000 m</p>\n"
    assert render_inline("Vrai ?").html == f"Vrai{NNBSP}?"
    assert render_inline("True ?", lang="en").html == "True ?"


def test_glossary_definitions_are_french_text_too():
    html = render("[[estran|la partie de la plage que la mer couvre : voir plus bas]]").html
    assert f"couvre{NBSP}: voir" in html


def test_figure_captions_are_french_text_too():
    html = render('![Un schéma](media:' + "a" * 64 + '.png "Vives-eaux et mortes-eaux : la Lune ?")').html
    assert f"<figcaption>Vives-eaux et mortes-eaux{NBSP}: la Lune{NNBSP}?</figcaption>" in html
