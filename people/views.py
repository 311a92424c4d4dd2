"""Public pages of people and organizations.

Dependencies run one way, departures → people; this module, which composes
both apps' data into one page, is the one documented exception (and the merge
actions of people/admin.py, which call departures/merging.py).
"""

import datetime
import string
from dataclasses import replace

from django import forms
from django.core.exceptions import BadRequest
from django.db.models import Count, F, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce, Lower
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, ListView

from departures.charts import bar_chart_svg, bars, period_counts
from departures.models import Departure, PersonTally
from departures.stats import describe_duration, median_tenure, summary
from people.models import (
    Organization,
    OrganizationRedirect,
    Person,
    PersonRedirect,
    Role,
)
from people.paths import path
from people.redirects import MergedRedirectMixin
from people.text_search import PERSON_NAME

LETTERS = list(string.ascii_uppercase)
RECENT_DAYS = 365
ORGANIZATION_TIMELINE_LENGTH = 50
FLOWS_SHOWN = 20  # destinations and origins listed on an organization's page


def timeline_url(**params) -> str:
    """The timeline filtered by `params` (lists for repeated parameters)."""
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query.setlist(name, value if isinstance(value, list) else [value])
    return f"{path('departures:timeline')}?{query.urlencode()}"


class PageParameterMixin:
    """A bad or out-of-range `page` is the reader's mistake: 400, not 404."""

    def paginate_queryset(self, queryset, page_size):
        page = self.request.GET.get(self.page_kwarg, "").strip()
        if page.isdigit() and not page.isascii():  # "٢" would pass for 2
            raise BadRequest("A page is a whole number written with 0-9.")
        try:
            return super().paginate_queryset(queryset, page_size)
        except Http404 as error:
            raise BadRequest(error) from None


class PersonSearchForm(forms.Form):
    q = forms.CharField(label="Search people", required=False, max_length=200)
    letter = forms.ChoiceField(
        choices=[("", "All")] + [(letter, letter) for letter in LETTERS],
        required=False,
    )


class PersonListView(PageParameterMixin, ListView):
    template_name = "people/person_list.html"
    paginate_by = 100

    def get(self, request, *args, **kwargs):
        self.form = PersonSearchForm(request.GET)
        if not self.form.is_valid():
            self.object_list = Person.objects.none()
            context = self.get_context_data()
            return self.render_to_response(context, status=400)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        # People who left in a published departure, with how many: their
        # tally, kept by the database (departures/database.py). A page is the
        # next hundred of people_person_name_idx, each person one probe.
        people = Person.objects.filter(tally__departures__gt=0).annotate(
            departure_count=F("tally__departures")
        )
        text = self.form.cleaned_data["q"].strip()
        if text:
            people = people.filter(PERSON_NAME.q("pk", text))
        if letter := self.form.cleaned_data["letter"]:
            # A range on lower(name), which people_person_name_ci_idx serves;
            # istartswith would compile to UPPER(name) LIKE on PostgreSQL.
            after = chr(ord(letter.lower()) + 1)
            # In that index's order first, so that a page is the next hundred
            # of the range rather than of every name before it.
            return (
                people.annotate(name_lower=Lower("name"))
                .filter(name_lower__gte=letter.lower(), name_lower__lt=after)
                .order_by("name_lower", "name", "id")
            )
        return people.order_by("name", "id")

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        if self.form.is_valid() and not any(self.form.cleaned_data.values()):
            # Everyone who left: their tallies alone, without the join.
            paginator.count = PersonTally.objects.filter(departures__gt=0).count()
        return paginator

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            form=self.form,
            letters=LETTERS,
            query=query.urlencode(),
            **kwargs,
        )


