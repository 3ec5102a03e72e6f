"""The one way Markdown becomes HTML: parse (markdown-it, CommonMark, raw HTML off), check,
render, then sanitise with nh3 against a strict allow-list.

Everything staff write (lesson texts, quiz prompts and explanations) goes through
:func:`render` once, when a version is written; the HTML is stored the same for every reader
(no word of ours in it) and shown through :func:`for_display` (the ``content_html`` filter),
which adds the callout title and the new-window hint in the reader's language.

Blocks beyond CommonMark (see docs/content-format.md):

- ``::: savais-tu`` … ``:::``: a "Le savais-tu ?" callout (``<aside role="note">`` with a heading);
- ``[[terme|définition]]``: a glossary term (``<dfn>``) followed by its definition as visible text;
- ``::: consigne nom`` … ``:::``: a shared safety rule, never written by hand: the course loader puts
  it in place of a ``{{consigne nom}}`` line (see learnapp.courses.safety);
- ``[words in English]{lang=en}``: a span in another language (``<span lang="en">``), left out of
  the French typography;
- ``![alt](image "Légende")`` alone in its paragraph: a ``<figure>`` with its ``<figcaption>``.

Images are stored in the database: a text refers to one as ``media:<sha256>.<ext>`` (see
:func:`media_ref`), rendered as ``/media/<sha256>.<ext>``. Files on disk name images by file
name; :func:`image_sources` and :func:`replace_image_sources` convert between the two.

:func:`render` never raises on bad input: it returns the HTML (always inert) and a list of
:class:`Problem` with line numbers (raw HTML, an image without alt text, a ``javascript:`` link …).
Callers that store text refuse it when there are problems.

French typography (no-break spaces before « ; : ! ? », inside « », in numbers) is applied to the
text nodes by :mod:`learnapp.core.typography`, unless the text is not French (``lang``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin

from learnapp.core import typography
from learnapp.core.messages import current_locale, translate
from learnapp.core.problems import N_, Messages, Problem

CALLOUT_NAME = "savais-tu"
SAFETY_CALLOUT_NAME = "consigne"
# Each callout block and the title of its box. Words the renderer adds around what staff wrote
# are not stored (the stored HTML is the same for every reader): :func:`for_display` puts them
# in, in the reader's language.
CALLOUTS = {CALLOUT_NAME: N_("Le savais-tu ?"), SAFETY_CALLOUT_NAME: N_("Consigne de sécurité")}
CALLOUT_TITLE = CALLOUTS[CALLOUT_NAME]
NEW_WINDOW_HINT = N_("(nouvelle fenêtre)")

MESSAGES = Messages({
    "raw_html": N_("HTML brut interdit (« %(html)s ») : écrivez en Markdown."),
    "link_not_allowed": N_("Lien refusé (« %(url)s ») : seuls les liens http(s), mailto:, tel: et les "
                           "chemins du site (/…) sont acceptés."),
    "image_without_alt": N_("Image « %(src)s » sans texte alternatif : écrivez ![description](%(src)s)."),
    "image_source_not_allowed": N_("Image « %(src)s » refusée : seules les images enregistrées dans "
                                   "l'application s'affichent (un fichier à côté du texte, ou une image envoyée "
                                   "dans l'éditeur)."),
    "glossary_invalid": N_("Terme de glossaire mal écrit (« %(text)s ») : écrivez [[terme|définition]]."),
    "unknown_block": N_("Bloc inconnu (« %(text)s ») : le seul bloc est « ::: savais-tu » … « ::: »."),
    "callout_not_closed": N_("Bloc « ::: savais-tu » jamais fermé : ajoutez une ligne « ::: » à la fin du "
                             "bloc."),
    "callout_nested": N_("Un encadré « ::: savais-tu » ne peut pas en contenir un autre : fermez le premier "
                         "par une ligne « ::: » avant d'ouvrir le suivant."),
})


@dataclass(frozen=True)
class Rendered:
    html: str
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


# --- media references ---------------------------------------------------------------------

MEDIA_PREFIX = "media:"
_MEDIA_REF = re.compile(r"media:([0-9a-f]{64})\.(png|jpg|gif|webp)")
_MEDIA_URL = re.compile(r"/media/[0-9a-f]{64}\.(?:png|jpg|gif|webp)")


def media_ref(sha256: str, extension: str) -> str:
    """How a stored text names a stored image: ``media:<sha256>.<ext>``."""
    return f"{MEDIA_PREFIX}{sha256}.{extension}"


def parse_media_ref(src: str) -> tuple[str, str] | None:
    """``media:<sha256>.<ext>`` → ``(sha256, ext)``; anything else → None."""
    match = _MEDIA_REF.fullmatch(src)
    return (match.group(1), match.group(2)) if match else None


def media_url(src: str) -> str | None:
    """The URL an image source is served at, or None when the source is not a stored image."""
    parsed = parse_media_ref(src)
    return f"/media/{parsed[0]}.{parsed[1]}" if parsed else None


@dataclass(frozen=True)
class ImageSource:
    src: str
    alt: str
    caption: str
    line: int


def image_sources(markdown_text: str) -> list[ImageSource]:
    """Every image in a text, in order, with its line (from 1)."""
    if "![" not in markdown_text:  # every image starts so: spare a parse (hostile texts are costly)
        return []
    tokens = _parser().parse(markdown_text)
    found = []
    for child, line in _inline_children(tokens):
        if child.type == "image":
            found.append(ImageSource(src=str(child.attrGet("src") or ""), alt=_alt_text(child),
                                     caption=str(child.attrGet("title") or ""), line=line))
    return found


# ![alt](  — the alt may hold one level of nested brackets and escaped characters.
_IMAGE_HEAD = r"!\[(?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*\]\(\s*<?"


def replace_image_sources(markdown_text: str, replacements: Mapping[str, str]) -> str:
    """Rewrite image sources, e.g. ``{"maree.png": "media:3f…9a.png"}`` when loading files, or
    the reverse when exporting. Only image destinations change; the rest of the text is kept
    byte for byte. Sources must be plain names (no spaces or brackets), as both kinds are."""
    text = markdown_text
    for old, new in replacements.items():
        pattern = re.compile(f"({_IMAGE_HEAD}){re.escape(old)}(?=[\\s>)])", re.DOTALL)
        text = pattern.sub(lambda match, new=new: match.group(1) + new, text)
    return text


# --- links ------------------------------------------------------------------------------

LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")


def link_kind(url: str) -> str | None:
    """``"external"`` (http/https with a host), ``"internal"`` (a path on this site or an
    anchor), ``"contact"`` (mailto:, tel:) or None when the link is refused."""
    if any(ord(character) < 33 or ord(character) == 127 for character in url):
        return None
    scheme = _SCHEME.match(url)
    if scheme is None:
        if url.startswith("#") or (url.startswith("/") and not url.startswith(("//", "/\\"))):
            return "internal"
        return None
    name = scheme.group(1).lower()
    if name not in LINK_SCHEMES:
        return None
    if name in ("mailto", "tel"):
        return "contact"
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return "external" if parts.hostname else None


# --- parsing ------------------------------------------------------------------------------

_GLOSSARY_OPEN = "[["
_GLOSSARY_CLOSE = "]]"
# How far a term and its definition may reach: looking further for "]]" from every "[[" made a
# text of many "[" take quadratic time (markdown-it also calls this rule while reading link labels).
GLOSSARY_MAX = 1000


def _glossary_rule(state: StateInline, silent: bool) -> bool:
    """``[[terme|définition]]`` → a ``glossary`` token (``glossary_invalid`` when malformed)."""
    start = state.pos
    if not state.src.startswith(_GLOSSARY_OPEN, start):
        return False
    end = state.src.find(_GLOSSARY_CLOSE, start + 2, min(state.posMax, start + 4 + GLOSSARY_MAX))
    if end < 0:
        return False
    inner = state.src[start + 2:end]
    if not silent:
        term, bar, definition = inner.partition("|")
        term, definition = " ".join(term.split()), " ".join(definition.split())
        if bar and term and definition:
            token = state.push("glossary", "dfn", 0)
            token.meta = {"term": term, "definition": definition}
        else:
            token = state.push("glossary_invalid", "", 0)
            token.content = state.src[start:end + 2]
    state.pos = end + 2
    return True


def _build_parser(*, html_enabled: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": html_enabled})
    # Links are checked afterwards by our own policy, so a refused one can be reported.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.inline.ruler.before("link", "glossary", _glossary_rule)
    # Attributes only on [spans]{lang=en}: a way to mark words in another language, nothing more.
    md.use(attrs_plugin, after=("span_close",), spans=True, allowed=["lang"])
    for name in CALLOUTS:
        md.use(container_plugin, name)
        md.add_render_rule(f"container_{name}_open", _render_callout)
        md.add_render_rule(f"container_{name}_close", _render_callout)
    for name in ("heading_open", "heading_close"):
        md.add_render_rule(name, _render_heading)
    md.add_render_rule("image", _render_image)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("link_close", _render_link_close)
    md.add_render_rule("glossary", _render_glossary)
    md.add_render_rule("glossary_invalid", _render_text_content)
    return md


_PARSERS: dict[bool, MarkdownIt] = {}


def _parser(*, html_enabled: bool = False) -> MarkdownIt:
    if html_enabled not in _PARSERS:
        _PARSERS[html_enabled] = _build_parser(html_enabled=html_enabled)
    return _PARSERS[html_enabled]


def _inline_children(tokens: list[Token]):
    """(child token, line from 1) for every inline child, counting line breaks."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        line = (token.map[0] if token.map else 0) + 1
        for child in token.children:
            yield child, line
            if child.type in ("softbreak", "hardbreak"):
                line += 1


