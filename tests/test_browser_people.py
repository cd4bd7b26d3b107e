"""Playwright driving Debian's Chromium: an admin merges two printings of one reporter's name
from the admin's suggestions, follows the byline to the person's page, and undoes the merge."""

from __future__ import annotations

import pytest

from tests.test_browser import ARTIFACTS, browser, live_archive, needs_axe, page, pytestmark  # noqa: F401
from tests.test_browser_editing import editor, log_in, no_violations  # noqa: F401


@pytest.fixture
def merged(page, editor):
    """金钩胤 (2022) merged into 金钧胤 (2023) from the admin's list of suggestions."""
    from playwright.sync_api import expect

    log_in(page, "/")
    page.goto("/admin/newspaper/person/")
    page.get_by_role("link", name="可能是同一人").click()
    row = page.locator("tr", has_text="金钧胤")
    expect(row).to_contain_text("金钩胤")
    row.get_by_label("保留“金钧胤”").check()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "person-suggestions.png"), full_page=True)
    row.get_by_role("button", name="合并").click()
    expect(page.locator(".messagelist")).to_contain_text("已将“金钩胤”并入“金钧胤”")
    return page


def test_an_admin_merges_a_suggested_pair_and_undoes_it(merged):
    from playwright.sync_api import expect

    from newspaper.models import Article, Person

    page = merged
    kept = Person.objects.get(name="金钧胤")
    assert kept.aliases == ["金钩胤"] and not Person.objects.filter(name="金钩胤").exists()
    assert Article.objects.filter(credits__person=kept).count() == 3
    expect(page.locator("tr", has_text="金钩胤")).to_have_count(0)  # no longer suggested
    expect(page.locator("tr", has_text="邹伟峰")).to_have_count(1)

    page.get_by_role("link", name="合并记录").click()
    expect(page.locator("tr", has_text="金钩胤")).to_contain_text("editor")
    page.get_by_role("button", name="撤销合并：恢复 金钩胤").click()
    expect(page.locator(".messagelist")).to_contain_text("已撤销合并")
    expect(page.locator("tr", has_text="金钩胤")).to_contain_text("撤销")
    restored = Person.objects.get(name="金钩胤")
    assert restored.credits.count() == 2 and Person.objects.get(name="金钧胤").aliases == []


def test_the_byline_leads_to_the_persons_page_with_the_alias(merged):
    from playwright.sync_api import expect

    from newspaper.models import Article
    from tests.conftest import drain

    page = merged
    drain()
    article = Article.objects.filter(byline__contains="金钩胤").first()  # printed so in 2022
    page.goto(article.get_absolute_url())
    page.locator(".byline").get_by_role("link", name="金钩胤").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("金钧胤")
    expect(page.locator("main")).to_contain_text("又作：金钩胤")
    expect(page.locator("main")).to_contain_text("记者 3 篇")
    expect(page.locator(".histogram .bar-row")).to_have_count(2)  # 2022 and 2023
    expect(page.locator("ol.results li")).to_have_count(3)
    page.screenshot(path=str(ARTIFACTS / "person-page.png"), full_page=True)


@needs_axe
def test_the_person_page_and_the_merge_pages_pass_axe(merged):
    from newspaper.models import Person

    page = merged
    no_violations(page)  # the suggestions, after a merge
    page.goto("/admin/newspaper/person/merges/")
    no_violations(page)
    page.goto(Person.objects.get(name="金钧胤").get_absolute_url())
    no_violations(page)
