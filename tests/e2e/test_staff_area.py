"""Staff reach every section from one header link; the header stays one line on a desktop."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, sideways_overflow

pytestmark = pytest.mark.e2e

NAV_LINES = """() => {
  const items = [...document.querySelectorAll('.main-nav li')];
  return new Set(items.map(item => Math.round(item.getBoundingClientRect().top))).size;
}"""


def test_staff_area_from_the_header_and_back_by_the_breadcrumb(page, make_user, assert_accessible):
    log_in(page, make_user("admin"))
    page.set_viewport_size({"width": 1280, "height": 800})
    # The menu does not wrap onto a second line. Waited for: on a busy machine the browser may
    # measure before it has laid the page out again at the new width (it then sees the phone's
    # five lines); a menu that really wraps fails here after the timeout.
    page.wait_for_function(f"() => ({NAV_LINES})() === 1", timeout=10_000)

    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Espace équipe").click()
    expect(page.get_by_role("heading", name="Espace équipe")).to_be_visible()
    assert_accessible(page)
    for section in ("Rédaction des cours", "Quiz (équipe)", "Courriels envoyés", "Comptes"):
        expect(page.locator(".staff-sections").get_by_role("link", name=section)).to_be_visible()

    page.locator(".staff-sections").get_by_role("link", name="Quiz (équipe)").click()
    breadcrumb = page.get_by_role("navigation", name="Fil d’Ariane")
    expect(breadcrumb.get_by_role("link")).to_have_text(["Espace équipe", "Quiz (équipe)"])
    assert_accessible(page)
    breadcrumb.get_by_role("link", name="Espace équipe").click()
    page.locator(".staff-sections").get_by_role("link", name="Rédaction des cours").click()
    expect(breadcrumb.get_by_role("link")).to_have_text(["Espace équipe", "Cours (rédaction)"])

    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/office/")
    page.wait_for_function(f"() => ({NAV_LINES})() <= 2", timeout=10_000)
    assert sideways_overflow(page) <= 0
