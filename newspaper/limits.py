"""Limits that hold before a request's body is read (issue 13).

Django reads a body the first time something touches request.POST or request.FILES, and the
CSRF check does so before any view runs: a limit checked in the upload view comes after the
whole body was read and spooled to disk, whoever sent it. So the limits are decided here from
the headers and the session cookie alone:

- RequestSizeLimitMiddleware, before sessions and authentication: a POST or PUT that declares
  more than an upload may carry gets 413 at once, a multipart upload that declares no length
  411 (WSGI servers hand Django no body without a length anyway).
- UploadGateMiddleware, after authentication (which reads the session cookie, never the body):
  an upload posted by someone who may not upload goes to the login page or gets 403 unread.
  For those who may, the body is parsed here, before the CSRF check would parse it, so that
  Django's own limits met while parsing (DATA_UPLOAD_MAX_NUMBER_FILES and the like) answer
  with the upload page and a message instead of a bare "Bad Request (400)".

Other POSTs (the admin's forms, the login) keep Django's limits: DATA_UPLOAD_MAX_MEMORY_SIZE.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse

from newspaper import upload_views

FORM_OVERHEAD = 2**20  # multipart boundaries, each part's headers, the CSRF token
LENGTH = re.compile(r"[0-9]{1,19}")  # ASCII digits only: int() would take "٣" or " 3"


def max_body_bytes() -> int:
    return settings.UPLOAD_MAX_REQUEST_MB * 2**20 + FORM_OVERHEAD


def is_upload(request) -> bool:
    return request.method == "POST" and request.path == reverse("newspaper:upload")


def refused(request, status: int, title: str, message: str):
    """A short page in the site's layout; nothing of the body was read."""
    return render(request, "refused.html", {"title": title, "message": message}, status=status)


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH"):
            raw = request.META.get("CONTENT_LENGTH") or ""
            if not raw:
                if is_upload(request) and request.content_type == "multipart/form-data":
                    return refused(request, 411, "缺少内容长度", "上传请求没有声明内容长度（Content-Length），未接收。")
            elif not LENGTH.fullmatch(raw):
                return refused(request, 400, "请求无效", "请求声明的内容长度（Content-Length）无效。")
            elif int(raw) > max_body_bytes():
                return refused(
                    request,
                    413,
                    "上传内容过大",
                    f"一次上传合计不能超过 {settings.UPLOAD_MAX_REQUEST_MB} MB，本次未接收，未保存任何文件。",
                )
        return self.get_response(request)


class UploadGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_upload(request):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not upload_views.may_upload(request.user):
                raise PermissionDenied("需要档案管理员权限")
            try:
                request.FILES  # noqa: B018 — parsed now, before the CSRF check would
            except upload_views.PARSE_LIMITS as exc:
                return upload_views.refused(request, exc)
        return self.get_response(request)


def client_ip(request) -> str:
    """The address django-axes counts login failures by: the peer's, or behind our proxy
    (BEHIND_PROXY=1) the last X-Forwarded-For entry, the one the proxy itself appended
    (earlier entries are whatever the client sent)."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")
