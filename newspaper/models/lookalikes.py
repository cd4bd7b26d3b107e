"""Look-alike characters learned from editors' corrections (issue 16): an OCR fix that replaces one
character by another (金钩胤 → 金钧胤) records the pair, so that 容错 and the merge suggestions know
the confusions this archive's scans actually make, first."""

from __future__ import annotations

from django.db import models


class LearnedLookalike(models.Model):
    """Characters an editor's correction put one for the other: `printed` (what OCR read) and
    `corrected`, with how many corrections did so."""

    printed = models.CharField("识别成", max_length=1)
    corrected = models.CharField("改正为", max_length=1)
    count = models.PositiveIntegerField("次数", default=1)
    last_seen = models.DateTimeField("最近一次", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "纠错得到的形近字"
        constraints = [models.UniqueConstraint(fields=["printed", "corrected"], name="learned_lookalike_pair")]

    def __str__(self) -> str:
        return f"{self.printed} → {self.corrected}"
