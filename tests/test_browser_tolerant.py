"""容错 in a real browser (issue 16): the toggle on the search page, the suggestion on a page
with no exact hit, and the marks of a look-alike match; axe on the tolerant results."""

from __future__ import annotations

from tests.test_browser import ARTIFACTS, browser, live_archive, needs_axe, page, pytestmark  # noqa: F401


@needs_axe
def test_the_toggle_widens_a_name_to_its_ocr_variant_and_marks_it(page, live_archive):
    from playwright.sync_api import expect

    from tests.axe import axe_violations

    page.goto("/search/?q=金钧胤")
    exact = page.locator(".result").count()
    expect(page.locator(".variant-note")).to_have_count(0)
    page.get_by_label("容错").check()
    page.get_by_role("button", name="检索", exact=True).click()
    expect(page.get_by_label("容错")).to_be_checked()
    expect(page.locator(".variant-note").first).to_be_visible()
    assert page.locator(".result").count() > exact
    expect(page.locator(".variant-note", has_text="金钩胤").first).to_be_visible()
    expect(page.locator("mark.variant", has_text="金钩胤").first).to_be_visible()
    expect(page.locator(".result").last.locator(".variant-note")).to_have_count(1)  # exact ones first
    page.screenshot(path=str(ARTIFACTS / "tolerant-results.png"), full_page=True)
    assert axe_violations(page) == []


def test_a_search_with_no_exact_hit_offers_what_tolerance_finds(page, live_archive):
    from playwright.sync_api import expect

    page.goto("/search/?q=负责入")
    suggestion = page.locator(".did-you-mean")
    expect(suggestion).to_contain_text("没有找到“负责入”")
    expect(suggestion).to_contain_text("负责人")
    suggestion.get_by_role("link").click()
    expect(page.get_by_label("容错")).to_be_checked()
    expect(page.locator(".variant-note").first).to_contain_text("负责人")
