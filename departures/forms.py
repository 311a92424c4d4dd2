"""Forms for the editorial admin: the log form, the import upload, the change form."""

from __future__ import annotations

import re

from django import forms
from django.contrib.admin.widgets import AdminTextInputWidget
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from departures.importing import MAX_UPLOAD_BYTES
from departures.inputs import (
    DATE_HELP,
    DepartureInputForm,
    PartialDateField,
    SourceForm,
)
from departures.models import Departure, Tag
from departures.quality import near_names
from departures.services import SourceInput
from people.models import Organization, Person

PARTIAL_DATES = ("announced", "effective")
NO_SOURCE = "A departure needs at least one source before it can be published."
# An error of departure_record about a source: source2_url.
_SOURCE_ARG = re.compile(r"^source(\d+)_(\w+)$")

# The name inputs checked against near names, with the model they name.
NAME_INPUTS = {
    "person": Person,
    "organization": Organization,
    "destination": Organization,
    "successor": Person,
}

SourceFormSet = forms.formset_factory(SourceForm, extra=2, max_num=10)


class LogDepartureForm(DepartureInputForm):
    """The log form: the input form, with tags to tick, publish and sources.

    It owns its source formset; `is_valid()` covers both, and `cleaned_data`
    is then exactly the keyword arguments of `departure_record` but `sources`
    (see `source_inputs()`)."""

    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_tags = forms.CharField(
        label="New tags",
        required=False,
        max_length=500,
        widget=AdminTextInputWidget(),
        help_text="Themes not in the list above, separated by semicolons.",
    )
    publish = forms.BooleanField(
        label="Publish now",
        required=False,
        help_text="Put it on the public site straight away. " + NO_SOURCE,
    )
    # Sent by the "Save anyway" button shown with the likely duplicates.
    confirm_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)
    confirm_names = forms.BooleanField(
        label="Keep the names as typed",
        required=False,
        help_text="Tick to create the new name even though a similar one exists.",
    )

    def __init__(self, data=None, *args, can_publish: bool = False, **kwargs):
        if data is not None and "_addsource" in data:
            # "Add another source": one more empty row, nothing saved.
            data = data.copy()
            total = "source-TOTAL_FORMS"
            data[total] = str(int(data.get(total) or 0) + 1)
        super().__init__(data, *args, **kwargs)
        self.sources = SourceFormSet(data, prefix="source")
        if not can_publish:
            # Not rendered and not read: a tampered POST cannot publish.
            del self.fields["publish"]

    def is_valid(self) -> bool:
        if self.data and "_addsource" in self.data:
            self.full_clean()
            self.sources.is_valid()
            return False
        return super().is_valid() & self.sources.is_valid()

    def clean_tags(self):
        return [tag.name for tag in self.cleaned_data.get("tags") or []]

    def clean(self):
        cleaned = super().clean()
        cleaned["tags"] = (cleaned.get("tags") or []) + [
            name.strip()
            for name in cleaned.pop("new_tags", "").split(";")
            if name.strip()
        ]
        publish = cleaned.pop("publish", False)
        confirmed = cleaned.pop("confirm_duplicate", False)
        if not cleaned.pop("confirm_names", False):
            self._did_you_mean(cleaned)
        cleaned["published"] = True if publish else None
        if publish and self.sources.is_valid() and not self.source_inputs():
            self.add_error("publish", NO_SOURCE + " Add one below.")
        if self.existing_role is not None:
            # An existing role is reused as it is; its details here are for new ones.
            for name in ("seniority", "function", "is_founder"):
                cleaned.pop(name, None)
            # Dates left empty keep the role's stored ones.
            for name in ("role_start", "role_end"):
                if cleaned.get(name) is None:
                    cleaned.pop(name, None)
        if self.recorded is not None:
            # Saving would overwrite that record with this form's blanks.
            self.add_error(
                None,
                format_html(
                    'This departure is already recorded: <a href="{}">{}</a>. '
                    "Open it to add your source or correct it.",
                    reverse(
                        "admin:departures_departure_change", args=[self.recorded.pk]
                    ),
                    str(self.recorded),
                ),
            )
        elif self.duplicates and not confirmed:
            self.add_error(
                None,
                "Nothing was saved: this may be a departure already recorded "
                "(see the likely duplicates).",
            )
        return cleaned

    def _did_you_mean(self, cleaned) -> None:
        """Ask before creating a name close to one already recorded."""
        for name, model in NAME_INPUTS.items():
            if name in self.errors or not cleaned.get(name):
                continue
            near = near_names(model, cleaned[name])
            if near:
                self.add_error(
                    name,
                    "Did you mean "
                    + " or ".join(f"“{other}”" for other in near[:3])
                    + "? Type it as recorded, or tick “Keep the names as typed” "
                    "to create a new one.",
                )

    def source_inputs(self) -> list[SourceInput]:
        return [
            source
            for form in self.sources.forms
            if (source := form.source_input()) is not None
        ]

    def add_service_error(self, error: ValidationError) -> None:
        """Errors of the sources go to their row; the rest to the form's fields."""
        for name, messages in getattr(
            error, "message_dict", {"__all__": error.messages}
        ).items():
            match = _SOURCE_ARG.match(name)
            if match and int(match[1]) <= len(self.sources.forms):
                source = self.sources.forms[int(match[1]) - 1]
                field = match[2] if match[2] in source.fields else None
                for message in messages:
                    source.add_error(field, message)
            else:
                super().add_service_error(ValidationError({name: messages}))


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8, at most 2 MB, one row per departure, with the columns listed "
        "below. Larger files: use the import_departures command.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                f"The file is larger than {MAX_UPLOAD_BYTES // 1_000_000} MB."
            )
        # Bytes: the import reports each line that is not UTF-8 by its number.
        return upload.read()


