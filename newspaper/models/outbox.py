"""The index's outbox: the articles whose search-index entries must be written again, recorded in
the same transaction as the change that made them stale (an import, an editor's correction, a
renamed union…), and the one index writer that drains them (search.writer).

A row is deleted only after the index commit that wrote its article, so a crash anywhere leaves
the work to the next writer: "stored but never searchable" cannot happen, and `check_index`
proves it article by article.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_noop


class IndexWork(models.Model):
    """One article to write to the index again, or to remove from it when it no longer exists.

    The same article may have several rows (edited twice before the writer came by); the writer
    reads it once, after it holds the index lock, so it writes the article as it is then."""

    article_id = models.BigIntegerField("文章 ID", db_index=True)
    page_id = models.BigIntegerField("版面 ID", null=True, blank=True, db_index=True)
    # Created in the same transaction: never indexed, so the writer adds it without first
    # looking for an entry to replace (unless a writer may have died after indexing it).
    new = models.BooleanField("新文章", default=False)
    # Part of an import of many pages: the writer may wait for a large batch (thousands of
    # articles per commit); an editor's change (bulk=False) is written at once.
    bulk = models.BooleanField("批量导入", default=False)
    queued_at = models.DateTimeField("排队时间", default=timezone.now)
    attempts = models.PositiveSmallIntegerField("失败次数", default=0)
    error = models.CharField("失败原因", max_length=500, blank=True)
    retry_at = models.DateTimeField("下次重试", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "待写入索引"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"文章 {self.article_id}"


class IndexWriterStatus(models.Model):
    """What the index writer process is doing, one row (pk=1), written by the writer itself: its
    heartbeat tells the admin, uploads and `manage.py ingest` whether a writer is running."""

    pid = models.PositiveIntegerField("进程号", null=True, blank=True)
    host = models.CharField("主机", max_length=100, blank=True)
    started_at = models.DateTimeField("启动时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    state = models.CharField("状态", max_length=100, blank=True)
    written = models.PositiveBigIntegerField("已写入文章数", default=0)
    last_batch_at = models.DateTimeField("最近一批写入", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    last_error_at = models.DateTimeField("最近错误时间", null=True, blank=True)
    last_check_at = models.DateTimeField("最近核对", null=True, blank=True)
    last_check = models.CharField("核对结果", max_length=500, blank=True)

    ALIVE_SECONDS = 15  # a heartbeat older than this: no writer is running

    # What the writer records in `state`, `last_check` and `last_error` (and IndexWork.error), in
    # English as the command line prints it; the admin and the upload pages show it translated
    # (newspaper.i18n.localize_stored). search.writer and search.consistency write these texts.
    MESSAGES = (
        gettext_noop("starting"),
        gettext_noop("idle"),
        gettext_noop("stopped"),
        gettext_noop("comparing the index with the database"),
        gettext_noop("waiting for the index lock"),
        gettext_noop("writing {count} articles"),
        gettext_noop("index matches database: {count} articles"),
        gettext_noop("index matches database: {count} articles ({waiting} still queued for the index writer)"),
        gettext_noop("index differs: {missing} missing, {stale} stale, {extra} extra; ids: {ids}"),
        gettext_noop(
            "index differs: {missing} missing, {stale} stale, {extra} extra"
            " ({waiting} still queued for the index writer); ids: {ids}"
        ),
        gettext_noop("the index lock ({path}) was held by another process over {seconds} s"),
    )

    class Meta:
        verbose_name = verbose_name_plural = "索引写入进程"

    def __str__(self) -> str:
        return "索引写入进程"

    @classmethod
    def current(cls) -> IndexWriterStatus:
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def unresolved_error(self) -> str:
        """The writer's last error (a lock held too long, a failed loop), unless a batch was
        written since: what the freshness note must not hide."""
        written_since = self.last_batch_at and self.last_error_at and self.last_batch_at >= self.last_error_at
        return "" if written_since or not self.last_error_at else self.last_error

    @property
    def alive(self) -> bool:
        return bool(self.heartbeat_at) and (timezone.now() - self.heartbeat_at).total_seconds() < self.ALIVE_SECONDS
