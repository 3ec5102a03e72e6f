"""Response headers that hold on every page: a strict CSP (no inline script or style), and no
caching of any page that may show a person's data."""

from __future__ import annotations

from flask import current_app, request
from flask_login import AnonymousUserMixin, current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from learnapp.core.access import audience_of

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Every image is a file or a /media/ URL of this site: no data: or blob: images.
        "img-src 'self'",
        "media-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Files that are the same for everyone (the app's static files, images named by their hash):
# browsers and proxies may keep them, whoever asked.
SHARED_ENDPOINTS = frozenset({"static", "media.image"})


def is_personal(endpoint: str | None, signed_in: bool) -> bool:
    """Whether a response may show someone's data, and so must never be stored by a browser or a
    proxy: every answer to a signed-in person (their name is in the menu, their progress on the
    page, staff pages list people), and every page reserved to signed-in people whoever asks.
    Public pages seen by a visitor keep their caching, as do shared files."""
    if endpoint is not None and (endpoint in SHARED_ENDPOINTS or endpoint.endswith(".static")):
        return False
    if signed_in:
        return True
    audience = audience_of(endpoint)
    return audience is not None and audience.kind != "public"


def cache_privately(max_age: int):
    """Let the owner's browser keep this personal page for ``max_age`` seconds (``private``: never
    a proxy), instead of ``no-store``: the ambassador's card must open without a network at a
    partner's desk once it has been opened (see docs/decisions-cards-partners.md)."""

    def decorate(view):
        view.private_max_age = max_age
        return view

    return decorate


def _private_max_age(endpoint: str | None) -> int | None:
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, "private_max_age", None)


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "geolocation=(), microphone=(), camera=(self)")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    # Not current_user.is_authenticated: after the view's commit it reloads the user's row.
    signed_in = not isinstance(current_user._get_current_object(), AnonymousUserMixin)
    if is_personal(request.endpoint, signed_in):
        max_age = _private_max_age(request.endpoint)
        if max_age and signed_in and response.status_code == 200:
            headers["Cache-Control"] = f"private, max-age={max_age}"
            headers["Vary"] = "Cookie"
        else:
            # Not kept on disk, not shown again by the Back button after sign-out on a shared
            # computer, not served to the next person by a proxy.
            headers["Cache-Control"] = "no-store"
    config = current_app.config
    if config.get("SESSION_COOKIE_SECURE") and str(config.get("BASE_URL", "")).startswith("https://"):
        # Served over HTTPS in production: browsers must never come back over plain HTTP.
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app):
    app.after_request(add_security_headers)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # Behind a reverse proxy, the visitor's address (rate limits per address) and scheme come
        # from the X-Forwarded-* headers that the proxy sets; without this every visitor would
        # share the proxy's address, and one bad actor would throttle everyone's login.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
