"""From the lines of a page to articles.

What the OCR keeps of the layout, and what each rule reads from it:
- A byline (本报讯 记者X报道) opens an article's body: it is the strongest anchor on the page.
  Above it, back to the end of the previous body, stand the headline lines, photo captions and
  credits, pull-quotes and column logos of that article.
- A photo leaves a run of three or more blank lines; the paragraph under it is a caption when it
  ends with a credit (… 摄) or is short.
- A headline line directly above a photo, not followed by a byline, starts an item of its own:
  a photo item (title + caption) or a feature without a byline.
- Column breaks and hard wraps cut paragraphs anywhere; a paragraph that does not end a sentence
  continues in the next one of the same body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .bylines import People, match_byline, split_credit, split_signature
from .headlines import assign_roles, looks_like_column
from .model import ParsedArticle
from .reasons import reason

PHOTO_GAP = 3  # blank lines an image leaves behind
MAX_HEADLINE_CHARS = 48
MAX_HEADLINE_LINES = 5
TERMINATED_RE = re.compile(r"[。！？!?…]+[”’」』)）》\"']*$")
PUNCT_RE = re.compile(r"[，,、；;：:。！？!?]")
PULL_QUOTE_RE = re.compile(r"^[\u4e00-\u9fff]{2,6}[:：](?=.{8,})")
SUBHEAD_MAX = 24
DATELINE_RE = re.compile(r"^\d{1,2}月\d{1,2}日(?:[上下]午|晚)?[,，]")


@dataclass
class Unit:
    """One non-empty line of the page, with the blank lines above it."""

    text: str
    gap: int

    @property
    def terminated(self) -> bool:
        return bool(TERMINATED_RE.search(self.text))


def terminated(text: str) -> bool:
    return bool(TERMINATED_RE.search(text))


def finished(text: str) -> bool:
    """A paragraph that ends: its last sentence, or a photo credit closing a caption."""
    return terminated(text) or bool(split_credit(text))


def headline_like(text: str) -> bool:
    flat = text.replace(" ", "")
    if not 2 <= len(flat) <= MAX_HEADLINE_CHARS or "。" in flat or re.search(r"[；;]", flat):
        return False
    if re.search(r"[，,、：:]$", flat):
        return False
    return not re.search(r"[！？!?…]$", flat) or len(flat) <= 24


def _pre_kind(unit: Unit, below: list[str]) -> str | None:
    if split_credit(unit.text):
        return "C"
    if PULL_QUOTE_RE.match(unit.text) and all(k == "P" for k in below):
        return "P"
    if headline_like(unit.text):
        return "H"
    if unit.gap >= PHOTO_GAP and len(unit.text) <= 160:
        return "C"
    return None


def _walk_back(units: list[Unit], anchor: int, floor: int) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    j = anchor - 1
    while j >= floor:
        kind = _pre_kind(units[j], [k for k, _ in found])
        if kind is None or (kind == "H" and sum(k == "H" for k, _ in found) >= MAX_HEADLINE_LINES):
            break
        found.insert(0, (kind, j))
        j -= 1
    # A headline is set in one block: a headline-like line under a photo, below a headline, is
    # the photo's caption (如今现代化的铸造生产线: no credit, no full stop).
    for k in range(1, len(found)):
        if found[k][0] == "H" and found[k - 1][0] == "H" and units[found[k][1]].gap >= PHOTO_GAP:
            found[k] = ("C", found[k][1])
    return found


def _runs(items: list[tuple[str, int]]) -> list[tuple[str, list[int]]]:
    runs: list[tuple[str, list[int]]] = []
    for kind, idx in items:
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(idx)
        else:
            runs.append((kind, [idx]))
    return runs


class _Builder:
    def __init__(self, units: list[Unit]):
        self.units = units
        self.articles: list[ParsedArticle] = []
        self.pending: list[ParsedArticle] = []
        self.warnings: list[str] = []

    # -- pieces -----------------------------------------------------------------------------
    def captions(self, indices: list[int], article: ParsedArticle) -> None:
        """Caption units → article.captions / photographers. A caption cut by a column break
        continues in the next unit; a credit alone on a line closes the caption above it."""
        open_caption = False
        for idx in indices:
            text = self.units[idx].text
            split = split_credit(text)
            if split:
                text, names = split
                article.photographers.extend(n for n in names if n not in article.photographers)
            if text:
                if open_caption and article.captions:
                    article.captions[-1] += text
                else:
                    article.captions.append(text)
            open_caption = bool(text) and not terminated(text) and not split

    def body(self, indices: list[int], article: ParsedArticle, first: str = "", lead_is_text: bool = False) -> None:
        """Body paragraphs, with photos set inside the body taken out as captions. With
        lead_is_text, the paragraph right under the item's photo is body unless it has a credit."""
        texts: list[str] = [first] if first else []
        for n, idx in enumerate(indices):
            unit = self.units[idx]
            credit = split_credit(unit.text)
            embedded = unit.gap >= PHOTO_GAP and (
                credit
                or (
                    not (lead_is_text and n == 0)
                    and ((unit.terminated and len(unit.text) <= 50) or headline_like(unit.text))
                )
            )
            if (credit and not credit[0]) or embedded:  # a credit alone: belongs to the caption above
                self.captions([idx], article)
            elif PULL_QUOTE_RE.match(unit.text) and re.match(r"^\S{2,6}(心语|寄语|感言|金句)", unit.text):
                article.pull_quotes.append(unit.text)
            else:
                texts.append(unit.text)
        article.body = "\n".join(join_paragraphs(texts))

    def headline_article(self, head: list[int], column: str | None = None) -> ParsedArticle:
        roles = assign_roles([self.units[i].text for i in head], column)
        return ParsedArticle(title=roles.title, kicker=roles.kicker, subtitle=roles.subtitle, column=roles.column)

    # -- items without a byline ---------------------------------------------------------------
    def loose_items(self, indices: list[int]) -> list[int]:
        """Split off photo items and features that start inside a body region: a headline line
        with a photo right under it. Returns the indices that stay in the body above them."""
        cuts = [
            pos
            for pos, idx in enumerate(indices[:-1])
            if headline_like(self.units[idx].text)
            and not split_credit(self.units[idx].text)
            and indices[pos + 1] == idx + 1
            and (
                self.units[indices[pos + 1]].gap >= PHOTO_GAP
                or self.starts_dated_item(indices, pos)
                or (pos > 0 and bool(split_credit(self.units[indices[pos - 1]].text)))  # after a credit
            )
        ]
        if not cuts:
            return indices
        for n, pos in enumerate(cuts):
            end = cuts[n + 1] if n + 1 < len(cuts) else len(indices)
            content = indices[pos + 1 : end]
            article = self.headline_article([indices[pos]])
            # A caption is one paragraph (or ends in a credit); two finished paragraphs are a body.
            paragraphs = join_paragraphs([self.units[i].text for i in content])
            credited = bool(content) and bool(split_credit(self.units[content[-1]].text))
            if credited or (len(paragraphs) <= 1 and sum(map(len, paragraphs)) <= 160):
                self.captions(content, article)
            else:
                self.body(content, article, lead_is_text=True)
            self.articles.append(article)
        return indices[: cuts[0]]

    def starts_dated_item(self, indices: list[int], pos: int) -> bool:
        """A headline line after a finished paragraph, over a paragraph that opens with its day
        (7月12日,…): a news item without a byline, not a subhead (those come in pairs, or over
        the story's own narrative)."""
        if pos == 0 or not finished(self.units[indices[pos - 1]].text):
            return False
        below = self.units[indices[pos + 1]].text
        return bool(DATELINE_RE.match(below)) and not headline_like(below)

    # -- the page -----------------------------------------------------------------------------
    def build(self) -> list[ParsedArticle]:
        anchors = [i for i, u in enumerate(self.units) if match_byline(u.text)]
        starts: list[int] = []  # where each anchored article's block begins
        blocks: list[list[tuple[str, int]]] = []
        floor = 0
        for a in anchors:
            items = _walk_back(self.units, a, floor)
            blocks.append(items)
            starts.append(items[0][1] if items else a)
            floor = a + 1

        # Text above the first block: a byline-less item, or text that lost its headline.
        lead_end = starts[0] if starts else len(self.units)
        lead = list(range(0, lead_end))
        if lead:
            self.orphan(lead)

        for n, a in enumerate(anchors):
            self.anchored(a, blocks[n])
            end = starts[n + 1] if n + 1 < len(anchors) else len(self.units)
            byline, people, rest = match_byline(self.units[a].text)
            # the article's body starts on its byline's line, or in the region's first lines
            region, signed, after = self.signed_piece(list(range(a + 1, end)), own_body=not rest)
            article = self.articles[-1]
            keep = self.loose_items_after(region)
            self.fill_byline(article, byline, people)
            self.body(keep, article, first=rest)
            self.articles.extend(self.pending)
            self.after_signed(signed, after)
        for article in self.articles:
            article.kind = kind_of(article)
        return self.articles

    def loose_items_after(self, region: list[int]) -> list[int]:
        """loose_items, but the items are appended after the current article is finished."""
        before = len(self.articles)
        keep = self.loose_items(region)
        self.pending = self.articles[before:]
        del self.articles[before:]
        return keep

    def signed_piece(self, region: list[int], *, own_body: bool = False):
        """A signed piece (a commentary: no byline, its author's name after its last sentence)
        inside a region: it starts at the headline line nearest above the signature that follows
        a finished paragraph. Returns (the region before it, the piece or None, what follows it).
        With `own_body`, the region's first lines are another article's body: never the piece."""
        for s_pos, idx in enumerate(region):
            after_sentence = s_pos > 0 and finished(self.units[region[s_pos - 1]].text)
            signature = split_signature(self.units[idx].text, after_sentence)
            # A column break also leaves a sentence's first characters at a line's end: a name
            # ends a piece only where the text does not go on (the region ends, or a headline,
            # a photo follows).
            following = self.units[region[s_pos + 1]] if s_pos + 1 < len(region) else None
            if not signature or (
                following is not None and not headline_like(following.text) and following.gap < PHOTO_GAP
            ):
                continue
            for h_pos in range(s_pos - 1, 0 if own_body else -1, -1):
                text = self.units[region[h_pos]].text
                if (
                    headline_like(text)
                    and not split_credit(text)
                    and (h_pos == 0 or finished(self.units[region[h_pos - 1]].text))
                ):
                    break
            else:
                continue  # no headline of its own: the name ends a paragraph of the article
            piece = self.headline_article([region[h_pos]])
            self.body(region[h_pos + 1 : s_pos], piece)
            last, name = signature
            piece.body = "\n".join(join_paragraphs([*piece.body.split("\n"), last]))
            piece.byline, piece.other_authors = name, [name]
            return region[:h_pos], piece, region[s_pos + 1 :]
        return region, None, []

    def after_signed(self, piece: ParsedArticle | None, after: list[int]) -> None:
        if piece is not None:
            self.articles.append(piece)
        if after:
            self.orphan(after)

    def orphan(self, lead: list[int]) -> None:
        lead, signed, after = self.signed_piece(lead)
        if not lead:
            self.after_signed(signed, after)
            return
        head = []
        for idx in lead:
            if headline_like(self.units[idx].text) and len(head) < 3:
                head.append(idx)
            else:
                break
        rest = lead[len(head) :]
        article = self.headline_article(head) if head else ParsedArticle(title="")
        if not head:
            self.warnings.append(
                reason("text without a headline before the first article: {text}…", text=self.units[lead[0]].text[:20])
            )
        self.articles.append(article)
        keep = self.loose_items_after(rest)
        captions = [i for i in keep if self.units[i].gap >= PHOTO_GAP and i == keep[0]]
        self.captions(captions, article)
        self.body([i for i in keep if i not in captions], article)
        self.articles.extend(self.pending)
        if not article.title and not article.body and not article.captions:
            self.articles.remove(article)
        self.after_signed(signed, after)

    def anchored(self, anchor: int, items: list[tuple[str, int]]) -> None:
        runs = _runs(items)
        # The article's own block: its last headline run and what follows it. A single
        # column-like line after a caption is the column logo (set under the photo).
        h_runs = [n for n, (kind, _) in enumerate(runs) if kind == "H"]
        column_run = None
        own = h_runs[-1] if h_runs else len(runs)
        if (
            len(h_runs) >= 2
            and len(runs[own][1]) == 1
            and runs[own - 1][0] == "C"
            and own - 2 == h_runs[-2]
            and looks_like_column(self.units[runs[own][1][0]].text)
        ):
            column_run, own = own, h_runs[-2]
        column = self.units[runs[column_run][1][0]].text if column_run is not None else None
        # Runs before it: captions that close the previous article, then photo items.
        current: ParsedArticle | None = None
        for kind, indices in runs[:own]:
            if kind == "H":
                current = self.headline_article(indices)
                self.articles.append(current)
            elif kind == "C":
                target = current or (self.articles[-1] if self.articles else None)
                if target is None:
                    target = ParsedArticle(title="")
                    self.articles.append(target)
                self.captions(indices, target)
            elif self.articles:
                self.articles[-1].body += "\n" + "\n".join(self.units[i].text for i in indices)
        head = runs[own][1] if own < len(runs) else []
        article = self.headline_article(head, column)
        if not head:
            self.warnings.append(reason("article without a headline: {text}…", text=self.units[anchor].text[:24]))
        for n, (kind, indices) in enumerate(runs[own + 1 :], start=own + 1):
            if kind == "C":
                self.captions(indices, article)
            elif kind == "P":
                article.pull_quotes.extend(self.units[i].text for i in indices)
            elif n != column_run:  # headline lines under the photo that are no column logo
                extra = " ".join(self.units[i].text for i in indices)
                article.subtitle = " ".join(p for p in (article.subtitle, extra) if p)
        self.articles.append(article)

    @staticmethod
    def fill_byline(article: ParsedArticle, byline: str, people: People) -> None:
        article.byline = byline
        article.reporters = people.reporters
        article.correspondents = people.correspondents
        article.other_authors = people.other_authors


