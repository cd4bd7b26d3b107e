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

from .bylines import People, match_byline, split_credit, split_signature
from .headlines import assign_roles, looks_like_column
from .lines import (
    DATELINE_RE,
    PHOTO_GAP,
    PULL_QUOTE_RE,
    PUNCT_RE,
    SUBHEAD_MAX,
    Unit,
    credit_only,
    finished,
    headline_like,
    join_paragraphs,
    kind_of,
    kind_runs,
    terminated,
    walk_back,
)
from .model import ParsedArticle
from .reasons import reason


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
        heads = [self.head_above(indices, pos) for pos in cuts]
        for n, pos in enumerate(cuts):
            end = heads[n + 1] if n + 1 < len(cuts) else len(indices)
            content = indices[pos + 1 : end]
            article = self.headline_article(indices[heads[n] : pos + 1])
            # A caption is one paragraph, or two short ones under the photo that open with its day
            # (7月8日,…), or ends in a credit; longer text is a body.
            paragraphs = join_paragraphs([self.units[i].text for i in content])
            credited = bool(content) and bool(split_credit(self.units[content[-1]].text))
            size = sum(map(len, paragraphs))
            under_photo = bool(content) and self.units[content[0]].gap >= PHOTO_GAP and DATELINE_RE.match(paragraphs[0])
            if (
                credited
                or (len(paragraphs) <= 1 and size <= 160)
                or (under_photo and len(paragraphs) == 2 and size <= 100)
            ):
                self.captions(content, article)
            else:
                self.body(content, article, lead_is_text=True)
            self.articles.append(article)
        return indices[: heads[0]]

    def head_above(self, indices: list[int], pos: int) -> int:
        """Where the headline ending at `pos` starts: a title over its subtitle (稻香满田 农忙有我 /
        长兴县总工会组织…) is one block, set apart from a finished paragraph above it."""
        top = pos
        while top > 0 and pos - top < 2:
            line = self.units[indices[top - 1]]
            if line.gap == 0 or not headline_like(line.text) or split_credit(line.text):
                break
            if top - 1 > 0 and not finished(self.units[indices[top - 2]].text):
                break
            top -= 1
        return top

    def starts_dated_item(self, indices: list[int], pos: int) -> bool:
        """A headline line after a finished paragraph, over a paragraph that opens with its day
        (7月12日,…): a news item without a byline, not a subhead (those come in pairs, or over
        the story's own narrative). Above it, a finished paragraph or a photo's caption, which
        need not end a sentence (环卫工人在…享用免费早餐)."""
        if pos == 0:
            return False
        above = self.units[indices[pos - 1]]
        if not (finished(above.text) or above.gap >= PHOTO_GAP):
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
            items = walk_back(self.units, a, floor)
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
            lowest = 0 if own_body else -1
            for h_pos in range(s_pos - 1, lowest, -1):
                if self.heads_piece(region, h_pos):
                    break
            else:
                continue  # no headline of its own: the name ends a paragraph of the article
            # its headline may be a block: a column label over the title (职教漫谈 / 技能证书…)
            end = h_pos + 1
            while (
                end < s_pos
                and end - h_pos < 3
                and self.units[region[end]].gap
                and self.heads_piece(region, end, below_headline=True)
            ):
                end += 1
            piece = self.headline_article(region[h_pos:end])
            self.body(region[end:s_pos], piece)
            last, name = signature
            piece.body = "\n".join(join_paragraphs([*piece.body.split("\n"), last]))
            piece.byline, piece.other_authors = name, [name]
            return region[:h_pos], piece, region[s_pos + 1 :]
        return region, None, []

    def heads_piece(self, region: list[int], pos: int, *, below_headline: bool = False) -> bool:
        """A headline line that can open a piece: under a finished paragraph, or a line of verse
        (short lines with no blank line between them), or first; with `below_headline`, also
        under another headline line."""
        text = self.units[region[pos]].text
        if not headline_like(text) or split_credit(text):
            return False
        if pos == 0 or below_headline:
            return True
        above = self.units[region[pos - 1]]
        verse = above.gap == 0 and len(above.text) <= SUBHEAD_MAX and not PUNCT_RE.search(above.text)
        return finished(above.text) or verse

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
        runs = kind_runs(items)
        # The article's own block: its last headline run and what follows it. A single
        # column-like line after a caption is the column logo (set under the photo). A short
        # line there is one only under a photo with a credit and no caption text; under a
        # caption it is the next item's title (运河晨光 / photo / caption 刘畅/摄 / 焊花 / ■林涛).
        h_runs = [n for n, (kind, _) in enumerate(runs) if kind == "H"]
        column_run = None
        own = h_runs[-1] if h_runs else len(runs)
        if (
            len(h_runs) >= 2
            and len(runs[own][1]) == 1
            and runs[own - 1][0] == "C"
            and own - 2 == h_runs[-2]
            and looks_like_column(
                self.units[runs[own][1][0]].text,
                short=all(credit_only(self.units[i].text) for i in runs[own - 1][1]),
            )
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


def articles_from_units(units: list[Unit]) -> tuple[list[ParsedArticle], list[str]]:
    builder = _Builder(units)
    articles = builder.build()
    return articles, builder.warnings
