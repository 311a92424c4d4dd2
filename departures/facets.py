"""Disjunctive facet counts for the filter contract.

Each facet's options are counted over the departures that match every *other*
parameter, so an option's count is what clicking it returns. Each count is a
GROUP BY in the database, but where a search has made the departures few:
then one read of their columns (`SearchRows`) gives every count of the whole
selection.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, partial
from urllib.parse import quote_plus
from weakref import WeakKeyDictionary

from django.db import models
from django.db.models import Count, F, Q
from django.http import QueryDict

from config import public_cache
from departures.charts import month_rows
from departures.database import AmongIds, Unordered
from departures.filters import FOUNDER, REVERSED, DepartureFilterSet
from departures.models import ChoiceTally, Departure, OrganizationTally, Tag
from people.models import Organization, Role


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


class Links:
    """The links of one page, each its query string with one parameter
    changed, back to page 1.

    A timeline page makes about a hundred (every facet option, every chart
    bar, every chip). The page's own parameters are encoded once, here,
    rather than copied and encoded again for each link; each link encodes
    only what it changes. The order is QueryDict's: a changed parameter
    keeps its place, a new one goes last."""

    def __init__(self, params: QueryDict):
        self._encoded = {
            name: [_pair(name, value) for value in values]
            for name, values in params.lists()
            if name != "page"
        }
        self._values = {name: values for name, values in params.lists()}

    def toggle(self, name: str, value: str, *, multiple: bool) -> str:
        """With `value` of `name` switched on or off."""
        values = self._values.get(name, [])
        if value in values:
            values = [v for v in values if v != value]
        elif multiple:
            values = [*values, value]
        else:
            values = [value]
        return self._with({name: values})

    def without(self, *names: str) -> str:
        return self._with(dict.fromkeys(names, []))

    def replace(self, **values: str) -> str:
        return self._with({name: [value] for name, value in values.items()})

    def _with(self, changed: dict[str, list[str]]) -> str:
        pairs = []
        for name, encoded in self._encoded.items():
            if name in changed:
                pairs += [_pair(name, value) for value in changed[name]]
            else:
                pairs += encoded
        for name, values in changed.items():
            if name not in self._encoded and name != "page":
                pairs += [_pair(name, value) for value in values]
        return "?" + "&".join(pairs)


def _pair(name: str, value: str) -> str:
    """`name=value` as QueryDict.urlencode() writes it."""
    return f"{quote_plus(name, safe='')}={quote_plus(str(value), safe='')}"


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
    links = Links(params)
    facets = []
    choice_counts = (
        cached_counts(filterset, "choices", lambda: _choice_counts(filterset))
        if valid
        else {}
    )
    active = filterset.active() if valid else set()
    for dimension in FACETS:
        name = dimension.name
        selected = selected_values(filterset, name)
        if valid and name in choice_counts:
            rows = dimension.rows(choice_counts[name], selected)
        elif valid:
            base = filterset.filter_queryset(
                filterset.queryset, without={name, *DepartureFilterSet.NOT_FILTERS}
            ).order_by()
            rows = cached_counts(
                filterset,
                (name, limit, *selected),
                partial(
                    dimension.rows,
                    base,
                    selected,
                    limit=limit,
                    narrowed=bool(active - {name}),
                    # A facet the reader has not narrowed counts the whole
                    # selection: from its rows, when a search made them few.
                    searched=None if name in active else SearchRows.of(filterset),
                ),
            )
        else:
            rows = [
                (value, label, None)
                for value, label in dimension.unvalidated(filterset, selected)
            ]
        facets.append(
            Facet(
                name=name,
                label=filterset.filters[name].label,
                options=[
                    Option(
                        value=value,
                        label=label,
                        count=count,
                        selected=dimension.is_selected(value, selected),
                        href=dimension.href(links, value),
                    )
                    for value, label, count in rows
                ],
                errors=list(filterset.form.errors.get(name, [])),
                multiple=dimension.multiple,
            )
        )
    return facets


def cached_counts(filterset: DepartureFilterSet, part, compute):
    """`compute()`, cached for the current public data under the filter's
    cleaned values (config/public_cache.py): every page and sort of one
    selection shares its counts, and any change the public sees renews them."""
    selection = sorted(
        (name, repr(value))
        for name, value in filterset.form.cleaned_data.items()
        if name not in filterset.NOT_FILTERS
    )
    return public_cache.get_or_set(("timeline-counts", selection, part), compute)


def build_chips(
    filterset: DepartureFilterSet, params: QueryDict, facets: list[Facet]
) -> list[Chip]:
    """One removable chip per active filter value."""
    chips = []
    links = Links(params)
    query = params.get("q", "").strip()
    if query:
        chips.append(Chip(f"Search: “{query}”", links.without("q")))
    for facet in facets:
        for option in facet.selected:
            if facet.name == "reversed" and option.value == "include":
                continue
            chips.append(
                Chip(
                    f"{facet.label}: {option.label}",
                    links.toggle(facet.name, option.value, multiple=facet.multiple)
                    if facet.name != "reversed"
                    else links.without("reversed"),
                )
            )
    for name, label in (("from", "From"), ("to", "To")):
        value = params.get(name, "").strip()
        if value:
            chips.append(Chip(f"{label}: {value}", links.without(name)))
    return chips


# --- The facets, declared once each -----------------------------------------
#
# Each counts one column of the departure row (the role's facts are stored on
# it, departures/database.py) with one GROUP BY over a partial index of the
# published rows; the open-ended ones then look up the labels of the few
# values they show.

Row = tuple[str, str, int | None]


@dataclass(frozen=True)
class ChoiceFacet:
    """A fixed list of choices: every option with a count, and the selected."""

    name: str
    column: str
    choices: tuple[tuple[str, str], ...]
    multiple: bool = True

    def rows(self, counts: dict[str, int], selected: list[str]) -> list[Row]:
        return [
            (value, label, counts.get(value, 0))
            for value, label in self.choices
            if counts.get(value) or value in selected
        ]

    def accepts(self, value: str, selected: list[str]) -> bool:
        """Whether a departure with `value` passes this facet's filter: the
        filter's own rule (one of the values; none means any)."""
        return not selected or value in selected

    def narrows(self, selected: list[str]) -> bool:
        """Whether some departure can fail this facet's filter: by
        `accepts`, only when something is selected."""
        return bool(selected)

    def unvalidated(self, filterset, selected: list[str]) -> list[tuple[str, str]]:
        return list(self.choices)

    def is_selected(self, value: str, selected: list[str]) -> bool:
        return value in selected

    def href(self, links: Links, value: str) -> str:
        return links.toggle(self.name, value, multiple=self.multiple)


