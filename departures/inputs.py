"""The one input form behind every write of a departure: the log form and the import.

`DepartureInputForm` takes its fields from the models (Departure, Role), so
labels, choices, help and defaults have one home: the model field. Its
`cleaned_data` is exactly the keyword arguments of `departure_record` (sources
aside: they come from `SourceForm`s). The log form extends it; the import binds
it once per CSV row.
"""

from __future__ import annotations

import datetime
import functools
from urllib.parse import urlsplit

from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget, AdminTextInputWidget
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

from departures.models import Departure, Source
from departures.services import DEPARTURE_INPUT_FIELDS, UNSET, SourceInput
from people import dates
from people.bulk import batch_of
from people.models import Organization, Person, Role
from people.querysets import squash
from people.services import role_find, roles_at
from people.validators import http_url

DATE_HELP = (
    "YYYY-MM-DD for an exact day; YYYY-MM when only the month is known; YYYY for "
    "only the year. The precision is kept and shown."
)
# Free text is unbounded in the database; input is not.
TEXT_MAX_LENGTH = 10_000
TRUE = {"true", "yes", "1", "on"}
FALSE = {"false", "no", "0", "off", ""}
# The inputs a departure cannot be recorded without.
REQUIRED = ("person", "organization", "role_title", "announced")
# Model fields named by validation errors, as the input that feeds them.
INPUT_NAMES = {
    "announced_on": "announced",
    "announced_precision": "announced",
    "effective_on": "effective",
    "effective_precision": "effective",
    "role": "role_title",
    "__all__": None,
}


class PartialDateField(dates.PartialDateField):
    """A partial date in the admin's look, with the format spelled out."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", DATE_HELP)
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault(
            "widget", AdminTextInputWidget(attrs={"placeholder": "YYYY-MM-DD"})
        )
        super().__init__(**kwargs)


class StrictBooleanField(forms.BooleanField):
    """A checkbox in a form, `true`/`false` (yes/no, 1/0) in a file; else an error."""

    def __init__(self, **kwargs):
        kwargs["required"] = False
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, bool) or value is None:
            return bool(value)
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ValidationError(
            "“%(value)s” is not true or false.",
            code="invalid",
            params={"value": str(value)[:50]},
        )


def _model_field(field: models.Field, **kwargs) -> forms.Field:
    """The form field for a model field, in the admin's look."""
    if isinstance(field, models.BooleanField):
        return StrictBooleanField(
            label=field.verbose_name.capitalize(), help_text=field.help_text
        )
    if isinstance(field, models.TextField):
        return field.formfield(
            max_length=TEXT_MAX_LENGTH,
            widget=AdminTextareaWidget(attrs={"rows": 3}),
        )
    if isinstance(field, models.DateField):
        return field.formfield(
            input_formats=["%Y-%m-%d"],
            widget=AdminTextInputWidget(attrs={"placeholder": "YYYY-MM-DD"}),
            help_text=field.help_text or "YYYY-MM-DD.",
        )
    if isinstance(field, models.CharField) and not field.choices:
        return field.formfield(widget=AdminTextInputWidget())
    return field.formfield(**kwargs)


def _name_input(datalist: str) -> forms.TextInput:
    return AdminTextInputWidget(
        attrs={"list": datalist, "autocomplete": "off", "class": "vTextField"}
    )


def _name_field(datalist: str, **kwargs) -> forms.CharField:
    return forms.CharField(max_length=200, widget=_name_input(datalist), **kwargs)


_ModelFields = type(
    "_ModelFields",
    (forms.Form,),
    {
        **forms.fields_for_model(
            Role,
            fields=["seniority", "function", "is_founder"],
            formfield_callback=_model_field,
        ),
        **forms.fields_for_model(
            Departure, fields=DEPARTURE_INPUT_FIELDS, formfield_callback=_model_field
        ),
    },
)


