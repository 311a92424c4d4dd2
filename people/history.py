"""Change history in the admin, as editors read it: labels, not codes."""

from dataclasses import replace

from django.db.models import ManyToManyField
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

EMPTY = "—"
# Bookkeeping columns every save touches; a change of only these is no change.
BOOKKEEPING = {"updated_at", "created_at"}


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    def context_for_delta_changes(self, delta):
        changes = [c for c in delta.changes if c.field not in BOOKKEEPING]
        return super().context_for_delta_changes(replace(delta, changes=changes))

    def format_delta_change(self, change: ModelChange) -> ModelChange:
        formatted = super().format_delta_change(change)
        field = self.model._meta.get_field(change.field)
        return ModelChange(capfirst(field.verbose_name), formatted.old, formatted.new)

    def prepare_delta_change_value(self, change: ModelChange, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(field, ManyToManyField):
            return super().prepare_delta_change_value(change, value) or EMPTY
        if value is None or value == "":
            return EMPTY
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        return value


class HistoryAdmin(SimpleHistoryAdmin):
    """History with field labels, choice labels and no bookkeeping-only rows."""

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        super().set_history_delta_changes(request, historical_records, **kwargs)
        for record in historical_records:
            # A save that changed nothing an editor sees is not shown as a change.
            record.hide_in_history = record.history_type == "~" and not getattr(
                record, "history_delta_changes", [None]
            )
