from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from departures import admin_citations, admin_review, admin_views
from departures.forms import NO_SOURCE, DepartureAdminForm
from departures.models import Citation, Departure, DepartureRevision
from departures.permissions import can_publish
from departures.revisions import (
    departure_assert_sourced,
    needs_review,
    revision_is_empty,
)
from departures.services import departure_publish, departure_unpublish
from people.admin import search_words
from people.history import HistoryAdmin

PUBLISH, UNPUBLISH = "_publish", "_unpublish"
__all__ = ["admin_citations"]  # registers the source, citation and tag admins


class PublishedFilter(admin.SimpleListFilter):
    title = "publication"
    parameter_name = "published"

    def lookups(self, request, model_admin):
        return [("yes", "Published"), ("no", "Draft")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.published()
        if self.value() == "no":
            return queryset.drafts()
        return queryset


class ReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("pending", "Changes awaiting review")]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            pending = DepartureRevision.objects.filter(
                departure=OuterRef("pk"), status=DepartureRevision.Status.PENDING
            )
            return queryset.filter(Exists(pending))
        return queryset


class ReversedFilter(admin.SimpleListFilter):
    title = "reversal"
    parameter_name = "reversed"

    def lookups(self, request, model_admin):
        return [("yes", "Reversed"), ("no", "Not reversed")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.reversed()
        if self.value() == "no":
            return queryset.not_reversed()
        return queryset


class DepartureChangeList(ChangeList):
    def get_ordering(self, request, queryset):
        """Break ties on the id in the sort's own direction: one index on
        (announced_on, id) then serves a sort either way, where a mixed
        `announced_on, -id` sorts every row."""
        ordering = super().get_ordering(request, queryset)
        first, last = ordering[0], ordering[-1]
        if len(ordering) > 1 and last in ("pk", "-pk") and isinstance(first, str):
            ordering[-1] = ("-" if first.startswith("-") else "") + "pk"
        return ordering

    def get_results(self, request):
        """The page's ids first, then its rows with their people and
        organizations, as the timeline does: so the database joins the
        hundred rows the page shows, not every row it sorts. A search for
        "AI" matches 78 000 departures of 100 000; joined before they were
        sorted, its page took 350 ms of PostgreSQL."""
        super().get_results(request)
        ordering = self.result_list.query.order_by
        ids = list(self.result_list.values_list("pk", flat=True))
        # From the plain queryset: the filters and the search chose the ids.
        self.result_list = self.root_queryset.filter(pk__in=ids).order_by(*ordering)


class CitationFormSet(BaseInlineFormSet):
    """The citations of a departure that is, or is being, published keep at
    least one source."""

    def __init__(self, *args, publishing: bool = False, **kwargs):
        self.publishing = publishing
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        stored_published = (
            self.instance.pk is not None
            and Departure.objects.published().filter(pk=self.instance.pk).exists()
        )
        if not (self.publishing or stored_published):
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data.get("source") and not form.cleaned_data.get("DELETE")
        ]
        if not kept:
            raise ValidationError(NO_SOURCE + " Keep one here, or save it as a draft.")


class CitationInline(admin.TabularInline):
    model = Citation
    formset = CitationFormSet
    extra = 1
    autocomplete_fields = ["source"]
    fields = ["source", "quote"]


