"""The log form and the import accept and refuse the same input, saying the same."""

import csv
import io
from unittest import mock

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator
from django.db.models import Model

from departures.importing import import_departures
from departures.inputs import (
    DepartureInputForm,
    SourceForm,
    StrictBooleanField,
    WebURLField,
)
from departures.models import Departure, Source
from departures.services import FORM_CHECKED, _checked
from people.models import Role
from people.validators import http_url
from tests.factories import UserFactory

URL = "/admin/departures/departure/log/"
BASE = {
    "person": "Nadia Newcomer",
    "organization": "Brand New Labs",
    "role_title": "Chief Technology Officer",
    "seniority": "c_suite",
    "function": "engineering",
    "announced": "2025-03",
    "reason": "new_role",
    "status": "reported",
    "source1_url": "https://news.example.com/nadia",
    "source1_kind": "press",
}
# (input, value or changes, the input named by the error, its message); no
# error expected when the message is None.
CASES = [
    ({"announced": "2025"}, None, None),
    ({"announced": "2025-13"}, "announced", "“2025-13” is not a real date."),
    ({"announced": "March 2025"}, "announced", "is not a date"),
    ({"person": ""}, "person", "This field is required."),
    ({"person": "x" * 201}, "person", "at most 200 characters"),
    ({"person": "Ada\x00Nul"}, "person", "Null characters are not allowed."),
    ({"reason": "bored"}, "reason", "Select a valid choice."),
    ({"destination_title": "CEO"}, "destination", "Name the organization"),
    (
        {"role_start": "2025-05", "role_end": "2025-01"},
        "role_end",
        "A role cannot end before it starts.",
    ),
    ({"source1_url": "http://[invalid/x"}, "source1_url", "Enter a valid URL."),
    (
        {"source1_url": "https://example.com:99999/x"},
        "source1_url",
        "the port is out of range",
    ),
    ({"source1_url": "", "source1_quote": "x"}, "source1_url", "needs its URL"),
    ({"source1_published": "yesterday"}, "source1_published", "is not a date"),
]


def _log_post(values: dict) -> dict:
    data = {"source-TOTAL_FORMS": 1, "source-INITIAL_FORMS": 0}
    for name, value in values.items():
        if name.startswith("source1_"):
            data["source-0-" + name.removeprefix("source1_")] = value
        else:
            data[name] = value
    return data


def _log_errors(client, values: dict) -> list[tuple[str, str]]:
    response = client.post(URL, _log_post(values))
    if response.status_code == 302:
        return []
    form = response.context["form"]
    errors = [(name, m) for name, ms in form.errors.items() for m in ms]
    for source in form.sources.forms:
        errors += [
            ("source1_" + name, m) for name, ms in source.errors.items() for m in ms
        ]
    return errors


def _import_errors(values: dict) -> list[tuple[str, str]]:
    out = io.StringIO()
    writer = csv.DictWriter(out, list(values))
    writer.writeheader()
    writer.writerow(values)
    report = import_departures(out.getvalue())
    assert report.rows == 1
    return [(error.column, error.message) for error in report.errors]


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "name", "message"), CASES)
def test_log_form_and_import_accept_and_refuse_the_same_input(
    client, changes, name, message
):
    client.force_login(UserFactory(groups=["Editors"]))
    values = {**BASE, **changes}

    logged = _log_errors(client, values)
    logged_count = Departure.objects.count()
    Departure.objects.all().delete()
    imported = _import_errors(values)

    if message is None:
        assert logged == [] and imported == []
        assert logged_count == 1 and Departure.objects.count() == 1
        return
    assert logged_count == 0 and not Departure.objects.exists()
    for errors in (logged, imported):
        assert any(n == name and message in m for n, m in errors), errors
    # Nothing one refuses that the other lets through, message for message.
    assert sorted(m for _, m in logged) == sorted(m for _, m in imported)


