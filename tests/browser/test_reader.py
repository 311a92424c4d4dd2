"""The reader's journeys through the demo data, in Chromium."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE

PAGES = {
    "timeline": "/",
    "timeline-filtered": "/?organization=openai&seniority=c_suite&from=2024",
    "departure": None,  # Sam Altman's ouster, found by URL at run time
    "person": "/people/sam-altman/",
    "organization": "/organizations/openai/",
    "people": "/people/",
    "organizations": "/organizations/",
    "about": "/about/",
}


def _altman_ouster_url():
    from departures.models import Departure

    return (
        Departure.objects.published()
        .get(role__person__slug="sam-altman", reason="ousted")
        .get_absolute_url()
    )


def test_ousted_filter_shows_altman_with_his_reversal_and_not_murati(page, demo_data):
    page.goto("/?reason=ousted")

    results = page.locator("#results")
    altman = results.locator("article.departure", has_text="Sam Altman")
    expect(altman).to_have_count(1)
    expect(altman.locator(".badge-reversed")).to_contain_text("November 22, 2023")
    expect(results.get_by_role("link", name="Mira Murati")).to_have_count(0)
    expect(page.locator(".chip", has_text="Reason: Ousted")).to_be_visible()


def test_clicking_a_facet_option_changes_the_url_and_the_count(page, demo_data):
    page.goto("/")
    total = int(page.locator(".result-count strong").inner_text())
    option = page.locator('.facet-option[data-facet="seniority"][data-value="c_suite"]')
    expected = int(option.locator(".facet-count").inner_text().split()[0])
    assert expected < total

    option.click()

    expect(page).to_have_url(re.compile(r"[?&]seniority=c_suite(&|$)"))
    expect(page.locator(".result-count strong")).to_have_text(str(expected))
    expect(
        page.locator('.facet-option[data-facet="seniority"][data-value="c_suite"]')
    ).to_have_attribute("aria-current", "true")


def test_a_reader_follows_a_person_from_the_timeline(page, demo_data):
    page.goto("/")
    page.locator("#results").get_by_role("link", name="Mira Murati").first.click()

    expect(page).to_have_url(re.compile(r"/people/mira-murati/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mira Murati")
    expect(page.get_by_role("heading", name="Roles")).to_be_visible()


def _tab_to(page, selector: str, *, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    pytest.fail(f"Tab never reached {selector}")


def test_a_keyboard_user_can_reach_and_use_the_filters(page, demo_data):
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")

    _tab_to(page, ".jump-filters")
    page.keyboard.press("Enter")
    _tab_to(page, ".facet-option", limit=3)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/\?organization=openai$"))
    expect(page.locator(".chip")).to_contain_text("Organization: OpenAI")


@pytest.mark.parametrize(
    "name", ["timeline", "departure", "person", "organization", "about"]
)
def test_pages_have_no_serious_accessibility_violations(page, demo_data, axe, name):
    page.goto(PAGES[name] or _altman_ouster_url())

    violations = axe(page)

    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] for n in v["nodes"][:5])
        for v in serious
    )


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_screenshots_of_the_reader_pages(page, demo_data, screenshot, viewport):
    size = PHONE if viewport == "phone" else DESKTOP
    page.set_viewport_size(size)
    for name, url in PAGES.items():
        page.goto(url or _altman_ouster_url())
        # Nothing may be wider than the screen.
        overflow = page.evaluate(
            "document.documentElement.scrollWidth"
            " - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {size}"
        assert screenshot(page, f"{name}-{viewport}").exists()
