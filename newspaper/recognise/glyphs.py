"""The look-alike table (形近字) from glyph bitmaps: which characters OCR may take for one another.

Issue 16's tolerant search lets one character of a query term differ by a look-alike; this module
builds the table of look-alikes, `newspaper/data/lookalikes.tsv` (`manage.py build_lookalikes`).
Nothing here is imported by the web: Pillow is imported inside `render` only, and the TSV is read
elsewhere (`newspaper/recognise/lookalikes.py`).

Why glyph bitmaps. No permissively licensed similarity or decomposition package fits (the
character-decomposition sets are CC BY-SA or GPL, or cover a few hundred pairs by hand), while
the shape of a glyph is at hand in a Debian font and what OCR confuses is shape: 钧/钩 and 锋/峰
(the sample pages' own confusions), 己/已, 未/末, 戊/戌 differ by a stroke's length or a gap.

The characters: the 6,763 of GB2312 (level 1, the 3,755 commonest, and level 2), decoded from
the standard's byte ranges with Python's own codec (no data downloaded), plus the few characters
of the project's own sample pages outside GB2312 (`EXTRAS`). Modern OCR of mainland newspapers
yields almost only these.

How two glyphs are compared. Each is drawn in two faces, WenQuanYi Micro Hei (a 黑体, Debian's
fonts-wqy-microhei) and Noto Serif CJK SC (a 宋体, fonts-noto-cjk): the paper sets headlines in
the one style and body text in the other, and a pair is a look-alike when it is one in either (锋/峰
and 日/曰 are closer in the sans, 拔/拨 and 午/牛 in the serif); the pair's score is the higher of
the two faces'. A glyph is drawn in the em box on a 48×48 canvas, anti-aliased and thresholded at
half; its place in the em box is kept (日 is narrower than 曰, 己's hook lower than 已's). A pixel
of A's ink counts 3 when B has ink there, 2 when B's ink is one pixel away, 1 at two pixels
(chessboard distance), so strokes drawn a pixel apart still meet. The agreement o(A→B) is that
count over 3·|A|; a dense glyph agrees with anything by chance, so it is corrected for chance
like Cohen's kappa, k(A→B) = (o − e_B) / (1 − e_B) with e_B the share of the canvas near B's
ink, and the score is the harmonic mean of both directions (each clipped to 0–1), so that both
must agree: 一 lies on a stroke of 光, but most of 光 is nowhere near 一. Without the correction
囊 and 蕾 scored 0.99; with it dense glyphs mostly stay below 0.8 while 未/末, 土/士, 王/玉 score above 0.94.

Glyphs alike but for one part. Many confusions keep one component and change the other (汪/江,
锋/峰, 贾/贸, 国/固 inside the same frame), and the whole-glyph score counts the changed part against
them. So each glyph is also cut in two (`_parts`: left/right and above/below at a few columns and
rows, a frame and its inside); where one part of a pair agrees at `part_agree` or better (the
same score on that part's pixels, the nearness taken from the whole glyph so a stroke crossing
the cut still counts), the pair scores the mean of that part's score and the rest's, and its
score is the higher of that and the whole's. This found 国/固, 田/由, 金/全, 军/车, 白/自.

The score of a pair depends on the two glyphs only (never on the rest of the set): integer counts,
then the same few floating-point operations, so a rebuild of a dozen characters reproduces the
full table's scores exactly (tests/test_lookalikes.py), on any machine with the pinned Pillow
(which bundles its FreeType) and the same fonts; two builds give the same file byte for byte.

Which pairs are kept: for each character its `keep` most similar with a score ≥ `threshold`
(ties broken by code point), when it is also among the other's `mutual` most similar; a pair is
kept when either side keeps it (a close pair: the table). Each character's `wide` most similar
at ≥ `threshold`, whatever the other side ranks it, go in the wide table (`lookalikes_wide.tsv`):
OCR confuses pairs that one side ranks far down (缸 is 31st of 红's look-alikes), and 容错 tries
them where the archive holds the variant. Not every pair is scored at 48×48: the same score on 24×24 glyphs
(2×2 max-pooled), one matrix product per block of rows in numpy (float64 on small integers, so
exact whatever the BLAS), picks `candidates` per character, and only those ~480k pairs are scored
at full size. Against an exhaustive comparison (every pair at 48×48, `Params(pool=1)`, measured
before the parts were added) the table missed 150 of its 30,621 pairs (0.5%; 325 others came in
instead, ranked up by a missed neighbour), in about half the time; with the parts the build takes
7–9 minutes on one core, and the pre-filter is what keeps it there.

A second kind of look-alike, a glyph whose bulk is another character (湖/胡, 程/呈: OCR cutting
a line at the wrong place), is scored in `containment`; `lookalike_build` joins both kinds into
the table, each pair with the score of what kept it.

The TSV: a header `a<TAB>b<TAB>score<TAB>source`, one row per unordered pair with a < b (code
points), sorted; `source` is `glyph` (alike glyphs, kept as above), `held` (one holds the
other, kept by `containment`) or `both`. A reader takes the fields it knows and ignores the rest.
The wide TSV: a header `char<TAB>lookalikes`, then a row per character (by code point) with its
alike glyphs in one string, the closest first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from newspaper.recognise.lookalikes import CLOSEST, MUTUAL, WIDE


@dataclass(frozen=True)
class Face:
    name: str  # as the font names itself: checked, since a collection's order is the packager's
    path: Path
    index: int  # in the font collection
    package: str  # Debian's


# The paper's headlines are set in 黑体 (sans), its body in 宋体 (serif): a pair is a look-alike
# when it is one in either.
FACES = (
    Face("WenQuanYi Micro Hei", Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0, "fonts-wqy-microhei"),
    Face("Noto Serif CJK SC", Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"), 2, "fonts-noto-cjk"),
)
TABLE = Path(__file__).resolve().parent.parent / "data" / "lookalikes.tsv"
HEADER = ("a", "b", "score", "source")
WIDE_HEADER = ("char", "lookalikes")
# In the sample pages (tests/data) but not in GB2312: 垟 (Zhejiang place names), 翀 (a given name).
EXTRAS = "垟翀"
WEIGHTS = 3  # the ink weight of an exact hit; 2 and 1 at one and two pixels


@dataclass(frozen=True)
class Params:
    canvas: int = 48  # pixels, square
    font_px: int = 43  # the em size drawn in the canvas
    keep: int = CLOSEST  # a close pair: among one character's best this many ...
    mutual: int = MUTUAL  # ... and among the other character's best this many (no hubs)
    wide: int = WIDE  # also kept: among either character's best this many (容错 tries them)
    threshold: float = 0.6
    candidates: int = 96  # per character from the coarse pre-filter
    pool: int = 2  # the coarse pre-filter works on canvas/pool pixels a side (24×24)
    # Glyphs that differ in one part (钧/钩, 汪/江, 锋/峰): cut at these columns and rows into two
    # parts, or into a frame this wide and its inside (国/固); one part must agree this well.
    cuts: tuple[int, ...] = (18, 24, 30)
    frame: int = 9
    part_agree: float = 0.9


def common_characters() -> list[str]:
    """GB2312's 6,763 hanzi in the standard's order (level 1 by pinyin, then level 2), then EXTRAS."""
    chars = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            if high == 0xD7 and low > 0xF9:  # the end of level 1 leaves five codes empty
                continue
            chars.append(bytes((high, low)).decode("gb2312"))
    return chars + [c for c in EXTRAS if c not in chars]


def missing_faces(faces: Iterable[Face] = FACES) -> list[Face]:
    return [face for face in faces if not face.path.exists()]


def render(chars: Iterable[str], face: Face, params: Params = Params()) -> tuple[list[str], np.ndarray]:
    """Each character's ink as a boolean canvas×canvas bitmap; characters the font lacks are dropped."""
    from PIL import Image, ImageDraw, ImageFont  # a build-time tool: the web never imports Pillow

    font = ImageFont.truetype(str(face.path), params.font_px, index=face.index)
    if font.getname()[0] != face.name:
        raise ValueError(f"{face.path} holds {font.getname()[0]} at index {face.index}, not {face.name}")
    size = params.canvas

    def draw(char: str) -> np.ndarray:
        image = Image.new("L", (size, size), 0)
        # "mm": centred on the advance width and the line's ascent and descent, so the glyph keeps
        # its place in the em box instead of being centred on its own ink.
        ImageDraw.Draw(image).text((size / 2, size / 2), char, fill=255, font=font, anchor="mm")
        return np.asarray(image) >= 128

    missing = draw("\U000f0000")  # a private-use code point: the font's .notdef box
    kept, bitmaps = [], []
    for char in chars:
        ink = draw(char)
        if ink.any() and not np.array_equal(ink, missing):
            kept.append(char)
            bitmaps.append(ink)
    return kept, np.stack(bitmaps) if bitmaps else np.zeros((0, size, size), bool)


