"""Uploads in the browser: check every file before anything is imported, keep the bytes, then
import on confirmation through the same service as the `ingest` command.

    upload = receive(files, user)     # validation report per file; nothing imported yet
    confirm(upload, dates)            # ready to import: the caller queues newspaper.tasks.import_upload
    run(upload)                       # what the job does; safe to run again after a crash
    settle(upload)                    # done once every article it stored is searchable
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newspaper import outbox
from newspaper.ingest import Lookups, Status, ingest_source
from newspaper.models import Page, Upload, UploadedFile
from newspaper.parser import ParseError, parse_text
from newspaper.parser.decoding import decode
from newspaper.sources import Source, iter_zip


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
    existing = (
        Page.objects.filter(issue__date=parsed.date, number=parsed.page_number)
        .select_related("issue")
        .defer("raw_text")
        .first()
    )
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
    """Apply the dates and page numbers the admin supplied, check those files again, and mark
    the upload queued (the caller queues the job once this has committed)."""
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


def run(upload_id: int) -> Upload:
    """Import every file of the upload not imported yet. Each page is its own transaction, with
    its index work, so a job interrupted half-way (a worker killed) resumes where it stopped,
    without duplicates and without losing what it stored from the index. The upload is then
    `indexing` until the index writer has made every article searchable (settle)."""
    upload = Upload.objects.get(pk=upload_id)
    if upload.status not in (Upload.Status.QUEUED, Upload.Status.RUNNING):
        return upload
    Upload.objects.filter(pk=upload_id).update(status=Upload.Status.RUNNING)
    lookups = Lookups()
    for item in upload.files.filter(status=UploadedFile.Status.VALID):
        source = Source(item.name, bytes(item.data), filename=item.name)
        outcome = ingest_source(source, date=item.date, page=item.page_number, lookups=lookups)
        item.status = {
            Status.CREATED: UploadedFile.Status.CREATED,
            Status.UPDATED: UploadedFile.Status.UPDATED,
            Status.UNCHANGED: UploadedFile.Status.UNCHANGED,
        }.get(outcome.status, UploadedFile.Status.FAILED)
        item.message = (outcome.message or outcome.line())[:500]
        item.page = outcome.page if outcome.page and outcome.page.pk else None
        item.save(update_fields=["status", "message", "page"])
    Upload.objects.filter(pk=upload_id).update(status=Upload.Status.INDEXING)
    return settle(Upload.objects.get(pk=upload_id))


def index_backlog(upload: Upload) -> dict[str, object]:
    """How many of the upload's articles still wait for the index, and why the failed ones failed."""
    return outbox.backlog_of_pages(upload.files.exclude(page=None).values_list("page_id", flat=True))


def settle(upload: Upload) -> Upload:
    """An upload being indexed is done (or failed, when some file failed) once none of its
    articles waits for the index any more."""
    if upload.status == Upload.Status.INDEXING and not index_backlog(upload)["waiting"]:
        failed = upload.files.filter(status=UploadedFile.Status.FAILED).exists()
        upload.status = Upload.Status.FAILED if failed else Upload.Status.DONE
        upload.finished_at = timezone.now()
        Upload.objects.filter(pk=upload.pk, status=Upload.Status.INDEXING).update(
            status=upload.status, finished_at=upload.finished_at
        )
    return upload


def settle_all() -> None:
    """Settle every upload waiting for the index (the index writer calls this after a batch)."""
    for upload in Upload.objects.filter(status=Upload.Status.INDEXING):
        settle(upload)
