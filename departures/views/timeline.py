from dataclasses import replace

from django_filters.views import FilterView

from departures.charts import bar_chart_svg, bars, describe, period_counts
from departures.facets import (
    SEARCH_COLUMNS,
    Links,
    SearchRows,
    build_chips,
    build_facets,
    cached_counts,
)
from departures.filters import SORTS, DepartureFilterSet
from departures.models import Departure, OrganizationTally


class PageOutOfRange(Exception):
    pass


class TimelineView(FilterView):
    """The timeline: every parameter of the filter contract; 400 on a bad one,
    a page past the last included."""

    filterset_class = DepartureFilterSet
    template_name = "departures/departure_list.html"
    paginate_by = 50

    def get_queryset(self):
        return Departure.objects.published().newest_first()

    def get_filterset_kwargs(self, filterset_class):
        # Always bound, so that no parameters at all is a valid, empty filter.
        return {
            **super().get_filterset_kwargs(filterset_class),
            "data": self.request.GET,
            # A search reads what the counts need of the rows it finds.
            "search_columns": SEARCH_COLUMNS,
        }

    def paginate_queryset(self, queryset, page_size):
        """The page the filter form validated; past the last, a form error.

        The page's ids first, then its rows with everything they show: so
        the database joins the people, organizations and destinations of
        the page's 50 rows, not of every row before them (every match of a
        search, every row of the pages before a later one), which it would
        join before sorting."""
        paginator = self.get_paginator(queryset, page_size)
        searched = SearchRows.of(self.filterset)
        if searched is not None:
            # Counted already, with the facets.
            paginator.count = searched.count
        elif not self.filterset.active():
            paginator.count = OrganizationTally.published_departures()
        number = self.filterset.form.cleaned_data.get("page") or 1
        if number > 1 and number > paginator.num_pages:
            pages = paginator.num_pages
            self.filterset.form.add_error(
                "page",
                f"There {'is' if pages == 1 else 'are'} only {pages} "
                f"page{'' if pages == 1 else 's'} of results.",
            )
            raise PageOutOfRange
        page = paginator.page(number)
        # By id, in the page's order: the filters chose the ids (published
        # still, so that one unpublished in between never shows).
        ids = list(page.object_list.values_list("pk", flat=True))
        page.object_list = (
            Departure.objects.published()
            .filter(pk__in=ids)
            .order_by(*queryset.query.order_by)
            .with_related()
        )
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        params = self.request.GET
        if self.filterset.is_valid():
            try:
                context = super().get_context_data(**kwargs)
            except PageOutOfRange:
                return self.get_context_data(**kwargs)
            searched = SearchRows.of(self.filterset)
            months = cached_counts(
                self.filterset,
                "months",
                lambda: (
                    searched.months()
                    if searched is not None
                    else period_counts(
                        self.object_list, narrowed=bool(self.filterset.active())
                    )
                ),
            )
            chart = bars(months)
            links = Links(params)
            chart.bars[:] = [
                replace(bar, href=links.replace(**{"from": bar.start, "to": bar.end}))
                for bar in chart.bars
            ]
            facets = build_facets(self.filterset, params)
            return {
                **context,
                "form": self.filterset.form,
                "facets": facets,
                "chips": build_chips(self.filterset, params, facets),
                "chart": chart,
                "chart_svg": bar_chart_svg(chart, title=f"Departures per {chart.unit}"),
                "chart_summary": describe(chart),
                "sorts": SORTS,
            }
        return {
            **kwargs,
            "view": self,
            "form": self.filterset.form,
            "object_list": Departure.objects.none(),
            "paginator": None,
            "page_obj": None,
            "is_paginated": False,
            "invalid": True,
            "facets": build_facets(self.filterset, params),
            "chips": [],
            "sorts": SORTS,
        }

    def render_to_response(self, context, **response_kwargs):
        if context.get("invalid"):
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)
