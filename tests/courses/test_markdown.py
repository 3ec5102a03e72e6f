"""The one Markdown path: blocks render as documented, hostile input renders inert."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser

import pytest

from learnapp.core import markdown
from learnapp.core.markdown import render, render_inline

SHA = "3f" * 32
REF = f"media:{SHA}.png"
URL = f"/media/{SHA}.png"


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


def assert_inert(html: str) -> None:
    """Only allowed tags; no event handler, style or unknown attribute; only safe URLs."""
    allowed_attributes = {"href", "rel", "target", "src", "alt", "loading", "class", "role", "start"}
    for tag, attributes in elements(html):
        assert tag in markdown.ALLOWED_TAGS, (tag, html)
        for name, value in attributes.items():
            assert name in allowed_attributes, (tag, name, html)
            value = value or ""
            if name == "href":
                assert markdown.link_kind(value) is not None, html
                assert not re.match(r"\s*(javascript|vbscript|data|file):", value, re.IGNORECASE), html
            if name == "src":
                assert re.fullmatch(r"/media/[0-9a-f]{64}\.(png|jpg|gif|webp)", value), html
    lowered = html.lower()
    for needle in ("<script", "<svg", "<iframe", "<object", "<embed", "<style", "<math", "<form", "<base",
                   "<meta", "<details", "javascript:", "onerror=", "onload=", "onclick="):
        if needle.endswith(":") or needle.endswith("="):
            # Only ever as visible text, never inside a tag.
            for tag_text in re.findall(r"<[^>]*>", lowered):
                assert needle not in tag_text, html
        else:
            assert needle not in lowered, html


PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img """><script>alert(1)</script>">',
    "<<script>script>alert(1)<</script>/script>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>body{display:none}</style>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<details open ontoggle=alert(1)>x</details>",
    "<!-- <script>alert(1)</script> -->",
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic](&#106;avascript:alert(1))",
    "[clic](&#x6A;avascript&#x3A;alert(1))",
    "[clic](java&#09;script:alert(1))",
    "[clic](<java\tscript:alert(1)>)",
    "[clic](<javascript:alert(1)>)",
    "[clic]( javascript:alert(1) )",
    "<javascript:alert(1)>",
    "[clic](vbscript:msgbox(1))",
    "[clic](file:///etc/passwd)",
    "[clic](//evil.example/path)",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](javascript:alert(1))",
    '![x](x.png" onerror="alert(1))',
    "![x](https://evil.example/pixel.png)",
    '[x](https://example.org" onclick="alert(1))',
    "[x][r]\n\n[r]: javascript:alert(1)",
    f'![a"><script>alert(1)</script>]({REF} "t\\"><script>alert(1)</script>")',
    '[[x" onmouseover="alert(1)|déf<script>alert(1)</script>]]',
    "::: savais-tu <script>alert(1)</script>\ntexte\n:::",
    "[a [b [c](javascript:alert(1)) d] e](javascript:alert(2))",
    "[![x](javascript:alert(1))](javascript:alert(2))",
    "**<img src=x onerror=alert(1)>**",
    "- <b onmouseover=alert(1)>liste</b>\n- [x](javascript:alert(1))",
    "> <script>alert(1)</script>",
    "```html\n<script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "[clic](<java\nscript:alert(1)>)",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_render_inert(payload):
    assert_inert(render(payload).html)
    assert_inert(render_inline(payload).html)


@pytest.mark.parametrize(("payload", "code"), [
    *[(payload, "raw_html") for payload in PAYLOADS[:18]],
    *[(payload, "link_not_allowed") for payload in PAYLOADS[18:31]],
    *[(payload, "image_source_not_allowed") for payload in PAYLOADS[31:33]],
    ("![x](https://evil.example/pixel.png)", "image_source_not_allowed"),
    ("[x][r]\n\n[r]: javascript:alert(1)", "link_not_allowed"),
    ("[![x](javascript:alert(1))](javascript:alert(2))", "link_not_allowed"),
    ("- <b onmouseover=alert(1)>liste</b>", "raw_html"),
])
def test_hostile_payloads_are_reported_not_silently_dropped(payload, code):
    assert code in {problem.code for problem in render(payload).problems}, payload


def test_raw_html_is_shown_as_text_and_reported_with_its_line():
    rendered = render("Bonjour.\n\nUn <b onclick=x>mot</b> en gras.\n\n<div>\nbloc\n</div>\n")
    assert "&lt;b onclick=x&gt;" in rendered.html and "<b" not in rendered.html
    assert [(p.code, p.line) for p in rendered.problems] == [("raw_html", 3), ("raw_html", 3), ("raw_html", 5)]
    assert "HTML brut interdit" in rendered.problems[0].message


