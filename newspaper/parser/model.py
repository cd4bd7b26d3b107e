"""Plain data the parser returns: no Django here, so it is cheap to test and to reuse."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field


@dataclass
class ParsedArticle:
    title: str
    kicker: str | None = None
    subtitle: str | None = None
    column: str | None = None
    kind: str = "news"  # news | photo | feature
    byline: str | None = None
    reporters: list[str] = field(default_factory=list)
    correspondents: list[str] = field(default_factory=list)
    other_authors: list[str] = field(default_factory=list)
    photographers: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    pull_quotes: list[str] = field(default_factory=list)
    body: str = ""

    @property
    def headline(self) -> str:
        return " ".join(p for p in (self.column, self.kicker, self.title, self.subtitle) if p)

    @property
    def people(self) -> list[tuple[str, str]]:
        """(name, role) pairs in byline order, photographers last."""
        roles = (
            ("reporter", self.reporters),
            ("correspondent", self.correspondents),
            ("other", self.other_authors),
            ("photographer", self.photographers),
        )
        return [(name, role) for role, names in roles for name in names]


@dataclass
class ParsedPage:
    date: dt.date
    publication: str = "浙江工人日报"
    lunar_date: str | None = None
    weekday: str | None = None
    number: int | None = None
    cn: str | None = None
    postal_code: str | None = None
    page_number: int | None = None
    page_name: str | None = None  # 版名: 要闻, 工会, 职业·教育…, where the page says it
    editor: str | None = None
    designer: str | None = None
    encoding: str = "utf-8"
    articles: list[ParsedArticle] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        """The shape of ../shared/gold/SCHEMA.md (plus `page`, `encoding`, `warnings`)."""
        return {
            "issue": {
                "publication": self.publication,
                "date": self.date.isoformat(),
                "lunar_date": self.lunar_date,
                "weekday": self.weekday,
                "number": self.number,
                "cn": self.cn,
                "postal_code": self.postal_code,
                "editor": self.editor,
                "designer": self.designer,
                "page": self.page_number,
                "page_name": self.page_name,
            },
            "page": self.page_number,
            "encoding": self.encoding,
            "warnings": self.warnings,
            "articles": [asdict(a) for a in self.articles],
        }


class ParseError(ValueError):
    """The input is not a newspaper page; the message is one line meant for a person."""

    @property
    def reason(self) -> str:
        """The message as raised: a Reason (newspaper.parser.reasons), which str() of the error
        would turn into plain English."""
        return self.args[0] if self.args else ""
