"""The admin's departure list on an ordinary laptop screen."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_editorial import PASSWORD, log_in

LAPTOP = {"width": 1280, "height": 800}

# Wider than its box, the results table scrolls inside it (the admin gives it
# overflow-x: auto), so both the page and that box are measured.
OVERFLOW = """() => {
    const results = document.querySelector("#changelist .results");
    return {
        page: document.documentElement.scrollWidth,
        table: results.scrollWidth,
        box: results.clientWidth,
    };
}"""


@pytest.mark.parametrize(
    ("query", "someone"),
    [
        ("", "Mira Murati"),
        # Every column sorted, so that every header carries its sort controls.
        ("?o=1.2.3.4.5", "Mira Murati"),
        # Reversals add a line under the status.
        ("?reversed=yes", "Sam Altman"),
    ],
)
def test_departure_changelist_fits_a_1280_px_screen(
    page, demo_data, django_user_model, screenshot, query, someone
):
    django_user_model.objects.create_superuser(
        username="ada", email="ada@example.com", password=PASSWORD
    )
    page.set_viewport_size(LAPTOP)
    log_in(page, "ada")

    page.goto(f"/admin/departures/departure/{query}")

    expect(page.locator("#result_list")).to_contain_text(someone)
    expect(page.locator("#result_list thead")).to_contain_text("Published")
    widths = page.evaluate(OVERFLOW)
    screenshot(page, f"admin-departure-changelist-1280{query.replace('?', '-')}")
    assert widths["page"] <= LAPTOP["width"], widths
    assert widths["table"] <= widths["box"], widths