@dataclass(frozen=True)
class ReversedFacet(ChoiceFacet):
    """Include (the default, shown selected when nothing is), exclude or only."""

    def share_of(self, selected: list[str]):
        """(rows, reversed_rows) -> how many of `rows` departures, of which
        `reversed_rows` were reversed, pass this filter."""
        choice = selected[0] if selected else "include"
        return {
            "include": lambda rows, reversed_rows: rows,
            "exclude": lambda rows, reversed_rows: rows - reversed_rows,
            "only": lambda rows, reversed_rows: reversed_rows,
        }[choice]

    def is_selected(self, value: str, selected: list[str]) -> bool:
        return value in selected or (not selected and value == "include")

    def href(self, links: Links, value: str) -> str:
        if value == "include":
            return links.without(self.name)
        return super().href(links, value)


@dataclass(frozen=True)
class OpenFacet:
    """Organizations (left, or gone to) by slug: the biggest and the selected."""

    name: str
    column: str  # a departure column holding an organization's id
    model: type[models.Model] = Organization
    multiple: bool = True
    # The stored count of published departures per value of `column`, if the
    # database keeps one (departures/database.py): what this facet counts
    # when nothing else narrows the departures.
    tally: type[models.Model] | None = None

    def rows(
        self,
        base,
        selected: list[str],
        *,
        limit: int,
        narrowed: bool = False,
        searched: SearchRows | None = None,
    ) -> list[Row]:
        """`narrowed`: other parameters narrow `base`, so the rows are better
        found through their index than read in this column's order. `searched`:
        the counts of `base` are already read, every value's."""
        every = searched.counts(self) if searched is not None else None
        n = limit + len(selected) + 1
        if every is not None:
            counts = dict(
                sorted(
                    ((pk, count) for pk, count in every.items() if pk is not None),
                    key=lambda item: (-item[1], item[0]),
                )[:n]
            )
        else:
            counts = self.biggest(base, n, narrowed=narrowed)
        counts.pop(None, None)
        # Labels of the counted (public, since published departures count them)
        # and of the selected, if public: a draft's name never labels a filter.
        named = Q(pk__in=list(counts))
        if selected:
            public = self.model.objects.public().filter(slug__in=selected)
            named |= Q(pk__in=public.values("pk"))
        labels = (
            dict(
                (pk, (slug, name))
                for pk, slug, name in self.model.objects.filter(named).values_list(
                    "pk", "slug", "name"
                )
            )
            if counts or selected
            else {}
        )
        uncounted = [pk for pk in labels if pk not in counts]
        if uncounted and every is not None:
            counts |= {pk: every[pk] for pk in uncounted if pk in every}
        elif uncounted:
            counts |= dict(self.grouped(base, ids=uncounted))
        # The `limit` biggest, ties to the first id (as counted), shown
        # biggest first, ties by name.
        counted = sorted(
            (pk for pk in labels if counts.get(pk)), key=lambda pk: (-counts[pk], pk)
        )
        chosen = [pk for pk in counted if labels[pk][0] in selected]
        biggest = [pk for pk in counted if labels[pk][0] not in selected][:limit]
        found = {labels[pk][0] for pk in chosen}
        return (
            self._shown(chosen, labels, counts)
            + [(slug, _name(labels, slug), 0) for slug in selected if slug not in found]
            + self._shown(biggest, labels, counts)
        )

    @staticmethod
    def _shown(pks, labels: dict, counts: dict) -> list[Row]:
        return sorted(
            ((*labels[pk], counts[pk]) for pk in pks), key=lambda row: (-row[2], row[1])
        )

    def biggest(self, base, n: int, *, narrowed: bool) -> dict:
        """id -> count for (at least) the `n` biggest values in `base`: over
        all published departures, read from the tally (a few thousand rows)
        rather than counted from 100 000."""
        if self.tally is not None and not narrowed:
            key = self.tally._meta.pk.attname
            return dict(
                self.tally.objects.filter(departures__gt=0)
                .order_by("-departures", key)
                .values_list(key, "departures")[:n]
            )
        grouped = self.grouped(base, narrowed=narrowed)
        return dict(grouped.order_by("-n", "value")[:n])

    def grouped(self, base, *, ids=None, narrowed=False):
        """(id, count) rows of the departures in `base`, by this column; of
        the ids `ids` only, if given."""
        if ids is not None:
            base = base.filter(**{f"{self.column}__in": ids})
        # No `IS NOT NULL` here: SQLite would then prefer the plain foreign
        # key index to the covering one; the empty group is dropped below.
        value = Unordered(self.column) if narrowed else F(self.column)
        return base.annotate(value=value).values_list("value").annotate(n=Count("*"))

    def unvalidated(self, filterset, selected: list[str]) -> list[tuple[str, str]]:
        names = dict(
            self.model.objects.public()
            .filter(slug__in=selected)
            .values_list("slug", "name")
        )
        return [(slug, names.get(slug, slug)) for slug in selected]

    def is_selected(self, value: str, selected: list[str]) -> bool:
        return value in selected

    def href(self, links: Links, value: str) -> str:
        return links.toggle(self.name, value, multiple=True)


