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
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from newspaper.recognise.union_words import GENERIC, INDUSTRIES, NAME_CHARS, ORG_SUFFIX, PROVINCES, STOP, ZONES

GAZETTEER = Path(__file__).resolve().parent.parent / "data" / "zhejiang_divisions.json"
NATIONAL = "中华全国总工会"
PROVINCIAL = "浙江省总工会"
ORGANS = "省直机关工会"


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
    inferred: bool = False  # 市总工会 without its place, read from the article's other places


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
def _near(word: str, reach: int) -> str:
    """A lookahead that fails at once where `word` is not within `reach` word characters: a
    necessary condition put before a pattern whose alternations of names would otherwise be
    tried at every position of a text (the matches are the same; find_unions 2-3× faster)."""
    return rf"(?=\w{{0,{reach}}}{word})"


@cache
def _patterns() -> list[tuple[str, re.Pattern, Callable]]:
    """(a word every match holds, the pattern, what a match means): a text without the word
    is not searched with the pattern at all."""
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
        ("全国总工会", re.compile(r"中华全国总工会|全国总工会"), lambda m: Union(NATIONAL, "national")),
        (
            "全总",
            re.compile(r"(?<![安健完齐周保成万十求])全总(?![体结量额数线监])"),
            lambda m: Union(NATIONAL, "national"),
        ),
        (
            "省总工会",
            re.compile(r"浙江省总工会|(?<![全各])省总工会"),
            lambda m: Union(PROVINCIAL, "provincial", parent=NATIONAL),
        ),
        (
            "省总",
            re.compile(r"(?<![全各总])省总(?![工体结量监])"),
            lambda m: Union(PROVINCIAL, "provincial", parent=NATIONAL),
        ),
        (
            "总工会",
            re.compile(
                rf"{_near('总工会', max(map(len, PROVINCES)))}(?<!浙江)"
                rf"({_alt(p for p in PROVINCES if p != '浙江省')})总工会"
            ),
            lambda m: Union(f"{m.group(1)}总工会", "provincial", parent=NATIONAL),
        ),
        (
            "总工会",
            re.compile(rf"{before_zgh}{lead}(?P<place>{places})总工会"),
            lambda m: _place_union(m.group("place")),
        ),
        # Headline shorthand: 德清工会 = 德清县总工会.
        (
            "工会",
            re.compile(
                rf"{before_gh}(?<![\u4e00-\u9fff]{{2}}[省市县区])(?P<short>{shorts})工会(?!委员|干部|主席|组织|工作)"
            ),
            lambda m: _place_union(g.full_of[m.group("short")]),
        ),
        # Headline shorthand: 丽水市总 = 丽水市总工会 (not 市总人口, 县总书记…).
        (
            "总",
            re.compile(rf"(?P<place>{places})总(?![工书经体结量额数部裁监队局站支人面值计产收价])"),
            lambda m: _place_union(m.group("place")) if m.group("place")[-1] in "市县区" else None,
        ),
        (
            "总工会",
            re.compile(rf"{_near('总工会', 10)}(?P<name>{NAME_CHARS}{{2,8}}?)(?P<kind>街道|镇|乡)总工会"),
            lambda m: _street(m),
        ),
        # Joint unions of new forms of employment and of a district's firms: …联合工会(委员会)
        (
            "工会",
            re.compile(rf"{_near('工会', 22)}(?P<name>{NAME_CHARS}{{2,20}}?)(?P<kind>联合工会|工会联合会)(?:委员会)?"),
            lambda m: _joint(m),
        ),
        (
            "机关工会",
            re.compile(rf"{_near('机关工会', longest + 2)}{lead}(?P<scope>省直|市直)机关工会"),
            lambda m: _organ(m),
        ),
        (
            "工会",
            re.compile(
                rf"(?<![各全]){_near('工会', longest + 2 + max(map(len, g.city_of)) + max(map(len, INDUSTRIES)) + 2)}"
                rf"(?:{lead}(?=[\u4e00-\u9fff]{{2,}}[县区市]))?(?P<scope>(?:浙江)?省|{places})"
                rf"(?P<industry>{_alt(INDUSTRIES)})(?:产业)?工会"
            ),
            lambda m: _industry(m),
        ),
        # Development zones the gazetteer does not list: 宁波杭州湾新区总工会
        (
            "总工会",
            re.compile(rf"(?P<lead>{cities}|{city_shorts})(?P<zone>{NAME_CHARS}{{1,6}}?{ZONES})总工会"),
            lambda m: _zone(m),
        ),
        # A trade of a place: 嵊州市领带行业工会
        (
            "行业工会",
            re.compile(rf"(?P<scope>{places})(?P<industry>[\u4e00-\u9fff]{{2,6}}?)行业工会"),
            lambda m: _industry(m, "行业"),
        ),
        # …公司工会委员胡庆辉 is a person's title, not the union acting; …工会委员会 is the union.
        (
            "工会",
            re.compile(
                rf"{_near('工会', 16 + 3 + 6)}"  # the name, the longest suffix, 股份有限公司
                rf"(?P<org>{NAME_CHARS}{{2,16}}?{ORG_SUFFIX}(?:有限公司|股份有限公司)?)工会(?:委员会|(?!委员))"
            ),
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


def _joint(m: re.Match) -> Union | None:
    name = m.group("name")
    if any(word in name for word in GENERIC):
        return None
    place = _region_prefix(name)[1]
    g = gazetteer()
    return Union(f"{name}{m.group('kind')}", "enterprise", g.city_of.get(place) if place else None)


def _street(m: re.Match) -> Union | None:
    if any(word in m.group("name") for word in GENERIC) or STREET_VERB_RE.match(m.group("name")):
        return None  # 说起镇总工会: the town's union, its name given elsewhere
    name, place = _region_prefix(m.group("name"))
    g = gazetteer()
    parent = f"{place}总工会" if place else None
    return Union(f"{name}{m.group('kind')}总工会", "street", g.city_of.get(place) if place else None, parent)


def _organ(m: re.Match) -> Union:
    if m.group("scope") == "省直":
        return Union(ORGANS, "organ", parent=PROVINCIAL)
    city = _city_in(m.group(0))
    return Union(f"{city or ''}市直机关工会", "organ", city, f"{city}总工会" if city else None)


def _zone(m: re.Match) -> Union:
    g = gazetteer()
    city = g.city_of.get(m.group("lead")) or g.city_of[g.full_of[m.group("lead")]]
    return Union(m.group(0), "county", city, f"{city}总工会")


def _industry(m: re.Match, trade: str = "") -> Union:
    scope, industry = m.group("scope"), m.group("industry") + trade
    if scope.endswith("省"):
        return Union(f"浙江省{industry}工会", "industry", parent=PROVINCIAL)
    return Union(f"{scope}{industry}工会", "industry", gazetteer().city_of[scope], f"{scope}总工会")


def _enterprise(m: re.Match) -> Union | None:
    org = m.group("org")
    if "工会" in org:  # two names in one match: 省交通运输工会联合省交通投资集团 → the last one
        org = LEADING_LINK_RE.sub("", org.rsplit("工会", 1)[1])
        if len(org) < 3:
            return None
    if (org.endswith("中心") and len(org) < 5) or any(word in org for word in GENERIC):
        return None
    if len(org) <= 3 and org.endswith(("局", "站", "所")):  # 该局, 本所: a reference, not a name
        return None
    if REFERENCE_RE.search(org):  # 便找到公司工会: "the company's union", named before
        return None
    org = _from_place(org)
    return Union(f"{org}工会", "enterprise", _city_in(org))


def _from_place(org: str) -> str:
    """An organisation named with its place starts at the place: 走进衢州市公路管理局 → 衢州市公路管理局;
    a brand before the place is part of the name (国网缙云县供电公司)."""
    g = gazetteer()
    found = [i for full in g.longest_first if (i := org.find(full)) > 0]
    if not found:
        return org
    lead = org[: min(found)]
    return org if len(lead) <= 4 and not LEAD_VERB_RE.search(lead) else org[min(found) :]


# Words that stand before a name without being part of it.
LEAD_VERB_RE = re.compile(
    r"(走进|来到|前往|深入|赶赴|到了|说起|提起|作为|联合|携手|组织|邀请|帮助|慰问|支持|[在到赴进至])$"
)
REFERENCE_RE = re.compile(r"(找到|来到|走进|到|在|向|和|与|是|去|找)(公司|集团|医院|学校)$")
LEADING_LINK_RE = re.compile(r"^(联合|携手|会同|和|与|及|同)")


def _city_in(text: str) -> str | None:
    g = gazetteer()
    for full in g.longest_first:
        if text.startswith(full) or text.startswith(_Gazetteer.short(full)):
            return g.city_of[full]
    return None


def find_unions(text: str) -> list[Mention]:
    """Every union mention, left to right, overlapping candidates resolved longest first."""
    candidates = []
    for word, pattern, build in _patterns():
        if word not in text:
            continue
        for m in pattern.finditer(text):
            union = build(m)
            if union is not None:
                start, written = m.start(), m.group(0)
                cut = written.find(union.canonical) if union.level == "enterprise" else 0
                if cut > 0:  # the match began before the organisation's name (走进…)
                    start, written = start + cut, union.canonical
                candidates.append((start, m.end(), written, union))
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    chosen, end = [], -1
    for start, stop, written, union in candidates:
        if start >= end:
            chosen.append(Mention(written, union, start))
            end = stop
    return _with_bare(text, chosen)


STREET_VERB_RE = re.compile(r"^(说起|提起|来到|走进|前往|谈起|问起|找到)")
BARE_RE = re.compile(
    r"(?<![\u4e00-\u9fff])(?P<level>市|县|区|街道|镇)总工会"
    r"|(?<=[在由和与及对向从经为据让同把被将的了、，,。“])(?P<level2>市|县|区|街道|镇)总工会"
)
STREET_RE = re.compile(rf"(?P<name>[^市县区{re.escape(STOP)}\W]{{2,3}})(?P<kind>街道|镇)")


def _with_bare(text: str, chosen: list[Mention]) -> list[Mention]:
    """市总工会 (县/区总工会) written without its place, in an article about one city or county:
    the union of the place the article names first at that level."""
    taken = [(m.start, m.start + len(m.written)) for m in chosen]
    extra = []
    for m in BARE_RE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        level = m.group("level") or m.group("level2")
        union = _street_named(text, level) if level in ("街道", "镇") else None
        if level not in ("街道", "镇"):
            place = _first_place(text, level, chosen)
            union = _place_union(place) if place else None
        if union:
            extra.append(Mention(m.group(0), union, m.start(), inferred=True))
    return sorted([*chosen, *extra], key=lambda m: m.start) if extra else chosen


def _street_named(text: str, level: str) -> Union | None:
    """街道总工会 without its name: the street (or town) the article names first, with its place."""
    for m in STREET_RE.finditer(text):
        if m.group("kind") == level and not any(word in m.group("name") for word in GENERIC):
            before = text[max(0, m.start() - 8) : m.start()]  # 临海市 in 临海市靖江街道
            g = gazetteer()
            county = next((p for p in g.longest_first if before.endswith(p)), None)
            city = g.city_of.get(county) if county else None
            return Union(f"{m.group('name')}{level}总工会", "street", city, f"{county}总工会" if county else None)
    return None


def _first_place(text: str, level: str, chosen: list[Mention]) -> str | None:
    g = gazetteer()
    for mention in chosen:  # a union of the place named already
        name = mention.union.canonical.removesuffix("总工会")
        if mention.union.level in ("city", "county") and name.endswith(level):
            return name
    found = [(text.find(place), place) for place in g.longest_first if place.endswith(level) and place in text]
    return min(found)[1] if found else None


def unions_mentioned(text: str, mentions: list[Mention] | None = None) -> list[tuple[str, Union]]:
    """Distinct unions in order of first mention, each with the name as first written; headline
    shorthand (德清工会) is listed by its full name. `mentions`: find_unions(text), if known."""
    seen: dict[str, tuple[str, Union]] = {}
    for mention in find_unions(text) if mentions is None else mentions:
        key = mention.union.canonical
        if key not in seen:
            shorthand = mention.inferred or (
                not mention.written.endswith("总工会") and mention.union.level in ("city", "county")
            )
            seen[key] = (mention.union.canonical if shorthand else mention.written, mention.union)
    return list(seen.values())