class DepartureInputForm(_ModelFields):
    """Everything `departure_record` takes but the sources, checked."""

    person = _name_field(
        "person-options",
        help_text="Start typing to pick an existing person (matched regardless of "
        "case); a name not yet recorded creates a new person.",
    )
    organization = _name_field(
        "organization-options",
        help_text="The organization left. Pick one or type a new name.",
    )
    role_title = _name_field(
        "role-options",
        label="Role title",
        help_text="The title as written, e.g. “Chief Technology Officer”. When the "
        "person already holds this title at this organization, that role is "
        "reused.",
    )
    role_start = PartialDateField(
        label="Role began",
        required=False,
        help_text="When the role began. " + DATE_HELP,
    )
    role_end = PartialDateField(
        label="Role ended",
        required=False,
        help_text="When the role ended. " + DATE_HELP,
    )
    announced = PartialDateField(
        help_text="When the departure became public. " + DATE_HELP
    )
    effective = PartialDateField(
        required=False,
        help_text="When the person actually left, if known. " + DATE_HELP,
    )
    destination = _name_field(
        "destination-options",
        required=False,
        help_text="Where they went next, if known. Pick or type a new name.",
    )
    successor = _name_field(
        "person-options",
        required=False,
        help_text=Departure._meta.get_field("successor").help_text
        + " Pick or type a new name.",
    )
    tags = forms.CharField(
        required=False,
        max_length=500,
        help_text="Theme names separated by semicolons.",
    )

    def clean_tags(self):
        return [
            " ".join(name.split())
            for name in (self.cleaned_data.get("tags") or "").split(";")
            if name.strip()
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("destination_title") and not cleaned.get("destination"):
            if "destination" not in getattr(self, "omitted", ()):
                self.add_error("destination", "Name the organization the title is at.")
        self.existing_role = self.recorded = None
        self.duplicates = []
        if all(cleaned.get(name) for name in REQUIRED):
            self._find_existing(cleaned)
        return cleaned

    # An import shares the cache of the get-or-create helpers across its rows.
    cache: dict | None = None

    def _named(self, model, name: str):
        key = (model, squash(name).casefold())
        if self.cache is not None and key in self.cache:
            return self.cache[key]
        return model.objects.named(name).order_by("id").first()

    def _find_existing(self, cleaned) -> None:
        """The role and departure recording would reuse, and likely duplicates."""
        person = self._named(Person, cleaned["person"])
        organization = self._named(Organization, cleaned["organization"])
        if person is None or organization is None:
            return
        self.existing_role = role_find(
            person=person,
            organization=organization,
            title=cleaned["role_title"],
            cache=self.cache,
        )
        day = cleaned["announced"].start
        for departure in self._near(person, organization, day):
            if (
                departure.role_id == getattr(self.existing_role, "pk", None)
                and departure.announced_on == cleaned["announced"].start
            ):
                self.recorded = departure
            else:
                self.duplicates.append(departure)

    def _near(self, person, organization, day):
        """Departures of `person` at `organization` within 90 days of `day`
        (`DepartureQuerySet.near`): from the import's cache when it holds
        them all, with the rows recorded so far, else from the database."""
        roles = roles_at(person=person, organization=organization, cache=self.cache)
        if roles is None or any((Departure, r.pk) not in self.cache for r in roles):
            if batch_of(self.cache) is not None:
                batch_of(self.cache).flush()
            return (
                Departure.objects.filter(
                    role__person=person, role__organization=organization
                )
                .near(day, days=90)
                .select_related("role__person", "role__organization")
                .order_by("announced_on")
            )
        delta = datetime.timedelta(days=90)
        near = [
            departure
            for role in roles
            for announced, departure in self.cache[(Departure, role.pk)].items()
            if day - delta <= announced <= day + delta
        ]
        return sorted(near, key=lambda d: (d.announced_on, d.pk))

    def add_service_error(self, error: ValidationError) -> None:
        """Show an error of `departure_record` next to the input at fault."""
        for name, messages in getattr(
            error, "message_dict", {"__all__": error.messages}
        ).items():
            target = INPUT_NAMES.get(name, name)
            for message in messages:
                self.add_error(target if target in self.fields else None, message)


class WebURLField(forms.URLField):
    """A URL field whose address is checked once when it is a web address.

    `http_url` is Django's URL check with fewer schemes (and its own
    message): an address it accepts, the default check (`URLValidator`, all
    its schemes) accepts too, so that one is run only for an address
    `http_url` refuses, to add its own message as before. The messages, and
    their order, are those of running both."""

    def run_validators(self, value):
        if value in self.empty_values:
            return
        try:
            http_url(value)
        except ValidationError:
            return super().run_validators(value)  # every check, every message
        for validator in self._not_implied:
            try:
                validator(value)
            except ValidationError:
                return super().run_validators(value)
        return None

    @functools.cached_property
    def _not_implied(self) -> list:
        return [v for v in self.validators if not _implied_by_http_url(v)]


def _implied_by_http_url(validator) -> bool:
    """Whether every address `http_url` accepts passes `validator` too."""
    if validator is http_url:
        return True
    return (
        type(validator) is URLValidator
        and type(http_url) is URLValidator
        and validator.regex == http_url.regex
        and set(http_url.schemes) <= set(validator.schemes)
        and validator.max_length >= http_url.max_length
        and validator.unsafe_chars == http_url.unsafe_chars
        and validator.inverse_match == http_url.inverse_match
    )


class SourceForm(forms.Form):
    """One source of a departure: a row of the log form, or sourceN_ columns."""

    prefix_separator = "-"

    url = WebURLField(
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
    kind = forms.TypedChoiceField(
        choices=Source.Kind.choices,
        initial=Source.Kind.PRESS,
        required=False,
        help_text=Source._meta.get_field("kind").help_text,
    )
    quote = forms.CharField(
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=AdminTextareaWidget(attrs={"rows": 2}),
        help_text="The passage that backs this departure, verbatim.",
    )
    archived_url = WebURLField(
        label="Archived copy",
        max_length=600,
        required=False,
        assume_scheme="https",
        validators=[http_url],
        widget=forms.URLInput(attrs={"class": "vURLField"}),
        help_text=Source._meta.get_field("archived_url").help_text,
    )

    def add_prefix(self, field_name):
        if not self.prefix:
            return field_name
        return f"{self.prefix}{self.prefix_separator}{field_name}"

    def _clean_url(self, name: str) -> str:
        url = self.cleaned_data.get(name) or ""
        try:
            urlsplit(url).port  # noqa: B018 - raises on a port out of range
        except ValueError:
            raise ValidationError(
                "Enter a valid URL: the port is out of range."
            ) from None
        return url

    def clean_url(self):
        return self._clean_url("url")

    def clean_archived_url(self):
        return self._clean_url("archived_url")

    def clean(self):
        cleaned = super().clean()
        filled = any(
            cleaned.get(name)
            for name in ("title", "publisher", "published", "quote", "archived_url")
        )
        if filled and not cleaned.get("url") and "url" not in self.errors:
            self.add_error("url", "A source needs its URL.")
        return cleaned

    def source_input(self) -> SourceInput | None:
        """The cleaned source for `departure_record`, or None when left empty."""
        data = self.cleaned_data
        if not data.get("url"):
            return None
        return SourceInput(
            url=data["url"],
            title=data["title"].strip(),
            publisher=data["publisher"].strip(),
            published=data["published"],
            kind=data["kind"] or "",
            quote=data["quote"].strip(),
            archived_url=data["archived_url"],
        )


def given(cleaned: dict) -> dict:
    """`cleaned` without the inputs left out (UNSET)."""
    return {k: v for k, v in cleaned.items() if v is not UNSET}
