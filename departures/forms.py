"""Forms for the editorial admin: the log form, the import upload, the change form."""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget, AdminTextInputWidget
from django.core.exceptions import ValidationError

from departures.importing import MAX_UPLOAD_BYTES
from departures.models import Departure, Source, Tag
from people import dates
from people.models import Role
from people.validators import http_url

DATE_HELP = (
    "YYYY-MM-DD for an exact day; YYYY-MM when only the month is known; YYYY for "
    "only the year. The precision is kept and shown."
)
NO_SOURCE = "A departure needs at least one source before it can be published."


class PartialDateField(dates.PartialDateField):
    """A partial date in the admin's look, with the format spelled out."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", DATE_HELP)
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault(
            "widget", AdminTextInputWidget(attrs={"placeholder": "YYYY-MM-DD"})
        )
        super().__init__(**kwargs)


def _name_input(datalist: str) -> forms.TextInput:
    return AdminTextInputWidget(
        attrs={"list": datalist, "autocomplete": "off", "class": "vTextField"}
    )


class LogDepartureForm(forms.Form):
    person = forms.CharField(
        max_length=200,
        widget=_name_input("person-options"),
        help_text="Start typing to pick an existing person (matched regardless of "
        "case); a name not yet recorded creates a new person.",
    )
    organization = forms.CharField(
        max_length=200,
        widget=_name_input("organization-options"),
        help_text="The organization left. Pick one or type a new name.",
    )
    role_title = forms.CharField(
        label="Role title",
        max_length=200,
        widget=_name_input("role-options"),
        help_text="The title as written, e.g. “Chief Technology Officer”. When the "
        "person already holds this title at this organization, that role is "
        "reused as it is, seniority, function and founder included.",
    )
    seniority = forms.ChoiceField(
        choices=Role.Seniority.choices,
        initial=Role.Seniority.C_SUITE,
        help_text=Role._meta.get_field("seniority").help_text,
    )
    function = forms.ChoiceField(
        choices=Role.Function.choices,
        initial=Role.Function.EXECUTIVE,
        help_text=Role._meta.get_field("function").help_text,
    )
    is_founder = forms.BooleanField(
        label="Founder",
        required=False,
        help_text=Role._meta.get_field("is_founder").help_text,
    )
    announced = PartialDateField(
        help_text="When the departure became public. " + DATE_HELP
    )
    effective = PartialDateField(
        required=False,
        help_text="When the person actually left, if known. " + DATE_HELP,
    )
    reason = forms.ChoiceField(
        choices=Departure.Reason.choices,
        initial=Departure.Reason.UNDISCLOSED,
        help_text=Departure._meta.get_field("reason").help_text,
    )
    is_involuntary = forms.BooleanField(
        label="Involuntary",
        required=False,
        help_text=Departure._meta.get_field("is_involuntary").help_text,
    )
    stated_reason = forms.CharField(
        required=False,
        widget=AdminTextareaWidget(attrs={"rows": 3}),
        help_text=Departure._meta.get_field("stated_reason").help_text,
    )
    context = forms.CharField(
        required=False,
        widget=AdminTextareaWidget(attrs={"rows": 3}),
        help_text=Departure._meta.get_field("context").help_text,
    )
    destination = forms.CharField(
        required=False,
        max_length=200,
        widget=_name_input("destination-options"),
        help_text="Where they went next, if known. Pick or type a new name.",
    )
    destination_title = forms.CharField(
        required=False, max_length=200, widget=AdminTextInputWidget()
    )
    status = forms.ChoiceField(
        choices=Departure.Status.choices,
        initial=Departure.Status.REPORTED,
        help_text=Departure._meta.get_field("status").help_text,
    )
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

    def __init__(self, *args, can_publish: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_publish:
            # Not rendered and not read: a tampered POST cannot publish.
            del self.fields["publish"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("destination_title") and not cleaned.get("destination"):
            self.add_error("destination", "Name the organization the title is at.")
        return cleaned

    def tag_names(self) -> list[str]:
        names = [tag.name for tag in self.cleaned_data.get("tags") or []]
        names += [
            name.strip()
            for name in self.cleaned_data.get("new_tags", "").split(";")
            if name.strip()
        ]
        return names


class SourceForm(forms.Form):
    url = forms.URLField(
        label="URL",
        max_length=600,
        required=False,
        assume_scheme="https",
        validators=[http_url],
        widget=forms.URLInput(attrs={"class": "vURLField"}),
        help_text=Source._meta.get_field("url").help_text,
    )
    title = forms.CharField(
        required=False, max_length=300, widget=AdminTextInputWidget()
    )
    publisher = forms.CharField(
        required=False,
        max_length=200,
        widget=AdminTextInputWidget(),
        help_text=Source._meta.get_field("publisher").help_text,
    )
    published = PartialDateField(
        label="Published", required=False, help_text="When the page was published."
    )
    kind = forms.ChoiceField(
        choices=Source.Kind.choices,
        initial=Source.Kind.PRESS,
        help_text=Source._meta.get_field("kind").help_text,
    )
    quote = forms.CharField(
        required=False,
        widget=AdminTextareaWidget(attrs={"rows": 2}),
        help_text="The passage that backs this departure, verbatim.",
    )

    def clean(self):
        cleaned = super().clean()
        filled = any(
            cleaned.get(name) for name in ("title", "publisher", "published", "quote")
        )
        if filled and not cleaned.get("url") and "url" not in self.errors:
            self.add_error("url", "A source needs its URL.")
        return cleaned


SourceFormSet = forms.formset_factory(SourceForm, extra=2, max_num=10)


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
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("The file is not UTF-8 text.") from None


class DepartureAdminForm(forms.ModelForm):
    """The change form. Publication is never a plain field: see PublisherForm."""

    class Meta:
        model = Departure
        # published_at is left out on purpose: it changes only through the
        # publish service, for users who hold the publish permission.
        fields = [
            "role",
            "announced_on",
            "announced_precision",
            "effective_on",
            "effective_precision",
            "reason",
            "is_involuntary",
            "stated_reason",
            "context",
            "is_disputed",
            "disputed_note",
            "destination",
            "destination_title",
            "successor",
            "status",
            "reversed_on",
            "reversal_note",
            "tags",
        ]


class PublisherDepartureForm(DepartureAdminForm):
    published = forms.BooleanField(
        required=False,
        help_text="On the public site. " + NO_SOURCE + " Untick to make it a draft.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["published"].initial = self.instance.is_published

    def clean(self):
        cleaned = super().clean()
        # Read by the citation formset, which is built after this form is cleaned.
        self.instance._publish_requested = bool(cleaned.get("published"))
        return cleaned
