"""Disjunctive facet counts for the filter contract.

Each facet's options are counted over the departures that match every *other*
parameter, so an option's count is what clicking it returns. Every count is
one GROUP BY in the database; nothing here loads departures into Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import QueryDict

from departures.filters import FOUNDER, REVERSED, DepartureFilterSet
from departures.models import Tag
from people.models import Organization

# Facets over a lookup with a column per option: name -> (slug, label) fields.
_GROUPED = {
    "organization": ("role__organization__slug", "role__organization__name"),
    "destination": ("destination__slug", "destination__name"),
    "tag": ("tags__slug", "tags__name"),
    "seniority": ("role__seniority", None),
    "function": ("role__function", None),
    "reason": ("reason", None),
    "status": ("status", None),
}
_OPEN_ENDED = ("organization", "destination", "tag")


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int | None
    selected: bool
    href: str


@dataclass
class Facet:
    name: str
    label: str
    options: list[Option]
    errors: list[str] = field(default_factory=list)
    multiple: bool = True

    @property
    def selected(self) -> list[Option]:
        return [option for option in self.options if option.selected]


@dataclass(frozen=True)
class Chip:
    label: str
    href: str


def toggle_href(params: QueryDict, name: str, value: str, *, multiple: bool) -> str:
    """The query string with `value` of `name` switched on or off; back to page 1."""
    query = params.copy()
    query.pop("page", None)
    values = query.getlist(name)
    if value in values:
        values = [v for v in values if v != value]
    elif multiple:
        values = [*values, value]
    else:
        values = [value]
    query.setlist(name, values)
    return _href(query)


def without_href(params: QueryDict, *names: str) -> str:
    query = params.copy()
    for name in ("page", *names):
        query.pop(name, None)
    return _href(query)


def replace_href(params: QueryDict, **values: str) -> str:
    query = params.copy()
    query.pop("page", None)
    for name, value in values.items():
        query.setlist(name, [value])
    return _href(query)


def _href(query: QueryDict) -> str:
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def selected_values(filterset: DepartureFilterSet, name: str) -> list[str]:
    """What the reader asked for, valid or not, as strings."""
    return [v for v in filterset.data.getlist(name) if v.strip()]


def build_facets(
    filterset: DepartureFilterSet, params: QueryDict, *, limit: int = 10
) -> list[Facet]:
    """Every facet with its options; counts only when the filterset is valid.

    Open-ended facets (organizations, destinations, tags) list the `limit`
    biggest options plus whatever is selected.
    """
    valid = filterset.is_valid()
    if not valid:
        # Links from a page with a bad parameter leave that parameter out,
        # so that following one leads somewhere that works.
        params = params.copy()
        for name in filterset.form.errors:
            params.pop(name, None)
    names = _selected_names(filterset)
    facets = []
    for name in (
        "organization",
        "reason",
        "seniority",
        "function",
        "founder",
        "status",
        "tag",
        "destination",
        "reversed",
    ):
        filter_ = filterset.filters[name]
        selected = selected_values(filterset, name)
        multiple = name not in ("founder", "reversed")
        if name in _OPEN_ENDED:
            counts = _open_counts(filterset, name, selected, limit) if valid else {}
            labels = {slug: label for slug, (label, _) in counts.items()}
            for slug in selected:
                labels.setdefault(slug, names.get((name, slug), slug))
            rows = [
                (slug, labels[slug], counts.get(slug, (None, 0))[1]) for slug in labels
            ]
        else:
            choices = _choices(name, filter_)
            counts = _fixed_counts(filterset, name) if valid else {}
            rows = [
                (value, label, counts.get(value, 0))
                for value, label in choices
                if not valid or counts.get(value) or value in selected
            ]
        options = [
            Option(
                value=value,
                label=label,
                count=count if valid else None,
                selected=value in selected
                or (name == "reversed" and not selected and value == "include"),
                href=toggle_href(params, name, value, multiple=multiple)
                if not (name == "reversed" and value == "include")
                else without_href(params, "reversed"),
            )
            for value, label, count in rows
        ]
        facets.append(
            Facet(
                name=name,
                label=filter_.label,
                options=options,
                errors=list(filterset.form.errors.get(name, [])),
                multiple=multiple,
            )
        )
    return facets


def build_chips(
    filterset: DepartureFilterSet, params: QueryDict, facets: list[Facet]
) -> list[Chip]:
    """One removable chip per active filter value."""
    chips = []
    query = params.get("q", "").strip()
    if query:
        chips.append(Chip(f"Search: “{query}”", without_href(params, "q")))
    for facet in facets:
        for option in facet.selected:
            if facet.name == "reversed" and option.value == "include":
                continue
            chips.append(
                Chip(
                    f"{facet.label}: {option.label}",
                    toggle_href(
                        params, facet.name, option.value, multiple=facet.multiple
                    )
                    if facet.name != "reversed"
                    else without_href(params, "reversed"),
                )
            )
    for name, label in (("from", "From"), ("to", "To")):
        value = params.get(name, "").strip()
        if value:
            chips.append(Chip(f"{label}: {value}", without_href(params, name)))
    return chips


def _choices(name: str, filter_) -> list[tuple[str, str]]:
    if name == "founder":
        return list(FOUNDER.items())
    if name == "reversed":
        return list(REVERSED.items())
    return [(str(v), str(label)) for v, label in filter_.extra["choices"]]


def _base(filterset: DepartureFilterSet, name: str):
    without = {name, *DepartureFilterSet.NOT_FILTERS}
    return filterset.filter_queryset(filterset.queryset, without=without).order_by()


def _fixed_counts(filterset: DepartureFilterSet, name: str) -> dict[str, int]:
    queryset = _base(filterset, name)
    if name == "reversed":
        totals = queryset.aggregate(
            include=Count("pk"),
            exclude=Count("pk", filter=Q(reversed_on__isnull=True)),
            only=Count("pk", filter=Q(reversed_on__isnull=False)),
        )
        return totals
    if name == "founder":
        rows = queryset.values_list("role__is_founder").annotate(n=Count("pk"))
        return {("true" if flag else "false"): n for flag, n in rows}
    column = _GROUPED[name][0]
    return dict(queryset.values_list(column).annotate(n=Count("pk")))


def _open_counts(
    filterset: DepartureFilterSet, name: str, selected: list[str], limit: int
) -> dict[str, tuple[str, int]]:
    """slug -> (label, count) for the biggest options and the selected ones."""
    slug, label = _GROUPED[name]
    is_selected = Case(
        When(**{f"{slug}__in": selected}, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    rows = (
        _base(filterset, name)
        .filter(**{f"{slug}__isnull": False})
        .values_list(slug, label)
        .annotate(n=Count("pk"), is_selected=is_selected)
        .order_by("-is_selected", "-n", label)[: limit + len(selected)]
    )
    counts, unselected = {}, 0
    for value, text, n, chosen in rows:
        if not chosen:
            unselected += 1
            if unselected > limit:
                break
        counts[value] = (text, n)
    return counts


def _selected_names(filterset: DepartureFilterSet) -> dict[tuple[str, str], str]:
    """Display names of the selected organizations, destinations and tags:
    public ones only, so a draft's names never label a filter."""
    org_slugs = selected_values(filterset, "organization") + selected_values(
        filterset, "destination"
    )
    tag_slugs = selected_values(filterset, "tag")
    names = {}
    if org_slugs:
        organizations = Organization.objects.public().filter(slug__in=org_slugs)
        for slug, name in organizations.values_list("slug", "name"):
            names[("organization", slug)] = names[("destination", slug)] = name
    if tag_slugs:
        tags = Tag.objects.public().filter(slug__in=tag_slugs)
        for slug, name in tags.values_list("slug", "name"):
            names[("tag", slug)] = name
    return names
