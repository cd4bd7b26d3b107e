"""Uploading dumps in the browser: choose files → validation report → confirm → background
import with progress. Staff with the upload permission only (group "archive admins")."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from newspaper import tasks, uploads
from newspaper.models import IndexWriterStatus, Upload, UploadedFile


def archive_admin(view):
    """Anonymous users go to the login page; signed-in users without the permission get 403."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_staff and request.user.has_perm("newspaper.upload_dumps")):
            raise PermissionDenied("需要档案管理员权限")
        return view(request, *args, **kwargs)

    return wrapped


@archive_admin
@require_http_methods(["GET", "POST"])
def upload(request):
    context = {"limits": settings, "recent": Upload.objects.select_related("uploaded_by")[:5]}
    if request.method == "POST":
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > settings.UPLOAD_MAX_REQUEST_MB * 2**20 + 2**20:
            context["error"] = f"上传内容过大（上限 {settings.UPLOAD_MAX_REQUEST_MB} MB），未保存任何文件。"
            return render(request, "newspaper/upload.html", context, status=413)
        files = request.FILES.getlist("files")
        try:
            batch = uploads.receive([uploads.Incoming(f.name, f.read()) for f in files], request.user)
        except uploads.UploadRefusedError as exc:
            context["error"] = f"{exc}：未保存任何文件。"
            return render(request, "newspaper/upload.html", context, status=400)
        return redirect(batch)
    return render(request, "newspaper/upload.html", context)


@archive_admin
@require_http_methods(["GET", "POST"])
def upload_detail(request, pk):
    batch = get_object_or_404(Upload.objects.select_related("uploaded_by"), pk=pk)
    if request.method == "POST":
        if batch.status != Upload.Status.VALIDATED:
            messages.info(request, "这批文件已经在导入或已导入。")
            return redirect(batch)
        dates, pages, bad = {}, {}, []
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
        if bad:
            messages.error(request, "日期或版次不对（日期如 2022-05-19，版次为 1–64）：" + "、".join(bad))
            return redirect(batch)
        uploads.confirm(batch, dates, pages)
        tasks.import_upload(batch.pk)
        messages.success(request, "已开始导入，可在本页查看进度。")
        return redirect(batch)
    uploads.settle(batch)
    files = list(batch.files.defer("data").select_related("page__issue").defer("page__raw_text"))
    done, total = Upload.progress_of(files)
    return render(
        request,
        "newspaper/upload_detail.html",
        {
            "upload": batch,
            "files": files,
            "importable": sum(1 for f in files if f.status == UploadedFile.Status.VALID),
            "needs_date": any(f.report.get("needs_date") or f.report.get("needs_page") for f in files),
            "done": done,
            "total": total,
            "backlog": uploads.index_backlog(batch),
            "writer": IndexWriterStatus.current(),
        },
    )


@archive_admin
def upload_status(request, pk):
    batch = uploads.settle(get_object_or_404(Upload, pk=pk))
    files = list(batch.files.defer("data"))
    done, total = Upload.progress_of(files)
    return JsonResponse(
        {
            "status": batch.status,
            "label": batch.get_status_display(),
            "done": done,
            "total": total,
            "index": {**uploads.index_backlog(batch), "writer_running": IndexWriterStatus.current().alive},
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
