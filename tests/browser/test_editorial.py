"""An editor logs a departure, a publisher publishes it, readers see it."""

from playwright.sync_api import expect

from departures.models import Departure
from tests.factories import UserFactory

PASSWORD = "a-long-test-password"


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(f"Welcome, {username}", exact=False)).to_be_visible()


def fill_log_form(page, *, role_title, announced):
    page.get_by_label("Person:", exact=True).fill("Priya Example")
    page.get_by_label("Organization:", exact=True).fill("Newco Robotics")
    page.get_by_label("Role title:", exact=True).fill(role_title)
    page.get_by_label("Function:", exact=True).select_option("engineering")
    page.get_by_label("Announced:", exact=True).fill(announced)
    page.get_by_label("Reason:", exact=True).select_option("new_role")
    page.locator("#id_source-0-url").fill("https://news.example.com/priya-leaves")
    page.locator("#id_source-0-title").fill("Priya Example leaves Newco")
    page.locator("#id_source-0-publisher").fill("Example News")


def test_editor_logs_publisher_publishes_reader_sees(
    page, editorial_groups, screenshot
):
    UserFactory(username="edna", password=PASSWORD, groups=["Editors"])
    UserFactory(username="pablo", password=PASSWORD, groups=["Publishers"])

    # An editor logs a brand-new person's departure from a new organization.
    log_in(page, "edna")
    page.get_by_role("link", name="Log a departure").first.click()
    expect(page.get_by_role("heading", name="Log a departure")).to_be_visible()
    expect(page.get_by_label("Publish now")).to_have_count(0)
    fill_log_form(page, role_title="Chief Technology Officer", announced="2025-03-04")
    screenshot(page, "log-form-filled")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("saved as a draft")
    departure = Departure.objects.get(role__person__name="Priya Example")
    assert departure.published_at is None
    assert departure.citations.count() == 1

    # A draft is not on the public timeline.
    page.goto("/")
    expect(page.get_by_text("Priya Example")).to_have_count(0)

    # A second try within 90 days is flagged before anything is saved; the
    # name is suggested as soon as it is typed.
    page.goto("/admin/departures/departure/log/")
    page.get_by_label("Person:", exact=True).press_sequentially("Priya Ex", delay=30)
    expect(page.locator('#person-options option[value="Priya Example"]')).to_have_count(
        1
    )
    fill_log_form(page, role_title="CTO", announced="2025-03-06")
    page.get_by_role("button", name="Save", exact=True).click()
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("Likely duplicate")
    expect(warning.get_by_role("link")).to_contain_text("Priya Example left Newco")
    expect(warning.get_by_role("button", name="Save anyway")).to_be_visible()
    screenshot(page, "log-form-duplicate")
    assert Departure.objects.count() == 1

    # A publisher publishes it from the list.
    log_in(page, "pablo")
    page.goto("/admin/departures/departure/")
    row = page.get_by_role("row").filter(has_text="Priya Example")
    row.get_by_role("checkbox").check()
    page.get_by_role("combobox", name="Action").select_option("publish_selected")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("Published 1 departure")
    departure.refresh_from_db()
    assert departure.is_published

    # Readers see it on the public timeline.
    page.goto("/")
    expect(page.get_by_role("link", name="Priya Example").first).to_be_visible()
    screenshot(page, "timeline-after-publish")
