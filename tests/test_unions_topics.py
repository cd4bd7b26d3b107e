"""Unions and topics: the recogniser's name shapes and non-unions, topic rules, locking, retag."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from haystack.query import SearchQuerySet

from newspaper.ingest import ingest_source
from newspaper.models import Article, Topic, Union
from newspaper.recognise import regions_of
from newspaper.recognise.topics import TopicRule, tag
from newspaper.recognise.unions import unions_mentioned
from newspaper.sources import Source
from tests.conftest import DATA, seed


def names(text):
    return [written for written, _ in unions_mentioned(text)]


def canonical(text):
    return [(u.canonical, u.level, u.region, u.parent) for _, u in unions_mentioned(text)]


class TestUnionShapes:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("中华全国总工会召开会议", ("中华全国总工会", "national", None, None)),
            ("首次被全总办公厅评为先进单位", ("中华全国总工会", "national", None, None)),
            ("浙江省总工会自觉把工作放到全局", ("浙江省总工会", "provincial", None, "中华全国总工会")),
            ("省总工会党组成员出席", ("浙江省总工会", "provincial", None, "中华全国总工会")),
            ("推进省总全面从严治党", ("浙江省总工会", "provincial", None, "中华全国总工会")),
            ("杭州市总工会联合市应急管理局", ("杭州市总工会", "city", "杭州市", "浙江省总工会")),
            ("德清县总工会依托云经审平台", ("德清县总工会", "county", "湖州市", "湖州市总工会")),
            ("湖州吴兴区总工会“心植工”应用", ("吴兴区总工会", "county", "湖州市", "湖州市总工会")),
            ("嘉兴海宁市总工会作表态发言", ("海宁市总工会", "county", "嘉兴市", "嘉兴市总工会")),
            ("德清工会以“四三四”解码", ("德清县总工会", "county", "湖州市", "湖州市总工会")),
            ("由康乾街道总工会经审会汇报", ("康乾街道总工会", "street", None, None)),
            ("德清县新市镇总工会成立", ("新市镇总工会", "street", "湖州市", "德清县总工会")),
            ("他在调研省直机关工会工作时要求", ("省直机关工会", "organ", None, "浙江省总工会")),
            ("省教育工会召开会议", ("浙江省教育工会", "industry", None, "浙江省总工会")),
            ("武林集团工会相关负责人表示", ("武林集团工会", "enterprise", None, None)),
            ("湖北省总工会作交流发言", ("湖北省总工会", "provincial", None, "中华全国总工会")),
        ],
    )
    def test_it_recognises_each_name_shape(self, text, expected):
        assert canonical(text) == [expected]

    @pytest.mark.parametrize(
        "text",
        [
            "各级工会要合力打造更多精品",
            "认真落实全省总工会各项工作",
            "各市、县(市、区)总工会机关全体干部",
            "各市县总工会开展工作",
            "省直机关工委积极响应",
            "省委直属机关工委联合省体育局",
            "安全总体要求不降低",
            "全省产业工会、系统工会借鉴学习",
            "在建德市朝美日化有限公司工会委员胡庆辉看来",
        ],
    )
    def test_it_ignores_generic_references_and_party_bodies(self, text):
        assert names(text) == []

    def test_it_lists_each_union_once_as_first_written(self):
        text = "德清工会创新模式。德清县总工会依托平台。省总工会指导,省总全面推进。"
        assert names(text) == ["德清县总工会", "省总工会"]


def test_it_finds_the_regions_an_article_is_about():
    text = "湖州吴兴区总工会打造平台，宁波市总工会也上线应用，吴兴区职工点赞。"
    regions = regions_of(text, [u for _, u in unions_mentioned(text)])
    assert regions[0] == "湖州市"
    assert set(regions) == {"湖州市", "宁波市"}


class TestTopicRules:
    RULES = [
        TopicRule("安全生产", {"安全生产": 3, "隐患": 2}, 5),
        TopicRule("外贸与商务", {"外贸": 3, "出口": 2}, 5),
        TopicRule("疫情防控", {"疫情": 2, "演练": -4}, 4),
    ]

    def test_it_assigns_topics_whose_score_reaches_the_threshold(self):
        assert tag("开展安全生产大排查", "排查隐患,消除隐患。", self.RULES) == ["安全生产"]

    def test_a_headline_term_counts_more_than_a_body_term(self):
        assert tag("外贸", "", self.RULES) == ["外贸与商务"]  # 3 × 3 ≥ 5
        assert tag("", "外贸", self.RULES) == ["外贸与商务"]  # below threshold, but the best match

    def test_negative_terms_lower_a_score(self):
        assert tag("", "疫情 疫情 疫情 出口 出口", self.RULES) == ["疫情防控"]  # 6 against 4
        assert tag("", "疫情 疫情 疫情 演练 出口 出口", self.RULES) == ["外贸与商务"]  # 2 against 4
        assert tag("", "疫情 演练", self.RULES) == []

    def test_it_gives_nothing_when_no_term_matches(self):
        assert tag("今天天气很好", "阳光明媚。", self.RULES) == []

    def test_it_assigns_at_most_three_topics(self):
        rules = [TopicRule(f"t{i}", {"工会": 2}, 1) for i in range(5)]
        assert len(tag("工会", "工会", rules)) == 3

    def test_the_shipped_taxonomy_agrees_with_the_annotations(self):
        from newspaper.parser import parse_dump

        agree = total = 0
        for path in sorted((DATA / "gold").glob("*.json")):
            gold = json.loads(path.read_text(encoding="utf-8"))
            parsed = parse_dump(seed(path.stem[:3]))
            for want, got in zip(gold["articles"], parsed.articles, strict=True):
                topics = tag(got.headline, "\n".join([got.body, *got.captions]))
                agree += bool(set(topics) & set(want["topics"]))
                total += 1
        assert agree / total >= 0.8


@pytest.mark.django_db
class TestStoredUnionsAndTopics:
    def test_import_links_unions_with_their_hierarchy_and_topics(self):
        ingest_source(Source("002.txt", seed("002")))
        article = Article.objects.get(title="经审“牵手”纪检共建清廉工会")
        assert set(article.unions.values_list("name", flat=True)) == {"德清县总工会", "康乾街道总工会", "湖州市总工会"}
        deqing = Union.objects.get(name="德清县总工会")
        assert (deqing.level, deqing.region, deqing.parent.name) == ("county", "湖州市", "湖州市总工会")
        assert deqing.parent.parent.name == "浙江省总工会"
        assert "德清工会" in deqing.aliases
        assert list(article.topics.values_list("name", flat=True)) == ["工会建设"]
        assert article.regions[0] == "湖州市"

    def test_locked_topics_survive_reimport_and_retag(self, django_capture_on_commit_callbacks):
        ingest_source(Source("002.txt", seed("002")))
        article = Article.objects.get(title="经审“牵手”纪检共建清廉工会")
        article.topics.set([Topic.objects.get(name="文体活动")])
        Article.objects.filter(pk=article.pk).update(topics_locked=True)
        changed = seed("002").decode().replace("培训班", "研修班").encode()
        ingest_source(Source("002-v2.txt", changed))
        call_command("retag", verbosity=0)
        assert list(article.topics.values_list("name", flat=True)) == ["文体活动"]

    def test_retag_applies_edited_rules_and_updates_the_index(self):
        ingest_source(Source("004.txt", seed("004")))
        Topic.objects.filter(name="外贸与商务").update(terms={"跨境电商": -10})
        Topic.objects.filter(name="经济发展").update(terms={"跨境电商": 5}, threshold=5)
        call_command("retag", verbosity=0)
        article = Article.objects.get(title__startswith="跨境电商综试区")
        assert "外贸与商务" not in article.topics.values_list("name", flat=True)
        assert "经济发展" in article.topics.values_list("name", flat=True)
        indexed = SearchQuerySet().models(Article).filter(topic="经济发展")
        assert article.pk in {int(r.pk) for r in indexed}

    def test_an_editor_setting_topics_in_the_admin_locks_them(self, admin_client):
        from tests.conftest import admin_edit

        ingest_source(Source("004.txt", seed("004")))
        article = Article.objects.get(title__startswith="跨境电商综试区")
        admin_edit(admin_client, article, topics=[Topic.objects.get(name="科技创新").pk])
        article.refresh_from_db()
        assert article.topics_locked
        assert list(article.topics.values_list("name", flat=True)) == ["科技创新"]


@pytest.mark.django_db
def test_the_union_and_topic_pages_list_articles_newest_first(client, archive):
    response = client.get("/unions/")
    assert response.status_code == 200
    assert "中华全国总工会" in response.text and "德清县总工会" in response.text
    deqing = Union.objects.get(name="德清县总工会")
    response = client.get(deqing.get_absolute_url())
    assert response.status_code == 200
    assert "经审“牵手”纪检共建清廉工会" in response.text
    response = client.get("/topics/union-building/")
    assert response.status_code == 200
    dates = [a.page.issue.date for a in response.context["page"]]
    assert dates == sorted(dates, reverse=True)
    assert client.get("/unions/no-such-union/").status_code == 404


def test_parse_dump_output_carries_unions_and_topics(capsys, db):
    call_command("parse_dump", str(next((DATA / "in").glob("002_*.txt"))))
    data = json.loads(capsys.readouterr().out)
    last = data["articles"][-1]
    assert set(last["unions_mentioned"]) == {"康乾街道总工会", "湖州市总工会", "德清县总工会"}
    assert last["topics"] == ["工会建设"]
