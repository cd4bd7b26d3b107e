"""Browsing: home, calendar, issue and article pages, the admin; untrusted text is escaped."""

import pytest
from django.urls import reverse

from newspaper.ingest import ingest_source
from newspaper.models import Article, Issue, Person
from newspaper.sources import Source

pytestmark = pytest.mark.django_db


def test_it_shows_the_latest_issues_on_the_home_page(client, archive):
    response = client.get("/")
    assert response.status_code == 200
    assert "2023年1月18日" in response.text
    assert "收录 5 期、29 篇文章" in response.text


def test_it_lists_an_issue_by_its_readable_permalink(client, archive):
    response = client.get("/issues/2022/05/19/")
    assert response.status_code == 200
    assert "总第12111号" in response.text
    assert "责任编辑：杜成敏" in response.text
    assert "经审“牵手”纪检共建清廉工会" in response.text
    assert Issue.objects.get(date="2022-05-19").get_absolute_url() == "/issues/2022/05/19/"


@pytest.mark.parametrize(
    "url", ["/issues/2022/02/30/", "/issues/2022/xx/01/", "/issues/1999/01/01/", "/articles/999999/"]
)
def test_it_answers_404_for_dates_and_articles_that_do_not_exist(client, archive, url):
    assert client.get(url).status_code == 404


def test_it_shows_an_article_with_its_metadata_and_neighbours(client, archive):
    article = Article.objects.get(title="省总工会举办基层党组织书记培训班")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    reporter = Person.objects.get(name="阮向民")
    assert f'本报讯 记者<a href="{reporter.get_absolute_url()}">阮向民</a>报道' in response.text  # to their page
    for text in (
        "强化理论武装 锤炼党性修养",
        "摄影",
        "邹伟锋",
        "上一篇",
        "下一篇",
        "/articles/",
    ):
        assert text in response.text


def test_it_lists_the_issues_of_a_year(client, archive):
    response = client.get(reverse("newspaper:calendar-year", args=[2022]))
    assert response.status_code == 200
    assert "/issues/2022/06/22/" in response.text
    assert "/issues/2021/08/30/" not in response.text


def test_it_escapes_text_from_dumps(client, db):
    dump = "\n2022年5月19日\n\n<script>alert(1)</script>标题\n\n本报讯 记者程雪报道 <b>正文</b>。\n"
    ingest_source(Source("x.txt", dump.encode()), page=2)
    article = Article.objects.get()
    response = client.get(article.get_absolute_url())
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text
    assert "<b>正文</b>" not in response.text


def test_the_admin_pages_open_for_staff(admin_client, archive):
    article = Article.objects.first()
    for url in (
        "/admin/newspaper/issue/",
        "/admin/newspaper/page/",
        "/admin/newspaper/article/?q=工会",
        "/admin/newspaper/person/?q=程",
        f"/admin/newspaper/article/{article.pk}/change/",
        f"/admin/newspaper/page/{article.page_id}/change/",
    ):
        assert admin_client.get(url).status_code == 200, url


def test_an_article_edited_in_the_admin_is_queued_with_the_edit_and_searchable_once_written(admin_client, archive):
    from haystack.query import SearchQuerySet

    from newspaper.models import IndexWork
    from tests.conftest import admin_edit, drain

    def found():
        return [int(r.pk) for r in SearchQuerySet().models(Article).filter(grams="测试词汇甲乙丙")]

    article = Article.objects.get(title="省总工会举办基层党组织书记培训班")
    admin_edit(admin_client, article, body=article.body + "特别增补的测试词汇甲乙丙。")
    assert list(IndexWork.objects.values_list("article_id", flat=True)) == [article.pk]
    drain()
    assert found() == [article.pk] and not IndexWork.objects.exists()
    response = admin_client.post(f"/admin/newspaper/article/{article.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    drain()
    assert found() == []


def test_no_page_of_the_site_or_the_admin_drags_the_dumps_raw_text_into_a_join(client, admin_client, archive):
    """A 20 MB dump joined and sorted with its articles once made SQLite write a temporary
    B-tree of 16 GB; the raw text belongs to the page's own admin form and to re-parsing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    article = Article.objects.first()
    urls = [
        (client, "/search/?q=工会"),
        (client, article.get_absolute_url()),
        (client, "/issues/2022/05/19/"),
        (client, "/unions/德清县总工会/"),
        (client, "/search/export.csv?q=工会"),
        (client, "/api/search?q=工会"),
        (admin_client, "/admin/newspaper/article/?q=工会"),
        (admin_client, "/admin/newspaper/page/"),
        (admin_client, "/admin/newspaper/indexwork/"),
    ]
    for user, url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert user.get(url).status_code == 200, url
        dragged = [q["sql"] for q in queries.captured_queries if "raw_text" in q["sql"] and " JOIN " in q["sql"]]
        assert not dragged, (url, dragged)


def test_the_admin_shows_how_far_the_index_is_behind(admin_client, archive):
    text = admin_client.get("/admin/").text
    assert "检索索引：与数据库一致" in text and "写入进程：没有运行" in text
    Article.objects.first().save()
    text = admin_client.get("/admin/newspaper/indexwork/").text
    assert "还有" in text and "1 篇文章" in text


def test_the_admin_shows_an_error_of_the_writer_until_a_batch_is_written_again(admin_client, archive):
    from django.utils import timezone

    from newspaper.models import IndexWriterStatus

    error = "the index lock (/x/whoosh_index.writer.lock) was held by another process over 600 s"
    IndexWriterStatus.objects.update_or_create(pk=1, defaults={"last_error": error, "last_error_at": timezone.now()})
    text = admin_client.get("/admin/").text
    assert "最近出错" in text and "/x/whoosh_index.writer.lock" in text and "was held" not in text
    IndexWriterStatus.objects.filter(pk=1).update(last_batch_at=timezone.now())
    assert "最近出错" not in admin_client.get("/admin/").text
