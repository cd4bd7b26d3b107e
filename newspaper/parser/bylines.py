"""Bylines (本报讯 记者X 通讯员Y报道) and photo credits (记者X 摄), and the people named in them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NAME = r"[\u4e00-\u9fff][\u4e00-\u9fff·]{1,5}"
ROLE_RE = re.compile(r"(?:本报|特约)?(记者|通讯员|实习生|特约记者)")
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
# A credit closes a caption: 记者胡翀 摄 | 记者邹伟锋摄 | 毛朝阳 姚磊 姜璐摄 | 本报记者 X/摄
CREDIT_RE = re.compile(
    rf"(?:^|(?<=[。！？!?”」)）\s]))(?P<credit>(?:(?:本报|浙江日报)?(?:记者|通讯员)\s*)?"
    rf"{NAME}(?:[\s、]+(?:(?:记者|通讯员)\s*)?{NAME})*\s*/?\s*摄(?:影)?)\s*$"
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
    names = [n for n in _names(ROLE_RE.sub(" ", credit.replace("摄影", "").replace("摄", "")))]
    if not names:
        return None
    return line[: m.start("credit")].strip(), names