class PersonDetailView(MergedRedirectMixin, DetailView):
    template_name = "people/person_detail.html"
    redirect_model = PersonRedirect
    redirect_field = "person"

    def get_queryset(self):
        # Only what a published departure shows: a role seen in a draft alone
        # (its title, its organization) stays off the page.
        return Person.objects.public().prefetch_related(
            Prefetch(
                "roles",
                queryset=Role.objects.public()
                .select_related("organization")
                .order_by("start_on", "id"),
            )
        )

    def get_context_data(self, **kwargs):
        departures = list(
            Departure.objects.published()
            .for_person(self.object)
            .with_related()
            .oldest_first()
        )
        left = {}
        for departure in departures:
            left.setdefault(departure.role_id, departure)
        # In order of start; a role with no known start sits where it ended.
        roles = sorted(
            ((role, left.get(role.pk)) for role in self.object.roles.all()),
            key=lambda pair: (
                pair[0].start_on
                or pair[0].end_on
                or (pair[1].announced_on if pair[1] else datetime.date.max)
            ),
        )
        sources = {}
        for departure in departures:
            for citation in departure.citations.all():
                sources.setdefault(citation.source.pk, citation.source)
        return super().get_context_data(
            roles=roles,
            departures=departures,
            destinations=[d for d in departures if d.destination_id],
            sources=sorted(
                sources.values(),
                key=lambda s: (s.published_on is None, s.published_on, s.pk),
            ),
            **kwargs,
        )


class OrganizationListView(PageParameterMixin, ListView):
    template_name = "people/organization_list.html"
    paginate_by = 100

    def get_queryset(self):
        """Organizations left in a published departure, most in the last
        year first: each one's total read from its tally (kept by the
        database, departures/database.py) and its last year counted through
        dep_pub_org_date_idx, ranked by the database, which reads in full only
        the page's hundred organizations."""
        self.since = timezone.localdate() - datetime.timedelta(days=RECENT_DAYS)
        recent = (
            Departure.objects.published()
            .filter(organization=OuterRef("pk"), announced_on__gte=self.since)
            .order_by()
            .values("organization")
            .annotate(n=Count("*"))
            .values("n")
        )
        return (
            Organization.objects.filter(tally__departures__gt=0)
            .annotate(
                recent=Coalesce(Subquery(recent), 0), total=F("tally__departures")
            )
            .order_by("-recent", "-total", "name", "id")
            # What the page shows: the rows the database sorts stay narrow.
            .only("name", "slug")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            since=self.since,
            recent_days=RECENT_DAYS,
            timeline=reverse("departures:timeline"),
            **kwargs,
        )


class OrganizationDetailView(MergedRedirectMixin, DetailView):
    template_name = "people/organization_detail.html"
    redirect_model = OrganizationRedirect
    redirect_field = "organization"

    def get_queryset(self):
        return Organization.objects.public()

    def get_context_data(self, **kwargs):
        organization = self.object
        slug = organization.slug
        left = Departure.objects.published().for_organization(organization)
        # narrowed: the organization's own index finds its rows.
        chart = bars(period_counts(left, narrowed=True), unit="year")
        chart.bars[:] = [
            replace(
                bar,
                href=timeline_url(
                    organization=slug, **{"from": bar.start, "to": bar.end}
                ),
            )
            for bar in chart.bars
        ]
        # The biggest flows each way; the rest are counted, not listed (the
        # largest organizations have thousands).
        went = list(
            left.filter(destination__isnull=False).count_by(
                "destination__slug", "destination__name"
            )
        )
        went_to = [
            (name, n, timeline_url(organization=slug, destination=dest))
            for dest, name, n in went[:FLOWS_SHOWN]
        ]
        came = list(
            Departure.objects.published()
            .to_destination(organization)
            .count_by("organization__slug", "organization__name")
        )
        came_from = [
            (name, n, timeline_url(organization=source, destination=slug))
            for source, name, n in came[:FLOWS_SHOWN]
        ]
        return super().get_context_data(
            totals=summary(left),
            departures=left.with_related().newest_first()[
                :ORGANIZATION_TIMELINE_LENGTH
            ],
            timeline_length=ORGANIZATION_TIMELINE_LENGTH,
            timeline_url=timeline_url(organization=slug),
            chart=chart,
            chart_svg=bar_chart_svg(
                chart,
                title=f"{organization.name}: departures per year",
                width=360,
                height=200,
            ),
            median_tenure=describe_duration(median_tenure(left)),
            went_to=went_to,
            went_to_more=len(went) - len(went_to),
            came_from=came_from,
            came_from_more=len(came) - len(came_from),
            **kwargs,
        )
