"""The public cache: whole public pages for anonymous readers, and values
computed from public data, all invalidated at once when public data changes.

**What is cached.** `PublicCacheMiddleware` stores the response to a GET by an
anonymous reader (no session or messages cookie, no Authorization header) of a
page named in `CACHED_VIEWS` — the timeline with any filter, the people and
organization indexes and pages, departures, /about/, the feeds, the API (but
/api/openapi.json, which varies on Accept), the embed, the sitemap — when it
is a 200, not streamed, sets no cookie, has no Vary header and no
``Cache-Control`` of private, no-cache or no-store. A HEAD is answered from
the GET's entry.

Never cached: /admin/, the staff preview, /healthz, the CSV downloads
(streamed: the whole 100 000-row CSV is 35 MB, which would have to be held
in memory to be stored and would push every page out of the cache, while
its query is one streamed SELECT anyway), anything a signed-in user asks for
(whatever a page shows staff, now or later), errors and redirects. The
stored response is the view's, before the security middleware above this
one adds its headers (reading the embed's framing exemption, which is kept
on the response); a hit passes through that middleware too, so it carries
the same headers as a miss. There is no X-Cache header: a hit tells that
someone read the same URL lately, and for ``?q=<a name>`` that is a leak.

**The key** is a hash of the scheme, host, path and the *normalised* query,
prefixed with the public-data version and today's date (pages say "still in
role" and count "the last 12 months"). Parameters are sorted by name. On the
pages that take the filter contract (docs/filter-contract.md) the values of a
repeatable parameter are also sorted and deduplicated, and an empty value is
dropped where the contract says it means "not given" (``?tag=``, ``?to=``),
so ``/?reason=ousted&reason=resigned`` and ``/?reason=resigned&reason=ousted``
share one entry. Nothing else is rewritten: an empty ``?reason=`` is a 400,
and a single-valued parameter given twice keeps its order.

**Invalidation.** The public-data version is a random token stored in the
cache (in Redis when there is one, shared by every server; otherwise in a
file shared by the processes of this checkout, since local memory is per
process). `invalidate()` replaces it, so every page and value stored under
the old one is never read again and expires with its TTL. It is called

- by the middleware, after every POST, PUT, PATCH or DELETE under /admin/ by
  a signed-in user, once the view has returned, that is after its
  transactions have committed: publishing, unpublishing, approving a
  revision, merging, an import, every edit of a person, organization, role,
  source, tag or citation, a revert, whatever the admin grows next;
- explicitly by the management commands that write public data
  (``load_demo``, ``import_departures``, ``restore``, ``generate_synthetic``)
  and by ``manage.py invalidate_public_cache`` (after a shell session).

This needs no signal and no hook in ``save()``: the admin is the only place
where people change data while the site serves, and a request reads the
version *before* it renders, so a page rendered from data older than a
change is stored under the version the change replaced. An editor is signed
in, so never reads the cache and sees a change at once; a draft is only ever
rendered for a signed-in user, and those responses are never stored. A token,
not a counter, so that a version key lost to eviction cannot come back as an
old value with old pages still stored under it. ``PUBLIC_CACHE_SECONDS``
(``DJANGO_PUBLIC_CACHE_SECONDS``, 600 by default, 0 turns the cache off)
bounds what a write outside all of these (SQL by hand) can leave stale.

A cache that fails (Redis down) is logged and treated as a miss: pages are
served uncached, never refused.

**For values computed from public data**, with the same version and TTL::

    from config import public_cache

    counts = public_cache.get_or_set(
        ["facet", "organization", public_cache.normalised_query(request.GET)],
        lambda: count_organizations(queryset),
    )

``key_parts`` is anything JSON can write (strings, numbers, lists) that
determines the value, the value anything pickle can write. Only for what
every reader may see: it is shared by anonymous readers and staff alike.
With the cache off (0 seconds, as in the tests) `compute` is always called.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

logger = logging.getLogger(__name__)

T = TypeVar("T")

PAGES = "default"
VERSIONS = "public-version"
VERSION_KEY = "public-data-version"

# The public pages whose anonymous 200s are stored, by URL name. A page not
# named here is never cached: add it once it shows nothing but public data.
CACHED_VIEWS = frozenset(
    {
        "departures:timeline",
        "departures:detail",
        "departures:about",
        "departures:feed",
        "departures:person-feed",
        "departures:organization-feed",
        "departures:embed",
        "people:person-list",
        "people:person-detail",
        "people:organization-list",
        "people:organization-detail",
        "api:docs",
        "api:departure-list",
        "api:departure-detail",
        "api:person-detail",
        "api:organization-detail",
        "sitemap",
        "robots",
    }
)

# The filter contract (docs/filter-contract.md, departures/filters.py), as far
# as the key needs it: the pages that take it, its repeatable parameters, and
# the parameters whose empty value means "not given".
FILTERED_VIEWS = frozenset(
    {"departures:timeline", "departures:feed", "departures:embed", "api:departure-list"}
)
REPEATABLE = frozenset(
    {"organization", "destination", "seniority", "function", "reason", "tag", "status"}
)
EMPTY_MEANS_ABSENT = frozenset(
    {
        "q",
        "organization",
        "destination",
        "tag",
        "founder",
        "from",
        "to",
        "reversed",
        "sort",
        "page",
    }
)

SAFE_METHODS = ("GET", "HEAD")
NOT_STORED_CACHE_CONTROL = ("private", "no-cache", "no-store")
_MISSING = object()


def enabled() -> bool:
    return settings.PUBLIC_CACHE_SECONDS > 0


def version() -> str:
    """The current public-data version, shared by every server."""
    store = caches[VERSIONS]
    current = store.get(VERSION_KEY)
    if current is None:
        # add() keeps whichever token another process set first.
        store.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        current = store.get(VERSION_KEY)
    return current


def invalidate() -> None:
    """Make every cached page and value stale, on every server."""
    try:
        caches[VERSIONS].set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        # Nothing to fall back on: pages may be stale for PUBLIC_CACHE_SECONDS.
        logger.exception("Could not invalidate the public cache")


def normalised_query(
    query: QueryDict, *, filter_contract: bool = True
) -> list[list[str]]:
    """[name, value] pairs, sorted by name; under the filter contract, with
    repeatable values sorted and deduplicated, and "not given" empties left
    out."""
    pairs = []
    for name in sorted(query):
        values = query.getlist(name)
        if filter_contract and name in EMPTY_MEANS_ABSENT:
            values = [value for value in values if value != ""]
        if filter_contract and name in REPEATABLE:
            values = sorted(set(values))
        pairs.extend([name, value] for value in values)
    return pairs


def _key(kind: str, parts: Any) -> str:
    text = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(text.encode()).hexdigest()
    return f"public:{kind}:{version()}:{timezone.localdate().isoformat()}:{digest}"


def get_or_set(key_parts: Iterable[Any], compute: Callable[[], T]) -> T:
    """The value cached under `key_parts` for the current public data, or
    `compute()`, stored for the next caller."""
    if not enabled():
        return compute()
    try:
        key = _key("value", list(key_parts))
        value = caches[PAGES].get(key, _MISSING)
    except Exception as error:
        _unavailable(error)
        return compute()
    if value is _MISSING:
        value = compute()
        _store(key, value)
    return value


def _store(key: str, value: Any) -> None:
    try:
        caches[PAGES].set(key, value, timeout=settings.PUBLIC_CACHE_SECONDS)
    except Exception as error:
        _unavailable(error)


def _unavailable(error: Exception) -> None:
    # One line per request while the cache is down, not a traceback each.
    logger.warning("Public cache unavailable, serving uncached: %r", error)


def _anonymous(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and "authorization" not in request.headers
    )


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    user = getattr(request, "user", None)
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Vary")
        and not any(word in cache_control for word in NOT_STORED_CACHE_CONTROL)
        and not (user is not None and user.is_authenticated)
    )


class PublicCacheMiddleware:
    """Serve anonymous readers' public pages from the cache, and invalidate it
    after every write through the admin (see the module's docstring)."""

    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in SAFE_METHODS:
            view_name = self.cached_view(request)
            if view_name:
                return self.cached_response(request, view_name)
            return self.get_response(request)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            request.path.startswith(reverse("admin:index"))
            and user is not None
            and user.is_authenticated
        ):
            invalidate()
        return response

    @staticmethod
    def cached_view(request: HttpRequest) -> str:
        """The URL name of a page that may come from the cache, or ""."""
        if not enabled() or not _anonymous(request):
            return ""
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return ""
        return match.view_name if match.view_name in CACHED_VIEWS else ""

    def cached_response(self, request: HttpRequest, view_name: str) -> HttpResponse:
        parts = [
            request.scheme,
            request.get_host(),
            request.path,
            normalised_query(request.GET, filter_contract=view_name in FILTERED_VIEWS),
        ]
        try:
            key = _key("page", parts)
            response = caches[PAGES].get(key)
        except Exception as error:
            _unavailable(error)
            return self.get_response(request)
        if response is not None:
            return response
        response = self.get_response(request)
        if _storable(request, response):
            _store(key, response)
        return response