@dataclass(frozen=True)
class TagFacet(OpenFacet):
    """Themes: counted through the departures' tags."""

    model: type[models.Model] = Tag

    def biggest(self, base, n: int, *, narrowed: bool) -> dict:
        """Every theme's count (themes are few). Over all published departures
        (nothing narrows `base`), that is each theme's taggings less those of
        drafts: two reads of the tag table's own indexes, rather than a
        look-up of 100 000 departures."""
        if narrowed:
            return dict(self.grouped(base))
        through = Departure.tags.through.objects.order_by()
        every = through.values_list("tag_id").annotate(n=Count("*"))
        drafts = (
            through.filter(departure__published_at__isnull=True)
            .values_list("tag_id")
            .annotate(n=Count("*"))
        )
        counts = Counter(dict(every))
        counts.subtract(dict(drafts))
        return {tag: n for tag, n in counts.items() if n > 0}

    def grouped(self, base, *, ids=None, narrowed=False):
        # A join (not `IN (every matching id)`), so the database may read the
        # tag table once and look each row's departure up. One filter() call,
        # so that the grouping reuses its join.
        tagged = base.filter(
            **({"tags__in": ids} if ids is not None else {"tags__isnull": False})
        )
        return (
            tagged.annotate(value=F("tags")).values_list("value").annotate(n=Count("*"))
        )