@admin.register(Departure)
class DepartureAdmin(HistoryAdmin):
    # Narrow enough for a 1280 px screen beside the navigation sidebar
    # (tests/browser/test_admin_layout.py): the person, the title and the
    # organization share a column, a reversal shows under the status, dates
    # are ISO, and booleans are icons.
    list_display = [
        "person_and_role",
        "announced",
        "reason",
        "status_and_reversal",
        "is_published",
    ]
    list_filter = [
        PublishedFilter,
        ReviewFilter,
        "reason",
        "status",
        ReversedFilter,
        "is_disputed",
        "role__seniority",
        "role__function",
        "tags",
    ]
    list_select_related = ["role__person", "role__organization"]
    search_fields = [
        "role__person__name",
        "role__organization__name",
        "role__title",
        "stated_reason",
        "context",
    ]
    autocomplete_fields = ["role", "destination", "successor", "tags"]
    date_hierarchy = "announced_on"
    # No second count of the whole table under every filtered list.
    show_full_result_count = False
    inlines = [CitationInline]
    form = DepartureAdminForm
    actions = ["publish_selected", "unpublish_selected"]
    readonly_fields = [
        "publication",
        "published_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
    change_form_template = "admin/departures/departure/change_form.html"
    fieldsets = [
        (None, {"fields": ["role", "version"]}),
        (
            "When",
            {"fields": ["announced", "effective"]},
        ),
        (
            "Why",
            {
                "fields": [
                    "reason",
                    "is_involuntary",
                    "stated_reason",
                    "context",
                    "is_disputed",
                    "disputed_note",
                ]
            },
        ),
        (
            "What next",
            {
                "fields": [
                    ("destination", "destination_title"),
                    "successor",
                    ("reversed_on", "reversal_note"),
                ]
            },
        ),
        (
            "Record",
            {
                "fields": [
                    "status",
                    "tags",
                    "publication",
                    "published_at",
                    "created_by",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("role__person", "role__organization")
        )

    def get_changelist(self, request, **kwargs):
        return DepartureChangeList

    def get_search_results(self, request, queryset, search_term):
        """What `search_fields` names, every word somewhere in it: the
        timeline's own search (`DepartureQuerySet.search`), through the text
        indexes of the person, organization, role title and the departure's
        text (the changelist, its count and the autocomplete)."""
        for word in search_words(search_term):
            queryset = queryset.search(word)
        return queryset, False

    def get_urls(self):
        def view(fn):
            return self.admin_site.admin_view(partial(fn, model_admin=self))

        return [
            path(
                "log/",
                view(admin_views.log_departure),
                name="departures_departure_log",
            ),
            path(
                "log/roles/",
                view(admin_views.log_roles),
                name="departures_departure_log_roles",
            ),
            path(
                "import/",
                view(admin_views.import_csv),
                name="departures_departure_import",
            ),
            path(
                "import/template.csv",
                view(admin_views.import_template),
                name="departures_departure_import_template",
            ),
            path(
                "review/<int:revision_id>/",
                view(admin_review.review),
                name="departures_departure_review",
            ),
            path(
                "data-quality/",
                view(admin_views.data_quality),
                name="departures_departure_data_quality",
            ),
        ] + super().get_urls()

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def view_on_site(self, obj):
        """The public page once published; before, the staff-only preview."""
        if obj.is_published:
            return obj.get_absolute_url()
        return reverse("departures:preview", args=[obj.pk])

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, CitationInline):
            kwargs["publishing"] = PUBLISH in request.POST and can_publish(request.user)
        return kwargs

    def render_change_form(self, request, context, add=False, change=False, **kw):
        obj = context.get("original")
        context["can_publish_here"] = can_publish(request.user)
        context["is_published"] = bool(obj and obj.is_published)
        if obj is not None and obj.pk:
            context["revisions"] = obj.revisions.select_related(
                "created_by", "reviewed_by"
            ).order_by("-created_at")[:5]
        return super().render_change_form(request, context, add, change, **kw)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        # Publication changes only through the publish service (the buttons,
        # the list actions), never by a form or a revert writing the field.
        stored = Departure.objects.filter(pk=obj.pk).values("published_at").first()
        obj.published_at = stored["published_at"] if stored else None
        if change and needs_review(obj, request.user):
            # Nothing is saved: the proposal waits for a publisher. A revert
            # has no inlines, so its citations are the current ones.
            request._revision = admin_review.propose_from_form(
                request, obj, form, formsets=None
            )
            form.save_m2m = lambda: None
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        revision = getattr(request, "_revision", None)
        if revision is not None:
            admin_review.propose_from_form(
                request, form.instance, form, formsets=formsets, revision=revision
            )
            return
        super().save_related(request, form, formsets, change)
        departure = form.instance
        departure.refresh_from_db(fields=["published_at"])
        if can_publish(request.user) and PUBLISH in request.POST:
            departure_publish(departure=departure, actor=request.user)
        elif can_publish(request.user) and UNPUBLISH in request.POST:
            departure_unpublish(departure=departure, actor=request.user)
        departure_assert_sourced(departure)

    def construct_change_message(self, request, form, formsets, add=False):
        revision = getattr(request, "_revision", None)
        if revision is not None:
            return f"Proposed change {revision.pk}, awaiting review."
        return super().construct_change_message(request, form, formsets, add)

    def response_change(self, request, obj):
        revision = getattr(request, "_revision", None)
        if revision is not None and revision_is_empty(revision):
            revision.delete()
            self.message_user(request, "Nothing changed, so nothing was sent.")
            return HttpResponseRedirect(
                reverse("admin:departures_departure_change", args=[obj.pk])
            )
        if revision is not None:
            self.message_user(
                request,
                "Your changes were sent for review. The published version stays "
                "on the site until a publisher approves them.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:departures_departure_change", args=[obj.pk])
            )
        return super().response_change(request, obj)

    @admin.action(description="Publish selected departures", permissions=["publish"])
    def publish_selected(self, request, queryset):
        published, refused = 0, []
        for departure in queryset.select_related("role__person", "role__organization"):
            if departure.is_published:
                continue
            try:
                departure_publish(departure=departure, actor=request.user)
                published += 1
            except ValidationError:
                refused.append(str(departure))
        if published:
            self.message_user(request, f"Published {published} departure(s).")
        if refused:
            self.message_user(
                request,
                f"Not published, for want of a source: {'; '.join(refused)}. "
                + NO_SOURCE,
                messages.WARNING,
            )

    @admin.action(
        description="Unpublish selected departures (back to draft)",
        permissions=["publish"],
    )
    def unpublish_selected(self, request, queryset):
        count = 0
        for departure in queryset.filter(published_at__isnull=False):
            departure_unpublish(departure=departure, actor=request.user)
            count += 1
        self.message_user(request, f"Unpublished {count} departure(s).")

    @admin.display(description="publication")
    def publication(self, obj):
        if obj.pk is None:
            return "New departures start as drafts."
        if obj.is_published:
            return f"Published {obj.published_at:%Y-%m-%d %H:%M}."
        if not obj.citations.exists():
            return "Draft. " + NO_SOURCE
        return "Draft, with a source: ready for a publisher."

    # Not sortable: ordering 100 000 rows by a joined name sorts them all on
    # every page; search finds a person instead.
    @admin.display(description="person and role")
    def person_and_role(self, obj):
        return format_html(
            '{}<span class="changelist-detail">{}, {}</span>',
            obj.role.person,
            obj.role.title,
            obj.role.organization,
        )

    @admin.display(description="announced", ordering="announced_on")
    def announced(self, obj):
        return obj.announced.isoformat()

    @admin.display(description="published", boolean=True, ordering="published_at")
    def is_published(self, obj):
        return obj.is_published

    @admin.display(description="status", ordering="status")
    def status_and_reversal(self, obj):
        if obj.is_reversed:
            return format_html(
                '{}<span class="changelist-detail">reversed <time>{}</time></span>',
                obj.get_status_display(),
                obj.reversed_on.isoformat(),
            )
        return obj.get_status_display()
