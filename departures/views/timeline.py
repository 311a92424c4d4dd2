from dataclasses import replace

from django.core.paginator import Paginator
from django_filters.views import FilterView

from departures.charts import bar_chart_svg, bars, describe, period_counts
from departures.facets import build_chips, build_facets, replace_href
from departures.filters import SORTS, DepartureFilterSet
from departures.models import Departure


class TimelineView(FilterView):
    """The timeline: every parameter of the filter contract; 400 on a bad one."""

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
        }

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filterset.is_valid():
            queryset = self.filterset.qs
            paginator = Paginator(queryset.with_related(), self.paginate_by)
            number = self.filterset.form.cleaned_data.get("page") or 1
            if number == 1 or number <= paginator.num_pages:
                return self.render_to_response(
                    self.valid_context(queryset, paginator.page(number))
                )
            pages = paginator.num_pages
            self.filterset.form.add_error(
                "page",
                f"There {'is' if pages == 1 else 'are'} only {pages} "
                f"page{'' if pages == 1 else 's'} of results.",
            )
        return self.render_to_response(self.invalid_context(), status=400)

    def valid_context(self, queryset, page):
        params = self.request.GET
        facets = build_facets(self.filterset, params)
        chart = bars(period_counts(queryset))
        chart.bars[:] = [
            replace(
                bar, href=replace_href(params, **{"from": bar.start, "to": bar.end})
            )
            for bar in chart.bars
        ]
        return self.get_context_data(
            filter=self.filterset,
            object_list=page.object_list,
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            facets=facets,
            chips=build_chips(self.filterset, params, facets),
            chart=chart,
            chart_svg=bar_chart_svg(chart, title=f"Departures per {chart.unit}"),
            chart_summary=describe(chart),
            sorts=SORTS,
        )

    def invalid_context(self):
        facets = build_facets(self.filterset, self.request.GET)
        return self.get_context_data(
            filter=self.filterset,
            object_list=Departure.objects.none(),
            invalid=True,
            facets=facets,
            chips=[],
            sorts=SORTS,
        )

    def get_context_data(self, **kwargs):
        # Pagination is done in get(), with a 400 for a page out of range.
        self.object_list = kwargs["object_list"]
        kwargs.setdefault("paginator", None)
        kwargs.setdefault("page_obj", None)
        kwargs.setdefault("is_paginated", False)
        return {**kwargs, "view": self, "form": self.filterset.form}
