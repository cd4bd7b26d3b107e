"""What editors' corrections teach about OCR (issue 16): a correction that replaces single
characters by others (金钩胤 → 金钧胤) records each pair (newspaper.models.LearnedLookalike). The
pairs learned join the shipped look-alike table, and weigh more: 容错 tries them first and the
merge suggestions count them as the closest look-alikes."""

from __future__ import annotations

import difflib
import re

from django.db.models import F

from newspaper.corrections import TEXT_FIELDS, value_of
from newspaper.models import LearnedLookalike

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
LEARNED_SCORE = 1.0  # above any pair the glyph table scores (at most ~0.99)


def substitutions(old: str, new: str) -> list[tuple[str, str]]:
    """(printed, corrected) for each Chinese character the edit replaced one for one; insertions,
    deletions and longer rewrites teach nothing about look-alikes."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    found = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "replace" and i2 - i1 == j2 - j1 <= 2:
            found += [
                (a, b) for a, b in zip(old[i1:i2], new[j1:j2], strict=True) if CJK_RE.match(a) and CJK_RE.match(b)
            ]
    return found


def learn(stored, article) -> list[tuple[str, str]]:
    """Record the pairs an editor's correction of `stored` into `article` holds."""
    pairs = []
    for name in TEXT_FIELDS:
        old, new = (_text(value_of(item, name)) for item in (stored, article))
        if old != new:
            pairs += substitutions(old, new)
    for printed, corrected in pairs:
        updated = LearnedLookalike.objects.filter(printed=printed, corrected=corrected).update(count=F("count") + 1)
        if not updated:
            LearnedLookalike.objects.get_or_create(printed=printed, corrected=corrected)
    return pairs


def _text(value) -> str:
    return "\n".join(value) if isinstance(value, list) else value


def learned_pairs() -> dict[tuple[str, str], float]:
    """Every pair learned, both ways, scored above the table's pairs (more corrections, higher)."""
    pairs = {}
    for printed, corrected, count in LearnedLookalike.objects.values_list("printed", "corrected", "count"):
        score = LEARNED_SCORE + min(count, 100) / 1000
        pairs[printed, corrected] = pairs[corrected, printed] = max(score, pairs.get((printed, corrected), 0))
    return pairs
