"""Normalizing source URLs so that one article is one Source."""

import functools
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that track a click rather than name a page.
TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMS = {"fbclid", "gclid", "mc_cid", "mc_eid", "ref", "cmpid", "ocid"}


# A URL is normalized when its file is preloaded, when its row finds or
# creates its source, and when that source is cleaned: once is enough.
@functools.lru_cache(maxsize=20_000)
def normalize_url(url: str) -> str:
    """Return `url` with a lower-case scheme and host, no default port, no
    fragment and no tracking parameters.

    The path is kept as written (servers differ on trailing slashes), so the
    normalized URL still opens the page it names.
    """
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if parts.port and not (
        (scheme == "http" and parts.port == 80)
        or (scheme == "https" and parts.port == 443)
    ):
        host = f"{host}:{parts.port}"
    if parts.username:
        host = f"{parts.username}@{host}"
    path = parts.path or "/"
    query = urlencode(
        [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not key.lower().startswith(TRACKING_PREFIXES)
            and key.lower() not in TRACKING_PARAMS
        ]
    )
    return urlunsplit((scheme, host, path, query, ""))
