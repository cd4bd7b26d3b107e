"""Uploads in the browser: check every file before anything is imported, keep the bytes, then
import on confirmation through the same service as the `ingest` command.

    upload = receive(files, user)     # validation report per file; nothing imported yet
    confirm(upload, dates)            # queue the import (a background job, see newspaper.tasks)
    run(upload)                       # what the job does; safe to run again after a crash
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newspaper.ingest import BatchIndexer, Source, Status, iter_zip
from newspaper.models import Article, Page, Upload, UploadedFile
from newspaper.parser import ParseError, parse_text
from newspaper.parser.decoding import decode


class UploadRefusedError(ValueError):
    """The request as a whole is refused (too many files, too large); nothing was stored."""


@dataclass
class Incoming:
    name: str
    data: bytes


def limits() -> dict[str, int]:
    return {
        "file_bytes": settings.UPLOAD_MAX_FILE_MB * 2**20,
        "request_bytes": settings.UPLOAD_MAX_REQUEST_MB * 2**20,
        "files": settings.UPLOAD_MAX_FILES,
    }


def expand(incoming: list[Incoming]) -> list[Source]:
    """Files as uploaded → dumps: a .zip becomes its entries (unsafe ones refused by name)."""
    limit = limits()
    sources: list[Source] = []
    for item in incoming:
        if item.name.lower().endswith(".zip"):
            sources.extend(iter_zip(item.name, item.data))
        elif len(item.data) > limit["file_bytes"]:
            sources.append(Source(item.name, error=f"too large (limit {settings.UPLOAD_MAX_FILE_MB} MB)"))
        elif not item.name.lower().endswith((".txt", ".text")):
            sources.append(Source(item.name, item.data, error="not a .txt dump or .zip archive"))
        else:
            sources.append(Source(item.name, item.data))
    if len(sources) > limit["files"]:
        raise UploadRefusedError(f"too many files ({len(sources)}; at most {limit['files']} per upload)")
    return sources


def check(source: Source, date: dt.date | None = None, page: int | None = None) -> tuple[str, dict, str]:
    """(status, report, message) for one dump, without storing anything."""
    if source.error:
        return UploadedFile.Status.INVALID, {"errors": [source.error]}, source.error
    try:
        text, encoding = decode(source.data)
    except ParseError as exc:
        return UploadedFile.Status.INVALID, {"errors": [str(exc)]}, str(exc)
    report: dict = {"encoding": encoding, "errors": [], "warnings": []}
    try:
        parsed = parse_text(text, date=date, page=page)
    except ParseError as exc:
        report["errors"].append(str(exc))
        report["needs_date"] = "date" in str(exc)
        report["needs_page"] = report["needs_date"] and page is None  # no masthead: no page either
        return UploadedFile.Status.INVALID, report, str(exc)
    report.update(
        date=parsed.date.isoformat(),
        number=parsed.number,
        page=parsed.page_number,
        articles=[a.title or "（无标题）" for a in parsed.articles],
    )
    report["warnings"] = list(parsed.warnings)
    if parsed.page_number is None:
        report["errors"].append("no page number in the dump")
        report["needs_page"] = True
        return UploadedFile.Status.INVALID, report, "no page number in the dump"
    missing = [a.title for a in parsed.articles if a.kind != "photo" and not a.byline]
    if missing:
        report["warnings"].append(f"no byline found for {len(missing)} article(s): " + "、".join(missing[:3]))
    existing = Page.objects.filter(issue__date=parsed.date, number=parsed.page_number).first()
    if existing:
        same = existing.sha256 == hashlib.sha256(source.data).hexdigest()
        report["warnings"].append(
            "already in the archive, unchanged" if same else f"replaces the stored {existing} (will update in place)"
        )
    return UploadedFile.Status.VALID, report, ""


def receive(incoming: list[Incoming], user) -> Upload:
    """Store the upload with a report per file. Refuses the whole request, storing nothing,
    when it breaks the limits."""
    total = sum(len(i.data) for i in incoming)
    if total > limits()["request_bytes"]:
        raise UploadRefusedError(
            f"the upload is too large ({total // 2**20} MB; at most {settings.UPLOAD_MAX_REQUEST_MB} MB)"
        )
    if not incoming:
        raise UploadRefusedError("no files were chosen")
    sources = expand(incoming)
    with transaction.atomic():
        upload = Upload.objects.create(uploaded_by=user if user and user.is_authenticated else None)
        for source in sources:
            status, report, message = check(source)
            UploadedFile.objects.create(
                upload=upload,
                name=source.filename[:255],
                data=source.data,
                size=len(source.data),
                sha256=hashlib.sha256(source.data).hexdigest(),
                report=report,
                status=status,
                message=message[:500],
            )
    return upload


def confirm(upload: Upload, dates: dict[int, dt.date], pages: dict[int, int] | None = None) -> None:
    """Apply the dates and page numbers the admin supplied, check those files again, and queue
    the import."""
    from newspaper.tasks import import_upload

    pages = pages or {}
    with transaction.atomic():
        for item in upload.files.select_for_update():
            if item.pk in dates or item.pk in pages:
                item.date = dates.get(item.pk, item.date)
                item.page_number = pages.get(item.pk, item.page_number)
                source = Source(item.name, bytes(item.data))
                item.status, item.report, item.message = check(source, item.date, item.page_number)
                item.save()
        upload.status = Upload.Status.QUEUED
        upload.save(update_fields=["status"])
    transaction.on_commit(lambda: import_upload(upload.pk))


def run(upload_id: int) -> Upload:
    """Import every file of the upload not imported yet. Each page is its own transaction, so a
    job interrupted half-way (a worker killed) resumes where it stopped, without duplicates; the
    index is written in batches (BatchIndexer), and a resumed job first indexes again what the
    interrupted one stored."""
    upload = Upload.objects.get(pk=upload_id)
    if upload.status in (Upload.Status.DONE, Upload.Status.VALIDATED):
        return upload
    resumed = upload.status == Upload.Status.RUNNING
    Upload.objects.filter(pk=upload_id).update(status=Upload.Status.RUNNING)
    with BatchIndexer() as batch:
        if resumed:
            done = upload.files.filter(status__in=[UploadedFile.Status.CREATED, UploadedFile.Status.UPDATED])
            batch.add_ids(list(Article.objects.filter(page__in=done.values("page")).values_list("pk", flat=True)))
        for item in upload.files.filter(status=UploadedFile.Status.VALID):
            source = Source(item.name, bytes(item.data), filename=item.name)
            outcome = batch.ingest(source, date=item.date, page=item.page_number)
            item.status = {
                Status.CREATED: UploadedFile.Status.CREATED,
                Status.UPDATED: UploadedFile.Status.UPDATED,
                Status.UNCHANGED: UploadedFile.Status.UNCHANGED,
            }.get(outcome.status, UploadedFile.Status.FAILED)
            item.message = (outcome.message or outcome.line())[:500]
            item.page = outcome.page if outcome.page and outcome.page.pk else None
            item.save(update_fields=["status", "message", "page"])
    failed = upload.files.filter(status=UploadedFile.Status.FAILED).exists()
    Upload.objects.filter(pk=upload_id).update(
        status=Upload.Status.FAILED if failed else Upload.Status.DONE, finished_at=timezone.now()
    )
    upload.refresh_from_db()
    return upload
