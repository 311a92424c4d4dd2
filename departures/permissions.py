"""Who may do what, checked on the server wherever it matters."""

PUBLISH = "departures.publish_departure"


def can_publish(user) -> bool:
    """Publishing and unpublishing need `departures.publish_departure`."""
    return bool(user and user.is_active and user.has_perm(PUBLISH))


class PublicRecordGuard:
    """An admin mixin: a record a published page shows (the model's `public()`)
    is changed or deleted only by publishers.

    The rule chosen for people, organizations, roles, sources, tags and
    citations (README, "What is public"): an editor sees such a record read-only
    with a note, rather than a second review queue per model. Departures
    themselves take pending revisions (departures/revisions.py).
    """

    public_note = (
        "A published departure shows this record, so only a publisher may change "
        "or delete it. Ask a publisher, or propose the change on the departure."
    )

    def shown_publicly(self, obj) -> bool:
        return obj is not None and type(obj).objects.public().filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return can_publish(request.user) or not self.shown_publicly(obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return can_publish(request.user) or not self.shown_publicly(obj)

    def render_change_form(self, request, context, *args, **kwargs):
        obj = context.get("original")
        if not can_publish(request.user) and self.shown_publicly(obj):
            context["subtitle"] = self.public_note
        return super().render_change_form(request, context, *args, **kwargs)
