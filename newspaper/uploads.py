"""Uploads in the browser: check every file before anything is imported, keep the bytes, then
import on confirmation through the same service as the `ingest` command.

    upload = receive(files, user)     # validation report per file; nothing imported yet
    confirm(upload, dates)            # ready to import: the caller queues newspaper.tasks.import_upload
                                      # (or held back: values missing, corrections to look at)
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
from django.utils.translation import gettext

from newspaper import outbox
from newspaper.corrections import conflicts
from newspaper.i18n import localize, site_language
from newspaper.ingest import Lookups, Status, ingest_source
from newspaper.models import Page, Upload, UploadedFile
from newspaper.parser import ParseError, parse_text
from newspaper.parser.decoding import decode
from newspaper.parser.reasons import reason
from newspaper.sources import Source, iter_zip
from newspaper.store import Origin

STAND_IN_DATE = dt.date(2000, 1, 1)  # to read what else a dump without a date holds


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
            sources.append(
                Source(item.name, error=reason("too large (limit {limit} MB)", limit=settings.UPLOAD_MAX_FILE_MB))
            )
        elif not item.name.lower().endswith((".txt", ".text")):
            sources.append(Source(item.name, item.data, error=reason("not a .txt dump or .zip archive")))
        else:
            sources.append(Source(item.name, item.data))
    if len(sources) > limit["files"]:
        raise UploadRefusedError(
            reason("too many files ({count}; at most {limit} per upload)", count=len(sources), limit=limit["files"])
        )
    return sources


def check(source: Source, date: dt.date | None = None, page: int | None = None) -> tuple[str, dict, str]:
    """(status, report, message) for one dump, without storing anything; the report in the
    site's language. Every value the file lacks (date, page number) is asked for at once."""
    with site_language():
        return _check(source, date, page)


def _check(source: Source, date: dt.date | None, page: int | None) -> tuple[str, dict, str]:
    if source.error:
        error = localize(source.error)
        return UploadedFile.Status.INVALID, {"errors": [error]}, error
    try:
        text, encoding = decode(source.data)
    except ParseError as exc:
        error = localize(exc.args[0])
        return UploadedFile.Status.INVALID, {"errors": [error]}, error
    report: dict = {"encoding": encoding, "errors": [], "warnings": []}
    try:
        parsed = parse_text(text, date=date, page=page)
    except ParseError as exc:
        parsed = _without_date(text, date, page)
        if parsed is None:  # not for want of a date
            report["errors"].append(localize(exc.args[0]))
            return UploadedFile.Status.INVALID, report, report["errors"][0]
        report["needs_date"] = True
        report["errors"].append(gettext("The dump gives no issue date: enter it below."))
    else:
        report.update(date=parsed.date.isoformat(), number=parsed.number)
    report.update(page=parsed.page_number, articles=[a.title or gettext("(untitled)") for a in parsed.articles])
    report["warnings"] = [localize(w) for w in parsed.warnings]
    if parsed.page_number is None:
        report["needs_page"] = True
        report["errors"].append(gettext("The dump gives no page number: enter it below."))
    if report["errors"]:
        return UploadedFile.Status.INVALID, report, "；".join(report["errors"])
    missing = [a.title for a in parsed.articles if a.kind != "photo" and not a.byline]
    if missing:
        report["warnings"].append(
            gettext("No byline found for %(count)s article(s): %(titles)s")
            % {"count": len(missing), "titles": "、".join(missing[:3])}
        )
    _compare_with_stored(parsed, hashlib.sha256(source.data).hexdigest(), report)
    return UploadedFile.Status.VALID, report, ""


def _without_date(text: str, date: dt.date | None, page: int | None):
    """The dump parsed with a stand-in date when it failed for want of one, else None."""
    if date is not None:
        return None
    try:
        return parse_text(text, date=STAND_IN_DATE, page=page)
    except ParseError:
        return None


def _compare_with_stored(parsed, sha256: str, report: dict) -> None:
    """What importing the dump would do to the page stored for the same date and number: nothing
    (the same file), or an update, listing the corrected articles whose text it would touch."""
    existing = (
        Page.objects.filter(issue__date=parsed.date, number=parsed.page_number)
        .select_related("issue")
        .defer("raw_text")
        .first()
    )
    if not existing:
        return
    if existing.sha256 == sha256:
        report["unchanged"] = True
        report["warnings"].append(gettext("Already in the archive as it is: importing it changes nothing."))
        return
    report["replaces"] = existing.pk
    report["warnings"].append(
        gettext("Replaces the stored %(page)s: its articles are updated in place and keep their links.")
        % {"page": existing}
    )
    stored = list(existing.articles.prefetch_related("credits__person"))
    report["corrections"] = [c.as_report() for c in conflicts(stored, parsed.articles)]


def receive(incoming: list[Incoming], user) -> Upload:
    """Store the upload with a report per file. Refuses the whole request, storing nothing,
    when it breaks the limits."""
    total = sum(len(i.data) for i in incoming)
    if total > limits()["request_bytes"]:
        raise UploadRefusedError(
            reason(
                "the upload is too large ({size} MB; at most {limit} MB)",
                size=total // 2**20,
                limit=settings.UPLOAD_MAX_REQUEST_MB,
            )
        )
    if not incoming:
        raise UploadRefusedError(reason("no files were chosen"))
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


