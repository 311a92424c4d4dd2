from django.contrib import admin
from django.db import models
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from people.models import Organization, Person, Role


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    fields = [
        "title",
        "organization",
        "seniority",
        "function",
        "is_founder",
        "start_on",
        "start_precision",
        "end_on",
        "end_precision",
    ]
    autocomplete_fields = ["organization"]
    show_change_link = True


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "slug", "website", "role_count"]
    search_fields = ["name", "slug", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(role_count=Count("roles"))

    @admin.display(description="roles", ordering="role_count")
    def role_count(self, obj):
        return obj.role_count


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "wikidata_id", "updated_at"]
    search_fields = ["name", "slug", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [RoleInline]


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = [
        "person",
        "title",
        "organization",
        "seniority",
        "function",
        "is_founder",
        "start_on",
        "end_on",
    ]
    list_filter = ["seniority", "function", "is_founder", "organization"]
    list_select_related = ["person", "organization"]
    search_fields = ["person__name", "title", "organization__name"]
    autocomplete_fields = ["person", "organization"]
    date_hierarchy = "start_on"
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "organization")
