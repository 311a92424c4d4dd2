from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from departures.models import Citation, Departure, Source, Tag


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


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 1
    autocomplete_fields = ["source"]
    fields = ["source", "quote"]


@admin.register(Departure)
class DepartureAdmin(SimpleHistoryAdmin):
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
    readonly_fields = ["created_by", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["role"]}),
        (
            "When",
            {
                "fields": [
                    ("announced_on", "announced_precision"),
                    ("effective_on", "effective_precision"),
                ]
            },
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

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

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
class SourceAdmin(SimpleHistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["__str__", "publisher", "kind", "published_on", "url"]
    list_filter = ["kind"]
    search_fields = ["url", "title", "publisher"]
    date_hierarchy = "published_on"
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Citation)
class CitationAdmin(SimpleHistoryAdmin):
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
class TagAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
