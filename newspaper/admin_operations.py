"""The admin of the archive's operations: uploads, and the index writer's outbox and state
(read-only: the writer keeps them). Registered when newspaper.admin imports this module."""

from django.contrib import admin
from django.db.models import Count
from django.templatetags.static import static
from django.utils.html import format_html

from newspaper.models import IndexWork, IndexWriterStatus, LearnedLookalike, Upload, UploadedFile
from newspaper.templatetags.index_freshness import writer_message


def yes_no(value: bool | None) -> str:
    """The admin's own yes/no icon, its alt text in Chinese: a column marked boolean=True gets
    alt="True" or "False", which screen readers read out (issue 13)."""
    name, alt = {True: ("yes", "是"), False: ("no", "否")}.get(value, ("unknown", "未知"))
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{name}.svg"), alt)


class UploadedFileInline(admin.TabularInline):
    model = UploadedFile
    fields = ("name", "size", "status", "message", "page")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = ("__str__", "uploaded_by", "uploaded_at", "status", "file_count", "finished_at")
    list_filter = ("status", "uploaded_by")
    date_hierarchy = "uploaded_at"
    readonly_fields = ("uploaded_by", "uploaded_at", "status", "finished_at")
    inlines = [UploadedFileInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by").annotate(_files=Count("files"))

    @admin.display(description="文件数", ordering="_files")
    def file_count(self, obj):
        return obj._files

    def has_add_permission(self, request):
        return False  # uploads come in through /upload/, with validation


@admin.register(IndexWork)
class IndexWorkAdmin(admin.ModelAdmin):
    """What the index writer has still to write, and why what failed failed. Read-only: the
    rows are written with the changes that need them and deleted by the writer."""

    list_display = ("article_link", "page_id", "queued_at", "bulk_shown", "attempts", "error_shown", "retry_at")
    list_filter = ("bulk", ("error", admin.EmptyFieldListFilter))
    search_fields = ("=article_id", "error")
    date_hierarchy = "queued_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="批量导入", ordering="bulk")
    def bulk_shown(self, obj):
        return yes_no(obj.bulk)

    @admin.display(description="错误")
    def error_shown(self, obj):
        return writer_message(obj.error)

    @admin.display(description="文章", ordering="article_id")
    def article_link(self, obj):
        return format_html('<a href="{}">{}</a>', f"/articles/{obj.article_id}/", obj.article_id)


@admin.register(IndexWriterStatus)
class IndexWriterStatusAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "running",
        "state_shown",
        "heartbeat_at",
        "written",
        "last_batch_at",
        "last_error_shown",
        "last_check_shown",
    )
    fields = readonly_fields = (
        "pid",
        "host",
        "started_at",
        "heartbeat_at",
        "state_shown",
        "written",
        "last_batch_at",
        "last_error_shown",
        "last_error_at",
        "last_check_at",
        "last_check_shown",
    )

    @admin.display(description="状态")
    def state_shown(self, obj):
        return writer_message(obj.state)

    @admin.display(description="最近错误")
    def last_error_shown(self, obj):
        return writer_message(obj.last_error)

    @admin.display(description="核对结果")
    def last_check_shown(self, obj):
        return writer_message(obj.last_check)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="运行中")
    def running(self, obj):
        return yes_no(obj.alive)


@admin.register(LearnedLookalike)
class LearnedLookalikeAdmin(admin.ModelAdmin):
    """The look-alike pairs editors' corrections taught 容错 (newspaper.learning): listed to be
    checked, and deleted where a correction was no OCR confusion."""

    list_display = ("printed", "corrected", "count", "last_seen")
    search_fields = ("=printed", "=corrected")
    ordering = ("-count", "-last_seen")
    readonly_fields = ("printed", "corrected", "count", "last_seen")

    def has_add_permission(self, request):
        return False
