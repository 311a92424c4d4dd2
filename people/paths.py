"""The paths of the public pages, for the cost of joining strings.

A timeline page links each of its 50 departures to the departure, its person
and its organization, and the CSV export writes those links on every row; a
reverse() costs about 40 µs (the resolver, the script prefix, the converters'
checks), some 10 ms of a page. `route()` reverses a name once per script
prefix and URLconf, with placeholder arguments, and keeps the path cut around
them; `path()` then joins the real arguments into the pieces. An argument it
cannot vouch for (not a slug, not a whole number) goes to reverse() itself,
which refuses it as it always has.
"""

import functools
import re
from typing import NamedTuple

from django.urls import get_script_prefix, get_urlconf, reverse

# What each argument may be, as the route's converter (<int:pk>, <slug:slug>)
# accepts it, and a placeholder that converter takes that no path holds.
_ACCEPTS = {"pk": re.compile(r"[0-9]+"), "slug": re.compile(r"[-a-zA-Z0-9_]+")}
_PLACEHOLDERS = {"pk": "987654321", "slug": "slug-placeholder-x7q"}


class Route(NamedTuple):
    """A route's path cut around its arguments: `pieces[0]`, the first
    argument named in `order`, `pieces[1]`, and so on."""

    order: tuple[str, ...]
    pieces: tuple[str, ...]

    def join(self, kwargs: dict) -> str:
        parts = [self.pieces[0]]
        for name, piece in zip(self.order, self.pieces[1:], strict=True):
            parts += [str(kwargs[name]), piece]
        return "".join(parts)


def route(name: str, *arguments: str) -> Route:
    """The route `name` with `arguments` (of pk, slug), under the current
    script prefix and URLconf."""
    return _cut(name, tuple(sorted(arguments)), get_script_prefix(), get_urlconf())


@functools.lru_cache(maxsize=256)
def _cut(name: str, arguments: tuple, prefix: str, urlconf) -> Route:
    """(The prefix and URLconf are part of the key: reverse() reads them.)"""
    placeholders = {each: _PLACEHOLDERS[each] for each in arguments}
    rest = reverse(name, kwargs=placeholders, urlconf=urlconf)
    order = tuple(sorted(arguments, key=lambda each: rest.find(placeholders[each])))
    pieces = []
    for each in order:
        before, found, rest = rest.partition(placeholders[each])
        if not found:  # pragma: no cover - a converter that changes its value
            raise ValueError(f"{name} does not keep the {each} it is given")
        pieces.append(before)
    return Route(order, (*pieces, rest))


def path(name: str, **kwargs) -> str:
    """reverse(name, kwargs=kwargs), for a route whose arguments are among
    pk and slug."""
    if all(
        each in _ACCEPTS and _ACCEPTS[each].fullmatch(str(value))
        for each, value in kwargs.items()
    ):
        return route(name, *kwargs).join(kwargs)
    return reverse(name, kwargs=kwargs)
