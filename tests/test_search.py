"""Search: exact-substring recall and precision, the query language, filters and facets, the
results page, the API and CSV export, highlighting."""

from __future__ import annotations

import csv
import io
import random
import re

import pytest
from django.http import QueryDict

from newspaper.models import Article
from search.analyzer import indexed, normalise, substring_sample
from search.forms import ArchiveSearchForm
from search.highlight import highlight, snippet
from search.query import parse
from search.search_indexes import searchable_text

NAMED = [
    "易炼红",
    "德清县总工会",
    "共同富裕",
    "工会信息",
    "15分钟",
    "省总工会",
    "会",
    "程雪",
    "数字化改革",
    "核酸采样小屋",
]


def found(query: str, **filters) -> list[int]:
    params = QueryDict(mutable=True)
    params["q"] = query
    for key, value in filters.items():
        params.setlist(key, value if isinstance(value, list) else [value])
    form = ArchiveSearchForm(params)
    assert form.is_valid(), form.errors
    return [int(r.pk) for r in form.searchqueryset(facets=False)]


def containing(query: str) -> set[int]:
    needle = normalise(query)
    return {a.pk for a in Article.objects.all() if needle in indexed(searchable_text(a))}


def sample_queries(n: int, seed: int = 7) -> list[str]:
    texts = [searchable_text(a) for a in Article.objects.order_by("pk")]
    return substring_sample(texts, n, random.Random(seed))


@pytest.mark.django_db
def test_it_finds_exactly_the_articles_containing_the_string(archive):
    hits = wrong = expected_total = 0
    for query in NAMED + sample_queries(300):
        expected = containing(query)
        got = set(found(query))
        hits += len(expected & got)
        wrong += len(got - expected)
        expected_total += len(expected)
    recall = hits / expected_total
    precision = hits / (hits + wrong)
    assert recall >= 0.99, recall
    assert precision >= 0.95, precision


@pytest.mark.django_db
def test_word_segmentation_alone_would_miss_strings_across_words(archive):
    """Why the grams: jieba does not cut 工会信息 out of 全省工会信息工作 as a word."""
    from haystack.inputs import Raw
    from haystack.query import SearchQuerySet

    words_only = SearchQuerySet().models(Article).filter(content=Raw("text:(会信)"))
    assert words_only.count() == 0
    assert len(found("会信")) == len(containing("会信")) > 0


class TestQueryLanguage:
    @pytest.mark.parametrize(
        ("raw", "shown"),
        [
            ("易炼红 共同富裕", "易炼红 共同富裕"),
            ('"工会信息工作"', '"工会信息工作"'),  # a phrase keeps its quotes
            ("“工会 信息”", '"工会 信息"'),
            ("宁波 OR 温州", "宁波 OR 温州"),
            ("宁波 | 温州 或 嘉兴", "宁波 OR 温州 OR 嘉兴"),
            ("工会 -疫情 －核酸", "工会 -疫情 -核酸"),
            ("标题:工会 作者：程雪", "标题:工会 作者:程雪"),
            ("ＣＯＶＩＤ－１９", "covid-19"),
        ],
    )
    def test_it_reads_the_query_syntax(self, raw, shown):
        assert str(parse(raw)) == shown.replace("covid-19", '"covid 19"')

    @pytest.mark.parametrize(
        "raw",
        [
            '"',
            "((((",
            "AND OR NOT",
            "-",
            "标题:",
            "作者:  ",
            '"unclosed',
            "*:*",
            "a:b:c",
            "\\",
            "'",
            "OR OR",
            "<script>",
        ],
    )
    def test_malformed_queries_never_error(self, raw, db):
        parsed = parse(raw)
        form = ArchiveSearchForm(QueryDict(mutable=True) | {"q": raw})
        assert form.is_valid()
        list(form.searchqueryset(facets=False)[:5])  # runs without raising
        assert "<" not in parsed.whoosh()

    def test_random_input_never_breaks_the_compiled_query(self, db):
        rng = random.Random(1)
        alphabet = "工会信息 \"“”-－:：|()[]{}^~*?\\/'ORANDNOT标题作者"
        for _ in range(200):
            raw = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
            form = ArchiveSearchForm(QueryDict(mutable=True) | {"q": raw})
            assert form.is_valid()
            list(form.searchqueryset(facets=False)[:3])


