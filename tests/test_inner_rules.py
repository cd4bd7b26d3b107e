"""One rule of inner pages a test: small pages written for the purpose, in the dump format (blank
lines between paragraphs, three or more where a photo stood)."""

from __future__ import annotations

from newspaper.parser import parse_text
from newspaper.recognise.unions import unions_mentioned

HEADER = "\n\n第4版 劳动者\n\n2019年6月12日 星期三\n\n"
PHOTO = "\n\n\n\n"


def parse(body: str, header: str = HEADER):
    return parse_text(header + body)


def titles(parsed) -> list[str]:
    return [a.title for a in parsed.articles]


class TestHeader:
    def test_a_page_name_on_its_own_line_under_the_page_number(self):
        parsed = parse(
            "一线职工的书房\n\n本报讯 记者林立报道 新建的职工书屋开放了。\n",
            "\n第3版\n新闻·观察\n2025年3月18日 星期二\n\n",
        )
        assert (parsed.page_number, parsed.page_name) == (3, "新闻·观察")
        assert titles(parsed) == ["一线职工的书房"]

    def test_a_page_name_with_a_colon_on_the_line_under_the_page_number(self):
        parsed = parse(
            "嘉兴市总启动 服务月\n\n本报讯 记者林立报道 服务月启动了。\n",
            "\n2025年1月14日 星期二\n\n第2版\n\n工会：\n\n",
        )
        assert (parsed.page_number, parsed.page_name) == (2, "工会")
        assert titles(parsed) == ["嘉兴市总启动 服务月"]


class TestPeople:
    def test_stacked_titles_are_part_of_the_role(self):
        parsed = parse("会议召开\n\n本报讯 浙江日报记者 王可心 本报见习记者 孟晓舟报道 会议昨天召开。\n")
        assert parsed.articles[0].reporters == ["王可心", "孟晓舟"]


class TestHeadlines:
    def test_a_line_opening_with_a_dash_is_the_subtitle(self):
        parsed = parse("从学徒到“特级技师”\n\n——一家汽配企业的育才路\n\n■通讯员金露 记者柯亦凡\n\n车间里很安静。\n")
        article = parsed.articles[0]
        assert (article.kicker, article.title, article.subtitle) == (
            None,
            "从学徒到“特级技师”",
            "——一家汽配企业的育才路",
        )

    def test_a_slogan_of_two_halves_over_a_descriptive_line_is_title_and_subtitle(self):
        parsed = parse(
            "本报讯 记者林立报道 新建的职工书屋开放了。\n\n一窑青瓷 半生匠心\n\n一位烧窑师傅的一天"
            + PHOTO
            + "清晨,师傅已在窑前守了一夜。\n\n他带出了二十多名徒弟。\n\n记者 林立 摄\n",
            HEADER + "书屋开放\n\n",
        )
        photo = parsed.articles[1]
        assert (photo.title, photo.subtitle, photo.kind) == ("一窑青瓷 半生匠心", "一位烧窑师傅的一天", "photo")
        assert len(photo.captions) == 2 and photo.photographers == ["林立"]
        assert parsed.articles[0].body == "新建的职工书屋开放了。"


class TestItemsWithoutByline:
    def test_a_dated_item_after_an_uncredited_caption_is_its_own_news(self):
        parsed = parse(
            "本报讯 记者林立报道 驿站开张了。\n\n冬日里的“爱心早餐”"
            + PHOTO
            + "环卫工人在驿站享用免费早餐\n\n服务地图 上线\n\n近日,市总工会上线了服务地图。\n\n地图标注了站点。\n",
            HEADER + "驿站开张\n\n",
        )
        assert titles(parsed) == ["驿站开张", "冬日里的“爱心早餐”", "服务地图 上线"]
        assert [a.kind for a in parsed.articles] == ["news", "photo", "news"]
        assert parsed.articles[1].captions == ["环卫工人在驿站享用免费早餐"]

    def test_several_captions_closed_by_a_credit_alone_stay_with_their_photo(self):
        parsed = parse(
            "本报讯 记者林立报道 比赛落幕了。\n\n寒假前的“技能体检”"
            + PHOTO
            + "1月3日,学生们正在进行期末技能考核。\n\n考核内容与岗位对接。\n\n"
            "图为学生在加工零件\n\n包永红 项晓敏 摄\n\n"
            "从“门外汉”到“金牌工”\n\n■本报记者 葛鸿飞\n\n清晨六点半,车间里已经热浪滚滚。\n",
            HEADER + "比赛落幕\n\n",
        )
        assert titles(parsed) == ["比赛落幕", "寒假前的“技能体检”", "从“门外汉”到“金牌工”"]
        photo = parsed.articles[1]
        assert photo.kind == "photo" and len(photo.captions) == 3 and photo.photographers == ["包永红", "项晓敏"]

    def test_two_short_paragraphs_under_a_photo_without_credit_are_its_captions(self):
        parsed = parse(
            "本报讯 记者林立报道 比赛落幕了。\n\n义诊进园区"
            + PHOTO
            + "7月8日,区总工会组织医疗志愿者走进园区企业。\n\n当天共有300余名职工接受了义诊。\n",
            HEADER + "比赛落幕\n\n",
        )
        photo = parsed.articles[1]
        assert (photo.kind, len(photo.captions), photo.body) == ("photo", 2, "")

    def test_a_short_line_under_a_captioned_photo_is_the_next_items_title_not_a_column(self):
        parsed = parse(
            "运河晨光"
            + PHOTO
            + "清晨,几位环卫工人沿着运河步道散步。刘畅/摄\n\n焊花\n\n■林涛\n\n夜班的车间里\n一束蓝光落下\n"
        )
        assert [(a.title, a.kind, a.column) for a in parsed.articles] == [
            ("运河晨光", "photo", None),
            ("焊花", "feature", None),
        ]


