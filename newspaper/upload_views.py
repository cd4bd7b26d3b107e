"""Uploading dumps in the browser: choose files → validation report → confirm → background
import with progress. Staff with the upload permission only (group "archive admins")."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from newspaper import tasks, uploads
from newspaper.i18n import localize
from newspaper.models import IndexWriterStatus, Upload, UploadedFile
from newspaper.templatetags.index_freshness import writer_message


def may_upload(user) -> bool:
    return user.is_staff and user.has_perm("newspaper.upload_dumps")


def archive_admin(view):
    """Anonymous users go to the login page; signed-in users without the permission get 403.
    A POST to the upload page meets the same rule earlier, unread (newspaper.limits)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_upload(request.user):
            raise PermissionDenied("需要档案管理员权限")
        return view(request, *args, **kwargs)

    return wrapped


AGAIN = (UploadedFile.Status.FAILED, UploadedFile.Status.VALID)  # in an imported upload: to import again

# Django's limits met while it parses a multipart body: too many files (DATA_UPLOAD_MAX_NUMBER_FILES,
# set from UPLOAD_MAX_FILES), too many fields, too much in the fields other than files.
PARSE_LIMITS = (TooManyFilesSent, TooManyFieldsSent, RequestDataTooBig)


def _upload_page(request, error: str = "", status: int = 200):
    context = {"limits": settings, "recent": Upload.objects.select_related("uploaded_by")[:5], "error": error}
    return render(request, "newspaper/upload.html", context, status=status)


def refused(request, exc: Exception):
    """The upload page saying which limit the request broke (one of PARSE_LIMITS)."""
    if isinstance(exc, TooManyFilesSent):
        return _upload_page(
            request,
            f"一次最多上传 {settings.UPLOAD_MAX_FILES} 个文件（一个 .zip 压缩包算一个），本次超出，未保存任何文件。",
            400,
        )
    if isinstance(exc, TooManyFieldsSent):
        return _upload_page(request, "表单字段过多，未保存任何文件。", 400)
    return _upload_page(request, "表单中文件以外的内容过大，未保存任何文件。", 413)


@archive_admin
@require_http_methods(["GET", "POST"])
def upload(request):
    if request.method == "POST":
        # The body's declared size was checked before authentication (newspaper.limits).
        try:
            files = request.FILES.getlist("files")
        except PARSE_LIMITS as exc:
            return refused(request, exc)
        try:
            batch = uploads.receive([uploads.Incoming(f.name, f.read()) for f in files], request.user)
        except uploads.UploadRefusedError as exc:
            return _upload_page(request, f"{localize(exc.args[0])}：未保存任何文件。", 400)
        return redirect(batch)
    return _upload_page(request)


@archive_admin
@require_http_methods(["GET", "POST"])
def upload_detail(request, pk):
    batch = get_object_or_404(Upload.objects.select_related("uploaded_by"), pk=pk)
    if request.method == "POST":
        return _confirm(request, batch)
    uploads.settle(batch)
    files = list(batch.files.defer("data").select_related("page__issue").defer("page__raw_text"))
    done, total = Upload.progress_of(files)
    fixable = batch.status in (Upload.Status.DONE, Upload.Status.FAILED)
    return render(
        request,
        "newspaper/upload_detail.html",
        {
            "upload": batch,
            "files": files,
            "importable": sum(1 for f in files if f.status == UploadedFile.Status.VALID and f.changes),
            "needs_date": any(f.needs for f in files),
            "editable": batch.status == Upload.Status.VALIDATED,
            # files that failed, lack a value, or were checked again and wait for a second look
            "fixable": [f for f in files if fixable and (f.needs or f.status in AGAIN)],
            "done": done,
            "total": total,
            "backlog": uploads.index_backlog(batch),
            "writer": IndexWriterStatus.current(),
        },
    )


def _confirm(request, batch: Upload):
    """Confirm a validated upload, or import again the files of an imported one that failed or
    lacked a date or page number, with the values and choices the form gives."""
    if batch.status not in (Upload.Status.VALIDATED, Upload.Status.DONE, Upload.Status.FAILED):
        messages.info(request, "这批文件正在导入，请稍候。")
        return redirect(batch)
    dates, pages, take_new, bad = {}, {}, {}, []
    for item in batch.files.defer("data"):
        raw_date = request.POST.get(f"date-{item.pk}", "").strip()
        raw_page = request.POST.get(f"page-{item.pk}", "").strip()
        try:
            if raw_date:
                dates[item.pk] = dt.date.fromisoformat(raw_date)
            if raw_page:
                pages[item.pk] = int(raw_page)
                if not 1 <= pages[item.pk] <= 64:
                    raise ValueError
        except ValueError:
            bad.append(item.name)
        take_new[item.pk] = [int(v) for v in request.POST.getlist(f"take-{item.pk}") if v.isdigit()]
    if bad:
        messages.error(request, "日期或版次不对（日期如 2022-05-19，版次为 1–64）：" + "、".join(bad))
        return redirect(batch)
    confirmed = uploads.confirm(batch, dates, pages, take_new)
    if confirmed.queued:
        tasks.import_upload(batch.pk)
        messages.success(request, "已开始导入，可在本页查看进度。")
    if confirmed.to_review:
        messages.warning(
            request,
            "以下文件补全后会改动人工校正过的文章，本批暂未导入。请查看下方的差异，"
            "逐篇选择保留校正或采用新文本，再确认导入：" + "、".join(confirmed.to_review),
        )
    if confirmed.lacking:
        messages.warning(
            request, "以下文件还缺少日期或版次，暂未导入；补全后可在本页导入：" + "、".join(confirmed.lacking)
        )
    return redirect(batch)


@archive_admin
def upload_status(request, pk):
    batch = uploads.settle(get_object_or_404(Upload, pk=pk))
    files = list(batch.files.defer("data"))
    done, total = Upload.progress_of(files)
    # the index writer's error as the page shows it (_index_backlog.html): translated, values kept
    backlog, writer = uploads.index_backlog(batch), IndexWriterStatus.current()
    return JsonResponse(
        {
            "status": batch.status,
            "label": batch.get_status_display(),
            "done": done,
            "total": total,
            "index": {**backlog, "error": writer_message(backlog["error"]), "writer_running": writer.alive},
            "files": [
                {"id": f.pk, "name": f.name, "status": f.status, "label": f.get_status_display(), "message": f.message}
                for f in files
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@archive_admin
def upload_list(request):
    uploads.settle_all()
    batches = Upload.objects.select_related("uploaded_by").prefetch_related(
        Prefetch("files", UploadedFile.objects.defer("data"))
    )[:100]
    return render(request, "newspaper/upload_list.html", {"uploads": batches})
