"""Playwright driving Debian's Chromium against a live server: what an editor does in a day.
Screenshots of the search page and an article page are kept in test-artifacts/."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM) and not os.environ.get("CI"),
        reason="Debian's chromium is not installed (make test installs it)",
    ),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the fixtures make
    # around it are synchronous and safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 1000})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def live_archive(transactional_db):
    """The sample pages, committed for the live server. The flush after each live-server test
    also empties what the migrations loaded, so the taxonomy and the admin group are put back."""
    from django.contrib.auth.models import Group, Permission

    from newspaper.ingest import ingest_source
    from newspaper.models import Topic
    from newspaper.permissions import ensure_archive_admins
    from newspaper.sources import Source
    from newspaper.taxonomy import load_default_topics
    from tests.conftest import SEEDS, drain

    load_default_topics(Topic)
    ensure_archive_admins(Group, Permission)
    for path in SEEDS:
        assert not ingest_source(Source(path.name, path.read_bytes())).failed
    drain()


def test_an_editor_searches_a_name_and_opens_the_article(page, live_archive):
    from playwright.sync_api import expect

    page.goto("/")
    page.get_by_label("检索全文").fill("易炼红")
    page.get_by_label("检索全文").press("Enter")
    expect(page.locator(".summary")).to_contain_text("共 1 篇")
    expect(page.locator(".result mark").first).to_have_text("易炼红")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-page.png"), full_page=True)

    page.locator(".result h2 a").first.click()
    expect(page.locator("h1")).to_contain_text("不断开创群团工作")
    expect(page.locator(".body mark").first).to_have_text("易炼红")
    page.screenshot(path=str(ARTIFACTS / "article-page.png"), full_page=True)

    page.get_by_role("button", name="复制引文").click()
    expect(page.locator(".copied")).to_have_text("已复制")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == "翁浩浩. 不断开创群团工作 高质量发展新局面: 黄建发参加[N]. 浙江工人日报, 2023-01-18(1)."


def test_a_researcher_filters_by_union_topic_and_date(page, live_archive):
    from playwright.sync_api import expect

    page.goto("/search/?q=工会")
    total = int(re.search(r"共 (\d+) 篇", page.locator(".summary").inner_text()).group(1))
    page.locator(".facets a", has_text="德清县总工会").click()
    expect(page.locator(".summary")).to_contain_text("共 1 篇")
    expect(page.locator(".result h2")).to_contain_text("经审“牵手”纪检共建清廉工会")
    page.locator(".facets a", has_text="德清县总工会").click()  # take the filter off again
    expect(page.locator(".summary")).to_contain_text(f"共 {total} 篇")

    page.goto("/search/?q=出口")
    page.locator(".facets a", has_text="外贸与商务").click()
    expect(page.locator(".result")).to_have_count(2)
    expect(page.locator(".facets a.selected")).to_contain_text("外贸与商务")

    page.goto("/search/?q=工会")
    page.get_by_text("高级检索与语法").click()
    page.get_by_label("起始日期").fill("2022-04-01")
    page.get_by_label("截止日期").fill("2022-04-30")
    page.get_by_role("button", name="检索", exact=True).click()
    dates = page.locator(".result .muted").all_inner_texts()
    assert dates and all("2022年4月8日" in d for d in dates)


def test_a_reader_pages_through_results_and_follows_the_histogram(page, live_archive):
    from playwright.sync_api import expect

    page.goto("/search/")
    expect(page.locator(".pager")).to_contain_text("第 1 / 2 页")
    first = page.locator(".result h2").all_inner_texts()
    page.get_by_role("link", name="下一页 →").click()
    expect(page.locator(".pager")).to_contain_text("第 2 / 2 页")
    second = page.locator(".result h2").all_inner_texts()
    assert len(first) == 20 and len(second) == 9 and not set(first) & set(second)

    page.locator(".histogram a", has_text="2021").click()
    expect(page.locator(".summary")).to_contain_text("共 8 篇")


def test_the_keyboard_reaches_the_search_box_and_results(page, live_archive):
    from playwright.sync_api import expect

    page.goto("/search/?q=省总工会")
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.get_by_role("link", name="跳到正文")).to_be_focused()
    page.keyboard.press("Tab")  # then straight to the results, past the facets
    expect(page.get_by_role("link", name="跳到检索结果")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator(".results-pane a").first).to_be_focused()
    page.locator("#id_q").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="检索", exact=True)).to_be_focused()


def test_an_archive_admin_uploads_pages_in_the_browser(page, live_archive, tmp_path):
    from django.contrib.auth.models import Group, User
    from playwright.sync_api import expect

    from newspaper.models import Page
    from tests.conftest import drain, seed

    user = User.objects.create_user("archivist", password="a-long-password-1", is_staff=True)
    user.groups.add(Group.objects.get(name="archive admins"))
    before = Page.objects.count()
    page.goto("/upload/")
    page.get_by_label("用户名").fill("archivist")
    page.get_by_label("密码").fill("a-long-password-1")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="上传版面文本")).to_be_visible()

    moved = seed("000").decode().replace("2022年6月22日", "2019年3月1日").replace("星期三", "星期五")
    (tmp_path / "p1.txt").write_bytes(moved.encode("gb18030"))
    (tmp_path / "junk.txt").write_bytes(b"\x00\x01 not a page" * 20)
    page.get_by_label("选择文件，或把文件拖到这里").set_input_files([tmp_path / "p1.txt", tmp_path / "junk.txt"])
    expect(page.locator("#chosen")).to_contain_text("p1.txt")
    page.get_by_role("button", name="上传并校验").click()

    expect(page.locator(".report")).to_contain_text("gb18030")
    expect(page.locator(".report")).to_contain_text("2019-03-01")
    expect(page.locator("tr.status-invalid")).to_contain_text("二进制数据")
    page.get_by_role("button", name="确认导入 1 个文件").click()
    # stored at once (the job queue runs inline in tests); searchable once the index writer came by
    expect(page.locator("#upload-status")).to_have_text("写入索引中", timeout=30000)
    expect(page.locator("#index-backlog")).to_contain_text("篇文章等待写入")
    drain()
    expect(page.locator("#upload-status")).to_have_text("已完成", timeout=30000)
    expect(page.locator("tr.status-created")).to_contain_text("p1.txt")
    assert Page.objects.count() == before + 1
    page.screenshot(path=str(ARTIFACTS / "upload-report.png"), full_page=True)


needs_axe = pytest.mark.skipif(
    not (Path(__file__).parent.parent / "node_modules/axe-core/axe.min.js").exists() and not os.environ.get("CI"),
    reason="axe-core is not installed (make node_modules/axe-core/axe.min.js)",
)


@needs_axe
def test_the_home_and_search_pages_break_no_accessibility_rule(page, live_archive):
    from tests.axe import axe_violations

    page.goto("/")
    assert axe_violations(page) == []
    page.goto("/search/?q=工会")
    assert axe_violations(page) == []


def test_no_page_of_the_site_or_the_admin_breaks_the_content_security_policy(page, live_archive):
    """Chromium reports every script, style or image the policy refused on the console."""
    from django.contrib.auth.models import User

    from newspaper.models import Article

    refused = []
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(f"{page.url}: {m.text}"))
    User.objects.create_superuser("chief", password="a-long-password-1")
    article = Article.objects.filter(unions__isnull=False).first()
    urls = ["/", "/search/?q=工会", article.get_absolute_url(), "/unions/", "/issues/2022/", "/topics/"]
    for url in urls:
        page.goto(url)
    page.goto(f"/admin/login/?next=/admin/newspaper/article/{article.pk}/change/")
    page.get_by_label("用户名").fill("chief")
    page.get_by_label("密码").fill("a-long-password-1")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**/admin/newspaper/article/{article.pk}/change/")
    for url in ["/admin/", "/admin/newspaper/article/?q=工会", f"/admin/newspaper/article/{article.pk}/history/"]:
        page.goto(url)
    page.goto("/upload/")
    assert refused == []
