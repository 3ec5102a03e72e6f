"""Jinja helpers shared by every page, and what keeps a page's fixed cost low.

Every page pays for the shared layout, so the layout's parts that do not change from one
request to the next (the head's links, the brand, the menu for a kind of user, the footer) are
rendered once per process and key — ``{% call cached_fragment("footer", current_locale) %}`` —
and templates look the request's translations up once, not once per ``_()``. Anonymous pages
carry an ``ETag`` so a browser or proxy revalidates with a 304 and no body.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app, request
from flask_babel import format_datetime, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from learnapp.core import markdown
from learnapp.core.typography import french

PARIS = ZoneInfo("Europe/Paris")
FRAGMENTS_KEY = "learnapp.fragments"
# Keys are small (a name, a language, a kind of user): a few dozen entries in practice. The bound
# only guards against a key built from something unbounded by mistake.
MAX_FRAGMENTS = 1024


def local_datetime(value, format="medium"):
    """Dates are stored in UTC and shown in Europe/Paris."""
    if value is None:
        return ""
    return format_datetime(value.astimezone(PARIS), format, rebase=False)


def content_html(stored_html) -> Markup:
    """Stored, sanitised HTML (a lesson, a question) as shown to this reader: see
    :func:`learnapp.core.markdown.for_display`. Use it instead of ``|safe`` on stored HTML."""
    return Markup(markdown.for_display(str(stored_html or "")))  # noqa: S704 (sanitised when stored)


def cached_fragment(name: str, *key, caller) -> Markup:
    """``{% call cached_fragment("footer", current_locale) %}…{% endcall %}``: the block is
    rendered the first time for ``(name, *key)`` and reused after. Put in the key everything the
    block reads (language, kind of user, version…); never a per-request value such as a CSRF
    token or the current path. Templates are re-read in debug mode, so nothing is kept there."""
    app = current_app._get_current_object()
    if app.jinja_env.auto_reload:
        return caller()
    fragments = app.extensions[FRAGMENTS_KEY]
    full_key = (name, request.script_root if request else "", *key)
    html = fragments.get(full_key)
    if html is None:
        html = caller()  # a Markup already: the block was rendered with autoescape
        if len(fragments) >= MAX_FRAGMENTS:
            fragments.clear()
        fragments[full_key] = html
    return html


def _request_translations():
    """The request's catalogue, looked up once per request and language (Flask-Babel goes
    through its domain and cache on every call; ``force_locale`` still switches language)."""
    if not request:
        return get_translations()
    locale = get_locale()
    cached = getattr(request, "_learnapp_translations", None)
    if cached is None or cached[0] is not locale:
        cached = request._learnapp_translations = (locale, get_translations())
    return cached[1]


@pass_context
def _gettext(context, message):
    return _request_translations().ugettext(message)


@pass_context
def _ngettext(context, singular, plural, number):
    return _request_translations().ungettext(singular, plural, number)


def revalidate_anonymous_pages(response):
    """after_request: an anonymous page gets an ETag (a hash of its body) and ``no-cache``, so a
    browser or proxy keeps it and asks again with ``If-None-Match``: a 304 without a body when
    nothing changed. Signed-in pages, responses setting a cookie and errors are left alone."""
    if (request.method not in ("GET", "HEAD") or response.status_code != 200
            or response.mimetype != "text/html" or response.direct_passthrough
            or "Set-Cookie" in response.headers or current_user.is_authenticated):
        return response
    response.add_etag()
    response.headers["Cache-Control"] = "no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    if "If-None-Match" not in request.headers:
        return response  # the common case: make_conditional's header parsing costs a page ~3 %
    return response.make_conditional(request)


def init_app(app):
    app.extensions[FRAGMENTS_KEY] = {}
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["french"] = french  # French typography for plain staff-written text
    app.jinja_env.filters["content_html"] = content_html
    app.jinja_env.globals["cached_fragment"] = cached_fragment
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    # Flask-Babel installed its own callables when it was bound; these read the same catalogue.
    app.jinja_env.install_gettext_callables(_gettext, _ngettext, newstyle=True)
    app.after_request(revalidate_anonymous_pages)

    @app.context_processor
    def _request_path():
        return {"current_path": request.full_path.rstrip("?") if request else "/"}
