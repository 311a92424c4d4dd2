"""The review of changes to published departures, in the admin."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from departures.models import DepartureRevision
from departures.permissions import can_publish
from departures.revision_diff import revision_changes
from departures.revisions import revision_approve, revision_propose, revision_reject


def propose_from_form(request, departure, form, *, formsets, revision=None):
    """A pending revision from the change form (fields, tags and, when the
    citation inline was posted, citations); `revision` is completed in place."""
    citations = [(c.source_id, c.quote) for c in departure.citations.order_by("id")]
    for formset in formsets or ():
        if formset.model._meta.model_name != "citation":
            continue
        citations = [
            (f.cleaned_data["source"], f.cleaned_data.get("quote", ""))
            for f in formset.forms
            if f.cleaned_data.get("source") and not f.cleaned_data.get("DELETE")
        ]
    if revision is not None:
        revision.values["citations"] = [
            {"source": getattr(s, "pk", s), "quote": q} for s, q in citations
        ]
        revision.save(update_fields=["values"])
        return revision
    stored = type(departure).objects.get(pk=departure.pk)
    return revision_propose(
        departure=stored,
        fields=departure,
        tags=form.cleaned_data.get("tags") or (),
        citations=citations,
        actor=request.user,
    )


def review(request, revision_id, *, model_admin):
    """One pending change: the diff in words, a preview link, approve or reject."""
    revision = get_object_or_404(
        DepartureRevision.objects.select_related("departure", "created_by"),
        pk=revision_id,
    )
    publisher = can_publish(request.user)
    if not model_admin.has_view_permission(request, revision.departure):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        if not publisher:
            raise PermissionDenied
        try:
            if "_approve" in request.POST:
                revision_approve(revision=revision, actor=request.user)
                messages.success(request, "Approved: the change is now public.")
            else:
                revision_reject(
                    revision=revision,
                    actor=request.user,
                    comment=request.POST.get("comment", ""),
                )
                messages.success(request, "Rejected; the editor will see your note.")
            return redirect(
                reverse(
                    "admin:departures_departure_change", args=[revision.departure_id]
                )
            )
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": f"Review a change to {revision.departure}",
        "revision": revision,
        "changes": revision_changes(revision) if revision.is_pending else [],
        "can_review": publisher and revision.is_pending,
        "error": error,
        "preview_url": reverse("departures:preview", args=[revision.departure_id])
        + f"?revision={revision.pk}",
    }
    return TemplateResponse(
        request,
        "admin/departures/departure/review.html",
        context,
        status=400 if error else 200,
    )
