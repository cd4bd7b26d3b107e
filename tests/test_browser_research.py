"""Researchers' tools in a real browser (issue 17): two queries typed into the trends page draw two
lines whose points lead to the search; the KWIC table sorts by its contexts; axe on both."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from tests.test_browser import ARTIFACTS, browser, live_archive, needs_axe, page, pytestmark  # noqa: F401


@needs_axe
def test_two_queries_draw_two_lines_and_a_point_opens_its_search(page, live_archive):
    from playwright.sync_api import expect

    from tests.axe import axe_violations

    page.goto("/trends/")
    page.get_by_label("检索式（每行一个）").fill("工会\n疫情")
    page.get_by_role("button", name="比较").click()
    expect(page.locator("g.series")).to_have_count(2)
    expect(page.locator("g.series polyline")).to_have_count(2)
    expect(page.locator(".legend li")).to_have_count(2)
    expect(page.locator(".trend-table tbody tr")).to_have_count(3)  # 2021, 2022, 2023
    page.screenshot(path=str(ARTIFACTS / "trends.png"), full_page=True)
    assert axe_violations(page) == []
    point = page.locator('g.series[data-q="疫情"] a').nth(1)  # 2022
    label = point.get_attribute("aria-label")
    assert label.startswith("疫情，2022年：")
    expected = int(label.split("：")[1].split(" 篇")[0])
    point.click()
    page.wait_for_url("**/search/**")
    params = parse_qs(urlparse(page.url).query)
    assert params["q"] == ["疫情"] and params["year"] == ["2022"]
    expect(page.locator(".summary strong").nth(1)).to_have_text(str(expected))


@needs_axe
def test_the_concordance_sorts_by_the_right_context(page, live_archive):
    from playwright.sync_api import expect

    from tests.axe import axe_violations

    page.goto("/search/?q=工会")
    page.get_by_role("link", name="逐条看检索词的上下文（KWIC）").click()
    expect(page.locator("table.kwic tbody tr").first).to_be_visible()
    assert set(page.locator("td.kwic-match").all_inner_texts()) == {"工会"}
    page.get_by_role("link", name="按右侧上下文").click()
    expect(page.get_by_text("按右侧上下文", exact=True)).to_have_attribute("aria-current", "true")
    rights = page.locator("td.kwic-right").all_text_contents()
    assert len(rights) > 5 and rights == sorted(rights)
    page.get_by_role("link", name="按左侧上下文").click()
    expect(page.get_by_text("按左侧上下文", exact=True)).to_have_attribute("aria-current", "true")
    lefts = page.locator("td.kwic-left").all_text_contents()
    assert [s[::-1] for s in lefts] == sorted(s[::-1] for s in lefts)
    page.screenshot(path=str(ARTIFACTS / "kwic.png"), full_page=True)
    assert axe_violations(page) == []