def render_faces(chars: Iterable[str], faces: Iterable[Face], params: Params) -> tuple[list[str], list[np.ndarray]]:
    """The characters every face has, and their bitmaps in each face."""
    chars = list(chars)
    drawn = [render(chars, face, params) for face in faces]
    common = set(chars).intersection(*(kept for kept, _ in drawn))
    kept = [c for c in chars if c in common]
    inks = []
    for names, ink in drawn:
        where = {c: i for i, c in enumerate(names)}
        inks.append(ink[[where[c] for c in kept]])
    return kept, inks


def _dilate(ink: np.ndarray) -> np.ndarray:
    """One pixel of growth in the 8 directions, for a stack of bitmaps."""
    rows = ink.copy()
    rows[:, 1:] |= ink[:, :-1]
    rows[:, :-1] |= ink[:, 1:]
    grown = rows.copy()
    grown[:, :, 1:] |= rows[:, :, :-1]
    grown[:, :, :-1] |= rows[:, :, 1:]
    return grown


def _near(ink: np.ndarray) -> np.ndarray:
    """Per pixel, the weight a hit of another glyph's ink scores there: 3 on ink, 2 and 1 nearby."""
    one = _dilate(ink)
    two = _dilate(one)
    return ink.astype(np.int64) + one + two