def join_paragraphs(texts: list[str]) -> list[str]:
    """Rejoin paragraphs cut by column breaks and hard wraps: a paragraph that does not end a
    sentence goes on in the next one. Runs of two or more short lines without any punctuation,
    after a finished paragraph, are section subheads (小标题) and stay lines of their own."""
    texts = [t.strip() for t in texts if t.strip()]
    bare = [len(t) <= SUBHEAD_MAX and not PUNCT_RE.search(t) for t in texts]
    subhead = [False] * len(texts)
    i = 0
    while i < len(texts):
        j = i
        while j < len(texts) and bare[j]:
            j += 1
        if j - i >= 2 and (i == 0 or terminated(texts[i - 1])):
            subhead[i:j] = [True] * (j - i)
        i = max(j, i + 1)
    paragraphs: list[str] = []
    for k, text in enumerate(texts):
        if paragraphs and not subhead[k] and not subhead[k - 1] and not terminated(paragraphs[-1]):
            paragraphs[-1] += text
        else:
            paragraphs.append(text)
    return paragraphs


def kind_of(article: ParsedArticle) -> str:
    if not article.body and article.captions:
        return "photo"
    if not article.byline or not re.match(r"^(本报讯|本报\S*电|\S*社\S*电)", article.byline):
        return "feature"
    return "news"


def articles_from_units(units: list[Unit]) -> tuple[list[ParsedArticle], list[str]]:
    builder = _Builder(units)
    articles = builder.build()
    return articles, builder.warnings
