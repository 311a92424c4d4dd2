from functools import partial

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.urls import path

from departures import admin_views
from departures.forms import NO_SOURCE, DepartureAdminForm, PublisherDepartureForm
from departures.models import Citation, Departure, Source, Tag
from departures.permissions import can_publish
from departures.services import departure_publish, departure_unpublish
from people.history import HistoryAdmin


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


class CitationFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if not getattr(self.instance, "_publish_requested", False):
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data.get("source") and not form.cleaned_data.get("DELETE")
        ]
        if not kept:
            raise ValidationError(
                NO_SOURCE + " Add one here, or untick “Published” to keep it a draft."
            )


class CitationInline(admin.TabularInline):
    model = Citation
    formset = CitationFormSet
    extra = 1
    autocomplete_fields = ["source"]
    fields = ["source", "quote"]


@admin.register(Departure)
class DepartureAdmin(HistoryAdmin):
    list_display = [
        "person",
        "role_title",
        "organization",
        "announced",
        "reason",
        "status",
        "is_published",
        "is_reversed",
    ]
    list_filter = [
        PublishedFilter,
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
    fieldsets = [
        (None, {"fields": ["role"]}),
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
                "data-quality/",
                view(admin_views.data_quality),
                name="departures_departure_data_quality",
            ),
        ] + super().get_urls()

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def _publishes_here(self, request) -> bool:
        """Whether this form offers the Published checkbox: to publishers, and
        not on a revert, which never changes publication."""
        match = request.resolver_match
        reverting = match is not None and (match.url_name or "").endswith(
            "_simple_history"
        )
        return can_publish(request.user) and not reverting

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self._publishes_here(request):
            kwargs["form"] = PublisherDepartureForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._publishes_here(request):
            return fieldsets
        name, options = fieldsets[-1]
        fields = list(options["fields"])
        fields.insert(fields.index("publication"), "published")
        return [*fieldsets[:-1], (name, {**options, "fields": fields})]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        # Publication changes only through the publish service (save_related,
        # the list actions), never by a form or a revert writing the field.
        stored = Departure.objects.filter(pk=obj.pk).values("published_at").first()
        obj.published_at = stored["published_at"] if stored else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "published" not in form.cleaned_data or not can_publish(request.user):
            return
        departure = form.instance
        departure.refresh_from_db(fields=["published_at"])
        if form.cleaned_data["published"]:
            departure_publish(departure=departure, actor=request.user)
        else:
            departure_unpublish(departure=departure, actor=request.user)

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
            return "Published."
        if not obj.citations.exists():
            return "Draft. " + NO_SOURCE
        return "Draft, with a source: ready for a publisher."

    @admin.display(description="person", ordering="role__person__name")
    def person(self, obj):
        return obj.role.person

    @admin.display(description="title", ordering="role__title")
    def role_title(self, obj):
        return obj.role.title

    @admin.display(description="organization", ordering="role__organization__name")
    def organization(self, obj):
        return obj.role.organization

    @admin.display(description="announced", ordering="announced_on")
    def announced(self, obj):
        return str(obj.announced)

    @admin.display(description="published", boolean=True, ordering="published_at")
    def is_published(self, obj):
        return obj.is_published

    @admin.display(description="reversed", boolean=True, ordering="reversed_on")
    def is_reversed(self, obj):
        return obj.is_reversed


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["__str__", "publisher", "kind", "published_on", "url"]
    list_filter = ["kind"]
    search_fields = ["url", "title", "publisher"]
    date_hierarchy = "published_on"
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Citation)
class CitationAdmin(HistoryAdmin):
    list_display = ["source", "departure"]
    list_select_related = [
        "source",
        "departure__role__person",
        "departure__role__organization",
    ]
    search_fields = [
        "source__url",
        "source__title",
        "quote",
        "departure__role__person__name",
    ]
    autocomplete_fields = ["departure", "source"]


@admin.register(Tag)
class TagAdmin(HistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
