"""The filter contract (docs/filter-contract.md), once, for every listing.

The timeline, the CSV, the JSON API, the feed and the embed all take these
parameters; their names are a public interface.

Every field checks its raw text first (`RawTextMixin`): no control characters,
no over-long values, and at most ``settings.QUERY_MAX_VALUES`` (20) values of a
repeatable parameter, so every format answers a hostile query with the same
validation error, whatever the database.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError

from config.security import check_text, check_values
from departures.database import AmongIds, Ids
from departures.models import Departure
from people.dates import PartialDateField
from people.models import Organization, Role

SORTS = {"newest": "Newest first", "oldest": "Oldest first"}
REVERSED = {
    "include": "Include reversed",
    "exclude": "Exclude reversed",
    "only": "Only reversed",
}
FOUNDER = {"true": "Founder", "false": "Not a founder"}
# A search matching at most this many departures is few: the counts tally
# its rows in Python (departures/facets.py SearchRows); more, and each count
# is a GROUP BY over its ids (as one parameter, AmongIds).
SEARCH_IDS_MAX = 20_000
# The most ids a search is read as: beyond (9 MB of ids), each count runs the
# search itself as a subquery. Below, it runs once: a text in most rows, or
# of two letters ("AI", which no trigram serves), cost 1.6 s a page on
# PostgreSQL at 100 000 rows run once per count, 0.8 s run once.
FOUND_MAX = 250_000


class RawTextMixin:
    """Check the submitted text (every value of a list) before parsing it."""

    raw_max_length = 200

    def clean(self, value):
        if isinstance(value, list | tuple):
            check_values([str(item) for item in value], max_length=self.raw_max_length)
        elif value is not None:
            check_text(str(value), max_length=self.raw_max_length)
        return super().clean(value)


class ContractCharField(RawTextMixin, forms.CharField):
    pass


class ContractChoiceField(RawTextMixin, django_filters.fields.ChoiceField):
    pass


class ContractMultipleChoiceField(
    RawTextMixin, django_filters.fields.MultipleChoiceField
):
    pass


class ContractDateField(RawTextMixin, PartialDateField):
    pass


class AsciiIntegerField(RawTextMixin, forms.IntegerField):
    """An integer written with the digits 0-9 only (not ٢ or ²)."""

    def to_python(self, value):
        text = str(value).strip() if value is not None else ""
        if text and not (text.isascii() and text.isdigit()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class SlugListField(RawTextMixin, forms.Field):
    """Repeatable slugs: `?organization=openai&organization=anthropic`.

    Any well-formed text is accepted; a slug that names nothing simply matches
    nothing.
    """

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        slugs = []
        for item in value:
            item = str(item).strip()
            if item and item not in slugs:
                slugs.append(item)
        return slugs


class SlugListFilter(django_filters.Filter):
    field_class = SlugListField


class PartialDateFilter(django_filters.Filter):
    field_class = ContractDateField


class CharFilter(django_filters.CharFilter):
    field_class = ContractCharField


class ChoiceFilter(django_filters.ChoiceFilter):
    field_class = ContractChoiceField


class MultipleChoiceFilter(django_filters.MultipleChoiceFilter):
    field_class = ContractMultipleChoiceField


class PageFilter(django_filters.Filter):
    """Validated here so that a bad page is a 400 like any bad filter;
    pagination itself happens in the view."""

    field_class = AsciiIntegerField

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "error_messages", {"invalid": "A page is a whole number: 1, 2, …"}
        )
        super().__init__(min_value=1, max_value=10**9, **kwargs)

    def filter(self, qs, value):
        return qs


class DepartureFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start.start > end.end:
            self.add_error("to", "“To” is before “from”.")
        return cleaned


class DepartureFilterSet(django_filters.FilterSet):
    q = CharFilter(label="Search", method="filter_q", max_length=200, strip=True)
    organization = SlugListFilter(label="Organization", method="filter_organization")
    seniority = MultipleChoiceFilter(
        label="Seniority", choices=Role.Seniority.choices, method="filter_seniority"
    )
    function = MultipleChoiceFilter(
        label="Function", choices=Role.Function.choices, method="filter_function"
    )
    founder = ChoiceFilter(
        label="Founder", choices=list(FOUNDER.items()), method="filter_founder"
    )
    reason = MultipleChoiceFilter(
        label="Reason", choices=Departure.Reason.choices, method="filter_reason"
    )
    tag = SlugListFilter(label="Theme", method="filter_tag")
    status = MultipleChoiceFilter(
        label="Status", choices=Departure.Status.choices, method="filter_status"
    )
    destination = SlugListFilter(label="Went to", method="filter_destination")
    # `from` is a Python keyword: it is added to base_filters below.
    to = PartialDateFilter(label="To", method="filter_to")
    reversed = ChoiceFilter(
        label="Reversed", choices=list(REVERSED.items()), method="filter_reversed"
    )
    sort = ChoiceFilter(label="Sort", choices=list(SORTS.items()), method="filter_sort")
    page = PageFilter(label="Page")

    # Parameters that choose what is shown, not which departures match.
    NOT_FILTERS = frozenset({"sort", "page"})

    class Meta:
        model = Departure
        fields = []
        form = DepartureFilterForm

    def __init__(self, *args, search_columns=(), **kwargs):
        """`search_columns`: the columns, besides the id, to read of the
        departures a search finds, as it finds them (`search_rows`)."""
        super().__init__(*args, **kwargs)
        self.search_columns = tuple(search_columns)

    def get_form_class(self):
        """The form class, made once per filterset class rather than once
        per request (django-filter makes a class for each filterset, and
        each of its 14 fields anew): the fields take nothing from the
        request or the database, and each form deep-copies them anyway."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def active(self) -> set[str]:
        """The names of the parameters that narrow the departures."""
        return {
            name
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "", [], ()) and name not in self.NOT_FILTERS
        }

    def filter_queryset(self, queryset, *, without=()):
        """Apply every valid parameter except those named in `without`."""
        for name, value in self.form.cleaned_data.items():
            if name not in without:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_q(self, queryset, name, value):
        found = self._found(value)
        if len(found) > FOUND_MAX:
            return queryset.search(value)
        return queryset.filter(AmongIds(found))

    def _found(self, value: str) -> Ids:
        """The ids of the departures of the queryset (what is public) the
        search for `value` matches, up to one more than FOUND_MAX.

        A page counts the same search a dozen times (list, chart, facets):
        it runs once per filterset, and the counts reuse the ids it found,
        and the rows read with them (`search_rows`)."""
        if getattr(self, "_searched", (None,))[0] != value:
            # The columns only where they are the page's (`search_rows`):
            # reading them costs as much as the ids on SQLite.
            columns = self.search_columns if self._search_alone() else ()
            most = SEARCH_IDS_MAX if columns else FOUND_MAX
            rows = list(self.queryset.found(value, "pk", *columns)[: most + 1])
            if columns and len(rows) > SEARCH_IDS_MAX:
                # Too many to tally in Python: their ids alone.
                rows = list(self.queryset.found(value, "pk")[: FOUND_MAX + 1])
            self._searched = (value, Ids(row[0] for row in rows), rows)
        return self._searched[1]

    def _search_alone(self) -> bool:
        return self.is_valid() and self.active() == {"q"}

    def searched_few(self) -> bool:
        """Whether a search narrows the departures to SEARCH_IDS_MAX or fewer."""
        value = self.is_valid() and self.form.cleaned_data.get("q")
        return bool(value) and len(self._found(value)) <= SEARCH_IDS_MAX

    def search_rows(self) -> list[tuple] | None:
        """Where nothing but a search narrows the departures, and it found
        few, every row it selects: (id, *search_columns). None otherwise."""
        if not self.searched_few() or not self._search_alone():
            return None
        return self._searched[2]

    # The parameters naming organizations by slug.
    ORGANIZATION_FILTERS = ("organization", "destination")

    def organizations(self, slugs) -> list[Organization]:
        """The organizations of `slugs`, of those every organization
        parameter names looked up in one query per filterset.

        The list, chart and counts then filter by their ids, rather than by a
        join on the slug: PostgreSQL's statistics know how many departures an
        id has (the largest organization 10 000, most a few dozen), so it
        reads the largest in date order and stops at a page, where for a join
        it would assume a few dozen, and fetch and sort all 10 000.
        """
        if not hasattr(self, "_organizations"):
            named = {
                slug
                for name in self.ORGANIZATION_FILTERS
                for slug in self.form.cleaned_data.get(name) or ()
            }
            self._organizations = {
                organization.slug: organization
                for organization in Organization.objects.filter(slug__in=named)
                .order_by()
                .only("pk", "slug")
            }
        return [self._organizations[s] for s in slugs if s in self._organizations]

    def filter_organization(self, queryset, name, value):
        return queryset.for_organization(*self.organizations(value))

    def filter_seniority(self, queryset, name, value):
        return queryset.with_seniority(*value)

    def filter_function(self, queryset, name, value):
        return queryset.with_function(*value)

    def filter_founder(self, queryset, name, value):
        return queryset.founders(value == "true")

    def filter_reason(self, queryset, name, value):
        return queryset.with_reason(*value)

    def filter_tag(self, queryset, name, value):
        return queryset.tagged(*value)

    def filter_status(self, queryset, name, value):
        return queryset.with_status(*value)

    def filter_destination(self, queryset, name, value):
        return queryset.to_destination(*self.organizations(value))

    def filter_from(self, queryset, name, value):
        return queryset.between(start=value.start)

    def filter_to(self, queryset, name, value):
        return queryset.between(end=value.end)

    def filter_reversed(self, queryset, name, value):
        if value == "exclude":
            return queryset.not_reversed()
        if value == "only":
            return queryset.reversed()
        return queryset

    def filter_sort(self, queryset, name, value):
        if value == "oldest":
            return queryset.oldest_first()
        return queryset.newest_first()


DepartureFilterSet.base_filters["from"] = PartialDateFilter(
    label="From", method="filter_from"
)
# Keep the contract's order: `from` before `to`.
DepartureFilterSet.base_filters.move_to_end("to")
for _name in ("reversed", "sort", "page"):
    DepartureFilterSet.base_filters.move_to_end(_name)