class SearchRows:
    """The columns the counts read, of every departure a page selects, read
    once, when a search has made them few (`searched_few`: at most
    SEARCH_IDS_MAX).

    The facets the reader has not narrowed, the chart and the page's count
    all count that same selection: tallying one read of its rows in Python
    costs less than one GROUP BY over the search's ids for each of them.
    """

    @classmethod
    def of(cls, filterset: DepartureFilterSet) -> SearchRows | None:
        """The rows of `filterset`'s selection, once per filterset; None
        unless a search found few departures. Where the search alone
        narrows them, the rows it read as it found them (if it was asked
        for SEARCH_COLUMNS, as the timeline asks)."""
        if filterset not in cls._made:
            if not filterset.searched_few():
                made = None
            elif (
                filterset.search_columns == SEARCH_COLUMNS
                and (rows := filterset.search_rows()) is not None
            ):
                made = cls(rows=rows)
            else:
                made = cls(
                    filterset.filter_queryset(
                        filterset.queryset, without=DepartureFilterSet.NOT_FILTERS
                    )
                )
            cls._made[filterset] = made
        return cls._made[filterset]

    _made: WeakKeyDictionary = WeakKeyDictionary()

    MONTH = ("announced_month", "announced_precision")

    def __init__(self, queryset=None, *, rows: list[tuple] | None = None):
        """Of the departures of `queryset`, or of `rows` already read: (id,
        *SEARCH_COLUMNS) each."""
        self.queryset = queryset.order_by() if queryset is not None else None
        self._rows = rows

    @cached_property
    def _columns(self) -> dict[str, tuple]:
        names = ["pk", *SEARCH_COLUMNS]
        rows = self._rows
        if rows is None:
            rows = list(self.queryset.values_list(*names))
        columns = zip(*rows, strict=True) if rows else [()] * len(names)
        return dict(zip(names, columns, strict=True))

    @property
    def count(self) -> int:
        return len(self._columns["pk"])

    def counts(self, facet: OpenFacet) -> Counter:
        """value -> how many of the selection have it, for each value."""
        if isinstance(facet, TagFacet):
            # Read from the tag table's own index, by the selection's ids.
            return Counter(
                dict(
                    Departure.tags.through.objects.filter(
                        AmongIds(self._columns["pk"], "departure_id")
                    )
                    .order_by()
                    .values_list("tag_id")
                    .annotate(n=Count("*"))
                )
            )
        return Counter(self._columns[facet.column])

    def combinations(self, columns: list[str], counted: str) -> list[tuple]:
        """(*values of `columns`, how many rows, how many with `counted` set),
        for each combination of values: the rows of a GROUP BY."""
        together = Counter(
            zip(*(self._columns[c] for c in (*columns, counted)), strict=True)
        )
        grouped: dict[tuple, list[int]] = {}
        for (*values, set_), n in together.items():
            both = grouped.setdefault(tuple(values), [0, 0])
            both[0] += n
            if set_ is not None:
                both[1] += n
        return [(*values, n, r) for values, (n, r) in grouped.items()]

    def months(self) -> list[tuple]:
        """What `period_counts` would count of the selection."""
        month, precision = (self._columns[c] for c in self.MONTH)
        return month_rows(Counter(zip(month, precision, strict=True)))


CHOICES_INDEX = "dep_pub_choices_idx"


