"""The dump parser, rule by rule, on small hand-written pages; then on the annotated sample pages."""

from __future__ import annotations

import codecs
import datetime as dt
import json
import subprocess
import sys
import textwrap

import pytest

from newspaper.parser import ParseError, parse_dump, parse_text
from newspaper.parser.headlines import assign_roles
from tests.conftest import DATA, seed

MASTHEAD = """



壬寅年四月十九
2022年5月19日
星期四

电子版: www.zjgrrb.com
国内统一刊号: CN33-0018
邮发代号: 31-2 总第12111号

浙江工人日报

倾情关注劳动群体 全心服务工会组织

社址: 杭州市学院路107号 邮编: 310012

"""


def page(body: str, masthead: str = MASTHEAD):
    return parse_text(masthead + textwrap.dedent(body).strip("\n") + "\n")


def only(body: str):
    parsed = page(body)
    assert len(parsed.articles) == 1, [a.title for a in parsed.articles]
    return parsed.articles[0]


class TestMasthead:
    def test_it_reads_every_masthead_field(self):
        parsed = page("标题\n\n本报讯 记者程雪报道 正文。")
        assert parsed.date.isoformat() == "2022-05-19"
        assert parsed.lunar_date == "壬寅年四月十九"
        assert parsed.weekday == "星期四"
        assert parsed.number == 12111
        assert parsed.cn == "CN33-0018"
        assert parsed.postal_code == "31-2"
        assert parsed.publication == "浙江工人日报"
        assert parsed.page_number == 1  # only the front page carries 总第N号

    @pytest.mark.parametrize(
        "line",
        [
            "国内统一刊号: CN33—0018",
            "国内统一连续出版物号: CN33—0018",
            "国内统一刊号：CN33－0018",
            "国内统一刊号:CN 33 - 0018",
        ],
    )
    def test_it_normalises_the_cn_code(self, line):
        parsed = page("标题\n\n本报讯 记者程雪报道 正文。", MASTHEAD.replace("国内统一刊号: CN33-0018", line))
        assert parsed.cn == "CN33-0018"

    def test_it_reads_full_width_digits_and_colons(self):
        masthead = MASTHEAD.replace("2022年5月19日", "２０２２年５月１９日").replace(
            "邮发代号: 31-2 总第12111号", "邮发代号：31—2 总第１２１１１号"
        )
        parsed = page("标题\n\n本报讯 记者程雪报道 正文。", masthead)
        assert (parsed.date.isoformat(), parsed.number, parsed.postal_code) == ("2022-05-19", 12111, "31-2")

    def test_it_ignores_ocr_typos_in_web_and_mail_lines(self):
        masthead = MASTHEAD.replace("电子版: www.zjgrrb.com", "电子版: www.zjgrbb.c0m\n电子邮件: ziarxw@l63.com")
        parsed = page("标题\n\n本报讯 记者程雪报道 正文。", masthead)
        assert [a.title for a in parsed.articles] == ["标题"]

    def test_it_moves_page_credits_and_drops_the_footer(self):
        parsed = page("""
            标题

            本报讯 记者程雪报道 正文一句。

            88851111

            新闻服务热线



            责任编辑:杜成敏

            版面设计:俞莉萍
        """)
        assert (parsed.editor, parsed.designer) == ("杜成敏", "俞莉萍")
        assert parsed.articles[0].body == "正文一句。"

    def test_it_reads_credits_on_one_line(self):
        parsed = page("标题\n\n本报讯 记者程雪报道 正文。\n\n责任编辑：杜成敏  版面设计：俞莉萍")
        assert (parsed.editor, parsed.designer) == ("杜成敏", "俞莉萍")

    def test_it_warns_when_the_weekday_contradicts_the_date(self):
        parsed = page("标题\n\n本报讯 记者程雪报道 正文。", MASTHEAD.replace("星期四", "星期五"))
        assert any("星期五" in w for w in parsed.warnings)

    def test_it_refuses_a_page_without_a_date(self):
        with pytest.raises(ParseError, match="no issue date"):
            parse_text("标题\n\n本报讯 记者程雪报道 正文。")

    def test_it_takes_a_supplied_date_when_the_dump_has_none(self):
        import datetime as dt

        parsed = parse_text("标题\n\n本报讯 记者程雪报道 正文。", date=dt.date(2020, 1, 2), page=3)
        assert (parsed.date.isoformat(), parsed.page_number) == ("2020-01-02", 3)

    def test_it_warns_when_a_supplied_date_contradicts_the_dump(self):
        import datetime as dt

        parsed = page("标题\n\n本报讯 记者程雪报道 正文。")
        parsed = parse_text(MASTHEAD + "标题\n\n本报讯 记者程雪报道 正文。", date=dt.date(2020, 1, 2))
        assert parsed.date.isoformat() == "2022-05-19"
        assert any("2020-01-02" in w for w in parsed.warnings)


