import datetime

import pytest

from departures.models import Departure
from tests.factories import (
    DepartureFactory,
    OrganizationFactory,
    PersonFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_timeline_lists_published_departures_grouped_by_month(client):
    DepartureFactory(
        role=RoleFactory(person=PersonFactory(name="Ada Lovelace")),
        announced_on=D(2024, 5, 14),
    )
    DepartureFactory(
        role=RoleFactory(person=PersonFactory(name="Bo Month")),
        announced_on=D(2024, 4, 1),
        announced_precision="month",
    )
    DepartureFactory(
        role=RoleFactory(person=PersonFactory(name="Cy Year")),
        announced_on=D(2023, 1, 1),
        announced_precision="year",
    )
    html = client.get("/").content.decode()
    assert html.index("May 2024") < html.index("Ada Lovelace")
    assert html.index("April 2024") < html.index("Bo Month")
    assert html.index("2023 (month unknown)") < html.index("Cy Year")
    # Each date at its precision.
    assert ">May 14, 2024</time>" in html
    assert ">April 2024</time>" in html
    assert ">2023</time>" in html


def test_a_draft_is_on_no_reader_page(client):
    organization = OrganizationFactory(slug="acme", name="Acme")
    person = PersonFactory(slug="secret-sam", name="Secret Sam")
    draft = DepartureFactory(
        role=RoleFactory(person=person, organization=organization), draft=True
    )
    DepartureFactory(role=RoleFactory(organization=organization))

    pages = [
        "/",
        "/?organization=acme",
        "/?q=secret",
        "/people/",
        "/people/?q=secret",
        "/organizations/",
        "/organizations/acme/",
    ]
    for url in pages:
        assert "Secret Sam" not in client.get(url).content.decode(), url
    assert client.get(f"/departures/{draft.pk}/secret-sam-acme/").status_code == 404
    assert client.get("/?q=secret").context["paginator"].count == 0
    # Only a draft shows Secret Sam: no page of theirs exists for readers.
    assert client.get("/people/secret-sam/").status_code == 404


def test_fifty_a_page_with_page_links_and_the_total(client):
    DepartureFactory.create_batch(51)
    first = client.get("/")
    assert len(first.context["object_list"]) == 50
    html = first.content.decode()
    assert "<strong>51</strong> departures" in html
    assert 'href="?page=2"' in html
    second = client.get("/?page=2")
    assert second.status_code == 200
    assert len(second.context["object_list"]) == 1


def test_sort_oldest_puts_the_oldest_first(client):
    DepartureFactory(
        role=RoleFactory(person=PersonFactory(name="Old")), announced_on=D(2020, 1, 1)
    )
    DepartureFactory(
        role=RoleFactory(person=PersonFactory(name="New")), announced_on=D(2025, 1, 1)
    )
    oldest = client.get("/?sort=oldest").context["object_list"]
    assert [d.role.person.name for d in oldest] == ["Old", "New"]
    newest = client.get("/").context["object_list"]
    assert [d.role.person.name for d in newest] == ["New", "Old"]


def test_active_filters_are_chips_that_remove_themselves(client):
    DepartureFactory(
        role=RoleFactory(organization=OrganizationFactory(slug="acme", name="Acme")),
        reason="ousted",
        is_involuntary=True,
    )
    response = client.get("/?organization=acme&reason=ousted&q=x&from=2024")
    chips = {chip.label: chip.href for chip in response.context["chips"]}
    assert chips == {
        "Search: “x”": "?organization=acme&reason=ousted&from=2024",
        "Organization: Acme": "?reason=ousted&q=x&from=2024",
        "Reason: Ousted": "?organization=acme&q=x&from=2024",
        "From: 2024": "?organization=acme&reason=ousted&q=x",
    }
    assert "Clear all" in response.content.decode()


def test_the_chart_bars_link_to_their_period_within_the_selection(client):
    DepartureFactory(
        role=RoleFactory(organization=OrganizationFactory(slug="acme")),
        announced_on=D(2024, 5, 14),
    )
    response = client.get("/?organization=acme")
    (bar,) = response.context["chart"].bars
    assert bar.href == "?organization=acme&from=2024-05&to=2024-05"
    assert client.get(f"/{bar.href}").context["paginator"].count == bar.count == 1
    html = response.content.decode()
    assert "<svg" in html and "Chart as a table" in html


@pytest.mark.parametrize(
    ("query", "field_id", "message"),
    [
        ("reason=sacked", "facet-reason", "not one of the available choices"),
        ("from=2024-13", "error-from", "is not a real date"),
        ("to=soon", "error-to", "is not a date"),
        ("page=0", "error-summary-heading", "greater than or equal to 1"),
        ("page=abc", "error-summary-heading", "A page is a whole number"),
        ("page=2", "error-summary-heading", "There is only 1 page"),
        ("sort=sideways", "error-sort", "not one of the available choices"),
        ("founder=maybe", "facet-founder", "not one of the available choices"),
        ("reversed=twice", "facet-reversed", "not one of the available choices"),
    ],
)
def test_a_bad_parameter_answers_400_with_the_error_beside_its_field(
    client, query, field_id, message
):
    DepartureFactory()
    response = client.get(f"/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="{field_id}"' in html
    assert "This filter cannot be read" in html


def test_the_error_shows_next_to_the_field_it_belongs_to(client):
    html = client.get("/?from=2024-13").content.decode()
    field = html[html.index('id="id_from"') :]
    assert field.index("is not a real date") < field.index('id="id_to"')
    assert 'value="2024-13"' in html


def test_an_unknown_slug_is_a_200_with_no_results(client):
    DepartureFactory()
    response = client.get("/?organization=no-such-organization")
    assert response.status_code == 200
    assert response.context["paginator"].count == 0
    assert "No published departure matches these filters" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "q=" + "x" * 5000,
        "organization=" + "x" * 500,
        "from=99999",
        "from=0000",
        "from=9999-12-31&to=9999-12-31",
        "page=99999999999999999999999",
        "q=%ff%fe",
        "organization=%3Cscript%3E",
        "tag=&tag=&reason=",
        "from=2024-02-29&to=2024-02-29",
        "unknown=parameter",
    ],
)
def test_odd_or_hostile_parameters_answer_200_or_400_never_500(client, query):
    DepartureFactory()
    assert client.get(f"/?{query}").status_code in (200, 400)


