"""Uploads in the browser: a batch of dumps, each file's bytes and validation report."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from newspaper.models.archive import Page


class Upload(models.Model):
    """One batch of dumps an admin uploaded in the browser: validated first, imported on
    confirmation by the background worker. Kept for the upload history."""

    class Status(models.TextChoices):
        VALIDATED = "validated", "待确认"
        QUEUED = "queued", "排队中"
        RUNNING = "running", "导入中"
        INDEXING = "indexing", "写入索引中"  # stored; not every article searchable yet
        DONE = "done", "已完成"
        FAILED = "failed", "有失败"

    uploaded_by = models.ForeignKey(
        "auth.User", null=True, on_delete=models.SET_NULL, related_name="uploads", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.VALIDATED)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "上传批次"
        ordering = ["-uploaded_at"]
        permissions = [("upload_dumps", "可以上传版面文本")]

    def __str__(self) -> str:
        from django.utils import timezone

        return f"上传 #{self.pk} {timezone.localtime(self.uploaded_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("newspaper:upload-detail", args=[self.pk])

    @property
    def progress(self) -> tuple[int, int]:
        return self.progress_of(self.files.defer("data"))

    @staticmethod
    def progress_of(files) -> tuple[int, int]:
        """(finished, to change the archive) among files already loaded."""
        todo = [f for f in files if f.changes]
        return sum(1 for f in todo if f.finished), len(todo)


class UploadedFile(models.Model):
    """A dump as uploaded (a .txt, or one entry of a .zip), its bytes kept whole, its validation
    report, and what importing it did."""

    class Status(models.TextChoices):
        VALID = "valid", "可导入"
        INVALID = "invalid", "不能导入"
        CREATED = "created", "已新增"
        UPDATED = "updated", "已更新"
        UNCHANGED = "unchanged", "无变化"
        FAILED = "failed", "导入失败"

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="files", verbose_name="上传批次")
    name = models.CharField("文件", max_length=255)
    data = models.BinaryField("内容")
    size = models.PositiveIntegerField("字节数")
    sha256 = models.CharField("SHA-256", max_length=64)
    report = models.JSONField("校验结果", default=dict)
    date = models.DateField("补充日期", null=True, blank=True)
    page_number = models.PositiveSmallIntegerField("补充版次", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices)
    message = models.CharField("说明", max_length=500, blank=True)
    page = models.ForeignKey(Page, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="版面")
    # Corrected articles whose correction the admin chose to replace by this dump's text (ids).
    take_new = models.JSONField("采用新文本的文章", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "上传文件"
        ordering = ["upload", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def importable(self) -> bool:
        return self.status != self.Status.INVALID

    @property
    def changes(self) -> bool:
        """Whether importing it changes the archive (a dump already stored as it is does not)."""
        return self.importable and not self.report.get("unchanged")

    @property
    def needs(self) -> bool:
        """Whether it waits for a value the admin has to give (a date, a page number)."""
        return bool(self.report.get("needs_date") or self.report.get("needs_page"))

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.CREATED, self.Status.UPDATED, self.Status.UNCHANGED, self.Status.FAILED)