@pytest.mark.django_db
class TestFiltersAndFacets:
    def test_terms_must_all_occur(self, archive):
        assert set(found("德清 经审")) == containing("德清") & containing("经审")

    def test_or_takes_either(self, archive):
        assert set(found("易炼红 OR 武林集团")) == containing("易炼红") | containing("武林集团")

    def test_exclusion_removes(self, archive):
        assert set(found("工会 -疫情")) == containing("工会") - containing("疫情")

    def test_title_prefix_searches_headlines_only(self, archive):
        titles = {a.pk for a in Article.objects.all() if "工会" in f"{a.column}{a.kicker}{a.title}{a.subtitle}"}
        assert set(found("标题:工会")) == titles

    def test_author_prefix_searches_people(self, archive):
        assert set(found("作者:程雪")) == set(
            Article.objects.filter(credits__person__name="程雪").values_list("pk", flat=True)
        )

    def test_it_filters_by_date_range(self, archive):
        ids = found("", date_from="2022-05-01", date_to="2022-06-30")
        dates = set(Article.objects.filter(pk__in=ids).values_list("page__issue__date", flat=True))
        assert {d.isoformat() for d in dates} == {"2022-05-19", "2022-06-22"}

    def test_it_filters_by_year_and_month(self, archive):
        assert set(found("", year="2023")) == set(
            Article.objects.filter(page__issue__date__year=2023).values_list("pk", flat=True)
        )
        assert set(found("", month="2022-04")) == set(
            Article.objects.filter(page__issue__date__month=4).values_list("pk", flat=True)
        )

    def test_it_filters_by_union_with_or_between_values(self, archive):
        ids = found("", union=["德清县总工会", "杭州市总工会"])
        expected = Article.objects.filter(unions__name__in=["德清县总工会", "杭州市总工会"]).values_list(
            "pk", flat=True
        )
        assert set(ids) == set(expected)
        assert len(ids) == len(set(ids)) > len(found("", union="德清县总工会"))

    def test_it_filters_by_topic_person_region_and_kind(self, archive):
        assert set(found("", topic="外贸与商务")) == set(
            Article.objects.filter(topics__name="外贸与商务").values_list("pk", flat=True)
        )
        assert set(found("", person="邹伟锋")) == set(
            Article.objects.filter(credits__person__name="邹伟锋").values_list("pk", flat=True)
        )
        assert set(found("", kind="photo")) == set(Article.objects.filter(kind="photo").values_list("pk", flat=True))
        assert set(found("", region="湖州市")) == {a.pk for a in Article.objects.all() if "湖州市" in a.regions}

    def test_facet_counts_describe_the_current_results(self, archive):
        form = ArchiveSearchForm(QueryDict("q=德清"))
        assert form.is_valid()
        results = form.results()
        unions = dict(results.facets["union"])
        assert unions["德清县总工会"] == 1
        assert "杭州市总工会" not in unions
        assert sum(n for _, n in results.facets["kind"]) == results.sqs.count()

    def test_the_histogram_counts_articles_per_year_from_one_facet(self, archive):
        form = ArchiveSearchForm(QueryDict(""))
        assert form.is_valid()
        assert form.results().years == [(2021, 8), (2022, 16), (2023, 5)]

    def test_an_empty_query_lists_everything_newest_first(self, archive):
        ids = found("")
        assert len(ids) == Article.objects.count()
        dates = [Article.objects.get(pk=i).page.issue.date for i in ids]
        assert dates == sorted(dates, reverse=True)

    def test_it_sorts_oldest_first_on_request(self, archive):
        ids = found("工会", sort="oldest")
        dates = [Article.objects.get(pk=i).page.issue.date for i in ids]
        assert dates == sorted(dates)

    def test_relevance_puts_headline_matches_first(self, archive):
        ids = found("数字化改革")
        assert "数字化改革" in Article.objects.get(pk=ids[0]).headline

    def test_search_within_results_keeps_the_earlier_query(self, archive):
        assert set(found("经审", within=["德清"])) == containing("德清") & containing("经审")

    @pytest.mark.parametrize(
        "params",
        [
            "date_from=2023-01-01&date_to=2022-01-01",
            "date_from=yesterday",
            "kind=poem",
            "sort=random",
            "month=2022-13",
            "year=1800",
            "union=" + "x" * 200,
        ],
    )
    def test_invalid_parameters_are_form_errors(self, params, client, archive):
        form = ArchiveSearchForm(QueryDict(params))
        assert not form.is_valid()
        response = client.get(f"/search/?{params}")
        assert response.status_code == 400
        assert "检索条件有误" in response.text