def _choice_counts(filterset: DepartureFilterSet) -> dict[str, Counter]:
    """The counts of every fixed-choice facet from one GROUP BY.

    The choice facets' columns, with how many of each combination were
    reversed, over the departures that pass every *other* parameter: one read
    of CHOICES_INDEX, or of ChoiceTally where no other parameter narrows
    them (the few thousand combinations of 100 000 departures). Each facet's
    option then counts the combinations that pass the other choice facets'
    filters — what clicking it returns.
    """
    # Grouped in the index's column order, so that the database can read the
    # index in order, already grouped, rather than hash every row.
    columns = next(
        index.fields for index in Departure._meta.indexes if index.name == CHOICES_INDEX
    )
    plain = sorted(
        (f for f in FACETS if type(f) is ChoiceFacet),
        key=lambda f: columns.index(f.column),
    )
    reversed_ = next(f for f in FACETS if isinstance(f, ReversedFacet))
    without = {f.name for f in (*plain, reversed_)} | DepartureFilterSet.NOT_FILTERS
    searched = None if without & filterset.active() else SearchRows.of(filterset)
    if searched is not None:
        # No choice narrowed: their counts are of the whole selection.
        combinations = searched.combinations(
            [f.column for f in plain], reversed_.column
        )
    elif not filterset.active() - without:
        # Nothing but the choices narrows: every published departure's
        # combinations, as the database tallies them.
        combinations = ChoiceTally.combinations([f.column for f in plain])
    else:
        base = filterset.filter_queryset(filterset.queryset, without=without)
        combinations = (
            base.order_by()
            .values_list(*(f.column for f in plain))
            .annotate(n=Count("*"), r=Count(reversed_.column))
        )
    selected = {f.name: selected_values(filterset, f.name) for f in (*plain, reversed_)}
    share = reversed_.share_of(selected[reversed_.name])
    # Tallied by each column's raw value, which passes its facet's filter or
    # not: a column holds a few values, each checked once, not once per row.
    tallies = [Counter() for _ in plain]
    fails = [_Fails(facet, selected[facet.name]) for facet in plain]
    checked = [
        i for i, facet in enumerate(plain) if facet.narrows(selected[facet.name])
    ]
    width = len(plain)
    passing_rows = passing_reversed = 0
    for row in combinations:
        failing = None
        for position in checked:
            if fails[position][row[position]]:
                if failing is not None:
                    break  # fails two facets: counted by none
                failing = position
        else:
            n, r = row[width], row[width + 1]
            if failing is not None:
                # Passes every filter but this facet's own.
                tallies[failing][row[failing]] += share(n, r)
                continue
            passing_rows += n
            passing_reversed += r
            passed = share(n, r)
            for tally, value in zip(tallies, row, strict=False):
                tally[value] += passed
    counts = {facet.name: Counter() for facet in (*plain, reversed_)}
    for facet, tally in zip(plain, tallies, strict=True):
        for value, n in tally.items():
            counts[facet.name][_as_value(value)] += n
    for choice, _ in reversed_.choices:
        counts[reversed_.name][choice] = reversed_.share_of([choice])(
            passing_rows, passing_reversed
        )
    return counts


class _Fails(dict):
    """A choice column's raw value -> whether it fails the facet's filter,
    worked out the first time it is asked for."""

    def __init__(self, facet: ChoiceFacet, selected: list[str]):
        super().__init__()
        self.facet, self.selected = facet, selected

    def __missing__(self, value) -> bool:
        self[value] = fails = not self.facet.accepts(_as_value(value), self.selected)
        return fails


def _name(labels: dict, slug: str) -> str:
    return next((name for each, name in labels.values() if each == slug), slug)


def _as_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _choices(model_choices) -> tuple[tuple[str, str], ...]:
    return tuple((str(value), str(label)) for value, label in model_choices)


FACETS = (
    OpenFacet("organization", "organization_id", tally=OrganizationTally),
    ChoiceFacet("reason", "reason", _choices(Departure.Reason.choices)),
    ChoiceFacet("seniority", "seniority", _choices(Role.Seniority.choices)),
    ChoiceFacet("function", "function", _choices(Role.Function.choices)),
    ChoiceFacet("founder", "is_founder", tuple(FOUNDER.items()), multiple=False),
    ChoiceFacet("status", "status", _choices(Departure.Status.choices)),
    TagFacet("tag", "tags"),
    OpenFacet("destination", "destination_id"),
    ReversedFacet("reversed", "reversed_on", tuple(REVERSED.items()), multiple=False),
)

# Every column the counts read of the departures a search selects (the
# themes', through their own table, by id): SearchRows.
SEARCH_COLUMNS = (
    *(f.column for f in FACETS if not isinstance(f, TagFacet)),
    *SearchRows.MONTH,
)