class _Glyphs:
    """Flattened ink and nearness of a stack of bitmaps, with what the score needs of each."""

    def __init__(self, ink: np.ndarray):
        n = len(ink)
        # int32: a dot product is at most 3 × the canvas's pixels, and int32 halves the memory traffic.
        self.ink = ink.reshape(n, -1).astype(np.int32)
        self.near = _near(ink).reshape(n, -1).astype(np.int32)
        self.count = self.ink.sum(axis=1)
        self.chance = self.near.sum(axis=1) / (WEIGHTS * self.ink.shape[1])  # e: the canvas near the ink

    def kappa(self, hits: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """k(a→b) from hits = ink[a]·near[b]; 0 where a has no ink (a part may be empty)."""
        return kappa(hits, self.count[a], self.chance[b])

    def part(self, mask: np.ndarray) -> _Glyphs:
        """The same glyphs seen through a mask: one part of each (the nearness of the whole)."""
        seen = object.__new__(_Glyphs)
        seen.ink, seen.near = self.ink[:, mask.ravel()], self.near[:, mask.ravel()]
        seen.count = seen.ink.sum(axis=1)
        seen.chance = seen.near.sum(axis=1) / (WEIGHTS * seen.ink.shape[1])
        return seen

    def scores(self, a: np.ndarray, b: np.ndarray, chunk: int = 4096) -> np.ndarray:
        """The score of each pair (a[i], b[i]): the harmonic mean of both directions' kappa, in 0–1."""
        out = np.empty(len(a))
        for start in range(0, len(a), chunk):
            i, j = a[start : start + chunk], b[start : start + chunk]
            ab = np.einsum("ij,ij->i", self.ink[i], self.near[j])
            ba = np.einsum("ij,ij->i", self.ink[j], self.near[i])
            out[start : start + chunk] = _harmonic(self.kappa(ab, i, j), self.kappa(ba, j, i))
        return out

    def all_scores(self, rows: slice) -> np.ndarray:
        """Scores of rows' glyphs against every glyph, by two matrix products (float64, exact on these integers)."""
        ink, near = self.ink.astype(np.float64), self.near.astype(np.float64)
        n = len(ink)
        a = np.arange(n)[rows]
        ab = ink[rows] @ near.T  # hits of each row's ink near every glyph
        ba = near[rows] @ ink.T  # hits of every glyph's ink near each row
        every = np.arange(n)
        forward = self.kappa(ab, a[:, None], every[None, :])
        backward = self.kappa(ba, every[None, :], a[:, None])
        return _harmonic(forward, backward)


def kappa(hits: np.ndarray, count: np.ndarray, chance: np.ndarray) -> np.ndarray:
    """k(A→B) from hits = ink of A · nearness of B, A's ink count and the share of the canvas near
    B's ink; 0 where A has no ink (a part may be empty)."""
    rest = 1 - chance
    fine = (count > 0) & (rest > 0)
    agreement = hits / (WEIGHTS * np.maximum(count, 1))
    return np.where(fine, (agreement - chance) / np.where(fine, rest, 1), 0.0)


def _harmonic(forward: np.ndarray, backward: np.ndarray) -> np.ndarray:
    """Both directions must agree (an F-measure): 一 lies on 光's stroke, but most of 光 is not near 一."""
    forward, backward = np.clip(forward, 0.0, 1.0), np.clip(backward, 0.0, 1.0)
    total = forward + backward
    return np.divide(2 * forward * backward, total, out=np.zeros_like(total), where=total > 0)


def _parts(size: int, params: Params) -> list[tuple[np.ndarray, np.ndarray]]:
    """(a part, the rest) of a size×size canvas: each side of each cut, a frame and its inside."""
    scale = size / params.canvas
    out = []
    for cut in (round(c * scale) for c in params.cuts):
        left, top = np.zeros((size, size), bool), np.zeros((size, size), bool)
        left[:, :cut], top[:cut, :] = True, True
        out += [(left, ~left), (~left, left), (top, ~top), (~top, top)]
    width = round(params.frame * scale)
    frame = np.ones((size, size), bool)
    frame[width : size - width, width : size - width] = False
    return [*out, (frame, ~frame), (~frame, frame)]


def _in_one_part(shared: np.ndarray, other: np.ndarray, params: Params) -> np.ndarray:
    """Two glyphs alike in one part and differing in the rest (汪/江, 锋/峰, 国/固): where the
    part agrees, the mean of the part's score and the rest's; elsewhere 0."""
    return np.where(shared >= params.part_agree, (shared + other) / 2, 0.0)


def _pool(ink: np.ndarray, factor: int) -> np.ndarray:
    n, size, _ = ink.shape
    side = size // factor
    return ink[:, : side * factor, : side * factor].reshape(n, side, factor, side, factor).any(axis=(2, 4))


def candidates(inks: list[np.ndarray], params: Params) -> tuple[np.ndarray, np.ndarray]:
    """Unordered pairs (a < b) worth the full comparison: each glyph's best by the coarse score."""
    coarse = [_Glyphs(_pool(ink, params.pool)) for ink in inks]
    parts = _parts(params.canvas // params.pool, params)
    in_parts = [[(face.part(p), face.part(r)) for p, r in parts] for face in coarse]
    n = len(inks[0])
    take = min(params.candidates, n - 1)
    firsts, seconds = [], []
    for start in range(0, n, 512):
        rows = slice(start, min(start + 512, n))
        scores = np.maximum.reduce([face.all_scores(rows) for face in coarse])
        for face in in_parts:
            for part, rest in face:
                np.maximum(scores, _in_one_part(part.all_scores(rows), rest.all_scores(rows), params), out=scores)
        scores[np.arange(rows.stop - start), np.arange(start, rows.stop)] = -1.0  # not itself
        best = np.argpartition(-scores, take - 1, axis=1)[:, :take] if take > 0 else np.zeros((0, 0), int)
        firsts.append(np.repeat(np.arange(start, rows.stop), take))
        seconds.append(best.ravel())
    a, b = np.concatenate(firsts), np.concatenate(seconds)
    keys = np.unique(np.minimum(a, b) * n + np.maximum(a, b))
    return keys // n, keys % n


def select(a: np.ndarray, b: np.ndarray, scores: np.ndarray, params: Params) -> list[tuple[int, int, float, int, int]]:
    """Pairs at or above the threshold among either glyph's `wide` best, each with both ranks:
    (x, y, score, x's rank of y, y's rank of x), 0 the best. Whether a pair is close (among one
    glyph's `keep` best and the other's `mutual` best) is read off the ranks (lookalikes.is_close).

    The second condition of a close pair stops hubs: a glyph such as 重 is among the best few of
    fifty others, most of which are nothing like it from where it stands. A wide pair may be a hub
    seen from one side; tolerant search tries it only where the archive holds the variant.
    """
    rounded = np.round(scores, 3)
    ok = rounded >= params.threshold
    a, b, rounded = a[ok], b[ok], rounded[ok]
    # Both directions, ordered by glyph, then best score, then the neighbour's index (ties are stable).
    mine = np.concatenate([a, b])
    other = np.concatenate([b, a])
    score = np.concatenate([rounded, rounded])
    order = np.lexsort((other, -score, mine))
    mine, other, score = mine[order], other[order], score[order]
    rank = np.arange(len(mine)) - np.searchsorted(mine, mine, side="left")
    # Each pair twice, side by side: its rank from the lower index's side, then from the other's.
    size = int(max(mine.max(initial=0), other.max(initial=0))) + 1
    key = np.minimum(mine, other) * size + np.maximum(mine, other)
    by_pair = np.argsort(key, kind="stable")
    key, rank, score = key[by_pair][::2], rank[by_pair].reshape(-1, 2), score[by_pair][::2]
    kept = rank.min(axis=1) < max(params.wide, params.keep)
    return [
        (int(k // size), int(k % size), float(s), int(r[0]), int(r[1]))
        for k, s, r in zip(key[kept], score[kept], rank[kept], strict=True)
    ]


def is_close(rank_x: int, rank_y: int, params: Params) -> bool:
    """A pair of `select` that the table keeps: among one glyph's `keep` best, the other's `mutual`."""
    return min(rank_x, rank_y) < params.keep and max(rank_x, rank_y) < params.mutual


def glyph_scores(inks: list[np.ndarray], a: np.ndarray, b: np.ndarray, params: Params) -> np.ndarray:
    """Each pair's score in the face where the two look most alike, whole or alike in one part."""
    best = np.zeros(len(a))
    for ink in inks:
        whole = _Glyphs(ink)
        np.maximum(best, whole.scores(a, b), out=best)
        for part, rest in _parts(params.canvas, params):
            shared = whole.part(part).scores(a, b)
            np.maximum(best, _in_one_part(shared, whole.part(rest).scores(a, b), params), out=best)
    return best
