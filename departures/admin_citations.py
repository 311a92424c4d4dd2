"""Admin of sources, citations and tags: what a published page shows is
changed by publishers only, and no published departure loses its last source."""

from django import forms
from django.contrib import admin
from django.db import models, transaction

from departures.forms import NO_SOURCE
from departures.models import Citation, Departure, Source, Tag
from departures.permissions import PublicRecordGuard, can_publish
from departures.revisions import departure_assert_sourced
from people.history import HistoryAdmin


@admin.register(Source)
class SourceAdmin(PublicRecordGuard, HistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["__str__", "publisher", "kind", "published_on", "url"]
    list_filter = ["kind"]
    search_fields = ["url", "title", "publisher"]
    date_hierarchy = "published_on"
    # Newest first: Meta.ordering sorts every source by its publication date.
    ordering = ["-pk"]
    show_full_result_count = False
    readonly_fields = ["created_at", "updated_at"]


class CitationAdminForm(forms.ModelForm):
    """Keeps published departures sourced and unchanged by editors: only a
    publisher adds a citation to a published departure here, and nobody moves
    away the only citation of one."""

    class Meta:
        model = Citation
        fields = ["departure", "source", "quote"]

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("departure")
        if target and target.is_published and not can_publish(self.user):
            self.add_error(
                "departure",
                "This departure is published: propose the source on its change "
                "form, where a publisher reviews it.",
            )
        before = self.instance.departure if self.instance.pk else None
        if before and before != target and _only_citation_of_published(self.instance):
            self.add_error("departure", _LAST_SOURCE)
        return cleaned


_LAST_SOURCE = (
    "This is the only source of a published departure. "
    + NO_SOURCE
    + " Add another source to it first, or unpublish it."
)


def _only_citation_of_published(citation: Citation) -> bool:
    departure = Departure.objects.filter(pk=citation.departure_id).first()
    return bool(
        departure
        and departure.is_published
        and not departure.citations.exclude(pk=citation.pk).exists()
    )


@admin.register(Citation)
class CitationAdmin(PublicRecordGuard, HistoryAdmin):
    form = CitationAdminForm
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
    # Newest first: Meta.ordering sorts every citation by its departure's date.
    ordering = ["-pk"]
    show_full_result_count = False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def get_deleted_objects(self, objs, request):
        """Refuse, as the admin refuses protected objects, to delete the last
        citation of a published departure (also through the bulk action)."""
        deleted, counts, perms, protected = super().get_deleted_objects(objs, request)
        chosen = {c.pk for c in objs}
        for citation in objs:
            departure = citation.departure
            others = departure.citations.exclude(pk__in=chosen)
            if departure.is_published and not others.exists():
                protected = [*protected, f"{citation} — {_LAST_SOURCE}"]
        return deleted, counts, perms, protected

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            for pk in {obj.departure_id, form.initial.get("departure")} - {None}:
                departure_assert_sourced(Departure(pk=pk))


@admin.register(Tag)
class TagAdmin(PublicRecordGuard, HistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
