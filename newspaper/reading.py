"""A dump read: decoded, parsed, and what the recognisers find in its articles (pure Python).

`read_source` is the first half of importing a page (newspaper.ingest stores the second). An
import of many pages reads them ahead in a second process (`read_ahead`) while this one stores
the page before: parsing and the union and topic rules were a third of the importing process's
time (bench/RESULTS.md, issue 18), and the machine's second core has room beside the index
writer. What the second process found is only a head start: the importer looks it up by the
article's text and reads the text itself wherever it differs (an editor's correction kept).
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from newspaper.parser import ParsedPage, ParseError, parse_text
from newspaper.parser.decoding import decode
from newspaper.parser.reasons import reason
from newspaper.recognise import TopicRule, rule_texts_of, tag
from newspaper.recognise.unions import Mention, find_unions
from newspaper.sources import Source

AHEAD = 8  # pages read ahead of the one being stored


@dataclass
class Read:
    name: str  # to report
    filename: str  # what the page remembers
    error: str = ""  # why it cannot be imported; the rest is then empty
    text: str = ""
    sha256: str = ""
    parsed: ParsedPage | None = None
    unions: dict[str, list[Mention]] = field(default_factory=dict)  # by rule text (headline, body joined)
    topics: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # by rule texts


def read_source(source: Source, *, date=None, page: int | None = None, rules: list[TopicRule] | None = None) -> Read:
    """Decode and parse one dump; with `rules`, also recognise its articles' unions and topics."""
    read = Read(source.name, source.filename)
    if source.error:
        read.error = source.error
        return read
    try:
        text, encoding = decode(source.data)
        parsed = parse_text(text, date=date, page=page)
    except ParseError as exc:
        read.error = exc.reason
        return read
    parsed.encoding = encoding
    if parsed.page_number is None:
        read.error = reason("no page number in the dump (give one with --page)")
        return read
    read.text, read.parsed, read.sha256 = text, parsed, hashlib.sha256(source.data).hexdigest()
    if rules is not None:
        for item in parsed.articles:
            texts = rule_texts_of(
                item.column or "", item.kicker or "", item.title or "", item.subtitle or "",
                item.body or "", list(item.captions or []),
            )  # fmt: skip
            joined = "\n".join(texts)
            read.unions[joined] = find_unions(joined)
            read.topics[texts] = tag(*texts, rules)
    return read


_rules: list[TopicRule] = []


def _remember(rules: list[TopicRule]) -> None:
    global _rules
    _rules = rules


def _read(source: Source, date, page) -> Read:
    return read_source(source, date=date, page=page, rules=_rules)


def read_ahead(sources: Iterable[Source], *, rules: list[TopicRule], date=None, page=None) -> Iterator[Read]:
    """The sources read, in order, AHEAD pages ahead in a second process. Forked: a spawned one
    would run the calling script again (manage.py is guarded, a user's script may not be); the
    child touches none of the database connections it inherits and leaves by os._exit, which
    closes none of them."""
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(1, mp_context=context, initializer=_remember, initargs=(rules,)) as pool:
        waiting = deque()
        for source in sources:
            waiting.append(pool.submit(_read, source, date, page))
            if len(waiting) > AHEAD:
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()
