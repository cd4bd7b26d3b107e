"""Inner pages (工会, 综合, 劳动者…): photo news, ■ bylines, signed commentary, titles in credits,
slogan titles over factual subtitles, captions without credit, the page's own header line, and
the unions they name. The pages in tests/data/inner were written for the project in the sample
dumps' format; tests/data/inner_gold holds their annotations (../shared/gold's shape)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newspaper.parser import parse_text
from newspaper.parser.bylines import split_credit, split_signature
from newspaper.recognise.unions import unions_mentioned

DATA = Path(__file__).parent / "data"
PAGES = sorted((DATA / "inner").glob("*.txt"))
SCORER = Path(__file__).parent.parent.parent / "shared" / "tools" / "score_parse.py"


def page(name: str):
    return parse_text((DATA / "inner" / f"{name}.txt").read_text(encoding="utf-8"))


def article(parsed, title: str):
    return next(a for a in parsed.articles if a.title == title)


class TestPageHeader:
    def test_the_page_line_gives_number_and_name(self):
        assert (page("inner_001").page_number, page("inner_001").page_name) == (2, "工会")
        assert (page("inner_002").page_number, page("inner_002").page_name) == (3, "综合")  # 00003版:综合

    def test_the_header_lines_are_no_article(self):
        titles = [a.title for a in page("inner_001").articles]
        assert not any("版" in t or "2023年" in t for t in titles)

    def test_a_front_page_without_its_running_number_is_page_one(self):
        front = (
            "2024年1月2日\n星期二\n\n国内统一刊号:CN33—0018\n邮发代号:31—2\n\n浙江工人日报\n\n"
            "新年第一天\n\n本报讯 记者程雪报道 元旦,全省各地职工坚守岗位。\n"
        )
        parsed = parse_text(front)
        assert parsed.number is None and parsed.page_number == 1

    def test_the_json_carries_them(self):
        issue = page("inner_002").to_json()["issue"]
        assert (issue["page"], issue["page_name"]) == (3, "综合")


class TestPhotoNews:
    def test_every_caption_paragraph_and_the_credit_at_the_end_of_the_last(self):
        item = article(page("inner_001"), "春耕时节农机忙")
        assert item.kind == "photo" and not item.body
        assert len(item.captions) == 2 and item.captions[-1].endswith("配件。")
        assert item.photographers == ["柳庭和", "孟万成"]

    def test_a_photo_story_credit_on_its_own_line_is_no_byline(self):
        parsed = page("inner_002")
        item = article(parsed, "巧手绣出新生活")
        assert item.kind == "photo" and item.byline is None
        assert item.photographers == ["杨菁", "周金友"]
        assert article(parsed, "夜校开课了").photographers == ["毛朝阳", "霍群洪"]  # no role word
        assert not [a for a in parsed.articles if not a.title]

    def test_a_caption_without_credit_or_full_stop_is_no_title(self):
        item = article(page("inner_002"), "老厂房里的新产线")
        assert item.captions == ["如今现代化的铸造生产线"] and item.kicker is None

    def test_an_item_without_a_byline_is_not_merged_into_the_one_above(self):
        parsed = page("inner_003")
        assert article(parsed, "技能比武展风采").body.startswith("7月12日")
        assert "省建设建材工会" not in article(parsed, "夏日送清凉").body

    def test_a_title_repeated_under_a_credit_only_caption_is_one_article(self):
        parsed = page("inner_003")
        items = [a for a in parsed.articles if a.title == "夏日送清凉"]
        assert len(items) == 1 and items[0].photographers == ["黄文涛", "苏小月"]


class TestCredits:
    @pytest.mark.parametrize(
        "line, names",
        [
            ("见习记者任杰 摄", ["任杰"]),
            ("特约记者 罗晓峰 摄", ["罗晓峰"]),
            ("实习生王小丫 摄", ["王小丫"]),
            ("浙江日报记者吴晓明 摄", ["吴晓明"]),
            ("记者黄文涛、苏小月 摄", ["黄文涛", "苏小月"]),
            ("通讯员杨菁 记者周金友 摄影报道", ["杨菁", "周金友"]),
            ("毛朝阳 霍群洪 摄影报道", ["毛朝阳", "霍群洪"]),
        ],
    )
    def test_titles_are_part_of_the_role_never_a_name(self, line, names):
        assert split_credit("职工们在车间里忙碌。" + line)[1] == names

    def test_titles_in_bylines(self):
        parsed = page("inner_002")
        assert article(parsed, "老厂房里的新产线").reporters == ["吴晓明", "孙立新"]
        assert article(page("inner_001"), "湖州市总工会启动“春风送岗”专场招聘").reporters == ["任杰"]


class TestFeaturesAndCommentary:
    def test_a_square_byline_opens_a_feature(self):
        item = article(page("inner_001"), "一线职工的“充电站”")
        assert item.kind == "feature" and item.byline == "通讯员周建巨、钟伟"
        assert item.correspondents == ["周建巨", "钟伟"]

    def test_a_square_byline_run_into_the_first_paragraph(self):
        item = article(page("inner_003"), "送餐路上的十年")
        assert item.other_authors == ["缪孔文"] and item.body.startswith("七月的午后")

    def test_a_signature_after_the_last_sentence_or_on_its_own_line(self):
        first = article(page("inner_001"), "让关爱落在实处")
        assert first.other_authors == ["汪诚"] and first.body.endswith("温暖之家。")
        second = article(page("inner_003"), "冷暖之间见初心")
        assert second.other_authors == ["何丹"] and "何丹" not in second.body
        # the piece above keeps its own body
        assert "为职工送" not in article(page("inner_001"), "一线职工的“充电站”").body

    def test_a_column_break_is_no_signature(self):
        assert split_signature("依托培训基地开展培训。在开", after_sentence=False) is None  # no surname
        assert split_signature("各地市场监管部门已经行动。杭州市", after_sentence=False) is None  # a place


class TestMorePatterns:
    def test_a_square_byline_with_titles_roles_and_spaces(self):
        item = article(page("inner_004"), "学历提升圆了大学梦")
        assert (item.reporters, item.correspondents) == (["金晓燕"], ["童可欣", "翁立"])
        assert item.body.startswith("“拿到毕业证书")

    def test_an_item_after_a_photo_credit_is_its_own(self):
        parsed = page("inner_004")
        assert article(parsed, "课堂搬进车间").kind == "photo"
        assert article(parsed, "夜读时光").body.startswith("职工书屋每晚开放")

    def test_a_page_name_with_a_middle_dot_and_a_bare_district_union(self):
        parsed = page("inner_004")
        assert (parsed.page_number, parsed.page_name) == (6, "职业·教育")
        assert article(parsed, "匠心筑梦").subtitle == "宁波市鄞州区举办首届青年工匠技能大赛"


class TestFullWidthPage:
    def test_full_width_spaces_and_a_slashed_credit(self):
        parsed = page("inner_005")
        assert (parsed.page_number, parsed.page_name) == (3, "工会新闻")
        photo = article(parsed, "暖心驿站")
        assert photo.kind == "photo" and photo.photographers == ["林一鸣"] and len(photo.captions) == 2

    def test_a_commentary_after_a_photo_credit(self):
        piece = article(page("inner_005"), "让实事更“实”")
        assert piece.other_authors == ["汤远航"] and piece.body.startswith("为职工办实事")


class TestHeadlines:
    def test_a_slogan_over_a_factual_line_is_the_title(self):
        item = article(page("inner_002"), "秀山丽水 万人同行")
        assert (item.kicker, item.subtitle) == (None, "丽水市总举办第三届职工健步走活动")


class TestUnions:
    def named(self, text: str) -> list[str]:
        return [name for name, _ in unions_mentioned(text)]

    def test_a_bare_city_union_is_the_city_the_article_is_about(self):
        assert self.named("近日,安吉县总工会开展慰问。据悉,县总工会今年安排资金80万元。") == ["安吉县总工会"]
        assert self.named("嘉兴市南湖区举办夜校,市总工会给予支持。") == ["嘉兴市总工会"]
        assert self.named("市总工会给予支持。") == []  # no place to read it from: not guessed

    def test_headline_shorthand(self):
        assert self.named("丽水市总举办职工健步走") == ["丽水市总工会"]
        assert self.named("全市总人口") == []

    def test_institution_industry_and_joint_unions(self):
        assert self.named("走进衢州市公路管理局工会的职工书屋") == ["衢州市公路管理局工会"]
        assert self.named("省建设建材工会举办技能大赛") == ["省建设建材工会"]
        assert self.named("临海市靖江街道新就业形态联合工会委员会成立") == ["临海市靖江街道新就业形态联合工会委员会"]

    def test_generic_references_are_no_unions(self):
        assert self.named("指导各乡镇街道总工会做好入会工作,让各级工会组织成为娘家") == []


@pytest.mark.skipif(not SCORER.exists(), reason="../shared is not beside the project")
def test_the_inner_pages_score_against_their_annotations():
    result = subprocess.run(
        [
            sys.executable,
            str(SCORER),
            "--gold",
            str(DATA / "inner_gold"),
            "--dumps",
            str(DATA / "inner"),
            "--cmd",
            f"{sys.executable} manage.py parse_dump {{}}",
            "--min-article-f1",
            "1",
            "--min-people",
            "1",
            "--min-issue",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parent.parent,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def test_kinds_match_the_annotations():
    for path in PAGES:
        gold = json.loads((DATA / "inner_gold" / f"{path.stem}.json").read_text(encoding="utf-8"))
        parsed = parse_text(path.read_text(encoding="utf-8"))
        assert [a.kind for a in parsed.articles] == [a["kind"] for a in gold["articles"]], path.name


# -- end to end: imported, indexed, searched ------------------------------------------------------


@pytest.fixture
def inner_archive(archive):
    """The sample front pages and the inner pages, imported and indexed."""
    from newspaper.ingest import ingest_source
    from newspaper.sources import Source
    from tests.conftest import drain

    for path in PAGES:
        assert not ingest_source(Source(path.name, path.read_bytes())).failed
    drain()


@pytest.mark.django_db
def test_search_finds_every_exact_substring_of_the_inner_pages(inner_archive):
    import random

    from newspaper.models import Article
    from search.analyzer import substring_sample
    from search.search_indexes import searchable_text
    from tests.test_search import containing, found

    inner = [a for a in Article.objects.all() if a.page.source_name.startswith("inner_")]
    names = sorted({c.person.name for a in inner for c in a.credits.all() if c.role == "photographer"})
    queries = [
        "丽水万人",  # across the headline's break: 秀山丽水 万人同行
        "秀山丽水万人同行",
        "农机忙",
        *names,  # photographers, whose names stand in no caption
        *substring_sample([searchable_text(a) for a in inner], 60, random.Random(14)),
    ]
    missed, extra, expected_total = {}, {}, 0
    for query in queries:
        expected, got = containing(query), set(found(query))
        expected_total += len(expected)
        if expected - got:
            missed[query] = expected - got
        if got - expected:
            extra[query] = got - expected
    assert not missed, missed  # recall 1.0
    wrong = sum(map(len, extra.values()))
    assert wrong <= 0.02 * expected_total, extra  # precision ≥ 0.98
    assert found("柳庭和") and all(Article.objects.get(pk=pk).kind == "photo" for pk in found("柳庭和"))


@pytest.mark.django_db
def test_the_page_name_is_stored_shown_and_filtered(inner_archive, client):
    from newspaper.models import Article, Page
    from tests.test_search import found

    page = Page.objects.get(source_name="inner_001.txt")
    assert (page.number, page.name) == (2, "工会")
    article = page.articles.first()
    assert "第2版 工会" in client.get(article.get_absolute_url()).text
    on_page = found("工会", page_name="工会")
    pages = {Article.objects.get(pk=pk).page for pk in on_page}
    assert page in pages and {p.name for p in pages} == {"工会"}
    assert set(on_page) < set(found("工会"))  # the filter leaves out the other pages
    results = client.get("/search/", {"q": "工会"}).text
    assert "版面" in results and "劳动者" in results