@dataclass
class Confirmed:
    """What confirm() did: whether the upload is queued for import, and the files held back."""

    queued: bool
    lacking: list[str]  # still lack a value the admin has to give
    to_review: list[str]  # checked again, they touch corrections the admin has not seen yet


def confirm(
    upload: Upload,
    dates: dict[int, dt.date],
    pages: dict[int, int] | None = None,
    take_new: dict[int, list[int]] | None = None,
) -> Confirmed:
    """Apply the dates and page numbers the admin supplied and the corrections to give up, check
    those files again, and mark the upload queued (the caller queues the job once this has
    committed). Also for an upload already imported: its files that failed, or waited for a
    value, or wait for a second look, are checked again and imported.

    Files that still lack a value are left out, to be completed and imported later. A file whose
    new check finds corrected articles it would change, other than those its report already
    showed (a dump that lacked its date could not be compared with the stored page), holds the
    whole upload back: the admin sees the diff and chooses to keep each correction or take the
    new text before anything is imported (issue 13)."""
    pages, take_new = pages or {}, take_new or {}
    retry = upload.status in (Upload.Status.DONE, Upload.Status.FAILED)
    again_statuses = (UploadedFile.Status.FAILED, UploadedFile.Status.VALID)  # valid: held back last time
    with transaction.atomic():
        lacking, to_review = [], []
        for item in upload.files.select_for_update().defer("data"):  # bytes read for files checked again
            again = retry and (item.status in again_statuses or item.needs)
            if item.pk in dates or item.pk in pages or again:
                shown = item.report.get("corrections", [])
                item.date = dates.get(item.pk, item.date)
                item.page_number = pages.get(item.pk, item.page_number)
                source = Source(item.name, bytes(item.data))
                item.status, item.report, item.message = check(source, item.date, item.page_number)
                if item.report.get("corrections") and item.report["corrections"] != shown:
                    to_review.append(item.name)
            if item.needs:
                lacking.append(item.name)
            offered = {c["article"] for c in item.report.get("corrections", [])}
            item.take_new = sorted(offered & set(take_new.get(item.pk, [])))
            item.save(update_fields=["date", "page_number", "status", "report", "message", "take_new"])
        queued = not to_review and upload.files.filter(status=UploadedFile.Status.VALID).exists()
        if queued:  # else it waits for values, or for the admin's second look
            upload.status = Upload.Status.QUEUED
            upload.finished_at = None
            upload.save(update_fields=["status", "finished_at"])
    return Confirmed(queued, lacking, to_review)


def run(upload_id: int) -> Upload:
    """Import every file of the upload not imported yet. Each page is its own transaction, with
    its index work, so a job interrupted half-way (a worker killed) resumes where it stopped,
    without duplicates and without losing what it stored from the index. The upload is then
    `indexing` until the index writer has made every article searchable (settle)."""
    upload = Upload.objects.select_related("uploaded_by").get(pk=upload_id)
    if upload.status not in (Upload.Status.QUEUED, Upload.Status.RUNNING):
        return upload
    Upload.objects.filter(pk=upload_id).update(status=Upload.Status.RUNNING)
    lookups = Lookups()
    # The ids read first, whole: a cursor left open over rows the loop updates may skip some (SQLite)
    for pk in list(upload.files.filter(status=UploadedFile.Status.VALID).values_list("pk", flat=True)):
        item = UploadedFile.objects.get(pk=pk)  # one file's bytes in memory at a time
        source = Source(item.name, bytes(item.data), filename=item.name)
        with site_language():
            origin = Origin(
                upload.uploaded_by, gettext("upload #%(id)s: %(name)s") % {"id": upload.pk, "name": item.name}
            )
        # The page and the file's outcome in one transaction: a worker killed between the two
        # would leave a page stored by a file still waiting, imported again as "unchanged".
        with transaction.atomic():
            outcome = ingest_source(
                source, date=item.date, page=item.page_number, lookups=lookups, take_new=item.take_new, origin=origin
            )
            item.status = {
                Status.CREATED: UploadedFile.Status.CREATED,
                Status.UPDATED: UploadedFile.Status.UPDATED,
                Status.UNCHANGED: UploadedFile.Status.UNCHANGED,
            }.get(outcome.status, UploadedFile.Status.FAILED)
            item.message = describe(outcome)[:500]
            item.page = outcome.page if outcome.page and outcome.page.pk else None
            item.save(update_fields=["status", "message", "page"])
    Upload.objects.filter(pk=upload_id).update(status=Upload.Status.INDEXING)
    return settle(Upload.objects.get(pk=upload_id))


def describe(outcome) -> str:
    """What importing a file did, for its upload page, in the site's language."""
    with site_language():
        if outcome.failed:
            return localize(outcome.message)
        if outcome.status == Status.UNCHANGED:
            return gettext("The same as the stored page: nothing changed.")
        text = (
            gettext("Added, %(count)s articles.")
            if outcome.status == Status.CREATED
            else gettext("Updated, %(count)s articles.")
        ) % {"count": outcome.articles}
        if outcome.kept:
            text += gettext(" Kept the corrections of %(count)s articles.") % {"count": len(outcome.kept)}
        return text


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
