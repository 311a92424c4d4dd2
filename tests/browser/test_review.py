"""An editor changes a published departure, a publisher reviews and approves it,
and only then do readers see the change."""

from playwright.sync_api import expect

from departures.models import DepartureRevision
from tests.browser.test_editorial import PASSWORD, log_in
from tests.factories import DepartureFactory, UserFactory


def test_edit_review_approve_public(page, editorial_groups, screenshot):
    UserFactory(username="edna", password=PASSWORD, groups=["Editors"])
    UserFactory(username="pablo", password=PASSWORD, groups=["Publishers"])
    departure = DepartureFactory(
        role__person__name="Rhea Reviewed",
        role__person__slug="rhea-reviewed",
        stated_reason="To pursue other interests.",
    )

    # The editor corrects the stated reason of the published departure.
    log_in(page, "edna")
    page.goto(f"/admin/departures/departure/{departure.pk}/change/")
    expect(page.get_by_text("sent to a publisher for review")).to_be_visible()
    page.get_by_label("Stated reason:").fill("Asked to step down by the board.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("sent for review")

    # Readers still see the published words.
    page.goto(departure.get_absolute_url())
    expect(page.get_by_text("To pursue other interests.")).to_be_visible()
    expect(page.get_by_text("Asked to step down")).to_have_count(0)

    # The publisher finds it in the queue, reads the diff and approves.
    log_in(page, "pablo")
    page.goto("/admin/")
    queue = page.locator("#review-queue")
    expect(queue).to_contain_text("Rhea Reviewed")
    queue.get_by_role("link", name="Rhea Reviewed", exact=False).click()
    diff = page.locator("#review-diff")
    expect(diff).to_contain_text("To pursue other interests.")
    expect(diff).to_contain_text("Asked to step down by the board.")
    screenshot(page, "review-diff")
    page.get_by_role("button", name="Approve and publish the change").click()
    expect(page.locator(".messagelist")).to_contain_text("now public")
    assert DepartureRevision.objects.get().status == "approved"

    # Now readers see the change.
    page.goto(departure.get_absolute_url())
    expect(page.get_by_text("Asked to step down by the board.")).to_be_visible()
