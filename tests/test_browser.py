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
    # the first result, not 导出 CSV, the sort links, the chart's bars or 二次检索
    expect(page.locator(".result h2 a").first).to_be_focused()
    page.locator("#id_q").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="检索", exact=True)).to_be_focused()


def focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement;
            return {tag: e.tagName, text: e.textContent.trim().slice(0, 30), id: e.id,
                    inForm: !!e.closest('form'), inArticle: !!e.closest('article'),
                    inResults: !!e.closest('#results')}; }"""
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_skip_to_content_lands_on_the_content_not_on_a_form(browser, live_server, live_archive, width):
    from newspaper.models import Article

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    article = Article.objects.filter(unions__isnull=False).first()
    for url, where in ((article.get_absolute_url() + "?q=工会&rank=1", "inArticle"), ("/search/?q=工会", "inResults")):
        page.goto(url)
        page.keyboard.press("Tab")
        assert focused(page)["text"] == "跳到正文"
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        now = focused(page)
        assert now[where] and not now["inForm"] and now["tag"] == "A", (url, now)
    context.close()


def test_the_focused_link_is_visibly_outlined(page, live_archive):
    page.goto("/search/?q=工会")
    page.get_by_role("link", name="跳到检索结果").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    ring = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
            return {tag: document.activeElement.tagName, style: s.outlineStyle,
                    width: parseFloat(s.outlineWidth), shadow: s.boxShadow}; }"""
    )
    assert ring["tag"] == "A"
    assert (ring["style"] not in ("none", "") and ring["width"] >= 2) or ring["shadow"] != "none", ring
    page.screenshot(path=str(ARTIFACTS / "search-focus.png"))


def test_printing_an_article_prints_only_the_article_and_its_citation(page, live_archive):
    from django.contrib.auth.models import User
    from playwright.sync_api import expect

    from newspaper.models import Article
    from tests.test_search import found

    User.objects.create_superuser("chief", password="a-long-password-1")
    rank, article = next(
        (rank, a)
        for rank, a in enumerate((Article.objects.get(pk=pk) for pk in found("工会")), start=1)
        if a.body and a.related()
    )
    page.goto(f"/admin/login/?next={article.get_absolute_url()}%3Fq%3D工会%26rank%3D{rank}")
    page.get_by_label("用户名").fill("chief")
    page.get_by_label("密码").fill("a-long-password-1")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("link", name="纠错")).to_be_visible()  # staff: the breadcrumbs carry 纠错
    expect(page.get_by_role("link", name="返回检索结果")).to_be_visible()
    expect(page.get_by_role("heading", name="相关报道")).to_be_visible()
    page.emulate_media(media="print")
    for hidden in (".masthead", ".quick-search", "nav", ".crumbs", ".result-nav", ".related", ".meta", "button"):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    expect(page.get_by_role("link", name="纠错")).to_be_hidden()
    expect(page.locator("article h1")).to_be_visible()
    expect(page.locator(".body")).to_be_visible()
    expect(page.locator("#citation")).to_have_text(article.citation())
    expect(page.locator("#citation")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "article-print-only.png"), full_page=True)
    page.pdf(path=str(ARTIFACTS / "article-print-only.pdf"))


def result_dates(page) -> list[tuple[int, int, int]]:
    return [
        tuple(map(int, re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text).groups()))
        for text in page.locator(".result .muted").all_inner_texts()
    ]


