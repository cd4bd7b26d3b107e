"""The masthead (报头) and the page furniture around the articles: dates, running number, CN and
postal codes at the top; hotline, 责任编辑 and 版面设计 at the bottom."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from .bylines import match_byline

DASH = r"[-‐‑‒–—―−－~～]"
CN_RE = re.compile(rf"CN\s*(\d{{2}})\s*{DASH}+\s*(\d{{4}})(?:\s*/\s*([A-Z]))?", re.I)
DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
ISO_DATE_RE = re.compile(r"\b(\d{4})[-./](\d{1,2})[-./](\d{1,2})\b")
LUNAR_RE = re.compile(
    r"[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]年"
    r"闰?[正一二三四五六七八九十冬腊]{1,2}月"
    r"(?:初[一二三四五六七八九十]|十[一二三四五六七八九]?|二十|廿[一二三四五六七八九]?|三十|卅)"
)
WEEKDAY_RE = re.compile(r"星期[一二三四五六日天]|周[一二三四五六日天]")
NUMBER_RE = re.compile(r"总\s*第\s*(\d{3,6})\s*[号期]")
POSTAL_RE = re.compile(rf"邮发代号\s*[:：]?\s*(\d{{1,3}})\s*{DASH}+\s*(\d{{1,4}})")
# The page's own line: 第2版 工会 | 00002版:工会 | 第3版 职业·教育 (the page number, the page name 版名).
PAGE_RE = re.compile(
    r"(?:第\s*(\d{1,3})\s*版|(?:^|(?<=\s))0*(\d{1,3})\s*版)"
    r"(?:\s*[:：]?\s*(?P<name>[\u4e00-\u9fff][\u4e00-\u9fff·・]{0,9}))?(?=\s|$)"
)
PAGE_NAME_RE = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff·・]{1,7}")
CREDIT_RE = re.compile(r"(责任编辑|版面设计|美术编辑|校对)\s*[:：]\s*([\u4e00-\u9fff·]{2,4})")
# Lines of the masthead block; everything from the top of the page down to the last of them is
# masthead (QR-code slogans and the motto sit between them).
MASTHEAD_KEYS = re.compile(
    r"^(电子版|电子邮件|电子信箱|电子邮箱|网址|国内统一(连续出版物)?刊?号|国内统一连续出版物号|"
    r"邮发代号|社址|邮编|本报地址|广告许可证|订阅|发行)\s*[:：]|总第\s*\d+\s*[号期]|"
    r"公众号$|二维码|扫码|掌上娘家|^倾情关注劳动群体|^[\u4e00-\u9fff]{2,8}(日报|工人报)$"
)
WEEKDAYS = "一二三四五六日"


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def is_footer(line: str) -> bool:
    """Hotline boxes and phone numbers printed in the page margin, not article text."""
    if len(line) > 24 and "热线" not in line:  # every line is asked: most fail here, unnormalised
        return False
    flat = nfkc(line).replace(" ", "")
    return (
        bool(re.fullmatch(r"\d{7,8}|\(?0\d{2,3}\)?-?\d{7,8}", flat))
        or "新闻服务热线" in flat
        or flat
        in (
            "新闻热线",
            "读者热线",
        )
    )


def page_credits(line: str) -> dict[str, str] | None:
    """责任编辑:X 版面设计:Y on one or two lines → {'editor': X, 'designer': Y}."""
    if not any(word in line for word in ("编辑", "设计", "校对")):  # every line is asked: most fail here
        return None
    flat = nfkc(line)
    found = CREDIT_RE.findall(flat)
    if not found or len(CREDIT_RE.sub("", flat).strip(" |/")) > 2:
        return None
    roles = {"责任编辑": "editor", "版面设计": "designer", "美术编辑": "designer", "校对": "proofreader"}
    return {roles[key]: name for key, name in found}


def masthead_end(lines: list[str], window: int = 24) -> int:
    """Index of the first line after the masthead block (0 when the page has none). The block
    lies within the first `window` non-empty lines and never past the first byline."""
    end = 0
    seen = 0
    unnamed_page = False  # the line before was 第2版 without its name
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        seen += 1
        if seen > window or match_byline(line.strip()):
            break
        flat = nfkc(line).strip()
        if MASTHEAD_KEYS.search(flat) or is_furniture(flat) or (unnamed_page and is_page_name(flat)):
            end = i + 1
        page = PAGE_RE.search(flat)
        unnamed_page = bool(page) and not page.group("name")
    return end


def is_page_name(flat: str) -> bool:
    """The page's name on a line of its own (工会, 职业·教育, 工会：)."""
    return bool(PAGE_NAME_RE.fullmatch(flat.rstrip(":："))) and len(flat.rstrip(":：")) <= 5


def is_furniture(flat: str) -> bool:
    """A line made only of the page's dateline and its own name: 2023年3月15日 星期三, 第2版 工会,
    壬寅年四月十九, 00002版:工会 (the top of an inner page), in any combination."""
    rest = flat
    for pattern in (PAGE_RE, DATE_RE, LUNAR_RE, WEEKDAY_RE):
        rest = pattern.sub(" ", rest)
    return rest != flat and not rest.strip(" |/·,，:：")


def read_masthead(text: str) -> dict:
    """Metadata from the masthead block. Values are None where the dump does not say."""
    flat = nfkc(text)
    meta: dict = {}
    m = DATE_RE.search(flat)
    if m:
        try:
            meta["date"] = dt.date(*map(int, m.groups()))
        except ValueError:
            meta["bad_date"] = m.group(0)
    m = LUNAR_RE.search(flat)
    meta["lunar_date"] = m.group(0) if m else None
    m = WEEKDAY_RE.search(flat)
    meta["weekday"] = ("星期" + m.group(0)[-1].replace("天", "日")) if m else None
    m = NUMBER_RE.search(flat)
    meta["number"] = int(m.group(1)) if m else None
    m = CN_RE.search(flat)
    meta["cn"] = f"CN{m.group(1)}-{m.group(2)}" + (f"/{m.group(3).upper()}" if m and m.group(3) else "") if m else None
    m = POSTAL_RE.search(flat)
    meta["postal_code"] = f"{m.group(1)}-{m.group(2)}" if m else None
    meta["page_name"] = None
    lines = [line.strip() for line in flat.splitlines() if line.strip()]
    for n, line in enumerate(lines):
        m = PAGE_RE.search(line)
        if m:
            meta["page_number"] = int(m.group(1) or m.group(2))
            # the name on the next line of the block when the page's line has none (第3版 / 新闻·观察)
            after = lines[n + 1] if n + 1 < len(lines) else ""
            meta["page_name"] = m.group("name") or (after.rstrip(":：") if is_page_name(after) else None)
            break
    # A front page's masthead (its CN and postal code) makes it page 1, 总第N号 or not.
    meta["front_page"] = bool(meta["cn"] or meta["postal_code"] or meta["number"])
    return meta


def weekday_of(date: dt.date) -> str:
    return "星期" + WEEKDAYS[date.weekday()]
