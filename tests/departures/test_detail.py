import datetime

import pytest
from django.utils import timezone

from departures.models import Citation, Departure
from tests.factories import (
    DepartureFactory,
    OrganizationFactory,
    PersonFactory,
    RoleFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def page(client, departure):
    response = client.get(departure.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_altmans_ouster_shows_reason_reversal_successor_and_sources(client, demo_data):
    altman = Departure.objects.get(role__person__slug="sam-altman", reason="ousted")
    html = page(client, altman)
    assert "November 17, 2023" in html
    assert "Ousted, involuntary" in html
    assert "Reversed on November 22, 2023" in html
    assert "agreement in principle" in html
    assert 'href="/people/mira-murati/"' in html  # successor
    assert "Stated reason" in html and "Reported context" in html
    assert "was not consistently candid" in html
    # Every source, with publisher, date, kind and quote.
    assert html.count('class="source-title"') == 5
    assert "The Verge · November 18, 2023 · Press" in html
    assert "Encyclopaedia Britannica · date not recorded · Other" in html
    assert "“beginning in 2019”" in html
    # The same organization's departures within 90 days.
    nearby = html[html.index("Other departures from OpenAI within 90 days") :]
    assert "Greg Brockman" in nearby and "Emmett Shear" in nearby
    assert "Mira Murati" not in nearby  # September 2024 is far outside


def test_a_disputed_departure_shows_both_versions(client, demo_data):
    leike = Departure.objects.get(role__person__slug="jan-leike")
    html = page(client, leike)
    assert "Sources disagree" in html
    assert "departed OpenAI on May 16, 2024" in html
    assert 'href="/organizations/anthropic/"' in html


def test_dates_show_at_their_precision(client):
    departure = DepartureFactory(
        announced_on=D(2024, 4, 1),
        announced_precision="month",
        effective_on=D(2024, 1, 1),
        effective_precision="year",
    )
    html = page(client, departure)
    assert '>April 2024</time> <span class="precision">(known to the month)' in html
    assert '>2024</time> <span class="precision">(known to the year)' in html


def test_a_future_effective_date_reads_announced_still_in_role(client):
    today = timezone.localdate()
    departure = DepartureFactory(
        announced_on=today - datetime.timedelta(days=3),
        effective_on=today + datetime.timedelta(days=30),
        effective_precision="day",
    )
    assert "announced, still in role" in page(client, departure)
    assert "Announced, still in role until" in client.get("/").content.decode()

    departure.effective_on = today - datetime.timedelta(days=1)
    departure.save()
    assert "still in role" not in page(client, departure)


def test_the_archived_copy_and_quote_of_a_source_are_linked(client):
    departure = DepartureFactory(cited=False)
    Citation.objects.create(
        departure=departure,
        source=SourceFactory(
            publisher="The Ledger",
            archived_url="https://archive.example.org/abc",
            kind="company_statement",
        ),
        quote="We thank her for her service.",
    )
    html = page(client, departure)
    assert 'href="https://archive.example.org/abc"' in html
    assert "Company statement" in html
    assert "“We thank her for her service.”" in html


def test_nearby_departures_are_from_the_same_organization_within_90_days(client):
    acme, other = OrganizationFactory(name="Acme"), OrganizationFactory()
    main = DepartureFactory(
        role=RoleFactory(organization=acme), announced_on=D(2024, 6, 1)
    )
    for name, organization, day in [
        ("Inside Before", acme, D(2024, 3, 3)),
        ("Inside After", acme, D(2024, 8, 30)),
        ("Too Early", acme, D(2024, 3, 2)),
        ("Elsewhere", other, D(2024, 6, 2)),
    ]:
        DepartureFactory(
            role=RoleFactory(
                person=PersonFactory(name=name), organization=organization
            ),
            announced_on=day,
        )
    nearby = page(client, main).split("within 90 days")[1]
    assert "Inside Before" in nearby and "Inside After" in nearby
    assert "Too Early" not in nearby and "Elsewhere" not in nearby


def test_a_wrong_slug_redirects_to_the_right_one(client):
    departure = DepartureFactory()
    response = client.get(f"/departures/{departure.pk}/wrong-slug/")
    assert response.status_code == 301
    assert response["Location"] == departure.get_absolute_url()


def test_the_methodology_page_defines_every_taxonomy(client):
    html = client.get("/about/").content.decode()
    for key in list(Departure.Reason.values) + ["c_suite", "go_to_market", "rumored"]:
        assert f"<code>{key}</code>" in html, key
    for heading in ["Reasons", "Seniority", "Function", "status", "Sources"]:
        assert heading in html
    assert "The sourcing rule" in html
    assert "How to cite" in html
    assert "CC BY 4.0" in html
    assert "Regulatory filing" in html


def test_a_draft_departure_has_no_public_page(client):
    draft = DepartureFactory(draft=True)

    assert client.get(draft.get_absolute_url()).status_code == 404