def test_sanitize_is_the_last_word_on_any_fragment():
    cleaned = markdown.sanitize('<p onclick="x">a<a href="javascript:alert(1)" target="_top" rel="opener">b</a>'
                                '<img src="https://evil.example/x.png" onerror="y"><script>z</script></p>')
    assert cleaned == "<p>a<a>b</a><img></p>"


# --- blocks ---------------------------------------------------------------------------------


def test_callout_is_an_aside_note_with_its_heading_below_the_current_one():
    html = render("Intro.\n\n## Les marées\n\n::: savais-tu\nLa Lune tire sur la mer.\n:::\n").html
    assert ('<aside class="callout callout-savais-tu" role="note">\n<h4 class="callout-title"></h4>\n'
            "<p>La Lune tire sur la mer.</p>\n</aside>") in html
    # The stored HTML holds no word of ours: the title is added when shown, in the reader's language.
    assert '<h4 class="callout-title" lang="fr">Le savais-tu\u202f?</h4>' in markdown.for_display(html, "fr")
    assert '<h4 class="callout-title" lang="en">Did you know?</h4>' in markdown.for_display(html, "en")
    # Without a heading before it, the callout's heading comes right under the page's <h1>.
    assert '<h2 class="callout-title">' in render("::: savais-tu\nx\n:::\n").html


def test_headings_start_at_h2_under_the_page_title():
    html = render("# Un\n\n## Deux\n\n###### Six\n").html
    assert "<h2>Un</h2>" in html and "<h3>Deux</h3>" in html and "<h6>Six</h6>" in html
    assert "<h1" not in html


def test_glossary_term_shows_its_definition_to_everyone():
    rendered = render("L'[[estran|la partie de la plage que la mer couvre et découvre]] est immense.")
    assert rendered.ok
    assert rendered.html == ('<p>L\'<dfn class="glossary-term">estran</dfn><span class="glossary-definition"> '
                             "(la partie de la plage que la mer couvre et découvre)</span> est immense.</p>\n")
    assert "title=" not in rendered.html


def test_glossary_without_definition_is_a_problem_with_its_line():
    rendered = render("Texte.\n\nLe [[marnage]] et [[|vide]].")
    assert [(p.code, p.line) for p in rendered.problems] == [("glossary_invalid", 3), ("glossary_invalid", 3)]
    assert "[[marnage]]" in rendered.html


def test_image_alone_is_a_figure_with_caption():
    rendered = render(f'![La plage à marée basse]({REF} "La mer est loin.")')
    assert rendered.ok
    assert rendered.html == (f'<figure><img src="{URL}" alt="La plage à marée basse" loading="lazy">'
                             "<figcaption>La mer est loin.</figcaption></figure>\n")


def test_image_inside_a_sentence_stays_inline_without_title_attribute():
    html = render(f'Voici ![un phare]({REF} "Légende") sur la côte.').html
    assert html == f'<p>Voici <img src="{URL}" alt="un phare" loading="lazy"> sur la côte.</p>\n'


def test_image_without_alt_is_a_problem_with_its_line():
    rendered = render(f"Titre\n\nTexte.\n\n![]({REF})\n")
    assert [(p.code, p.line) for p in rendered.problems] == [("image_without_alt", 5)]


def test_image_not_stored_is_refused_and_not_shown():
    rendered = render("![Un dessin](dessin.png)")
    assert [p.code for p in rendered.problems] == ["image_source_not_allowed"]
    assert "<img" not in rendered.html and "dessin.png" not in rendered.html


def test_external_links_open_safely_and_say_so():
    html = render("[Le site](https://www.example.org/page) et [le cours](/courses/granville) "
                  "et [écrire](mailto:office@example.org).").html
    assert ('<a href="https://www.example.org/page" rel="noopener noreferrer external" target="_blank">Le site'
            '<span class="visually-hidden new-window"></span></a>') in html
    assert ('Le site<span class="visually-hidden new-window" lang="fr"> (nouvelle fenêtre)</span></a>'
            in markdown.for_display(html, "fr"))
    assert ('Le site<span class="visually-hidden new-window" lang="en"> (new window)</span></a>'
            in markdown.for_display(html, "en"))
    assert '<a href="/courses/granville">le cours</a>' in html
    assert '<a href="mailto:office@example.org">écrire</a>' in html


