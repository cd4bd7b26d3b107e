"""Background jobs, run by the worker (manage.py run_huey): importing uploads. The search index
is written by its own process (manage.py index_writer) from the outbox the imports fill."""

from huey.contrib.djhuey import db_task, on_startup

from newspaper import uploads
from newspaper.models import Upload


@db_task(retries=2, retry_delay=10)
def import_upload(upload_id: int) -> None:
    uploads.run(upload_id)


@on_startup()
def resume_unfinished_uploads() -> None:
    """A worker killed in the middle of an import left its upload queued or running: take it
    up again. Files already imported are skipped, so nothing is imported twice."""
    for pk in Upload.objects.filter(status__in=[Upload.Status.QUEUED, Upload.Status.RUNNING]).values_list(
        "pk", flat=True
    ):
        import_upload(pk)
