"""Response headers that hold on every page: a strict CSP (no inline script or style)."""

from __future__ import annotations

from flask import current_app
from werkzeug.middleware.proxy_fix import ProxyFix

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


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "geolocation=(), microphone=(), camera=(self)")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
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
