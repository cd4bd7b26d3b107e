"""Building the look-alike table (`manage.py build_lookalikes`): the glyph pairs of
`glyphs` and the containment pairs of `containment`, one score per pair.

A pair's score is the higher of its glyph score and its containment score, whichever of the two
selected it, so the score depends on the two glyphs only and a rebuild of a few characters gives
the table's scores (`pair_scores`). Nothing here is imported by the web.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from newspaper.recognise import containment
from newspaper.recognise.glyphs import (
    FACES,
    HEADER,
    TABLE,
    WIDE_HEADER,
    Face,
    Params,
    common_characters,
    glyph_scores,
    is_close,
    render_faces,
    select,
)
from newspaper.recognise.glyphs import candidates as glyph_candidates
from newspaper.recognise.lookalikes import BOTH, HELD, WIDE_TABLE

DEFAULTS = Params()
GLYPH = "glyph"  # the source of a pair of alike glyphs (lookalikes.HELD: one holds the other)


def rows_for(chars: list[str], pairs: Iterable[tuple[int, int, float, str]]) -> list[tuple[str, str, float, str]]:
    """Rows of the TSV: a < b by code point, sorted."""
    return sorted((*sorted((chars[x], chars[y])), score, source) for x, y, score, source in pairs)


def joined(kept: list[str], alike: list[tuple[int, int, float]], held: list[tuple[int, int, float]]) -> list:
    """The table's rows from both kinds of pairs, each with the score of what kept it: a glyph
    score raised by containment would push other look-alikes out of a character's best (军/车
    behind 军/厍). A pair kept by both is marked so."""
    by_held = {(min(x, y), max(x, y)) for x, y, _ in held}
    by_glyph = {(min(x, y), max(x, y)) for x, y, _ in alike}
    only_held = [(x, y, score) for x, y, score in held if (min(x, y), max(x, y)) not in by_glyph]
    return rows_for(
        kept,
        [
            *((x, y, s, BOTH if (min(x, y), max(x, y)) in by_held else GLYPH) for x, y, s in alike),
            *((x, y, s, HELD) for x, y, s in only_held),
        ],
    )


def pair_scores(
    chars: Iterable[str], faces: Iterable[Face] = FACES, params: Params = DEFAULTS
) -> dict[tuple[str, str], tuple[float, float]]:
    """Every pair of a few characters with its glyph score and its containment score, as the
    table rounds them (for checks, not the build)."""
    kept, inks = render_faces(chars, faces, params)
    a, b = np.triu_indices(len(kept), k=1)
    alike = np.round(glyph_scores(inks, a, b, params), 3)
    held = np.round(containment.scores(containment.shapes_of(inks), a, b)[0], 3)
    return {
        tuple(sorted((kept[x], kept[y]))): (float(g), float(h)) for x, y, g, h in zip(a, b, alike, held, strict=True)
    }


def wide_lists(kept: list[str], alike: list[tuple[int, int, float, int, int]], params: Params) -> dict[str, str]:
    """Each character's alike glyphs among its `wide` best, closest first (by its own ranks)."""
    seen: dict[int, list[tuple[int, int]]] = {}
    for x, y, _, rank_x, rank_y in alike:
        if rank_x < params.wide:
            seen.setdefault(x, []).append((rank_x, y))
        if rank_y < params.wide:
            seen.setdefault(y, []).append((rank_y, x))
    return {kept[x]: "".join(kept[y] for _, y in sorted(near)) for x, near in sorted(seen.items())}


def build(
    chars: Iterable[str] | None = None,
    faces: Iterable[Face] = FACES,
    params: Params = DEFAULTS,
    log: Callable[[str], None] = lambda message: None,
) -> tuple[list[tuple[str, str, float, str]], dict[str, str]]:
    """The look-alike table's rows for the characters (GB2312 and EXTRAS by default): the close
    pairs and the held ones; and each character's wide look-alikes (`wide_lists`)."""
    started = time.perf_counter()

    def done(what: str) -> None:
        log(f"{what} ({time.perf_counter() - started:.1f}s)")

    kept, inks = render_faces(common_characters() if chars is None else chars, faces, params)
    done(f"rendered {len(kept)} characters in {len(inks)} faces")
    a, b = glyph_candidates(inks, params)
    done(f"{len(a)} candidate pairs after the coarse pre-filter")
    alike = select(a, b, glyph_scores(inks, a, b, params), params)
    close = [(x, y, score) for x, y, score, rank_x, rank_y in alike if is_close(rank_x, rank_y, params)]
    done(f"{len(close)} pairs of glyphs alike, {len(alike)} among either's {params.wide} best")
    shapes = containment.shapes_of(inks)
    held = containment.contained_pairs(shapes)
    done(f"{len(held)} pairs where one glyph holds the other")
    rows = joined(kept, close, held)
    done(f"{len(rows)} look-alike pairs kept")
    return rows, wide_lists(kept, alike, params)


def write_tsv(rows: Iterable[tuple[str, str, float, str]], path: Path = TABLE) -> None:
    lines = ["\t".join(HEADER)] + [f"{a}\t{b}\t{score:.3f}\t{source}" for a, b, score, source in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_wide(wide: dict[str, str], path: Path = WIDE_TABLE) -> None:
    lines = ["\t".join(WIDE_HEADER)] + [f"{char}\t{wide[char]}" for char in sorted(wide)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
