"""The upload pages on a phone (390×844) fit the screen: the report table scrolls inside its box,
the page never sideways; screenshots of the search page's states on both viewports."""

from __future__ import annotations

import pytest

from tests.test_browser import ARTIFACTS, browser, live_archive, pytestmark  # noqa: F401
from tests.test_browser_phone import no_sideways_scroll


@pytest.mark.parametrize("width", [1280, 390])
def test_the_upload_report_fits_the_screen(browser, live_server, live_archive, tmp_path, width):
    from django.contrib.auth.models import Group, User
    from playwright.sync_api import expect

    user = User.objects.create_user("archivist", password="a-long-password-1", is_staff=True)
    user.groups.add(Group.objects.get(name="archive admins"))
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 844})
    page = context.new_page()
    page.goto("/upload/")
    page.get_by_label("用户名").fill("archivist")
    page.get_by_label("密码").fill("a-long-password-1")
    page.get_by_role("button", name="登录").click()
    no_sideways_scroll(page)
    (tmp_path / "no-date.txt").write_bytes("工会新闻\n\n本报讯 记者程雪报道 今天召开了职工代表大会。\n".encode())
    (tmp_path / "scan.txt").write_bytes(b"\x00\x01 not a page" * 20)
    page.get_by_label("选择文件，或把文件拖到这里").set_input_files([tmp_path / "no-date.txt", tmp_path / "scan.txt"])
    page.get_by_role("button", name="上传并校验").click()
    expect(page.locator(".report")).to_be_visible()
    no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / f"upload-report-{width}.png"), full_page=True)
    page.goto("/uploads/")
    no_sideways_scroll(page)
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_the_search_page_states(browser, live_server, live_archive, width):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    for name, url in (
        ("filters", "/search/?q=工会&union=浙江省总工会&month=2022-05"),
        ("no-hits", "/search/?q=易炼红&month=2022-04"),
        ("sorted", "/search/?q=工会&sort=oldest"),
        ("facet-values", "/search/facet/union/?q=工会"),
    ):
        response = page.goto(url)
        assert response.status == 200, url
        no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / f"search-{name}-{width}.png"), full_page=True)
    context.close()


def test_printing_an_article_prints_the_article_and_its_citation(browser, live_server, live_archive):
    from playwright.sync_api import expect

    from newspaper.models import Article

    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.goto(Article.objects.first().get_absolute_url() + "?q=工会&rank=1")
    page.emulate_media(media="print")
    expect(page.locator(".masthead")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.get_by_role("button", name="复制引文")).to_be_hidden()
    expect(page.locator("#citation")).to_be_visible()
    expect(page.locator("article h1")).to_be_visible()
    page.pdf(path=str(ARTIFACTS / "article-print.pdf"))
    context.close()


def test_touch_targets_are_at_least_24px_on_a_phone(browser, live_server, live_archive):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("/search/?q=工会&union=浙江省总工会")
    page.get_by_text("筛选（已选 1）").click()
    small = page.evaluate(
        """() => [...document.querySelectorAll('main a, header a, button, summary')]
            .filter(e => e.offsetParent !== null && !e.classList.contains('skip'))
            .filter(e => { const r = e.getBoundingClientRect(); return r.height < 24; })
            .map(e => e.textContent.trim().slice(0, 20))"""
    )
    context.close()
    assert small == [], "; ".join(small)