@pytest.mark.django_db
class TestResultsPage:
    def test_it_shows_results_with_highlighting_count_and_time(self, client, archive):
        response = client.get("/search/", {"q": "工会信息"})
        assert response.status_code == 200
        assert "共 <strong>1</strong> 篇" in response.text
        assert "毫秒" in response.text
        assert "<mark>工会信息</mark>" in response.text
        assert "推动<mark>工会信息</mark>工作 再上新台阶" in response.text

    def test_it_pages_through_results(self, client, archive):
        first = client.get("/search/")
        assert "第 1 / 2 页" in first.text
        second = client.get("/search/", {"page": 2})
        assert len(second.context["rows"]) == 9
        assert {r["article"].pk for r in first.context["rows"]}.isdisjoint(
            {r["article"].pk for r in second.context["rows"]}
        )

    def test_it_helps_when_nothing_is_found(self, client, archive):
        response = client.get("/search/", {"q": "不存在的词组合"})
        assert "没有找到" in response.text and "OR" in response.text

    def test_facet_links_add_and_remove_values(self, client, archive):
        response = client.get("/search/", {"q": "工会", "union": "德清县总工会"})
        chosen = re.findall(r'<a href="([^"]*)" aria-current="true" class="selected">✓ 德清县总工会</a>', response.text)
        assert len(chosen) == 1
        assert "union=" not in chosen[0]  # the link takes it off again
        added = re.search(r'<a href="([^"]*)">湖州市总工会</a>', response.text)
        assert added and "union=%E5%BE%B7" in added[1] and "union=%E6%B9%96" in added[1]  # it adds itself

    def test_histogram_bars_narrow_the_date_range(self, client, archive):
        response = client.get("/search/", {"q": "工会"})
        bars = response.context["histogram"]
        assert [b["label"] for b in bars] == ["2021年", "2022年", "2023年"]
        assert "year=2022" in bars[1]["url"]
        narrowed = client.get("/search/" + bars[1]["url"])
        assert all(b["label"].startswith("2022年") for b in narrowed.context["histogram"])

    def test_untrusted_query_text_is_escaped(self, client, archive):
        response = client.get("/search/", {"q": '<script>alert("x")</script>工会'})
        assert "<script>alert" not in response.text
        assert "&lt;script&gt;" in response.text


@pytest.mark.django_db
class TestArticleFromSearch:
    def test_it_highlights_the_query_and_links_to_neighbouring_results(self, client, archive):
        results = client.get("/search/", {"q": "省总工会"})
        second = results.context["rows"][1]
        response = client.get(second["url"])
        assert "<mark>省总工会</mark>" in response.text
        assert response.context["previous_result"] and response.context["next_result"]
        assert "rank=1" in response.context["previous_result"]
        assert "返回检索结果" in response.text

    def test_the_citation_follows_gbt_7714(self, client, archive):
        article = Article.objects.get(title="助力打造步行15分钟 核酸采样“服务圈”")
        assert article.citation() == "程雪. 助力打造步行15分钟 核酸采样“服务圈”[N]. 浙江工人日报, 2022-05-19(1)."
        response = client.get(article.get_absolute_url())
        assert article.citation() in response.text
        assert "复制引文" in response.text

    def test_it_lists_related_articles(self, client, archive):
        article = Article.objects.get(title="经审“牵手”纪检共建清廉工会")
        related = list(article.related())
        assert related and article not in related


