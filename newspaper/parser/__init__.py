"""The OCR-dump parser: bytes in, plain data out. No Django import here (tests check it).

page = parse_dump(data)               # ParsedPage, or ParseError with a one-line reason
page.to_json()                        # the shape of ../shared/gold/SCHEMA.md
"""

from __future__ import annotations

import datetime as dt

from .decoding import decode
from .layout import Unit, articles_from_units
from .masthead import is_footer, masthead_end, page_credits, read_masthead, weekday_of
from .model import ParsedArticle, ParsedPage, ParseError
from .reasons import reason

__all__ = ["MAX_ARTICLES", "ParseError", "ParsedArticle", "ParsedPage", "parse_dump", "parse_text"]

# A page of the paper holds a few dozen items at most (the densest sample: 10). Far more is not
# one page: an export of a whole archive, or a file of another kind, which would go on to be
# stored as one page of thousands of articles (one of 21,393 was uploaded once).
MAX_ARTICLES = 300


def parse_dump(data: bytes, *, date: dt.date | None = None, page: int | None = None) -> ParsedPage:
    """Parse one page dump. `date` and `page` supply what the dump lacks; they never override
    what it says (a mismatch is reported as a warning)."""
    text, encoding = decode(data)
    parsed = parse_text(text, date=date, page=page)
    parsed.encoding = encoding
    return parsed


def parse_text(text: str, *, date: dt.date | None = None, page: int | None = None) -> ParsedPage:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ").split("\n")
    if not any(line.strip() for line in lines):
        raise ParseError(reason("the file is empty"))
    top = masthead_end(lines)
    meta = read_masthead("\n".join(lines[:top]) if top else "\n".join(lines[:12]))
    warnings: list[str] = []
    found = meta.pop("date", None)
    if "bad_date" in meta:
        warnings.append(reason("the masthead date {date} is not a real date", date=meta.pop("bad_date")))
    if found and date and found != date:
        warnings.append(
            reason("the dump says {found}, not {given} as given", found=found.isoformat(), given=date.isoformat())
        )
    issue_date = found or date
    if issue_date is None:
        raise ParseError(reason("no issue date in the masthead (give one with --date)"))
    if meta["weekday"] and meta["weekday"] != weekday_of(issue_date):
        warnings.append(
            reason(
                "{weekday} does not match {date} ({actual})",
                weekday=meta["weekday"],
                date=issue_date.isoformat(),
                actual=weekday_of(issue_date),
            )
        )
    page_number = meta.pop("page_number", None) or page
    if page_number is None and meta.pop("front_page", False):
        page_number = 1  # only the front page carries the masthead (CN, 邮发代号, 总第N号)
    meta.pop("front_page", None)

    credits: dict[str, str] = {}
    units: list[Unit] = []
    gap = 0
    for line in lines[top:]:
        stripped = " ".join(line.split())
        if not stripped:
            gap += 1
            continue
        found_credits = page_credits(stripped)
        if found_credits:
            credits.update(found_credits)
        elif not is_footer(stripped):
            units.append(Unit(stripped, gap))
        gap = 0
    articles, layout_warnings = articles_from_units(units)
    if len(articles) > MAX_ARTICLES:
        raise ParseError(
            reason(
                "{count} articles on one page (at most {limit}): not a single page's dump",
                count=len(articles),
                limit=MAX_ARTICLES,
            )
        )
    warnings.extend(layout_warnings)
    if not articles:
        warnings.append(reason("no articles found on the page"))
    return ParsedPage(
        date=issue_date,
        page_number=page_number,
        editor=credits.get("editor"),
        designer=credits.get("designer"),
        articles=articles,
        warnings=warnings,
        **meta,
    )
