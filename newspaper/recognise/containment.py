"""Look-alikes by containment: a glyph whose bulk is another character (湖 holds 胡, 程 holds 呈).

OCR that cuts a line into characters at the wrong place drops a side radical or takes one from
the neighbour: 胡 read 湖, 蒋 read 将, 杰 read 木. The whole-glyph score of `glyphs` cannot see
these: 胡 drawn alone is as wide as the em box, inside 湖 it is squeezed into the right two
thirds, and the thousands of characters that share the radical look as much alike. Here each
glyph is cut (`_cut`: a left, right, top or bottom strip of 8 to 22 of 48 pixels taken away,
along a valley of its ink); the rest, when it holds the bulk of the ink (`BULK`) and something real was taken away,
is cropped to its ink and stretched to a square, and compared with every whole glyph cropped
and stretched the same way, by the score of `glyphs` (nearness-weighted agreement, corrected
for chance, harmonic mean of both directions). A pair's containment score is its best over the
cuts, both ways round and both faces; like the glyph score it depends on the two glyphs only.

Selection keeps a pair when the contained character is among the container's `PER_CONTAINER`
best and the container among the contained character's `PER_CONTAINED` best (青 is the bulk of
清, 情, 请, 晴…), at `THRESHOLD` or above; candidates come from the same score on 16×16 squares.
Measured on GB2312: 程/呈, 蒋/将, 胡/湖, 杰/木, 刚/冈 each come out as the container's best.
"""

from __future__ import annotations

import numpy as np

from newspaper.recognise.glyphs import _Glyphs, _harmonic, _pool, kappa

SIDE = 32  # the square a part or a whole is stretched to
COARSE = 2  # candidates from SIDE / COARSE pixels a side
CUTS = (8, 22)  # the widths (pixels of 48) of a strip taken away from one side
VALLEY = 0.35  # the ink on the line a strip is cut along, at most, against the lines beside it
BULK = (0.55, 0.92)  # share of the glyph's ink the rest must hold: the bulk, and something taken away
LEAST = 8  # pixels: a part or a whole narrower or shorter than this is a stroke, not a character
THRESHOLD = 0.65
PER_CONTAINER = 2
PER_CONTAINED = 12
CANDIDATES = 3  # per part, from the coarse score


def _stretched(ink: np.ndarray) -> tuple[np.ndarray, bool]:
    """A bitmap cropped to its ink and stretched to SIDE×SIDE; whether it is big enough to compare."""
    from PIL import Image  # a build-time tool: the web never imports Pillow

    rows, cols = np.nonzero(ink)
    if not len(rows):
        return np.zeros((SIDE, SIDE), bool), False
    crop = ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    big = min(crop.shape) >= LEAST
    image = Image.fromarray(crop.astype(np.uint8) * 255).resize((SIDE, SIDE), Image.BILINEAR)
    return np.asarray(image) >= 128, big


def _cut(ink: np.ndarray, canvas: int) -> list[np.ndarray]:
    """The glyph with a strip taken from one side, cut along a valley of its ink: a line crossed
    by far less ink than the lines on either side of it, as between two components (氵|胡, 艹 over
    将), never along strokes that run on across it (月 is not 日 with a stroke more). Strips from
    CUTS[0] to CUTS[-1] pixels (of 48) wide, one cut per valley."""
    out = []
    lo, hi = (round(c * canvas / 48) for c in CUTS)
    reach = max(1, round(4 * canvas / 48))
    for side in range(4):
        turned = np.rot90(ink, side)  # the strip is always taken from the left of the turned glyph
        crossing = turned.sum(axis=0)
        for width in range(lo, hi + 1):
            here = crossing[width]
            banks = min(crossing[width - reach : width].max(), crossing[width + 1 : width + 1 + reach].max())
            lowest = here <= crossing[width + 1] and here < crossing[width - 1]  # the valley's first lowest line
            if lowest and here <= VALLEY * banks:
                rest = turned.copy()
                rest[:, :width] = False
                out.append(np.rot90(rest, -side))
    return out


class _Shapes:
    """One face's glyphs stretched whole, and their bulky parts stretched."""

    def __init__(self, ink: np.ndarray):
        n, canvas, _ = ink.shape
        wholes = [_stretched(g) for g in ink]
        self.whole = np.stack([w for w, _ in wholes])
        self.whole_ok = np.array([ok for _, ok in wholes])
        totals = ink.reshape(n, -1).sum(axis=1)
        parts, owners = [], []
        for i in range(n):
            for rest in _cut(ink[i], canvas):
                share = rest.sum() / max(totals[i], 1)
                if BULK[0] <= share <= BULK[1]:
                    stretched, ok = _stretched(rest)
                    if ok:
                        parts.append(stretched)
                        owners.append(i)
        self.parts = np.stack(parts) if parts else np.zeros((0, SIDE, SIDE), bool)
        self.owner = np.array(owners, dtype=np.int64)
        self.first = np.searchsorted(self.owner, np.arange(n + 1))  # parts of glyph i: first[i]:first[i+1]