@pytest.mark.django_db
class TestApi:
    def test_search_returns_results_and_facets(self, client, archive):
        data = client.get("/api/search", {"q": "工会", "sort": "newest"}).json()
        assert set(data) == {"count", "page", "num_pages", "results", "facets"}
        assert data["count"] == len(containing("工会"))
        first = data["results"][0]
        assert set(first) == {
            "id",
            "url",
            "title",
            "kicker",
            "subtitle",
            "date",
            "page",
            "byline",
            "snippet",
            "variants",
        }
        assert first["url"].startswith("http://testserver/articles/")
        assert {"year", "union", "topic", "person"} <= set(data["facets"])
        assert sum(n for _, n in data["facets"]["year"]) == data["count"]

    @pytest.mark.parametrize("params", ["page=0", "page=x", "page=99", "date_from=2022-13-01", "kind=poem"])
    def test_invalid_parameters_get_a_json_400(self, client, archive, params):
        response = client.get(f"/api/search?{params}")
        assert response.status_code == 400
        assert response.json()["error"] == "invalid parameters"

    def test_article_returns_the_full_record(self, client, archive):
        article = Article.objects.get(title="省总工会举办基层党组织书记培训班")
        data = client.get(f"/api/articles/{article.pk}").json()
        assert data["body"] == article.body
        assert data["captions"] == article.captions
        assert {"name": "邹伟锋", "role": "photographer"} in data["people"]
        assert "浙江省总工会" in data["unions"]
        assert data["topics"]
        assert client.get("/api/articles/999999").status_code == 404

    def test_csv_export_holds_the_result_set(self, client, archive):
        response = client.get("/search/export.csv", {"q": "工会", "sort": "oldest"})
        assert response["Content-Type"].startswith("text/csv")
        text = response.getvalue().decode("utf-8-sig")  # streamed (search.exports)
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][:3] == ["编号", "日期", "版次"]
        assert len(rows) - 1 == len(containing("工会"))
        assert rows[1][1] <= rows[-1][1]


class TestHighlight:
    def test_it_marks_chinese_terms_without_spaces(self):
        assert highlight("全省工会信息工作座谈会", ["工会信息"]) == "全省<mark>工会信息</mark>工作座谈会"

    def test_it_merges_overlapping_hits_and_matches_full_width_forms(self):
        assert highlight("步行１５分钟", ["15分", "分钟"]) == "步行<mark>１５分钟</mark>"

    def test_it_escapes_everything_else(self):
        assert highlight("<b>工会</b>", ["工会"]) == "&lt;b&gt;<mark>工会</mark>&lt;/b&gt;"

    def test_a_snippet_centres_on_the_first_hit(self):
        text = "甲" * 200 + "易炼红" + "乙" * 200
        result = snippet(text, ["易炼红"], width=60, before=10)
        assert result.startswith("…") and result.endswith("…")
        assert "<mark>易炼红</mark>" in result


@pytest.mark.django_db
def test_any_slice_of_the_results_is_the_same_slice_of_the_full_list(archive):
    """Whoosh pages must align; the backend turns any slice into an aligned fetch and a trim."""
    form = ArchiveSearchForm(QueryDict("sort=newest"))
    assert form.is_valid()
    everything = [int(r.pk) for r in form.searchqueryset(facets=False)[:100]]
    rng = random.Random(3)
    for _ in range(25):
        start = rng.randint(0, len(everything) - 1)
        end = rng.randint(start + 1, len(everything))
        fresh = form.searchqueryset(facets=False)  # a new queryset: no result cache
        assert [int(r.pk) for r in fresh[start:end]] == everything[start:end], (start, end)


@pytest.mark.django_db
def test_rebuild_and_update_index_restore_every_article(archive):
    import shutil

    from django.core.management import call_command
    from haystack import connections
    from haystack.query import SearchQuerySet

    from tests.conftest import drain

    shutil.rmtree(connections["default"].get_backend().path)  # an index lost
    connections.reload("default")
    assert SearchQuerySet().models(Article).count() == 0
    call_command("update_index", verbosity=0)  # queues every article for the writer
    drain()
    assert SearchQuerySet().models(Article).count() == Article.objects.count()
    call_command("rebuild_index", interactive=False, verbosity=0)
    assert set(found("工会信息")) == containing("工会信息")


@pytest.mark.django_db
def test_a_name_search_finds_the_articles_the_person_wrote(archive):
    written = set(Article.objects.filter(credits__person__name="阮向民").values_list("pk", flat=True))
    assert written and written <= set(found("阮向民"))


def test_a_page_of_results_reads_its_credits_by_article_without_joining_the_archive(client, archive):
    """Ordering credits by their article's date joined article, page and issue: on PostgreSQL
    at 100k articles a hash join of whole tables, 90 ms of every results page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": "工会"})
    assert response.status_code == 200
    credits = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "newspaper_credit"')]
    assert credits and not [sql for sql in credits if "JOIN" in sql], credits
