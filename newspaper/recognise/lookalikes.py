"""Characters OCR confuses because they look alike (形近字), pure Python.

The project's table is `newspaper/data/lookalikes.tsv` (`a<TAB>b<TAB>score`, each pair once,
meaning both ways): the close pairs, what person merges propose. Until it ships, a small seed of
unmistakable pairs stands in, enough for the OCR variants the sample pages hold (金钧胤/金钩胤,
邹伟锋/邹伟峰; issue 16). Beside it, `lookalikes_wide.tsv` lists each character's alike glyphs
among its WIDE best, closest first, what 容错 may try.

A web worker needs only each character's look-alikes in order (`alike_from`, `holding_from`:
a string per character, about 2 MB); the scored pairs (`lookalike_pairs`, about 22 MB in
dictionaries) are read only where they are asked for (person merges).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

TABLE = Path(__file__).resolve().parent.parent / "data" / "lookalikes.tsv"
# Each character's alike glyphs among its WIDE best, closest first: `char<TAB>look-alikes`.
WIDE_TABLE = TABLE.with_name("lookalikes_wide.tsv")
# The source of a pair: alike glyphs ("glyph"), one glyph holding the other, or both.
HELD, BOTH = "held", "both"
# An alike pair is close when one character is among the other's CLOSEST best and the other among
# its MUTUAL best (no hubs: 重 is among the best few of fifty characters nothing like it). The
# table also keeps every pair among either character's WIDE best: 容错 tries those too, where the
# archive holds the variant (晨/晟 is 15th and 19th; 红/缸 8th and 31st).
CLOSEST, MUTUAL, WIDE = 12, 24, 48

# Pairs anyone would call look-alike: a stroke more or less, or a radical of near shape.
SEED = "钧钩 锋峰 己已 已巳 未末 土士 戊戌 日曰 人入 大太 王玉 千干 刀力 天夭 壶壸 侯候 汩汨 拔拨 茶荼"


def _seed() -> dict[tuple[str, str], float]:
    pairs = {}
    for a, b in SEED.split():
        pairs[a, b] = pairs[b, a] = 1.0
    return pairs


def _read(path: Path) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], str]]:
    """The table's pairs, both ways, and the sources of those kept because one glyph holds the
    other; a line that is not `a<TAB>b[<TAB>score[<TAB>source]]` (a header, a comment) is passed
    over, and a pair listed twice keeps its higher score."""
    pairs: dict[tuple[str, str], float] = {}
    sources: dict[tuple[str, str], str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.rstrip("\r").split("\t")
        if len(fields) < 2 or len(fields[0]) != 1 or len(fields[1]) != 1 or fields[0] == fields[1]:
            continue
        try:
            score = float(fields[2]) if len(fields) > 2 and fields[2].strip() else 1.0
        except ValueError:
            continue
        a, b = fields[0], fields[1]
        pairs[a, b] = pairs[b, a] = max(score, pairs.get((a, b), score))
        if len(fields) > 3 and fields[3] in (HELD, BOTH):
            sources[a, b] = sources[b, a] = fields[3]
    return pairs, sources


@cache
def _table(path: Path, stamp: float | None) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], str]]:
    return _read(path) if stamp is not None else (_seed(), {})


def lookalike_pairs(path: Path | None = None) -> dict[tuple[str, str], float]:
    """{(a, b): score} for every look-alike pair, in both orders: the table at `path` (by default
    the project's) when it exists, else the built-in seed (score 1.0). Read again when the file
    changes."""
    return _table(*_stamped(path))[0]


def _stamped(path: Path | None) -> tuple[Path, float | None]:
    """The table's path and when it was written (None: there is none), so that a change is read."""
    path = TABLE if path is None else Path(path)
    try:
        return path, path.stat().st_mtime
    except OSError:
        return path, None


def held_pairs(path: Path | None = None) -> dict[tuple[str, str], str]:
    """The pairs of the table where one glyph's bulk is the other character (湖/胡), in both
    orders, with their `source`: `held`, or `both` when the glyphs are also alike
    (newspaper.recognise.containment)."""
    return _table(*_stamped(path))[1]


def _by_closeness(scored: dict[str, list[tuple[float, str]]]) -> dict[str, str]:
    return {a: "".join(b for _, b in sorted(near, key=lambda sb: (-sb[0], sb[1]))) for a, near in scored.items()}


@cache
def _compact(path: Path, stamp: float | None) -> tuple[dict[str, str], dict[str, str]]:
    """Each character's alike glyphs and its held or holding ones, closest first, from the
    table's rows: a string per character, not a dictionary of pairs."""
    alike: dict[str, list[tuple[float, str]]] = {}
    holding: dict[str, list[tuple[float, str]]] = {}
    pairs, sources = _read(path) if stamp is not None else (_seed(), {})
    for (a, b), score in pairs.items():
        if sources.get((a, b)) != HELD:
            alike.setdefault(a, []).append((score, b))
        if (a, b) in sources:
            holding.setdefault(a, []).append((score, b))
    return _by_closeness(alike), _by_closeness(holding)


@cache
def _wide(path: Path, stamp: float | None) -> dict[str, str] | None:
    if stamp is None:
        return None
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.rstrip("\r").split("\t")
        if len(fields) >= 2 and len(fields[0]) == 1:  # not the header
            out[fields[0]] = fields[1].replace(fields[0], "")
    return out


def alike_from(path: Path | None = None, wide: Path | None = None) -> dict[str, str]:
    """Each character's alike glyphs as it sees them, closest first: its WIDE best from the wide
    table (`wide`, by default the project's) when there is one, else the table's alike pairs."""
    found = _wide(*_stamped(WIDE_TABLE if wide is None else wide))
    return found if found is not None else close_from(path)


def close_from(path: Path | None = None) -> dict[str, str]:
    """Each character's alike glyphs among the table's (close) pairs, closest first."""
    return _compact(*_stamped(path))[0]


def holding_from(path: Path | None = None) -> dict[str, str]:
    """Each character's held or holding characters (湖/胡), closest first."""
    return _compact(*_stamped(path))[1]


def lookalike_score(a: str, b: str, pairs: dict[tuple[str, str], float] | None = None) -> float:
    """How alike two characters look (0: not a known pair)."""
    return (lookalike_pairs() if pairs is None else pairs).get((a, b), 0.0)
