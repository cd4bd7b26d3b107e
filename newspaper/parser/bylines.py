"""Bylines (本报讯 记者X 通讯员Y报道) and photo credits (记者X 摄), and the people named in them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NAME = r"[\u4e00-\u9fff][\u4e00-\u9fff·]{1,5}"
# A role with the titles that may stand before it (见习记者, 特约记者, 首席记者, 浙江日报记者…): the
# title is part of the role, never a name.
# Titles stack: 本报见习记者, 浙江日报特约记者.
TITLE = r"(?:本报|特约|见习|实习|首席|摄影|[\u4e00-\u9fff]{2,4}日报)"
ROLE = rf"{TITLE}{{0,2}}(?:记者|通讯员|实习生)"
ROLE_RE = re.compile(rf"{TITLE}{{0,2}}(记者|通讯员|实习生)")
SEP_RE = re.compile(r"[\s、,，/]+")

# 本报讯 记者X 通讯员Y报道 | 本报讯 X报道 | 本报讯(记者 X) | 新华社杭州5月18日电(记者X)
_AGENCY = r"(?:本报讯|本报[^\s，,。]{0,8}电|新华社[^\s，,。]{0,10}电|[^\s，,。]{2,6}社[^\s，,。]{0,10}电)"
BYLINE_RES = (
    re.compile(rf"^(?P<byline>{_AGENCY}\s*(?P<who>[^。，,“\"]{{0,40}}?)\s*报道)\s*(?P<rest>.*)$"),
    re.compile(rf"^(?P<byline>{_AGENCY}\s*[(（](?P<who>[^)）]{{1,40}})[)）])\s*(?P<rest>.*)$"),
    # Without 本报讯 the byline must name a role, or any sentence with 报道 would match.
    re.compile(
        rf"^(?P<byline>(?P<who>(?:[\u4e00-\u9fff]{{2,8}}(?:日报|晚报|报|社|台|网))?(?:记者|通讯员)\s*{NAME}"
        rf"(?:[\s、,，]+(?:(?:记者|通讯员)\s*)?{NAME})*)\s*报道)\s*(?P<rest>.*)$"
    ),
)
# A credit closes a caption: 记者胡翀 摄 | 记者邹伟锋摄 | 毛朝阳 姚磊 姜璐摄 | 本报记者 X/摄 |
# 通讯员杨菁 记者周金友 摄影报道 (a photo story's credit, on its own line or closing the caption)
CREDIT_RE = re.compile(
    rf"(?:^|(?<=[。！？!?”」)）\s]))(?P<credit>(?:{ROLE}\s*)?"
    rf"{NAME}(?:[\s、,，]+(?:{ROLE}\s*)?{NAME})*\s*/?\s*摄(?:影报道|影)?)\s*$"
)
# A feature's byline marked ■ at the start of a line: the whole line (■通讯员周建巨、柳庭和 |
# ■本报记者 金晓燕 通讯员 童可欣、翁立 | ■毛朝阳 霍群洪), or run into the first paragraph, where
# only 、 or a role word joins a further name (■缪孔文 七月的午后…: 七月的午后 is text).
_SQUARE = r"^[■□▲◆]\s*"
_JOINED = rf"(?:{ROLE}\s*)?{NAME}(?:\s*[、,，]\s*{NAME}|\s*{ROLE}\s*{NAME})*"
SQUARE_BYLINE_RES = (
    re.compile(rf"{_SQUARE}(?P<byline>(?P<who>(?:{ROLE}\s*)?{NAME}(?:[\s、,，]+(?:{ROLE}\s*)?{NAME})*))\s*$"),
    re.compile(rf"{_SQUARE}(?P<byline>(?P<who>{_JOINED}))\s+(?P<rest>\S.*)$"),
)


@dataclass
class People:
    reporters: list[str] = field(default_factory=list)
    correspondents: list[str] = field(default_factory=list)
    other_authors: list[str] = field(default_factory=list)


def _names(text: str) -> list[str]:
    text = re.sub(r"(报道|摄影?|/)$", "", text.strip())
    return [n for n in SEP_RE.split(text) if re.fullmatch(NAME, n)]


def people_in(who: str) -> People:
    """Split the name part of a byline by role. Text before the first role word is the outlet
    (浙江日报记者X) when a role follows it, else the names of authors without a role."""
    people = People()
    parts = ROLE_RE.split(who)
    lead, rest = parts[0], parts[1:]
    if not rest:
        people.other_authors = _names(lead)
    for role, names in zip(rest[0::2], rest[1::2], strict=True):
        target = people.correspondents if role == "通讯员" else people.reporters
        target.extend(_names(names))
    return people


def match_byline(line: str):
    """(byline, People, rest of the paragraph) when the paragraph opens with a byline."""
    for pattern in SQUARE_BYLINE_RES:
        m = pattern.match(line)
        if m:
            rest = m.group("rest") if "rest" in pattern.groupindex else ""
            return m.group("byline").strip(), people_in(m.group("who")), rest.strip()
    if line.rstrip().endswith("摄影报道") and split_credit(line):  # a photo story's credit, not a byline
        return None
    for pattern in BYLINE_RES:
        m = pattern.match(line)
        if m:
            people = people_in(m.group("who"))
            if pattern is BYLINE_RES[2] and not (people.reporters or people.correspondents):
                continue
            return m.group("byline").strip(), people, m.group("rest").strip()
    return None


def split_credit(line: str) -> tuple[str, list[str]] | None:
    """(caption text without the credit, photographers) when the line ends with a photo credit."""
    m = CREDIT_RE.search(line)
    if not m:
        return None
    credit = m.group("credit")
    names = [n for n in _names(ROLE_RE.sub(" ", re.sub(r"摄(影报道|影)?$", "", credit)))]
    if not names:
        return None
    return line[: m.start("credit")].strip(), names


# A signed piece (评论, 随笔) ends with its author's name after the last sentence, or on a line
# of its own: …温暖之家。汪诚
SIGNATURE_RE = re.compile(
    r"^(?P<text>.*[。！？!?”」』…])\s*(?P<name>[\u4e00-\u9fff]{2,3})$|^(?P<alone>[\u4e00-\u9fff]{2,3})$"
)


# Common Chinese surnames (single-character ones, covering the great majority of people): a
# signature is a person's name, where a column break leaves any two or three characters.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦"
    "戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻"
    "苑迟邝封钭楼郁竺诸葛"
)


def split_signature(line: str, after_sentence: bool) -> tuple[str, str] | None:
    """(the text without it, the name) when the line ends with an author's signature; a name
    alone counts only right after a finished sentence (`after_sentence`)."""
    m = SIGNATURE_RE.match(line.strip())
    if not m:
        return None
    name = m.group("alone") or m.group("name")
    if name[0] not in SURNAMES or name[-1] in "市县区省镇乡村街路":
        return None
    if m.group("alone"):
        return ("", name) if after_sentence else None
    return m.group("text"), name
