from playwright.sync_api import expect


def test_timeline_shows_mira_murati_in_a_real_browser(page, demo_data, screenshot):
    page.goto("/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("departures")
    expect(page.get_by_role("link", name="Mira Murati").first).to_be_visible()
    assert screenshot(page, "timeline-desktop").exists()
