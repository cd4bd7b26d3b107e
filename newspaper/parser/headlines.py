"""Which headline line is the column label, the kicker (引题), the title (主题), the subtitle (副题).

The dump loses type sizes, so the rules read what survives of them (../shared/gold/SCHEMA.md):
a line printed over several lines comes out with spaces inside it, which marks the big main
title; an unbroken line above it is the kicker, one below it the subtitle. A kicker often ends in
a lead-in (…提出, …强调, ——, :) or is a couplet of two equal halves (号角嘹亮 使命催征).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEAD_IN_RE = re.compile(r"(提出|要求|强调|指出|表示|希望|获悉|透露|呼吁|倡议|寄语|——|—|:|：)$")
DASHED_RE = re.compile(r"^(——|—|－－|--)")
QUOTED_RE = re.compile(r"“[^”]*”|\"[^\"]*\"|《[^》]*》")


@dataclass
class Headline:
    title: str
    kicker: str | None = None
    subtitle: str | None = None
    column: str | None = None


def segments(line: str) -> list[str]:
    """Parts of a line split at spaces, never inside quotes or book-title marks."""
    protected = QUOTED_RE.sub(lambda m: m.group(0).replace(" ", "\0"), line)
    return [part.replace("\0", " ") for part in protected.split()]


def is_couplet(line: str) -> bool:
    parts = segments(line)
    return len(parts) == 2 and len(parts[0]) == len(parts[1]) >= 3


def is_broken(line: str) -> bool:
    """Printed over several lines in large type: spaces inside, and not a couplet."""
    return len(segments(line)) > 1 and not is_couplet(line)


def split_line(line: str, *, alone: bool) -> tuple[str | None, str]:
    """(kicker, title) out of one line. With other headline lines around (alone=False) only an
    explicit lead-in splits it; a lone line may also open with a couplet or a one-line kicker."""
    parts = segments(line)
    for i, part in enumerate(parts[:-1]):
        if LEAD_IN_RE.search(part):
            return " ".join(parts[: i + 1]), " ".join(parts[i + 1 :])
    if alone and len(parts) >= 3:
        if len(parts[0]) == len(parts[1]) >= 3:
            return " ".join(parts[:2]), " ".join(parts[2:])
        if len(parts) == 3:
            return parts[0], " ".join(parts[1:])
    return None, line


def looks_like_column(line: str, *, short: bool = True) -> bool:
    """Column logos (栏目): quoted campaign names, names with a middle dot, short rubrics (with
    `short`: where a short line can be nothing else)."""
    flat = line.replace(" ", "")
    return (flat.startswith("“") and flat.endswith("”")) or "·" in flat or (short and len(flat) <= 6)


# What a factual line does: who did what (丽水市总举办…, 省总工会开展…); a slogan above one is the
# main title and the fact its subtitle (秀山丽水 万人同行 / 丽水市总举办第三届职工健步走活动).
ACTION_RE = re.compile(
    r"(举办|举行|召开|开展|启动|推出|发布|组织|表彰|签订|签约|成立|慰问|走访|看望|部署|推进|出台|印发|实施|"
    r"建成|开通|获评|荣获|走进|开设|打造|探索|助力|帮扶|选树|评选|挂牌|揭牌|开班|开幕|闭幕|落地|上线)"
)
SLOGAN_PART = 4  # characters in each half of a slogan title (四字格)


def is_slogan(line: str) -> bool:
    """A short line of one or two 4-character phrases (秀山丽水 万人同行; 匠心筑梦): a main title.
    A longer phrase over a factual line is its kicker (一张蓝图绘到底 / 东阳全力打造…基地)."""
    parts = segments(line)
    return 1 <= len(parts) <= 2 and all(len(p) <= SLOGAN_PART and not re.search(r"[，,、：:“”]", p) for p in parts)


def is_factual(line: str) -> bool:
    """A sentence naming who did what, longer than a slogan, not printed over several lines."""
    flat = line.replace(" ", "")
    return len(flat) >= 10 and not is_broken(line) and bool(ACTION_RE.search(flat))


def is_subtitle_line(line: str, *, under: str) -> bool:
    """What may stand under a slogan title as its subtitle: a factual line, or, under a slogan of
    two halves (一窑青瓷 半生匠心), any longer line printed on one line. Under a single short
    phrase, such a line is the title and the phrase its rubric (职教漫谈 / 技能证书不是“终点站”)."""
    if is_factual(line):
        return True
    return len(segments(under)) == 2 and len(line.replace(" ", "")) >= 8 and not is_broken(line)


def assign_roles(lines: list[str], column: str | None = None) -> Headline:
    """Roles for the headline lines of one article, top to bottom."""
    if not lines:
        return Headline(title="", column=column)
    # A line opening with a dash (——记…) is always a subtitle, whatever stands above it.
    dashed = next((i for i, line in enumerate(lines) if i and DASHED_RE.match(line)), None)
    if dashed is not None:
        roles = assign_roles(lines[:dashed], column)
        roles.subtitle = " ".join(p for p in (roles.subtitle, *lines[dashed:]) if p)
        return roles
    if len(lines) == 2 and is_slogan(lines[0]) and is_subtitle_line(lines[1], under=lines[0]):
        return Headline(title=lines[0], subtitle=lines[1], column=column)
    broken = [i for i, line in enumerate(lines) if is_broken(line)]
    t = broken[0] if broken else len(lines) - 1
    above, below = lines[:t], lines[t + 1 :]
    kicker, title = split_line(lines[t], alone=not above and not below)
    if kicker is None and above:
        kicker, above = above[-1], above[:-1]
        if len(kicker.replace(" ", "")) <= 6 and not re.search(r"[，,、：:“”]", kicker):
            kicker, above = None, [*above, kicker]  # a rubric (职教漫谈), not a kicker
    columns = [c for c in (*above, column) if c]
    return Headline(
        title=title,
        kicker=kicker,
        subtitle=" ".join(below) or None,
        column=" ".join(columns) or None,
    )