def test_html_stored_with_french_words_is_shown_in_the_reader_s_language():
    old = ('<aside class="callout callout-savais-tu" role="note">\n<h2 class="callout-title">Le savais-tu ?</h2>\n'
           '<p><a href="https://example.org" rel="noopener noreferrer external" target="_blank">x'
           '<span class="visually-hidden"> (nouvelle fenêtre)</span></a></p>\n</aside>')
    shown = markdown.for_display(old, "en")
    assert "Did you know?" in shown and "(new window)" in shown
    assert "savais-tu ?" not in shown and "nouvelle" not in shown


def test_refused_link_keeps_its_text_and_is_reported():
    rendered = render("Ligne un\nligne [deux](javascript:alert(1)) fin")
    assert [(p.code, p.line) for p in rendered.problems] == [("link_not_allowed", 2)]
    assert "deux" in rendered.html and "<a" not in rendered.html


def test_unknown_block_and_unclosed_callout_are_reported():
    rendered = render("::: attention\nx\n:::\n\n::: savais-tu\npas fermé\n")
    assert [(p.code, p.line) for p in rendered.problems] == [("unknown_block", 1), ("callout_not_closed", 5)]


@pytest.mark.parametrize("text, line", [
    ("Intro.\n\n::: savais-tu\nUn.\n\n::: savais-tu\nDeux.\n:::\n\nFin.\n:::\n", 6),
    ("::: savais-tu\nUn.\n::: savais-tu\nDeux.\n:::\n:::\n", 3),
])
def test_a_callout_inside_a_callout_is_reported_clearly_with_its_line(text, line):
    rendered = render(text)
    assert [(p.code, p.line) for p in rendered.problems] == [("callout_nested", line)]
    assert "ne peut pas en contenir un autre" in str(markdown.MESSAGES["callout_nested"])


def test_render_inline_has_no_paragraph():
    rendered = render_inline("La **marée** et l'[[estran|le bord]]")
    assert rendered.html == ('La <strong>marée</strong> et l\'<dfn class="glossary-term">estran</dfn>'
                             '<span class="glossary-definition"> (le bord)</span>')


def test_problem_messages_are_french_outside_a_request():
    problem = render("![](x.png)").problems[0]
    assert problem.message == "Image « x.png » sans texte alternatif : écrivez ![description](x.png)."
    assert problem.localized() == problem.message


# --- media references -----------------------------------------------------------------------


def test_media_references():
    assert markdown.media_ref(SHA, "png") == REF
    assert markdown.parse_media_ref(REF) == (SHA, "png")
    assert markdown.media_url(REF) == URL
    for bad in ("media:abc.png", f"media:{SHA}.svg", f"/media/{SHA}.png", f"media:{SHA}.png/../x", "x.png"):
        assert markdown.parse_media_ref(bad) is None and markdown.media_url(bad) is None


def test_image_sources_and_their_rewriting_round_trip():
    text = ("Du texte avec [un lien](maree.png) et `![code](maree.png)`.\n\n"
            '![La [grande] marée](maree.png "Légende")\n\n![Le port](<port.jpg>)\n')
    sources = markdown.image_sources(text)
    assert [(s.src, s.alt, s.caption, s.line) for s in sources] == [
        ("maree.png", "La [grande] marée", "Légende", 3), ("port.jpg", "Le port", "", 5)]
    stored = markdown.replace_image_sources(text, {"maree.png": REF, "port.jpg": f"media:{'ab' * 32}.jpg"})
    assert [s.src for s in markdown.image_sources(stored)] == [REF, f"media:{'ab' * 32}.jpg"]
    assert "[un lien](maree.png)" in stored  # links are not images
    back = markdown.replace_image_sources(stored, {REF: "maree.png", f"media:{'ab' * 32}.jpg": "port.jpg"})
    assert back == text


def test_problem_messages_follow_the_reader_language_in_a_request(app):
    from learnapp.core.i18n import PoDomain

    problem = render("![](x.png)").problems[0]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        PoDomain().as_default()  # what every request does first
        assert problem.localized() == "Image “x.png” has no alternative text: write ![description](x.png)."


def test_a_text_of_many_brackets_renders_in_time_close_to_plain_markdown_it():
    """The glossary rule used to search the rest of the text for "]]" from every "[[": quadratic,
    18 s for the longest text the editor accepts, where markdown-it alone takes under 1 s."""
    from markdown_it import MarkdownIt

    text = "[" * 100_000
    started = time.perf_counter()
    MarkdownIt("commonmark").parse(text)
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    render(text)
    assert time.perf_counter() - started < 8 * baseline


def test_a_glossary_term_longer_than_the_limit_stays_text():
    inside = "a" * (markdown.GLOSSARY_MAX - 2) + "|b"
    assert "<dfn" in render(f"[[{inside}]]").html
    assert "<dfn" not in render(f"[[a{inside}]]").html
