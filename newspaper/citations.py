"""Citations of articles in the formats reference managers read (issue 17): RIS, BibTeX, CSL-JSON
and the GB/T 7714 text. Pure: a list of articles in (their page, issue and credits loaded), text
out. An article's own downloads (newspaper.views) and the export of ticked search results
(search.cite_views) both come here, so the two never disagree.

Every format says the same things: a *newspaper* article (never a journal article), its title
with the subtitle (Article.cited_title), one author per reporter, author or correspondent
(Article.authors, photographers left out as in the GB/T text), the issue's date, the page number
(版次) as the page, the paper's name as the container, Chinese, and the permalink."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import rispy

if TYPE_CHECKING:
    from newspaper.models import Article

ARCHIVE = "浙江工人日报全文档案"  # where the reference was found: RIS DP, CSL source
LANGUAGE = "zh"


def key(article: Article) -> str:
    """An ASCII citation key, also the file name of one article's download: zjgrrb-2022-05-19-123
    (BibTeX keys, CSL ids and file names all take it)."""
    return f"zjgrrb-{article.date:%Y-%m-%d}-{article.pk}"


def url(article: Article, site: str) -> str:
    """The article's permalink on `site` (scheme and host, e.g. https://archive.example)."""
    return site.rstrip("/") + article.get_absolute_url()


def one_line(text: str) -> str:
    """A value on one line: OCR text may hold line breaks, which end a field in RIS and BibTeX."""
    return " ".join(str(text).split())


class _RisWriter(rispy.RisWriter):
    """rispy's writer without the "1." it puts before each record (no RIS tag: the specification
    starts a record with its TY line, and EndNote expects that), with CR LF line ends as the
    specification has them."""

    NEWLINE = "\r\n"

    def set_header(self, count: int) -> str:
        return ""


def ris(articles: Sequence[Article], site: str) -> str:
    """RIS records of type NEWS: T2 is the newspaper, SP the page, SE the page's name (要闻…)."""
    records = []
    for a in articles:
        issue = a.page.issue
        record = {
            "type_of_reference": "NEWS",
            "id": key(a),
            "title": one_line(a.cited_title),
            "authors": [one_line(name) for name in a.authors],
            "year": str(issue.date.year),
            "date": f"{issue.date:%Y/%m/%d}",
            "secondary_title": one_line(issue.publication),
            "section": one_line(a.page.name),
            "start_page": str(a.page.number),
            "language": LANGUAGE,
            "urls": [url(a, site)],
            "database_provider": ARCHIVE,
        }
        records.append({k: v for k, v in record.items() if v})
    return rispy.dumps(records, implementation=_RisWriter)


# BibTeX is written here, not with bibtexparser 2: its writer puts values out as they are, and
# its LaTeX encoding (pylatexenc) would turn the paper's “” and full-width forms into TeX
# ligatures and macros. XeLaTeX/LuaLaTeX with biber read UTF-8 as it is, so only the characters
# TeX itself treats specially are escaped. (The tests read what is written with bibtexparser.)
TEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
TEX_SPECIAL_RE = re.compile("[" + re.escape("".join(TEX_SPECIAL)) + "]")


def tex(text: str) -> str:
    """Text as a braced BibTeX value: on one line, TeX's special characters escaped."""
    return TEX_SPECIAL_RE.sub(lambda m: TEX_SPECIAL[m.group()], one_line(text))


def bibtex(articles: Sequence[Article], site: str) -> str:
    """BibTeX entries, biblatex's way for a newspaper: @article with entrysubtype = {newspaper}
    (biblatex's manual: the subtype tells a newspaper or magazine article from a journal's; BibTeX
    has no type for one, and @misc loses the paper's name). The paper goes in `journal`, which
    biber maps to biblatex's journaltitle and which classic BibTeX, JabRef and Zotero read; `date`
    gives the day for biblatex, `year` the year for classic BibTeX styles. Each author is braced
    whole: a Chinese name is one name, never split into first and last."""
    entries = []
    for a in articles:
        issue = a.page.issue
        fields = [
            ("entrysubtype", "newspaper"),
            ("author", " and ".join("{" + tex(name) + "}" for name in a.authors)),
            ("title", tex(a.cited_title)),
            ("journal", tex(issue.publication)),
            ("date", issue.date.isoformat()),
            ("year", str(issue.date.year)),
            ("pages", str(a.page.number)),
            ("url", url(a, site)),  # a verbatim field for biblatex: not escaped (a permalink has no braces)
        ]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
        entries.append(f"@article{{{key(a)},\n{body}\n}}\n")
    return "\n".join(entries)


def csl_item(article: Article, site: str) -> dict:
    """One CSL-JSON item (CSL 1.0.2 schema), type article-newspaper. Names are `literal`: a
    Chinese name split into family and given by a guess would be cited wrongly."""
    issue = article.page.issue
    item = {
        "id": key(article),
        "type": "article-newspaper",
        "title": one_line(article.cited_title),
        "container-title": issue.publication,
        "author": [{"literal": name} for name in article.authors],
        "issued": {"date-parts": [[issue.date.year, issue.date.month, issue.date.day]]},
        "page": str(article.page.number),
        "section": article.page.name,
        "language": LANGUAGE,
        "URL": url(article, site),
        "source": ARCHIVE,
    }
    return {k: v for k, v in item.items() if v}


def csl_json(articles: Sequence[Article], site: str) -> str:
    """A CSL-JSON array, what citeproc-js (Zotero, Pandoc) and citeproc-py read."""
    return json.dumps([csl_item(a, site) for a in articles], ensure_ascii=False, indent=2) + "\n"


def gbt7714(articles: Sequence[Article], site: str = "") -> str:
    """GB/T 7714-2015 references (Article.citation): one article's is the text itself, as its page
    shows and copies it; several are one numbered list, [1] … [n]."""
    if len(articles) == 1:
        return articles[0].citation() + "\n"
    return "".join(f"[{n}] {a.citation()}\n" for n, a in enumerate(articles, 1))


@dataclass(frozen=True)
class Format:
    render: Callable[[Sequence[Article], str], str]
    content_type: str  # sent with charset=utf-8
    extension: str


# The `format` of the search page's export and the extension of an article's cite.<ext>.
FORMATS = {
    "ris": Format(ris, "application/x-research-info-systems", "ris"),
    "bib": Format(bibtex, "application/x-bibtex", "bib"),
    "json": Format(csl_json, "application/vnd.citationstyles.csl+json", "json"),
    "txt": Format(gbt7714, "text/plain", "txt"),
}
