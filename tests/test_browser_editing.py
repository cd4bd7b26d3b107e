"""Playwright driving Debian's Chromium: an editor corrects an article from its page, an admin
uploads a re-scan of that page and keeps the correction, a dump without a page number is
completed, and the site's own 404 page."""

from __future__ import annotations

import pytest

from tests.test_browser import ARTIFACTS, browser, live_archive, needs_axe, page, pytestmark  # noqa: F401

TITLE = "省总工会举办基层党组织书记培训班"
WRONG, RIGHT = "省委党校", "省委党校（校正）"


@pytest.fixture
def editor(live_archive):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("editor", password="a-long-password-1", is_staff=True, is_superuser=True)
    user.groups.add(Group.objects.get(name="archive admins"))
    return user


def log_in(page, next_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(next_url)
    page.get_by_role("link", name="登录").click()
    page.get_by_label("用户名").fill("editor")
    page.get_by_label("密码").fill("a-long-password-1")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("link", name="上传")).to_be_visible()


def correct_in_the_admin(page, article) -> None:
    from playwright.sync_api import expect

    log_in(page, article.get_absolute_url())
    page.get_by_role("link", name="纠错").click()
    expect(page.get_by_role("heading", name="本版原始 OCR 文本")).to_be_visible()
    expect(page.locator("mark#ocr-here")).to_have_text(TITLE)
    body = page.get_by_label("正文")
    body.fill(body.input_value().replace(WRONG, RIGHT))
    page.get_by_label("修改原因").fill("据版面图片改正")
    page.screenshot(path=str(ARTIFACTS / "article-correcting.png"))
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist")).to_be_visible()


def test_an_editor_corrects_an_article_from_its_page_with_a_reason(page, editor):
    from playwright.sync_api import expect

    from newspaper.models import Article

    article = Article.objects.get(title=TITLE)
    correct_in_the_admin(page, article)
    article.refresh_from_db()
    assert RIGHT in article.body and article.corrected == ["body"]
    page.goto(f"/admin/newspaper/article/{article.pk}/history/")
    expect(page.locator("#change-history")).to_contain_text("据版面图片改正")
    expect(page.locator("#change-history")).to_contain_text("editor")
    page.screenshot(path=str(ARTIFACTS / "article-history.png"), full_page=True)


def test_a_rescan_keeps_the_correction_and_search_finds_it(page, editor, tmp_path):
    from playwright.sync_api import expect

    from newspaper.models import Article
    from tests.conftest import drain
    from tests.test_corrections import rescan

    article = Article.objects.get(title=TITLE)
    correct_in_the_admin(page, article)
    drain()
    (tmp_path / "002-rescan.txt").write_bytes(rescan())
    page.goto("/upload/")
    page.get_by_label("选择文件，或把文件拖到这里").set_input_files([tmp_path / "002-rescan.txt"])
    page.get_by_role("button", name="上传并校验").click()
    report = page.locator("section.corrections")
    expect(report).to_contain_text(TITLE)
    expect(report.locator("del")).to_have_text(["（校正）"])  # the one difference: line breaks as stored
    keep = report.get_by_label("采用新文本（放弃本文的人工校正）")
    expect(keep).not_to_be_checked()
    page.screenshot(path=str(ARTIFACTS / "upload-corrections.png"), full_page=True)
    page.get_by_role("button", name="确认导入 1 个文件").click()
    expect(page.locator("#upload-status")).to_have_text("写入索引中", timeout=30000)
    drain()
    expect(page.locator("#upload-status")).to_have_text("已完成", timeout=30000)
    expect(page.locator("tr.status-updated")).to_contain_text("保留")
    page.goto("/search/?q=" + "党校（校正）")
    expect(page.locator(".results")).to_contain_text(TITLE)


def test_a_dump_without_a_page_number_is_completed_on_its_upload_page(page, editor, tmp_path):
    from playwright.sync_api import expect

    from newspaper.models import Page
    from tests.conftest import drain

    log_in(page, "/")
    (tmp_path / "no-date.txt").write_bytes("工会新闻\n\n本报讯 记者程雪报道 今天召开了职工代表大会。\n".encode())
    page.goto("/upload/")
    page.get_by_label("选择文件，或把文件拖到这里").set_input_files([tmp_path / "no-date.txt"])
    page.get_by_role("button", name="上传并校验").click()
    page.get_by_label("补充日期").fill("2020-01-02")
    page.get_by_role("button", name="确认导入").click()  # the page number forgotten
    expect(page.locator(".notice.warning")).to_contain_text("缺少日期或版次")
    page.get_by_label("补充版次").fill("3")
    page.get_by_role("button", name="确认导入").click()
    drain()
    expect(page.locator("#upload-status")).to_have_text("已完成", timeout=30000)
    assert Page.objects.filter(issue__date="2020-01-02", number=3).exists()


def test_a_missing_page_is_the_sites_own_404(page, live_archive):
    from playwright.sync_api import expect

    response = page.goto("/articles/999999/")
    assert response.status == 404
    expect(page.get_by_role("link", name="浙江工人日报 全文档案")).to_be_visible()
    expect(page.locator("main")).to_contain_text("页面不存在")
    expect(page.get_by_role("search")).to_be_visible()


def no_violations(page) -> None:
    from tests.axe import axe_violations

    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"


@needs_axe
def test_the_upload_and_admin_pages_pass_axe(page, editor, tmp_path):
    """axe-core on what admins and editors work in: the upload form, an upload's report with a
    corrected article, the upload history, the admin's list of articles, an article's form and
    its history, and a page's form with its articles' 纠错 links."""
    from playwright.sync_api import expect

    from newspaper.models import Article
    from tests.test_corrections import rescan

    article = Article.objects.get(title=TITLE)
    correct_in_the_admin(page, article)
    page.goto("/admin/newspaper/article/")
    no_violations(page)
    page.goto(f"/admin/newspaper/article/{article.pk}/change/")
    no_violations(page)
    page.goto(f"/admin/newspaper/page/{article.page_id}/change/")
    expect(page.get_by_role("link", name="纠错").first).to_be_visible()
    no_violations(page)
    page.goto(f"/admin/newspaper/article/{article.pk}/history/")
    no_violations(page)
    page.goto("/upload/")
    no_violations(page)
    (tmp_path / "002-rescan.txt").write_bytes(rescan())
    page.get_by_label("选择文件，或把文件拖到这里").set_input_files([tmp_path / "002-rescan.txt"])
    page.get_by_role("button", name="上传并校验").click()
    expect(page.locator("section.corrections")).to_be_visible()
    no_violations(page)
    page.goto("/uploads/")
    no_violations(page)