def _alt_text(image: Token) -> str:
    return "".join(child.content for child in (image.children or []))


# --- rendering ----------------------------------------------------------------------------


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _heading_level(token: Token) -> int:
    """The page's <h1> is the lesson's title: the text's ``#`` is an <h2>, and so on."""
    return min(int(token.tag[1]) + 1, 6)


def _render_heading(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    level = _heading_level(token)
    return f"<h{level}>" if token.nesting == 1 else f"</h{level}>\n"


def _render_image(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    url = media_url(str(token.attrGet("src") or ""))
    if url is None:  # reported as a problem; nothing is shown
        return ""
    img = f'<img src="{_escape(url)}" alt="{_escape(_alt_text(token))}" loading="lazy">'
    caption = str(token.attrGet("title") or "").strip()
    if token.meta.get("figure") and caption:
        return f"{img}<figcaption>{_escape(caption)}</figcaption>"
    return img


def _render_link_open(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    href = _escape(str(token.attrGet("href") or ""))
    if token.meta.get("external"):
        return f'<a href="{href}" rel="noopener noreferrer external" target="_blank">'
    return f'<a href="{href}">'


def _render_link_close(self, tokens, idx, options, env) -> str:
    if tokens[idx].meta.get("external"):
        return '<span class="visually-hidden new-window"></span></a>'
    return "</a>"


def _render_glossary(self, tokens, idx, options, env) -> str:
    meta = tokens[idx].meta
    return (f'<dfn class="glossary-term">{_escape(meta["term"])}</dfn>'
            f'<span class="glossary-definition"> ({_escape(meta["definition"])})</span>')


def _render_text_content(self, tokens, idx, options, env) -> str:
    return _escape(tokens[idx].content)


def _render_callout(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    if token.nesting == -1:
        return "</aside>\n"
    level = token.meta.get("heading_level", 2)
    name = token.type[len("container_"):-len("_open")]
    return (f'<aside class="callout callout-{name}" role="note">\n'
            f'<h{level} class="callout-title"></h{level}>\n')


# --- checking -----------------------------------------------------------------------------


_CALLOUT_OPEN = frozenset(f"container_{name}_open" for name in CALLOUTS)
_CALLOUT_CLOSE = frozenset(f"container_{name}_close" for name in CALLOUTS)


def _check_tokens(tokens: list[Token], lines: list[str], problems: list[Problem]) -> None:
    """Report problems and mark tokens for rendering (external links, figures, callouts)."""
    heading_level = 1
    depth = 0  # callouts open around the current token
    nested = False
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            heading_level = _heading_level(token)
        elif token.type in _CALLOUT_CLOSE:
            depth = max(depth - 1, 0)
        elif token.type in _CALLOUT_OPEN:
            depth += 1
            if depth > 1:
                nested = True
                problems.append(MESSAGES.problem("callout_nested", line=(token.map[0] + 1) if token.map else None))
            token.meta["heading_level"] = min(heading_level + 1, 6)
            closing = token.map[1] if token.map else len(lines)
            closing_line = lines[closing].strip().lstrip(">").strip() if closing < len(lines) else ""
            if not (closing_line.startswith(":::") and set(closing_line) == {":"}):
                problems.append(MESSAGES.problem("callout_not_closed", line=(token.map[0] + 1) if token.map else None))
        elif token.type == "inline" and token.map:
            first_line = token.content.split("\n", 1)[0].strip()
            if first_line.startswith(":::") and not (nested and set(first_line) == {":"}):
                # (after a nested callout, a lone « ::: » is the outer one's end: already explained)
                problems.append(MESSAGES.problem("unknown_block", {"text": first_line[:60]}, line=token.map[0] + 1))
            # An image alone in its paragraph becomes a figure (with its title as caption).
            children = token.children or []
            if (len(children) == 1 and children[0].type == "image" and index > 0
                    and media_url(str(children[0].attrGet("src") or "")) is not None
                    and tokens[index - 1].type == "paragraph_open" and not tokens[index - 1].hidden):
                tokens[index - 1].tag = tokens[index + 1].tag = "figure"
                children[0].meta["figure"] = True

    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = _check_inline(token, problems)


def _check_inline(parent: Token, problems: list[Problem]) -> list[Token]:
    kept: list[Token] = []
    open_links: list[Token | None] = []  # None: a refused link whose tags are dropped
    for child, line in _inline_children([parent]):
        if child.type == "link_open":
            href = str(child.attrGet("href") or "")
            kind = link_kind(href)
            if kind is None:
                problems.append(MESSAGES.problem("link_not_allowed", {"url": href[:80]}, line=line))
                open_links.append(None)
                continue
            child.meta["external"] = kind == "external"
            open_links.append(child)
        elif child.type == "link_close":
            opened = open_links.pop() if open_links else None
            if opened is None:
                continue
            child.meta["external"] = opened.meta.get("external", False)
        elif child.type == "image":
            src = str(child.attrGet("src") or "")
            if not _alt_text(child).strip():
                problems.append(MESSAGES.problem("image_without_alt", {"src": src[:80]}, line=line))
            if media_url(src) is None:
                problems.append(MESSAGES.problem("image_source_not_allowed", {"src": src[:80]}, line=line))
        elif child.type == "glossary_invalid":
            problems.append(MESSAGES.problem("glossary_invalid", {"text": child.content[:80]}, line=line))
        kept.append(child)
    return kept


def _raw_html_problems(markdown_text: str, *, inline: bool = False) -> list[Problem]:
    """Raw HTML is refused, not silently dropped: find it with a parser that recognises it."""
    if "<" not in markdown_text:  # all raw HTML starts so: spare a second parse of the text
        return []
    md = _parser(html_enabled=True)
    tokens = md.parseInline(markdown_text) if inline else md.parse(markdown_text)
    problems = []
    for token in tokens:
        if token.type == "html_block" and token.map:
            snippet = token.content.strip().split("\n", 1)[0]
            problems.append(MESSAGES.problem("raw_html", {"html": snippet[:60]}, line=token.map[0] + 1))
    for child, line in _inline_children(tokens):
        if child.type == "html_inline":
            problems.append(MESSAGES.problem("raw_html", {"html": child.content.strip()[:60]}, line=line))
    return problems


# --- sanitising ---------------------------------------------------------------------------

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "img", "figure", "figcaption", "aside", "dfn", "span",
})


_LANGUAGE_TAG = re.compile(r"[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # Must never raise (nh3 would report it as an unraisable exception).
    if tag == "img" and attribute == "src":
        return value if _MEDIA_URL.fullmatch(value) else None
    if tag == "a" and attribute == "href":
        return value if link_kind(value) is not None else None
    if tag == "span" and attribute == "lang":
        return value if _LANGUAGE_TAG.fullmatch(value) else None
    if tag == "ol" and attribute == "start":
        return value if value.isdigit() and len(value) < 7 else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style"},
    attributes={"a": {"href"}, "img": {"src", "alt"}, "ol": {"start"}, "span": {"lang"}},
    attribute_filter=_attribute_filter,
    tag_attribute_values={
        "a": {"rel": {"noopener noreferrer external"}, "target": {"_blank"}},
        "aside": {"role": {"note"}},
        "img": {"loading": {"lazy"}},
    },
    allowed_classes={
        "aside": {"callout", *(f"callout-{name}" for name in CALLOUTS)},
        **{f"h{level}": {"callout-title"} for level in range(2, 7)},
        "dfn": {"glossary-term"},
        "span": {"glossary-definition", "visually-hidden", "new-window"},
    },
    url_schemes=set(LINK_SCHEMES),
    link_rel=None,
    strip_comments=True,
)


def sanitize(fragment: str) -> str:
    """The last word on any HTML fragment made from what staff wrote."""
    return _CLEANER.clean(fragment)


# --- the API ------------------------------------------------------------------------------


def render(markdown_text: str, *, lang: str = "fr") -> Rendered:
    """Markdown → sanitised HTML, with the problems found (line numbers from 1). French text
    (``lang``) gets French typography."""
    text = markdown_text.replace("\r\n", "\n").replace("\r", "\n")
    md = _parser()
    env: dict = {}
    tokens = md.parse(text, env)
    problems = _raw_html_problems(text)
    _check_tokens(tokens, text.split("\n"), problems)
    if typography.is_french(lang):
        typography.apply_to_tokens(tokens)
    html_out = sanitize(md.renderer.render(tokens, md.options, env))
    problems.sort(key=lambda problem: problem.line or 0)
    return Rendered(html=html_out, problems=tuple(problems))


# The title is the renderer's own (raw HTML is refused), so whatever it holds is replaced; HTML
# stored before the words were left out holds the French title.
_CALLOUT_TITLE_SLOT = re.compile(
    r'(<aside class="callout callout-([a-z-]+)" role="note">\s*<h[2-6] class="callout-title")>[^<]*(</h[2-6]>)')
_EMPTY_NEW_WINDOW = re.compile(r'<span class="visually-hidden(?: new-window)?">(?: \(nouvelle fenêtre\))?</span></a>')


def for_display(stored_html: str, locale: str | None = None) -> str:
    """Stored HTML with the renderer's own words (callout title, new-window hint) in the
    reader's language, marked with that language inside the French text. HTML stored before
    the words were left out (with them in French) is shown the same way."""
    if "callout-title" not in stored_html and "visually-hidden" not in stored_html:
        return stored_html
    locale = locale or current_locale()
    hint = html.escape(translate(NEW_WINDOW_HINT, locale=locale))

    def title(match: re.Match) -> str:
        words = translate(CALLOUTS.get(match.group(2), CALLOUT_TITLE), locale=locale)
        if locale == "fr":
            words = typography.french(words)
        return f'{match.group(1)} lang="{locale}">{html.escape(words)}{match.group(3)}'

    shown = _CALLOUT_TITLE_SLOT.sub(title, stored_html)
    return _EMPTY_NEW_WINDOW.sub(
        f'<span class="visually-hidden new-window" lang="{locale}"> {hint}</span></a>', shown)


def render_inline(markdown_text: str, *, lang: str = "fr") -> Rendered:
    """A short text (a quiz choice, a caption) without block elements: no <p> around it."""
    text = " ".join(markdown_text.split())
    md = _parser()
    env: dict = {}
    tokens = md.parseInline(text, env)
    problems = _raw_html_problems(text, inline=True)
    for token in tokens:
        token.children = _check_inline(token, problems)
    if typography.is_french(lang):
        typography.apply_to_tokens(tokens)
    html_out = sanitize(md.renderer.render(tokens, md.options, env))
    return Rendered(html=html_out, problems=tuple(problems))
