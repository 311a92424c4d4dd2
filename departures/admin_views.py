"""Editorial admin pages: log a departure, import a CSV, data quality.

Each is a view that DepartureAdmin.get_urls wraps in admin_view with the model
admin bound, and each checks its own permission on the server.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import helpers
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods

from departures.forms import ImportUploadForm, LogDepartureForm
from departures.importing import (
    COLUMNS,
    SOURCE_COLUMNS,
    import_departures,
    template_csv,
)
from departures.models import Departure
from departures.permissions import can_publish
from departures.quality import run_checks
from departures.services import departure_record
from people.models import Organization, Person, Role

LOG_FIELDSETS = [
    (
        "Who left what",
        {
            "fields": [
                "person",
                "organization",
                "role_title",
                ("seniority", "function"),
                "is_founder",
                "role_start",
            ]
        },
    ),
    ("When", {"fields": ["announced", "effective"]}),
    ("Why", {"fields": ["reason", "is_involuntary", "stated_reason", "context"]}),
    ("What next", {"fields": ["destination", "destination_title", "successor"]}),
    ("Disputed", {"fields": ["is_disputed", "disputed_note"]}),
    ("Reversed", {"fields": ["reversed_on", "reversal_note"]}),
    ("Record", {"fields": ["status", "tags", "new_tags", "confirm_names"]}),
]
SOURCE_FIELDSET = {
    "fields": [
        "url",
        ("title", "publisher"),
        ("published", "kind"),
        "quote",
        "archived_url",
    ]
}
IMPORT_SALT = "departures.admin.import"
IMPORT_MAX_AGE = 60 * 60


def _context(model_admin, request, title: str, **extra) -> dict:
    opts = model_admin.model._meta
    return {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "app_label": opts.app_label,
        "title": title,
        "changelist_url": reverse("admin:departures_departure_changelist"),
        **extra,
    }


@require_http_methods(["GET", "POST"])
def log_departure(request, *, model_admin):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    publisher = can_publish(request.user)
    if request.method == "POST":
        form = LogDepartureForm(request.POST, can_publish=publisher)
        if form.is_valid():
            try:
                departure = departure_record(
                    **form.cleaned_data,
                    sources=form.source_inputs(),
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                return _logged(model_admin, request, departure)
    else:
        form = LogDepartureForm(can_publish=publisher)
    sources = form.sources
    duplicates = getattr(form, "duplicates", None)
    recorded = getattr(form, "recorded", None)

    fieldsets = [list(fs) for fs in LOG_FIELDSETS]
    if publisher:
        fieldsets[-1][1] = {
            "fields": ["status", "tags", "new_tags", "confirm_names", "publish"]
        }
    adminform = helpers.AdminForm(form, fieldsets, {}, model_admin=model_admin)
    source_forms = [
        helpers.AdminForm(f, [(f"Source {n}", SOURCE_FIELDSET)], {})
        for n, f in enumerate(sources.forms, start=1)
    ]
    return TemplateResponse(
        request,
        "admin/departures/departure/log.html",
        _context(
            model_admin,
            request,
            "Log a departure",
            adminform=adminform,
            form=form,
            sources=sources,
            source_forms=source_forms,
            duplicates=[recorded] if recorded else duplicates,
            already_recorded=recorded is not None,
            can_publish=publisher,
            errors=helpers.AdminErrorList(form, [sources]),
            media=model_admin.media + form.media,
            person_autocomplete=_autocomplete("people", "role", "person"),
            organization_autocomplete=_autocomplete("people", "role", "organization"),
            destination_autocomplete=_autocomplete(
                "departures", "departure", "destination"
            ),
            roles_url=reverse("admin:departures_departure_log_roles"),
        ),
    )


def _autocomplete(app_label: str, model_name: str, field_name: str) -> str:
    return (
        reverse("admin:autocomplete")
        + f"?app_label={app_label}&model_name={model_name}&field_name={field_name}"
    )


def _logged(model_admin, request, departure: Departure):
    change_url = reverse("admin:departures_departure_change", args=[departure.pk])
    state = "published" if departure.is_published else "saved as a draft"
    messages.success(
        request,
        format_html(
            'Logged <a href="{}">{}</a>, {}.', change_url, str(departure), state
        ),
    )
    if "_addanother" in request.POST:
        return redirect("admin:departures_departure_log")
    return HttpResponseRedirect(change_url)


@require_GET
def log_roles(request, *, model_admin):
    """The roles a person already holds at an organization, for the log form."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    roles = Role.objects.filter(
        person__in=Person.objects.named(request.GET.get("person", "")),
        organization__in=Organization.objects.named(
            request.GET.get("organization", "")
        ),
    ).order_by("start_on", "id")
    return JsonResponse(
        {
            "roles": [
                {
                    "title": role.title,
                    "seniority": role.seniority,
                    "function": role.function,
                    "is_founder": role.is_founder,
                }
                for role in roles
            ]
        }
    )


@require_http_methods(["GET", "POST"])
def import_csv(request, *, model_admin):
    """Upload → preview (a dry run) → confirm. Nothing is written before confirm."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    publisher = can_publish(request.user)
    report = payload = None
    form = ImportUploadForm()
    if request.method == "POST" and "payload" in request.POST:
        try:
            text = signing.loads(
                request.POST["payload"], salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE
            )
        except signing.BadSignature:
            messages.error(request, "The preview expired; upload the file again.")
            return redirect("admin:departures_departure_import")
        report = import_departures(text, actor=request.user, can_publish=publisher)
        if report.ok:
            messages.success(request, "Imported. " + report.summary())
            return redirect("admin:departures_departure_changelist")
    elif request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data["file"]
            report = import_departures(
                data, dry_run=True, actor=request.user, can_publish=publisher
            )
            if report.ok:
                # A file without errors is UTF-8 through and through.
                text = data.decode("utf-8-sig")
                payload = signing.dumps(text, salt=IMPORT_SALT, compress=True)
    return TemplateResponse(
        request,
        "admin/departures/departure/import.html",
        _context(
            model_admin,
            request,
            "Import departures from CSV",
            form=form,
            report=report,
            payload=payload,
            can_publish=publisher,
            columns=COLUMNS.items(),
            source_columns=SOURCE_COLUMNS.items(),
        ),
    )


@require_GET
def import_template(request, *, model_admin):
    """Every column of the import, with one example row from the demo data."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="departures-template.csv"'
    return response


@require_GET
def data_quality(request, *, model_admin):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "admin/departures/departure/data_quality.html",
        _context(model_admin, request, "Data quality", checks=run_checks()),
    )