def test_a_sort_link_changes_the_order_at_once(page, live_archive):
    from playwright.sync_api import expect

    page.goto("/search/?q=工会")
    expect(page.locator(".sorts strong")).to_have_text("相关度")
    page.locator(".sorts").get_by_role("link", name="日期从旧到新").click()
    expect(page.locator(".sorts strong")).to_have_text("日期从旧到新")
    oldest = result_dates(page)
    assert len(set(oldest)) > 1 and oldest == sorted(oldest)
    page.locator(".sorts").get_by_role("link", name="日期从新到旧").click()
    expect(page.locator(".sorts strong")).to_have_text("日期从新到旧")
    newest = result_dates(page)
    assert newest == sorted(newest, reverse=True) and newest[0] == max(oldest)
    page.screenshot(path=str(ARTIFACTS / "search-sorted-newest.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_more_values_and_the_all_values_page_searched(browser, live_server, live_archive, width):
    from playwright.sync_api import expect

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto("/search/?q=")
    if width < 700:
        page.get_by_text("筛选", exact=True).click()
    unions = page.locator(".facets section", has=page.get_by_role("heading", name="工会"))
    more = unions.locator("details.more")
    expect(more.locator("ul")).to_be_hidden()
    more.locator("summary").click()
    expect(more.locator("ul li").first).to_be_visible()
    more.get_by_role("link", name="全部工会，可查找").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("全部工会：共")
    every = page.locator(".facet-values li").count()
    page.get_by_role("searchbox", name="在工会中查找").fill("德清")
    page.get_by_role("button", name="查找").click()
    found = page.locator(".facet-values li a")
    expect(found.first).to_contain_text("德清")
    assert 0 < found.count() < every
    assert all("德清" in text for text in found.all_inner_texts())
    page.screenshot(path=str(ARTIFACTS / f"facet-values-searched-{width}.png"), full_page=True)
    name = found.first.inner_text()
    found.first.click()
    expect(page.locator(".active-filters")).to_contain_text(f"工会：{name}")
    context.close()


def test_within_date_and_kind_chips_appear_and_each_takes_its_filter_off(page, live_archive):
    from playwright.sync_api import expect

    page.goto("/search/?q=工会")
    page.get_by_role("searchbox", name="在结果中检索").fill("职工")
    page.get_by_role("button", name="二次检索").click()
    chips = page.locator(".active-filters .chip")
    expect(chips.first).to_have_text(re.compile("二次检索：工会"))
    page.get_by_text("高级检索与语法").click()
    page.get_by_label("起始日期").fill("2022-01-01")
    page.get_by_label("截止日期").fill("2022-12-31")
    page.get_by_label("消息").check()
    page.get_by_role("button", name="检索", exact=True).click()
    labels = [" ".join(text.split()) for text in chips.all_inner_texts()]
    expected = ["体裁：消息", "起始日期：2022年1月1日", "截止日期：2022年12月31日", "二次检索：工会"]
    assert [label.split(" ")[0] for label in labels] == [*expected, "清除全部"], labels
    page.screenshot(path=str(ARTIFACTS / "search-chips.png"), full_page=True)
    for label in expected:
        before = page.url
        page.locator(".chip", has_text=label).click()
        page.wait_for_url(lambda url, before=before: url != before)
        expect(page.locator(".chip", has_text=label)).to_have_count(0)
        left = [" ".join(t.split()).split(" ")[0] for t in chips.all_inner_texts()]
        assert label not in left and set(left) >= (set(expected[expected.index(label) + 1 :]))
    expect(page.locator(".active-filters")).to_have_count(0)
    expect(page.locator("#id_q")).to_have_value("职工")


def test_the_search_box_keeps_filters_and_says_so_the_header_box_starts_afresh(page, live_archive):
    from playwright.sync_api import expect

    page.goto("/search/?q=工会&union=浙江省总工会")
    expect(page.locator(".within-note")).to_contain_text("在已选的 1 个筛选条件内检索")
    page.locator("#id_q").fill("培训")
    page.get_by_role("button", name="检索", exact=True).click()
    expect(page.locator(".active-filters")).to_contain_text("工会：浙江省总工会")
    expect(page.locator(".summary")).to_contain_text("培训")

    page.locator(".result h2 a").first.click()  # an article page, reached with the filter
    assert "union=" in page.url
    header = page.get_by_role("search", name="站内检索")
    expect(header.locator("input[type=hidden]")).to_have_count(0)
    header.get_by_label("检索").fill("工会")
    header.get_by_role("button", name="检索").click()
    expect(page.locator(".summary")).to_contain_text("检索 工会")
    expect(page.locator(".active-filters")).to_have_count(0)
    expect(page.locator(".within-note")).to_have_count(0)


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
    person = article.credits.first().person
    urls = ["/", "/search/?q=工会", article.get_absolute_url(), "/unions/", "/issues/2022/", "/topics/"]
    urls += [person.get_absolute_url(), "/search/?q=金钧胤&tolerant=1"]
    for url in urls:
        page.goto(url)
    page.goto(f"/admin/login/?next=/admin/newspaper/article/{article.pk}/change/")
    page.get_by_label("用户名").fill("chief")
    page.get_by_label("密码").fill("a-long-password-1")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**/admin/newspaper/article/{article.pk}/change/")
    for url in [
        "/admin/",
        "/admin/newspaper/article/?q=工会",
        f"/admin/newspaper/article/{article.pk}/history/",
        "/admin/newspaper/person/suggestions/",
        "/admin/newspaper/person/merges/",
    ]:
        page.goto(url)
    page.goto("/upload/")
    assert refused == []