@pytest.mark.parametrize(
    "value",
    [
        "https://news.example.com/a",
        "news.example.com/a",
        "ftp://example.com/file",
        "javascript:alert(1)",
        "not a url",
        "http://[invalid/x",
        "https://" + "a" * 600 + ".com",
        "https://example.com/\x00",
        "https://exa mple.com",
        "",
    ],
)
def test_a_source_url_is_checked_once_with_the_same_messages(value):
    """SourceForm's URL fields skip Django's URL check when `http_url` (the
    same check, fewer schemes) accepts the address: same result, same
    messages in the same order, as both checks."""

    def outcome(field):
        try:
            return field.clean(value)
        except ValidationError as error:
            return error.messages

    for name in ("url", "archived_url"):
        field = SourceForm.base_fields[name]
        assert isinstance(field, WebURLField)
        both = forms.URLField(
            max_length=field.max_length,
            required=False,
            assume_scheme="https",
            validators=[http_url],
        )
        assert outcome(field) == outcome(both)


def _form_field(model, name):
    form = SourceForm if model is Source else DepartureInputForm
    return form.base_fields[name]


@pytest.mark.parametrize(
    ("model", "field", "name"),
    [
        (model, field, name)
        for model, fields in FORM_CHECKED.items()
        for field, name in fields.items()
    ],
)
def test_a_model_field_left_to_the_form_is_checked_there_by_its_own_rule(
    model, field, name
):
    """What `departure_record(checked=True)` does not check again in the model
    the input form checks by the model field's rule, or a stricter one: every
    validator of the model field (a length no longer), its choices, and a
    value where the model needs one."""
    model_field = model._meta.get_field(field)
    form_field = _form_field(model, name)
    offered = {value for value, _label in getattr(form_field, "choices", [])}

    for validator in model_field.validators:
        if isinstance(validator, MaxLengthValidator):
            limits = [
                v.limit_value
                for v in form_field.validators
                if isinstance(v, MaxLengthValidator)
            ]
            limits += [max(map(len, offered))] if offered else []
            assert limits and min(limits) <= validator.limit_value
        elif isinstance(validator, URLValidator) and validator is not http_url:
            assert any(
                type(v) is URLValidator
                and v.regex == validator.regex
                and set(v.schemes) <= set(validator.schemes)
                and v.message == validator.message
                for v in form_field.validators
            )
        else:
            assert validator in form_field.validators, (validator, form_field)
    if model_field.choices:
        assert offered - {""} <= {value for value, _label in model_field.flatchoices}
    # (An empty value is left to the model to check: see `_checked`.)
    # What the form hands over is what the model field takes, unchanged.
    https = {"assume_scheme": "https"} if "url" in field else {}
    expected = type(model_field.formfield(**https))
    assert isinstance(form_field, expected | StrictBooleanField)


def test_checked_inputs_are_not_checked_again_by_the_model(db):
    """An import row's model fields named in FORM_CHECKED skip the model's
    check (it would say the same), the others are still checked."""
    seen = []
    real = Model.clean_fields

    def clean_fields(self, exclude=None):
        seen.append((type(self), set(exclude or ())))
        return real(self, exclude)

    values = {**BASE, "stated_reason": "Words."}
    out = io.StringIO()
    writer = csv.DictWriter(out, list(values))
    writer.writeheader()
    writer.writerow(values)
    with mock.patch.object(Model, "clean_fields", clean_fields):
        report = import_departures(out.getvalue())
    assert report.ok, report.errors

    excluded = {model: exclude for model, exclude in seen}
    assert {"reason", "status", "stated_reason"} <= excluded[Departure]
    assert "announced_on" not in excluded[Departure]
    assert {"url", "kind"} <= excluded[Source]
    assert {"seniority", "function", "title"} <= excluded[Role]


def test_an_empty_input_is_still_checked_by_the_model():
    assert _checked(Source, {"url": "", "title": "", "kind": "press"}) == {
        "kind": "press"
    }
    assert _checked(Departure, {"reversed_on": None, "is_disputed": False}) == {
        "is_disputed": False
    }
