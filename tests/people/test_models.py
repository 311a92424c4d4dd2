import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from people.models import Organization, Role
from tests.factories import OrganizationFactory, PersonFactory, RoleFactory

pytestmark = pytest.mark.django_db


def test_database_refuses_organization_names_differing_only_in_case():
    OrganizationFactory(name="OpenAI", slug="openai")

    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="openai", slug="openai-2")


def test_full_clean_reports_a_case_insensitive_name_clash_on_the_name_field():
    OrganizationFactory(name="OpenAI", slug="openai")

    with pytest.raises(ValidationError) as error:
        Organization(name="OPENAI", slug="openai-2").full_clean()

    assert "name" in error.value.message_dict


def test_database_refuses_duplicate_slugs():
    PersonFactory(slug="sam-altman")

    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(slug="sam-altman")


def test_database_refuses_a_role_that_ends_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleFactory(
            start_on=datetime.date(2024, 5, 1),
            start_precision="day",
            end_on=datetime.date(2024, 4, 1),
            end_precision="day",
        )


def test_full_clean_reports_a_role_ending_before_it_starts_on_the_end_field():
    role = RoleFactory.build(
        person=PersonFactory(),
        organization=OrganizationFactory(),
        start_on=datetime.date(2024, 5, 1),
        end_on=datetime.date(2024, 4, 1),
    )

    with pytest.raises(ValidationError) as error:
        role.full_clean()

    assert "end_on" in error.value.message_dict


def test_database_refuses_a_date_without_its_precision():
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleFactory(start_on=datetime.date(2024, 5, 1), start_precision="")


def test_a_role_displays_its_start_at_its_precision():
    role = RoleFactory(start_on=datetime.date(2022, 5, 1), start_precision="month")

    assert str(role.start) == "May 2022"
    assert Role.objects.get(pk=role.pk).start.isoformat() == "2022-05"
