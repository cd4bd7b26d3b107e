"""The record of one person merged into another (newspaper.people): enough to undo it."""

from __future__ import annotations

from django.db import models

from newspaper.models.archive import Person


class PersonMerge(models.Model):
    """A variant printing of a name (金钩胤) merged into the person kept (金钧胤): who did it and
    when, the variant's row as it was (its id, name and aliases), the aliases the kept person
    gained and every credit of the variant, moved or (already credited) dropped. Undoing it
    restores the variant with its credits and takes the aliases back (issue 16)."""

    person = models.ForeignKey(
        Person, null=True, on_delete=models.SET_NULL, related_name="merges", verbose_name="保留的人员"
    )
    kept_name = models.CharField("保留的姓名", max_length=40)
    variant_name = models.CharField("并入的姓名", max_length=40)
    variant_pk = models.BigIntegerField("并入人员的编号")
    variant_aliases = models.JSONField("并入人员的别名", default=list, blank=True)
    added_aliases = models.JSONField("新增的别名", default=list, blank=True)
    # [{"id", "article", "role", "order", "moved"}]: moved to the kept person, or dropped where
    # the kept person was already credited in that role (one credit per article, person and role).
    credits = models.JSONField("署名", default=list, blank=True)
    repointed = models.JSONField("转入的合并记录", default=list, blank=True)  # merges into the variant
    merged_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="操作人"
    )
    merged_at = models.DateTimeField("合并时间", auto_now_add=True)
    undone_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="撤销人"
    )
    undone_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "人员合并记录"
        ordering = ["-merged_at", "-pk"]

    def __str__(self) -> str:
        return f"“{self.variant_name}”并入“{self.kept_name}”"

    @property
    def credit_count(self) -> int:
        return len(self.credits)


class DistinctPeople(models.Model):
    """Two people an admin has judged different although their names are one look-alike apart
    (王玉 and 王王 may both exist): never suggested for a merge again (issue 16). Stored by name,
    the smaller first, so the judgement holds for a person merged away and restored."""

    first = models.CharField("姓名甲", max_length=40)
    second = models.CharField("姓名乙", max_length=40)
    decided_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="判断人"
    )
    decided_at = models.DateTimeField("判断时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "确认不是同一人"
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="distinct_people_once"),
            models.CheckConstraint(condition=models.Q(first__lt=models.F("second")), name="distinct_people_ordered"),
        ]

    def __str__(self) -> str:
        return f"“{self.first}”与“{self.second}”不是同一人"

    @classmethod
    def pair(cls, a: str, b: str) -> tuple[str, str]:
        return (a, b) if a < b else (b, a)