class TestSignedPieces:
    def test_a_name_alone_ends_the_commentary_and_heads_nothing(self):
        parsed = parse(
            "送温暖 贵在“送得准”\n\n送温暖年年都在做。\n\n关键是送到最需要的人手里。\n\n严哲\n\n"
            "省交通运输工会开展 安全检查\n\n本报讯 记者何新宇报道 检查开始了。\n"
        )
        commentary, news = parsed.articles
        assert (commentary.byline, commentary.kind) == ("严哲", "feature")
        assert (news.kicker, news.title) == (None, "省交通运输工会开展 安全检查")

    def test_a_rubric_over_the_commentary_is_its_column(self):
        parsed = parse(
            "本报讯 记者林立报道 夜校开课了。\n\n职教漫谈\n\n技能证书不是“终点站”\n\n考证的热情越来越高。\n\n"
            "拿了证还要有舞台。\n\n秦川\n",
            HEADER + "夜校开课\n\n",
        )
        piece = parsed.articles[-1]
        assert (piece.column, piece.title, piece.byline) == ("职教漫谈", "技能证书不是“终点站”", "秦川")
        assert piece.body.startswith("考证")

    def test_an_essay_after_a_poem_is_a_piece_of_its_own(self):
        parsed = parse(
            "夜班\n\n■ 林晚\n\n城市睡着的时候\n母亲醒着\n流水线上的灯\n\n回家的路上\n一个给明天\n\n"
            "读懂“工匠”二字\n\n“工”是规矩,“匠”是手艺。\n\n功夫是在岁月里慢慢磨出来的。方知远\n"
        )
        assert titles(parsed) == ["夜班", "读懂“工匠”二字"]
        assert parsed.articles[1].byline == "方知远" and "一个给明天" in parsed.articles[0].body


class TestUnions:
    def names(self, text: str) -> list[str]:
        return [written for written, _ in unions_mentioned(text)]

    def test_industry_unions_of_a_district_or_a_trade(self):
        assert self.names("上城区教育工会选送了合唱团。") == ["上城区教育工会"]
        assert self.names("嵊州市领带行业工会牵头协商。") == ["嵊州市领带行业工会"]
        assert self.names("浙江省教育工会举办竞赛。") == ["浙江省教育工会"]

    def test_a_brand_before_the_place_is_part_of_the_name_a_verb_is_not(self):
        assert self.names("当天,国网缙云县供电公司工会慰问职工。") == ["国网缙云县供电公司工会"]
        assert self.names("记者走进衢州市公路管理局工会的书屋。") == ["衢州市公路管理局工会"]

    def test_two_unions_joined_by_a_verb_are_two(self):
        names = self.names("省交通运输工会联合省交通投资集团工会开展检查。")
        assert names == ["省交通运输工会", "省交通投资集团工会"]

    def test_a_district_union_written_with_its_city_a_zone_and_a_railway_depot(self):
        assert self.names("杭州市滨江区教育工会组织教师合唱。") == ["杭州市滨江区教育工会"]
        assert self.names("宁波杭州湾新区总工会组织义诊。") == ["宁波杭州湾新区总工会"]
        assert self.names("杭州机务段工会为司机送去年货。") == ["杭州机务段工会"]

    def test_the_company_s_union_named_before_is_no_new_union(self):
        assert self.names("他遇到难处,便找到公司工会求助。") == []

    def test_a_verb_before_a_bare_town_union_names_no_town(self):
        assert "说起镇总工会" not in self.names("在苏溪镇,说起镇总工会的调解室,人人都知道。")