class DepartureAdminForm(forms.ModelForm):
    """The change form. Publication is never a field: publishers use the "Save
    and publish" and "Unpublish" buttons, which go through the publish service.

    Dates are typed as in the log form (YYYY, YYYY-MM or YYYY-MM-DD); each
    fills its two columns, the first day and the precision. `version` is the
    last history id when the form was opened; a save over a newer version is
    refused (no lost updates)."""

    announced = PartialDateField(
        help_text="When the departure became public. " + DATE_HELP
    )
    effective = PartialDateField(
        required=False,
        help_text="When the person actually left, if known. " + DATE_HELP,
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Departure
        # published_at is left out on purpose: it changes only through the
        # publish service, for users who hold the publish permission.
        fields = ["role", *Departure.FACTS, "tags"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in PARTIAL_DATES:
                value = getattr(self.instance, name)
                self.initial.setdefault(name, value.isoformat() if value else "")
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = _latest_history_id(self.instance)

    def _post_clean(self):
        # Fill the two columns of each date before the model validates them.
        for name in PARTIAL_DATES:
            if name in self.cleaned_data:
                value = self.cleaned_data[name]
                setattr(self.instance, f"{name}_on", value.start if value else None)
                setattr(
                    self.instance, f"{name}_precision", value.precision if value else ""
                )
        super()._post_clean()

    def _update_errors(self, errors):
        # The model names its date columns; the form has one field for both.
        if hasattr(errors, "error_dict"):
            for name in PARTIAL_DATES:
                for column in (f"{name}_on", f"{name}_precision"):
                    if column in errors.error_dict:
                        errors.error_dict.setdefault(name, [])
                        errors.error_dict[name] += errors.error_dict.pop(column)
        super()._update_errors(errors)

    def clean(self):
        cleaned = super().clean()
        opened = cleaned.get("version")
        if self.instance.pk is None or opened is None:
            return cleaned
        # Locked until the save commits (the admin wraps it in a transaction),
        # so two saves over the same version cannot both pass.
        Departure.objects.select_for_update().filter(pk=self.instance.pk).first()
        newer = list(
            self.instance.history.filter(history_id__gt=opened).order_by("history_id")
        )
        if newer:
            raise ValidationError(_changed_since(self.instance, opened, newer))
        return cleaned


def _latest_history_id(departure: Departure) -> int | None:
    latest = departure.history.order_by("-history_id").first()
    return latest.history_id if latest else None


def _changed_since(departure, opened: int, newer: list) -> str:
    """“Saved by ann at …: stated reason, context.” for each newer version."""
    previous = departure.history.filter(history_id=opened).first()
    lines = []
    for record in newer:
        fields = []
        if previous is not None:
            for change in record.diff_against(previous).changes:
                field = Departure._meta.get_field(change.field)
                fields.append(str(field.verbose_name))
        who = record.history_user or "someone"
        when = record.history_date.strftime("%Y-%m-%d %H:%M")
        lines.append(f"{who} at {when}: {', '.join(fields) or 'a save'}")
        previous = record
    return (
        "This departure changed since you opened it, so your save was refused "
        "to keep their work. Changed by "
        + "; ".join(lines)
        + ". Reload the page, then make your change again."
    )
