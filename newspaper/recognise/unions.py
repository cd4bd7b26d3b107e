"""Trade-union organisations (工会) named in an article.

Each mention is read as written and resolved to a canonical union with its level, its region
(one of Zhejiang's 11 prefecture cities, from the shipped gazetteer) and its parent:
    全总 / 全国总工会 / 中华全国总工会          → 中华全国总工会 (national)
    省总 / 省总工会 / 浙江省总工会              → 浙江省总工会 (provincial)
    杭州市总工会, 德清县总工会, 吴兴区总工会     → city / county, region from the gazetteer
    嘉兴海宁市总工会, 湖州市吴兴区总工会         → 海宁市总工会, 吴兴区总工会 (as written kept)
    德清工会 (headline shorthand)              → 德清县总工会
    康乾街道总工会, X镇总工会                   → street/town
    省直机关工会, 省教育工会                     → provincial organs, industry unions
    武林集团工会, X公司工会                      → enterprise or institution
Generic references (各级工会, 全省总工会, 各市县总工会) and Party bodies (…工委) are not unions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

GAZETTEER = Path(__file__).resolve().parent.parent / "data" / "zhejiang_divisions.json"
NATIONAL = "中华全国总工会"
PROVINCIAL = "浙江省总工会"
ORGANS = "省直机关工会"

PROVINCES = [
    "北京市",
    "天津市",
    "上海市",
    "重庆市",
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "江苏省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "台湾省",
    "内蒙古自治区",
    "广西壮族自治区",
    "西藏自治区",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
]
INDUSTRIES = [
    "教育",
    "金融",
    "邮电",
    "邮政",
    "交通运输",
    "能源化学地质",
    "财贸轻纺烟草",
    "建设建材",
    "机械冶金建材",
    "农林水利气象",
    "海员",
    "铁路",
    "民航",
    "国防",
    "医务",
    "卫生",
    "文化",
    "体育",
    "传媒",
    "科技",
    "电力",
    "石化",
    "商贸",
    "旅游",
    "公路",
    "水利",
    "建设",
    "农林",
    "财贸",
    "交通",
]
ORG_SUFFIX = r"(?:集团|公司|医院|大学|学院|学校|银行|电厂|研究院|研究所|供电局|中心)"
# Characters that end a name on its left: function words a regex would otherwise swallow.
STOP = '由在和与及是对向从经为据让同把被将的了或等各全该本所其之于以、，,。；;：:“”"（）() \n'
NAME_CHARS = rf"[^{re.escape(STOP)}\W]"


@dataclass(frozen=True)
class Union:
    canonical: str
    level: str  # national | provincial | city | county | street | enterprise | industry | organ
    region: str | None = None  # prefecture city, e.g. 湖州市
    parent: str | None = None  # canonical name of the parent union


@dataclass(frozen=True)
class Mention:
    written: str
    union: Union
    start: int


@dataclass
class _Gazetteer:
    city_of: dict[str, str]  # full place name → its prefecture city
    full_of: dict[str, str]  # short name (德清) → full name (德清县)
    longest_first: tuple[str, ...] = ()  # full names, longest first, for prefix matching

    @staticmethod
    def short(name: str) -> str:
        for suffix in ("畲族自治县", "自治县", "市", "县", "区"):
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                return name[: -len(suffix)]
        return name


@cache
def gazetteer() -> _Gazetteer:
    data = json.loads(GAZETTEER.read_text(encoding="utf-8"))
    city_of: dict[str, str] = {}
    for city, places in data.items():
        if city.startswith("_"):
            continue
        city_of[city] = city
        for place in places:
            city_of[place] = city
    full_of = {_Gazetteer.short(name): name for name in city_of}
    return _Gazetteer(city_of, full_of, tuple(sorted(city_of, key=len, reverse=True)))


def _alt(names) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


def _place_union(place: str) -> Union:
    g = gazetteer()
    city = g.city_of[place]
    if place == city:
        return Union(f"{place}总工会", "city", city, PROVINCIAL)
    return Union(f"{place}总工会", "county", city, f"{city}总工会")


@cache
def _patterns():
    g = gazetteer()
    places, shorts = _alt(g.city_of), _alt(g.full_of)
    cities = _alt(c for c in g.city_of if g.city_of[c] == c)
    city_shorts = _alt(_Gazetteer.short(c) for c in g.city_of if g.city_of[c] == c)
    lead = rf"(?:(?:{cities}|{city_shorts}))?"
    # Necessary conditions put first, so that most positions of a text fail at once instead of
    # trying a hundred place names each (3× faster on whole pages; the matches are the same).
    longest = max(map(len, g.city_of))
    before_zgh = rf"(?=[\u4e00-\u9fff]{{1,{2 * longest}}}总工会)"
    before_gh = rf"(?=[\u4e00-\u9fff]{{1,{max(map(len, g.full_of))}}}工会)"
    return [
        (re.compile(r"中华全国总工会|全国总工会"), lambda m: Union(NATIONAL, "national")),
        (re.compile(r"(?<![安健完齐周保成万十求])全总(?![体结量额数线监])"), lambda m: Union(NATIONAL, "national")),
        (re.compile(r"浙江省总工会|(?<![全各])省总工会"), lambda m: Union(PROVINCIAL, "provincial", parent=NATIONAL)),
        (re.compile(r"(?<![全各总])省总(?![工体结量监])"), lambda m: Union(PROVINCIAL, "provincial", parent=NATIONAL)),
        (
            re.compile(rf"(?<!浙江)({_alt(p for p in PROVINCES if p != '浙江省')})总工会"),
            lambda m: Union(f"{m.group(1)}总工会", "provincial", parent=NATIONAL),
        ),
        (re.compile(rf"{before_zgh}{lead}(?P<place>{places})总工会"), lambda m: _place_union(m.group("place"))),
        # Headline shorthand: 德清工会 = 德清县总工会.
        (
            re.compile(
                rf"{before_gh}(?<![\u4e00-\u9fff]{{2}}[省市县区])(?P<short>{shorts})工会(?!委员|干部|主席|组织|工作)"
            ),
            lambda m: _place_union(g.full_of[m.group("short")]),
        ),
        (re.compile(rf"(?P<name>{NAME_CHARS}{{2,8}}?)(?P<kind>街道|镇|乡)总工会"), lambda m: _street(m)),
        (re.compile(rf"{lead}(?P<scope>省直|市直)机关工会"), lambda m: _organ(m)),
        (
            re.compile(rf"(?<![各全])(?P<scope>省|{cities})(?P<industry>{_alt(INDUSTRIES)})(?:产业)?工会"),
            lambda m: _industry(m),
        ),
        # …公司工会委员胡庆辉 is a person's title, not the union acting; …工会委员会 is the union.
        (
            re.compile(rf"(?P<org>{NAME_CHARS}{{2,16}}?{ORG_SUFFIX}(?:有限公司|股份有限公司)?)工会(?:委员会|(?!委员))"),
            lambda m: _enterprise(m),
        ),
    ]


def _region_prefix(name: str) -> tuple[str, str | None]:
    """Split a leading place name off `name`: 德清县康乾 → (康乾, 德清县)."""
    g = gazetteer()
    for full in g.longest_first:
        for form in (full, _Gazetteer.short(full)):
            if name.startswith(form) and len(name) > len(form) + 1:
                return name[len(form) :], full
    return name, None


def _street(m: re.Match) -> Union | None:
    name, place = _region_prefix(m.group("name"))
    g = gazetteer()
    parent = f"{place}总工会" if place else None
    return Union(f"{name}{m.group('kind')}总工会", "street", g.city_of.get(place) if place else None, parent)


def _organ(m: re.Match) -> Union:
    if m.group("scope") == "省直":
        return Union(ORGANS, "organ", parent=PROVINCIAL)
    city = _city_in(m.group(0))
    return Union(f"{city or ''}市直机关工会", "organ", city, f"{city}总工会" if city else None)


def _industry(m: re.Match) -> Union:
    scope, industry = m.group("scope"), m.group("industry")
    if scope == "省":
        return Union(f"浙江省{industry}工会", "industry", parent=PROVINCIAL)
    return Union(f"{scope}{industry}工会", "industry", scope, f"{scope}总工会")


def _enterprise(m: re.Match) -> Union | None:
    org = m.group("org")
    if org.endswith("中心") and len(org) < 5:
        return None
    return Union(f"{org}工会", "enterprise", _city_in(org))


def _city_in(text: str) -> str | None:
    g = gazetteer()
    for full in g.longest_first:
        if text.startswith(full) or text.startswith(_Gazetteer.short(full)):
            return g.city_of[full]
    return None


def find_unions(text: str) -> list[Mention]:
    """Every union mention, left to right, overlapping candidates resolved longest first."""
    candidates = []
    for pattern, build in _patterns():
        for m in pattern.finditer(text):
            union = build(m)
            if union is not None:
                candidates.append((m.start(), m.end(), m.group(0), union))
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    chosen, end = [], -1
    for start, stop, written, union in candidates:
        if start >= end:
            chosen.append(Mention(written, union, start))
            end = stop
    return chosen


def unions_mentioned(text: str, mentions: list[Mention] | None = None) -> list[tuple[str, Union]]:
    """Distinct unions in order of first mention, each with the name as first written; headline
    shorthand (德清工会) is listed by its full name. `mentions`: find_unions(text), if known."""
    seen: dict[str, tuple[str, Union]] = {}
    for mention in find_unions(text) if mentions is None else mentions:
        key = mention.union.canonical
        if key not in seen:
            shorthand = not mention.written.endswith("总工会") and mention.union.level in ("city", "county")
            seen[key] = (mention.union.canonical if shorthand else mention.written, mention.union)
    return list(seen.values())
