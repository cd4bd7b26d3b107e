"""The search page on a phone (390×844): facets folded behind 筛选, the active filters at the
top, no horizontal scrolling; chips removable. Screenshots kept in test-artifacts/."""

from __future__ import annotations

import pytest

from tests.test_browser import ARTIFACTS, browser, live_archive, needs_axe, pytestmark  # noqa: F401


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    context.close()


def no_sideways_scroll(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{page.url}: {width}"


def test_the_facets_fold_behind_a_button_and_the_chips_stay_on_top(phone, live_archive):
    from playwright.sync_api import expect

    phone.goto("/search/?q=工会&union=浙江省总工会")
    no_sideways_scroll(phone)
    chips = phone.locator(".active-filters")
    expect(chips).to_contain_text("工会：浙江省总工会")
    assert chips.bounding_box()["y"] < phone.locator(".results").bounding_box()["y"]
    expect(phone.locator(".facets")).to_be_hidden()
    phone.get_by_text("筛选（已选 1）").click()
    expect(phone.locator(".facets")).to_be_visible()
    phone.screenshot(path=str(ARTIFACTS / "search-phone.png"), full_page=True)
    phone.locator(".chip", has_text="工会：浙江省总工会").click()
    expect(phone.locator(".active-filters")).to_have_count(0)


def test_an_empty_search_says_how_many_without_filters(phone, live_archive):
    from playwright.sync_api import expect

    phone.goto("/search/?q=易炼红&month=2022-04")
    expect(phone.locator(".empty")).to_contain_text("去掉筛选后有")
    phone.locator(".empty a").first.click()
    expect(phone.locator(".results .result").first).to_be_visible()


@pytest.mark.parametrize("url", ["/", "/issues/", "/unions/", "/topics/"])
def test_public_pages_fit_a_phone(phone, live_archive, url):
    phone.goto(url)
    no_sideways_scroll(phone)


@needs_axe
def test_the_search_page_with_filters_and_facets_open_passes_axe(phone, live_archive):
    from tests.axe import axe_violations

    phone.goto("/search/?q=工会&union=浙江省总工会")
    phone.get_by_text("筛选（已选 1）").click()
    assert axe_violations(phone) == []
    phone.goto("/search/?q=易炼红&month=2022-04")
    assert axe_violations(phone) == []


@needs_axe
@pytest.mark.parametrize("width", [1280, 390])
def test_every_public_page_passes_axe(browser, live_server, live_archive, width):
    """axe-core on the public pages, on a desktop and a phone: home, search with and without
    hits, facets open, article, calendar, issue, unions, topics, a union, a topic, 404."""
    from newspaper.models import Article, Topic, Union
    from tests.axe import axe_violations

    article = Article.objects.select_related("page__issue").first()
    union, topic = Union.objects.filter(articles__isnull=False).first(), Topic.objects.first()
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    found = {}
    urls = [
        "/",
        "/search/?q=工会",
        "/search/?q=没有这样的词语组合",
        article.get_absolute_url(),
        "/issues/",
        article.page.issue.get_absolute_url(),
        "/unions/",
        union.get_absolute_url(),
        "/topics/",
        topic.get_absolute_url(),
        "/no/such/page/",
    ]
    for url in urls:
        page.goto(url)
        if url.startswith("/search/?q=工会") and width < 700:
            page.get_by_text("筛选", exact=True).click()
        if violations := axe_violations(page):
            found[url] = violations
    page.screenshot(path=str(ARTIFACTS / f"not-found-{width}.png"))
    context.close()
    assert not found, found


def test_the_article_issue_union_topic_and_404_pages_fit_a_phone(phone, live_archive):
    from newspaper.models import Article, Topic, Union

    article = max(Article.objects.filter(unions__isnull=False), key=lambda a: len(a.display_title))
    union = max(Union.objects.filter(articles__isnull=False), key=lambda u: len(u.name))
    topic = Topic.objects.filter(articles__isnull=False).first()
    for name, url in (
        ("article", article.get_absolute_url() + "?q=工会&rank=1"),
        ("issue", article.page.issue.get_absolute_url()),
        ("union", union.get_absolute_url()),
        ("topic", topic.get_absolute_url()),
        ("404", "/issues/2022/13/45/"),
    ):
        phone.goto(url)
        no_sideways_scroll(phone)
        phone.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)


@pytest.mark.parametrize(
    ("username", "full_name"),
    [
        ("archivist", "资料室管理员"),
        ("archivist", "浙江工人日报社资料室档案管理员值班编辑"),
        ("zhejiang.workers.daily.archivist", ""),
        ("archivist", "浙江工人日报社资料室档案管理员值班编辑兼全文档案数据库校对组组长"),
    ],
)
def test_the_staff_menu_fits_a_phone_one_item_a_line_at_most(phone, live_server, live_archive, username, full_name):
    """Signed in, the menu holds 上传, 管理, the user's name and 退出 too: each stays whole on
    one line (never a word broken into a column of single characters), nothing scrolls sideways."""
    from django.contrib.auth.models import Group, User
    from django.test import Client

    user = User.objects.create_user(username, password="pw", is_staff=True, first_name=full_name)
    user.groups.add(Group.objects.get(name="archive admins"))
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    phone.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    for url in ("/", "/search/?q=工会"):
        phone.goto(url)
        items = phone.evaluate(
            """() => [...document.querySelectorAll('.masthead nav > *')].map(e => {
                const r = e.getBoundingClientRect(), line = parseFloat(getComputedStyle(e).lineHeight) || 27;
                return {text: e.textContent.trim(), width: r.width, height: r.height, line: line}; })"""
        )
        assert [i["text"] for i in items][-2:] == [full_name or username, "退出"], items
        broken = [i for i in items if i["height"] > 1.6 * max(i["line"], 24)]
        assert not broken, broken
        no_sideways_scroll(phone)
        phone.screenshot(path=str(ARTIFACTS / f"staff-menu-phone-{len(username + full_name)}{url.count('q')}.png"))
