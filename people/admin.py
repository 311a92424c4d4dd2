from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import smart_split, unescape_string_literal

from departures.merging import organization_merge, person_merge
from departures.permissions import PublicRecordGuard
from people.history import HistoryAdmin
from people.models import Organization, Person, Role


def search_words(search_term: str):
    """The words of an admin search, quoted phrases whole, split as Django does."""
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        yield bit


def roles_matching(word: str):
    """Roles with `word` in their title, person's name or organization's name,
    the names matched in their own tables: one pass over each, rather than a
    LIKE on three joined tables for every role."""
    return Role.objects.filter(
        Q(title__icontains=word)
        | Q(person__in=Person.objects.filter(name__icontains=word))
        | Q(organization__in=Organization.objects.filter(name__icontains=word))
    )


class MergeMixin:
    """An admin action that merges the selected records into one survivor.

    Merging deletes the others, so it needs the change and delete permissions.
    """

    merge_service = None

    def has_merge_permission(self, request):
        # Django lets an action through on any one of its permissions; merging
        # needs both.
        return self.has_change_permission(request) and self.has_delete_permission(
            request
        )

    @admin.action(
        description="Merge selected %(verbose_name_plural)s into one",
        permissions=["merge"],
    )
    def merge_selected(self, request, queryset):
        candidates = list(
            queryset.annotate(
                merge_roles=Count("roles", distinct=True),
                merge_departures=Count("roles__departures", distinct=True),
            ).order_by("created_at", "id")
        )
        if len(candidates) < 2:
            self.message_user(
                request, "Select at least two records to merge.", messages.WARNING
            )
            return None
        if request.POST.get("post") == "yes":
            survivor = next(
                (c for c in candidates if str(c.pk) == request.POST.get("survivor")),
                None,
            )
            if survivor is None:
                self.message_user(request, "Choose the one to keep.", messages.ERROR)
            else:
                try:
                    type(self).merge_service(
                        survivor=survivor, merged=candidates, actor=request.user
                    )
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                    return None
                self.message_user(
                    request,
                    f"Merged {len(candidates) - 1} into {survivor.name}; their old "
                    "pages now redirect to it.",
                )
                opts = self.model._meta
                return HttpResponseRedirect(
                    reverse(
                        f"admin:{opts.app_label}_{opts.model_name}_change",
                        args=[survivor.pk],
                    )
                )
        return TemplateResponse(
            request,
            "admin/people/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Merge {self.model._meta.verbose_name_plural}",
                "opts": self.model._meta,
                "candidates": candidates,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


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
class OrganizationAdmin(PublicRecordGuard, MergeMixin, HistoryAdmin):
    merge_service = organization_merge
    actions = ["merge_selected"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "slug", "website", "role_count"]
    ordering = ["name"]
    # A Wikidata id is looked up whole (=): a substring of Q42 means nothing.
    search_fields = ["name", "slug", "=wikidata_id"]
    show_full_result_count = False
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        # Counted per row shown, not by grouping every role of every organization.
        roles = (
            Role.objects.filter(organization=OuterRef("pk"))
            .order_by()
            .values("organization")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                role_count=Coalesce(Subquery(roles, output_field=IntegerField()), 0)
            )
        )

    @admin.display(description="roles", ordering="role_count")
    def role_count(self, obj):
        return obj.role_count


@admin.register(Person)
class PersonAdmin(PublicRecordGuard, MergeMixin, HistoryAdmin):
    merge_service = person_merge
    actions = ["merge_selected"]
    list_display = ["name", "slug", "wikidata_id", "updated_at"]
    search_fields = ["name", "slug", "=wikidata_id"]
    show_full_result_count = False
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [RoleInline]


@admin.register(Role)
class RoleAdmin(PublicRecordGuard, HistoryAdmin):
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
    # No organization filter: it listed all of them; search finds one instead.
    list_filter = ["seniority", "function", "is_founder"]
    list_select_related = ["person", "organization"]
    search_fields = ["person__name", "title", "organization__name"]
    autocomplete_fields = ["person", "organization"]
    date_hierarchy = "start_on"
    # Newest first: Meta.ordering sorts every role by its person's name.
    ordering = ["-pk"]
    show_full_result_count = False
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "organization")

    def get_search_results(self, request, queryset, search_term):
        """What `search_fields` names, every word somewhere in it (also the
        role autocomplete of the departure form)."""
        for word in search_words(search_term):
            queryset = queryset.filter(pk__in=roles_matching(word))
        return queryset, False