class TestDecoding:
    TEXT = MASTHEAD + "工会信息工作\n\n本报讯 记者胡翀报道 全省工会信息工作座谈会昨日在杭召开。\n"

    @pytest.mark.parametrize(
        ("encode", "encoding"),
        [
            (lambda t: t.encode("utf-8"), "utf-8"),
            (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig"),
            (lambda t: t.encode("utf-16"), "utf-16"),
            (lambda t: t.encode("utf-16-le"), "utf-16-le"),
            (lambda t: t.encode("gb18030"), "gb18030"),
            (lambda t: t.encode("gbk"), "gb18030"),
            (lambda t: t.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
            (lambda t: t.replace("\n", "\r").encode("gb18030"), "gb18030"),
        ],
        ids=["utf8", "utf8-bom", "utf16-bom", "utf16le-no-bom", "gb18030", "gbk", "crlf", "cr-gb18030"],
    )
    def test_it_reads_each_encoding_and_line_end(self, encode, encoding):
        parsed = parse_dump(encode(self.TEXT))
        assert parsed.encoding == encoding
        assert parsed.date.isoformat() == "2022-05-19"
        assert parsed.articles[0].reporters == ["胡翀"]
        assert parsed.articles[0].body == "全省工会信息工作座谈会昨日在杭召开。"

    def test_it_reads_a_page_indented_with_ideographic_spaces(self):
        indented = "".join(f"\u3000\u3000{line}\n" if line else "\n" for line in self.TEXT.split("\n"))
        parsed = parse_dump(indented.encode("utf-8"))
        assert parsed.articles[0].body == "全省工会信息工作座谈会昨日在杭召开。"

    @pytest.mark.parametrize(
        ("data", "reason"),
        [
            (b"", "empty"),
            (b"\n\n  \n", "empty"),
            (bytes(range(256)) * 8, "binary"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary"),
            ("这是一封信，没有日期。".encode(), "no issue date"),
        ],
        ids=["empty", "blank", "random-bytes", "png", "no-date"],
    )
    def test_it_refuses_what_is_not_a_page_with_a_reason(self, data, reason):
        with pytest.raises(ParseError, match=reason):
            parse_dump(data)


class TestBylines:
    @pytest.mark.parametrize(
        ("line", "reporters", "correspondents", "others"),
        [
            ("本报讯 记者程雪 通讯员戴大喜报道 为培养", ["程雪"], ["戴大喜"], []),
            ("本报讯 浙江日报记者翁浩浩报道 昨日上午", ["翁浩浩"], [], []),
            ("记者羊荣江报道 “我们倾力解决", ["羊荣江"], [], []),
            ("本报讯 杜志华报道 工业是东阳市", [], [], ["杜志华"]),
            ("本报讯 通讯员沈天翔、徐星隽报道 十载爱心", [], ["沈天翔", "徐星隽"], []),
            ("本报讯（记者 王五 通讯员 赵六） 今天", ["王五"], ["赵六"], []),
        ],
    )
    def test_it_reads_byline_shapes(self, line, reporters, correspondents, others):
        article = only(f"标题一行\n\n{line}下午召开了会议。")
        assert (article.reporters, article.correspondents, article.other_authors) == (reporters, correspondents, others)
        assert not article.body.startswith(("本报讯", "记者"))

    def test_it_does_not_take_a_sentence_about_a_reporter_for_a_byline(self):
        parsed = page("标题\n\n本报讯 记者程雪报道 正文。\n\n他接受记者采访时报道了情况。")
        assert parsed.articles[0].body.endswith("他接受记者采访时报道了情况。")

    @pytest.mark.parametrize(
        ("caption_line", "caption", "photographers"),
        [
            ("昨日,座谈会在杭召开。记者胡翀 摄", "昨日,座谈会在杭召开。", ["胡翀"]),
            ("昨日上午,易炼红走访慰问。 记者邹伟锋 摄", "昨日上午,易炼红走访慰问。", ["邹伟锋"]),
            ("车间宣讲总书记讲话精神。毛朝阳 姚磊 姜璐摄", "车间宣讲总书记讲话精神。", ["毛朝阳", "姚磊", "姜璐"]),
            ("培训班在省委党校举办。\n记者邹伟锋摄", "培训班在省委党校举办。", ["邹伟锋"]),
        ],
    )
    def test_it_reads_photo_credits(self, caption_line, caption, photographers):
        article = only(f"标题一行\n\n\n\n{caption_line}\n\n本报讯 记者程雪报道 正文。")
        assert article.captions == [caption]
        assert article.photographers == photographers


class TestLayout:
    def test_it_rejoins_a_paragraph_cut_by_a_column_break(self):
        article = only(
            "标题\n\n本报讯 记者程雪报道 自3月3日以来,我省本轮\n\n疫情累计报告本土确诊病例671例。\n\n第二段。"
        )
        assert article.body == "自3月3日以来,我省本轮疫情累计报告本土确诊病例671例。\n第二段。"

    def test_it_rejoins_hard_wrapped_narrow_lines(self):
        article = only("""
            标题

            本报讯 记者胡翀报道 他指出,省直机关工会在履行工

            会职责时做到了试点先行、分层

            分类、加强工作指导。

            吕志良强调,省直机关工会
        """)
        assert (
            article.body
            == "他指出,省直机关工会在履行工会职责时做到了试点先行、分层分类、加强工作指导。\n吕志良强调,省直机关工会"
        )

    def test_it_keeps_section_subheads_as_their_own_lines(self):
        article = only("""
            标题

            本报讯 记者程雪报道 第一段结束了。

            打造高质量发展高地
            在高质量发展中实现共同富裕先行

            共同富裕不仅仅是一个口号。
        """)
        assert article.body.split("\n") == [
            "第一段结束了。",
            "打造高质量发展高地",
            "在高质量发展中实现共同富裕先行",
            "共同富裕不仅仅是一个口号。",
        ]

    def test_it_recognises_a_photo_only_item(self):
        parsed = page("""
            第一篇

            本报讯 记者程雪报道 正文结束。

            开学,防疫先行



            昨日,星星幼儿园秋季开学开园。

            弘扬“小蜜蜂”精神

            湖州举办邮政行业职业技能竞赛

            本报讯 记者程雪 通讯员戴大喜报道 为培养邮政行业技能人才。
        """)
        assert [(a.title, a.kind) for a in parsed.articles] == [
            ("第一篇", "news"),
            ("开学,防疫先行", "photo"),
            ("湖州举办邮政行业职业技能竞赛", "news"),
        ]
        assert parsed.articles[1].captions == ["昨日,星星幼儿园秋季开学开园。"]
        assert parsed.articles[1].body == ""

    def test_it_recognises_a_feature_without_a_byline(self):
        parsed = page("""
            第一篇

            本报讯 记者程雪报道 正文到这里被栏断开,省总工会组织开

            省党代表崔兆举希望—— 让更多优秀青年坚定走技能成才之路



            以来,崔兆举和团队培养了三位选手代表我省参加全国技能大赛并获得一金二银。

            “大会报告让我备受鼓舞。”崔兆举说。
        """)
        assert [a.title for a in parsed.articles] == ["第一篇", "让更多优秀青年坚定走技能成才之路"]
        feature = parsed.articles[1]
        assert (feature.kind, feature.kicker, feature.byline) == ("feature", "省党代表崔兆举希望——", None)
        assert feature.body.startswith("以来,崔兆举")
        assert parsed.articles[0].body.endswith("省总工会组织开")

    def test_it_takes_a_photo_inside_the_body_out_as_a_caption(self):
        article = only("""
            标题

            本报讯 记者程雪报道 24小时连续奋



            工作专班正在攻坚克难。

            战建设开发应用。
        """)
        assert article.body == "24小时连续奋战建设开发应用。"
        assert article.captions == ["工作专班正在攻坚克难。"]

    def test_it_gives_a_caption_after_the_body_to_the_article_above(self):
        parsed = page("""
            第一篇

            本报讯 记者胡翀报道 通过扎实的工作落实下去。



            昨日下午,吕志良赴省直机关工会调研。记者邹伟峰 摄

            第二篇

            本报讯 记者羊荣江报道 昨日。
        """)
        assert [a.title for a in parsed.articles] == ["第一篇", "第二篇"]
        assert parsed.articles[0].captions == ["昨日下午,吕志良赴省直机关工会调研。"]
        assert parsed.articles[0].photographers == ["邹伟峰"]
        assert parsed.articles[1].captions == []

    def test_it_keeps_a_pull_quote_out_of_the_body(self):
        article = only("""
            劳动最光荣

            全国五一劳动奖状获得者、省数字传媒中心: 以主动作为赢得百姓好评

            奋斗心语:重大需求在哪儿,改革方向就在哪儿。

            记者羊荣江报道 “我们倾力解决群众的烦心事。”
        """)
        assert article.pull_quotes == ["奋斗心语:重大需求在哪儿,改革方向就在哪儿。"]
        assert article.body == "“我们倾力解决群众的烦心事。”"
        assert (article.column, article.title, article.kind) == ("劳动最光荣", "以主动作为赢得百姓好评", "feature")

    def test_it_reads_a_column_logo_under_the_photo(self):
        article = only("""
            全省工会部署推进会提出

            增强使命感 找准着力点 确保重大决策部署 在工会系统高效落地



            昨日上午,部署推进会召开。记者邹伟峰 摄

            助力高质量·建功共富路 浙工在行动

            本报讯 记者阮向民报道 会议提出。
        """)
        assert article.column == "助力高质量·建功共富路 浙工在行动"
        assert article.kicker == "全省工会部署推进会提出"
        assert article.title == "增强使命感 找准着力点 确保重大决策部署 在工会系统高效落地"


class TestHeadlineRoles:
    @pytest.mark.parametrize(
        ("lines", "column", "kicker", "title", "subtitle"),
        [
            (
                ["号角嘹亮 使命催征 在高质量发展中 走好新时代赶考路"],
                None,
                "号角嘹亮 使命催征",
                "在高质量发展中 走好新时代赶考路",
                None,
            ),
            (
                ["全省工会信息工作座谈会提出 推动工会信息工作 再上新台阶"],
                None,
                "全省工会信息工作座谈会提出",
                "推动工会信息工作 再上新台阶",
                None,
            ),
            (
                ["浙江启动 “百万职工迎亚运 安全隐患大排查”活动"],
                None,
                None,
                "浙江启动 “百万职工迎亚运 安全隐患大排查”活动",
                None,
            ),
            (
                ["德清工会以“四三四”解码经审工作新模式", "经审“牵手”纪检共建清廉工会"],
                None,
                "德清工会以“四三四”解码经审工作新模式",
                "经审“牵手”纪检共建清廉工会",
                None,
            ),
            (
                ["“守好红色根脉·班前十分钟活动”", "传承红色基因 唱响劳动旋律", "建德工会推进活动"],
                "“守好红色根脉·班前十分钟活动”",
                "传承红色基因 唱响劳动旋律",
                "建德工会推进活动",
                None,
            ),
            (
                ["易炼红调研时强调 不断开创群团工作 高质量发展新局面", "黄建发参加"],
                None,
                "易炼红调研时强调",
                "不断开创群团工作 高质量发展新局面",
                "黄建发参加",
            ),
            (
                ["推动新时代企业 民主管理工作 迈上新台阶", "第十一次总结会召开"],
                None,
                None,
                "推动新时代企业 民主管理工作 迈上新台阶",
                "第十一次总结会召开",
            ),
        ],
        ids=[
            "couplet-kicker",
            "lead-in-kicker",
            "quoted-space",
            "two-lines",
            "column-kicker-title",
            "subtitle",
            "title-subtitle",
        ],
    )
    def test_it_assigns_headline_roles(self, lines, column, kicker, title, subtitle):
        roles = assign_roles(lines)
        assert (roles.column, roles.kicker, roles.title, roles.subtitle) == (column, kicker, title, subtitle)


def test_the_parser_imports_without_django():
    code = "import sys, newspaper.parser; sys.exit(1 if any(m.startswith('django') for m in sys.modules) else 0)"
    assert subprocess.run([sys.executable, "-c", code], cwd=DATA.parent.parent).returncode == 0


# -- the annotated sample pages -----------------------------------------------------------------
GOLD = sorted((DATA / "gold").glob("*.json"))


def norm(text):
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text or "").split())


@pytest.mark.parametrize("gold_path", GOLD, ids=[p.stem[:3] for p in GOLD])
def test_it_reads_the_annotated_pages_as_an_editor_does(gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    parsed = parse_dump(seed(gold_path.stem[:3])).to_json()
    for field in ("date", "lunar_date", "weekday", "number", "cn", "postal_code", "editor", "designer"):
        assert parsed["issue"][field] == gold["issue"][field], field
    assert len(parsed["articles"]) == len(gold["articles"])
    for want, got in zip(gold["articles"], parsed["articles"], strict=True):
        headline = norm(" ".join(got[k] or "" for k in ("column", "kicker", "title", "subtitle")))
        assert norm(want["title"]) in headline
        for field in ("byline", "reporters", "correspondents", "other_authors", "photographers", "kind"):
            assert got[field] == want[field], (want["title"], field)
        assert norm(got["body"]).startswith(norm(want["body_first"]))
        assert norm(got["body"]).endswith(norm(want["body_last"]))
        for caption in want["captions"]:
            assert any(norm(caption) in norm(c) for c in got["captions"]), caption


def test_it_refuses_a_file_of_far_more_articles_than_a_page_holds():
    from newspaper.parser import MAX_ARTICLES, ParseError, parse_text

    items = "".join(f"第{n}条消息标题\n\n本报讯 记者程雪报道 第{n}条消息的正文。\n\n" for n in range(MAX_ARTICLES + 50))
    assert len(parse_text(items[: len(items) // 2], date=dt.date(2022, 5, 19), page=2).articles) <= MAX_ARTICLES
    with pytest.raises(ParseError, match=r"^\d+ articles on one page \(at most 300\): not a single page's dump$"):
        parse_text(items, date=dt.date(2022, 5, 19), page=2)