def _cross(parts: _Glyphs, wholes: _Glyphs, p: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The score of part p[k] against whole w[k] (parts and wholes are separate stacks)."""
    ab = np.einsum("ij,ij->i", parts.ink[p], wholes.near[w])
    ba = np.einsum("ij,ij->i", wholes.ink[w], parts.near[p])
    return _harmonic(kappa(ab, parts.count[p], wholes.chance[w]), kappa(ba, wholes.count[w], parts.chance[p]))


def scores(shapes: list[_Shapes], a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each pair's containment score: the best, over both faces and both ways round, of a bulky
    part of one against the other whole (0 where neither holds the other's shape); and whether
    that best was b holding a."""
    best, flipped = np.zeros(len(a)), np.zeros(len(a), bool)
    for face in shapes:
        parts, wholes = _Glyphs(face.parts), _Glyphs(face.whole)
        for way, (container, contained) in enumerate(((a, b), (b, a))):
            counts = face.first[container + 1] - face.first[container]
            pair = np.repeat(np.arange(len(a)), counts)
            if not len(pair):
                continue
            part = np.concatenate([np.arange(face.first[c], face.first[c + 1]) for c in container[counts > 0]])
            whole = contained[pair]
            got = np.zeros(len(a))
            for start in range(0, len(pair), 8192):
                k = slice(start, start + 8192)
                score = np.where(face.whole_ok[whole[k]], _cross(parts, wholes, part[k], whole[k]), 0.0)
                np.maximum.at(got, pair[k], score)
            flipped = np.where(got > best, bool(way), flipped)
            np.maximum(best, got, out=best)
    return best, flipped


def candidates(shapes: list[_Shapes]) -> tuple[np.ndarray, np.ndarray]:
    """(container, contained) pairs worth scoring: each bulky part's best wholes, coarsely."""
    found = []
    for face in shapes:
        parts, wholes = _Glyphs(_pool(face.parts, COARSE)), _Glyphs(_pool(face.whole, COARSE))
        ink_w, near_w = wholes.ink.astype(np.float32), wholes.near.astype(np.float32)
        for start in range(0, len(face.parts), 2048):
            rows = np.arange(start, min(start + 2048, len(face.parts)))
            ab = parts.ink[rows].astype(np.float32) @ near_w.T
            ba = parts.near[rows].astype(np.float32) @ ink_w.T
            got = _harmonic(
                kappa(ab, parts.count[rows][:, None], wholes.chance[None, :]),
                kappa(ba, wholes.count[None, :], parts.chance[rows][:, None]),
            )
            got[:, ~face.whole_ok] = -1.0
            got[np.arange(len(rows)), face.owner[rows]] = -1.0  # not its own glyph
            best = np.argpartition(-got, CANDIDATES, axis=1)[:, :CANDIDATES]
            found.append(np.stack([np.repeat(face.owner[rows], CANDIDATES), best.ravel()], axis=1))
    pairs = np.unique(np.concatenate(found), axis=0) if found else np.zeros((0, 2), np.int64)
    return pairs[:, 0], pairs[:, 1]


def _ranks(key: np.ndarray, score: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Each row's rank among the rows of its key, best score first (ties by the other's index)."""
    order = np.lexsort((other, -score, key))
    ranks = np.empty(len(key), np.int64)
    ranks[order] = np.arange(len(key)) - np.searchsorted(key[order], key[order], side="left")
    return ranks


def shapes_of(inks: list[np.ndarray]) -> list[_Shapes]:
    return [_Shapes(ink) for ink in inks]


def contained_pairs(shapes: list[_Shapes]) -> list[tuple[int, int, float]]:
    """(container, contained, score) for the pairs kept, scores rounded as the table's."""
    first, second = candidates(shapes)
    got, flipped = scores(shapes, first, second)
    got = np.round(got, 3)
    # Oriented by the way round that scored: the container first, each pair once.
    container, contained = np.where(flipped, second, first), np.where(flipped, first, second)
    _, once = np.unique(
        container * (int(max(first.max(initial=0), second.max(initial=0))) + 1) + contained, return_index=True
    )
    container, contained, got = container[once], contained[once], got[once]
    ok = got >= THRESHOLD
    container, contained, got = container[ok], contained[ok], got[ok]
    kept = (_ranks(container, got, contained) < PER_CONTAINER) & (_ranks(contained, got, container) < PER_CONTAINED)
    return [(int(x), int(y), float(s)) for x, y, s in zip(container[kept], contained[kept], got[kept], strict=True)]