def test_user_text_is_escaped(client):
    DepartureFactory(
        role=RoleFactory(
            person=PersonFactory(name="<script>alert(1)</script>"),
            title="<b>Chief</b>",
        ),
        stated_reason="<img src=x onerror=alert(1)>",
    )
    html = client.get("/?q=%3Cscript%3E").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html


def test_every_page_has_a_real_title_and_description(client, demo_data):
    altman = Departure.objects.get(role__person__slug="sam-altman", reason="ousted")
    for url in [
        "/",
        "/?reason=ousted",
        altman.get_absolute_url(),
        "/people/",
        "/people/sam-altman/",
        "/organizations/",
        "/organizations/openai/",
        "/about/",
    ]:
        html = client.get(url).content.decode()
        title = html[html.index("<title>") + 7 : html.index("</title>")]
        assert title.endswith(" · Departures") and len(title) > 20, url
        start = html.index('<meta name="description" content="') + 34
        description = html[start : html.index('"', start)]
        assert len(description) > 40, url


def test_not_found_pages_look_like_the_site(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and 'class="site-header"' in html


def test_the_server_error_page_stands_alone(client):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html and 'class="site-header"' in html


def test_links_from_a_page_with_a_bad_parameter_leave_it_out(client):
    DepartureFactory(reason="resigned")
    response = client.get("/?reason=bogus&from=2024-13&sort=oldest")
    assert response.status_code == 400
    for facet in response.context["facets"]:
        for option in facet.options:
            assert client.get(f"/{option.href}").status_code == 200, option.href


def test_draft_departures_are_not_on_the_timeline(client):
    DepartureFactory(role=RoleFactory(person=PersonFactory(name="Public Person")))
    DepartureFactory(
        role=RoleFactory(person=PersonFactory(name="Secret Draft")), draft=True
    )

    page = client.get("/").content.decode()

    assert "Public Person" in page
    assert "Secret Draft" not in page


def test_timeline_shows_dates_at_their_precision(client):
    DepartureFactory(
        announced_on=datetime.date(2024, 4, 1), announced_precision="month"
    )

    page = client.get("/").content.decode()

    assert "April 2024" in page
    assert "April 1, 2024" not in page


def test_timeline_links_each_departure_to_its_sources(client, demo_data):
    page = client.get("/").content.decode()

    assert "https://www.thehindu.com/sci-tech/technology/openai-cto-mira-murati" in page


def test_the_chart_table_links_each_count_and_leaves_out_empty_months(client):
    for announced in (D(2024, 1, 10), D(2024, 3, 2), D(2024, 3, 20)):
        DepartureFactory(announced_on=announced)

    html = client.get("/").content.decode()

    assert '<figcaption id="chart-caption">Departures per month' in html
    assert '<th scope="col">Month</th>' in html
    assert '2<span class="visually-hidden"> departures in March 2024</span>' in html
    assert '1<span class="visually-hidden"> departure in January 2024</span>' in html
    assert "February 2024</th>" not in html


def test_the_form_shows_what_was_asked(client):
    """A search, dates and an order stay in the form they were asked in, so a
    reader can refine them rather than type them again."""
    DepartureFactory(
        role=RoleFactory(person=PersonFactory(name="Ada Lovelace")),
        announced_on=D(2024, 5, 14),
    )
    response = client.get("/?q=Lovelace&from=2024-01&to=2024-12&sort=oldest")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="q" id="id_q" value="Lovelace"' in html
    assert 'name="from" id="id_from" value="2024-01"' in html
    assert 'name="to" id="id_to" value="2024-12"' in html
    assert '<option value="oldest" selected>' in html
