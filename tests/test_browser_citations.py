"""Ticking search results and exporting their citations in a real browser (issue 17): 本页全选,
the count, the RIS file the browser downloads; the same with script off; axe on the page."""

from __future__ import annotations

from pathlib import Path

import rispy

from tests.test_browser import ARTIFACTS, browser, live_archive, needs_axe, page, pytestmark  # noqa: F401


def titles_of(boxes) -> list[str]:
    from newspaper.models import Article

    ids = [int(box.get_attribute("value")) for box in boxes]
    found = Article.objects.with_page().in_bulk(ids)
    return [found[pk].cited_title for pk in ids]


def downloaded_ris(page, button: str) -> tuple[str, list[dict]]:
    with page.expect_download() as info:
        page.get_by_role("button", name=button, exact=True).click()
    download = info.value
    return download.suggested_filename, rispy.loads(Path(download.path()).read_text(encoding="utf-8"))


def test_a_researcher_ticks_results_and_exports_them_as_ris(page, live_archive):
    from playwright.sync_api import expect

    page.goto("/search/?q=工会")
    boxes = page.locator('.result input[name="id"]')
    count = boxes.count()
    assert count > 3
    everything = page.get_by_label("本页全选")
    status = page.locator(".cite-status")

    page.get_by_role("button", name="RIS", exact=True).click()  # nothing ticked yet: a word, no error page
    expect(status).to_have_text("请先勾选要导出的文章")
    assert "/search/cite" not in page.url

    first, second = boxes.nth(0), boxes.nth(1)
    first_title = titles_of([first])[0]
    page.get_by_label(f"选择：{page.locator('.result h2').nth(0).inner_text()}").check()  # by its label
    second.check()
    expect(status).to_have_text("已选 2 篇")
    expect(everything).not_to_be_checked()
    assert page.evaluate("document.getElementById('cite-all').indeterminate")

    everything.check()
    expect(status).to_have_text(f"已选 {count} 篇")
    for i in range(count):
        expect(boxes.nth(i)).to_be_checked()
    boxes.nth(2).uncheck()
    expect(everything).not_to_be_checked()
    expect(status).to_have_text(f"已选 {count - 1} 篇")
    boxes.nth(2).check()
    expect(everything).to_be_checked()
    everything.uncheck()
    expect(status).to_have_text("")
    for i in range(count):
        expect(boxes.nth(i)).not_to_be_checked()

    first.check()
    boxes.nth(3).check()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "citations-ticked.png"), full_page=True)
    name, records = downloaded_ris(page, "RIS")
    assert name == "zjgrrb-citations.ris"
    assert [r["type_of_reference"] for r in records] == ["NEWS", "NEWS"]
    assert [r["title"] for r in records] == [first_title, titles_of([boxes.nth(3)])[0]]
    assert all(r["date"] and r["start_page"] and r["secondary_title"] == "浙江工人日报" for r in records)


def test_without_script_the_boxes_and_buttons_still_export(browser, live_server, live_archive):
    from playwright.sync_api import expect

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.goto("/search/?q=工会")
    expect(page.get_by_label("本页全选")).to_be_hidden()  # it needs the script
    boxes = page.locator('.result input[name="id"]')
    boxes.nth(1).check()
    name, records = downloaded_ris(page, "RIS")
    assert name == "zjgrrb-citations.ris"
    assert [r["title"] for r in records] == titles_of([boxes.nth(1)])
    context.close()


@needs_axe
def test_the_boxes_and_export_buttons_break_no_accessibility_rule(page, live_archive):
    from playwright.sync_api import expect

    from tests.axe import axe_violations

    page.goto("/search/?q=工会")
    page.locator('.result input[name="id"]').nth(1).check()
    expect(page.locator(".cite-status")).to_have_text("已选 1 篇")
    assert axe_violations(page) == []
