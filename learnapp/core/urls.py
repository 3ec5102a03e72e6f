from urllib.parse import urlsplit


def safe_next_url(target: str | None, fallback: str) -> str:
    """Only follow a ``next`` that stays on this site (no open redirect)."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target:
        return fallback
    return target
