"""Schemathesis, in process, against /api/openapi.json: no server error, every
response as the schema says, bad input rejected.

Cases are drawn with Hypothesis from the schema's own strategy (schemathesis'
pytest plugin does not load under this pytest), for valid and for invalid
input.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tests.factories import DepartureFactory, OrganizationFactory, RoleFactory

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
EXAMPLES = 40


@pytest.fixture
def api_schema(settings):
    # Schemathesis calls the WSGI app as http://localhost.
    settings.ALLOWED_HOSTS = ["localhost"]
    openai = OrganizationFactory(name="OpenAI", slug="openai")
    departure = DepartureFactory(
        role=RoleFactory(organization=openai), destination=OrganizationFactory()
    )
    departure.tags.create(name="board conflict", slug="board-conflict")
    DepartureFactory(draft=True)
    # Called through WSGI, each request would end by closing the connection
    # that holds the test's transaction; Django's test client does the same.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_answers_as_its_schema_says(api_schema, mode):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.path for op in operations} == {
        "/api/departures",
        "/api/departures/{id}",
        "/api/people/{slug}",
        "/api/organizations/{slug}",
    }

    @given(case=api_schema.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(checks=CHECKS)

    check()
