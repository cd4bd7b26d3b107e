"""Background jobs, run by the one worker (manage.py run_huey): importing uploads and writing
the search index. One worker means one index writer, so the web processes never contend for
Whoosh's lock."""

from huey.contrib.djhuey import db_task, on_startup

from newspaper import uploads
from newspaper.models import Article, Upload


@db_task(retries=2, retry_delay=10)
def import_upload(upload_id: int) -> None:
    uploads.run(upload_id)


@db_task(retries=3, retry_delay=5)
def reindex_articles(ids: list[int]) -> None:
    """Bring the index in line with the database for these articles (saved, edited, deleted)."""
    from search.indexing import index_articles, unindex_articles

    found = list(
        Article.objects.filter(pk__in=ids)
        .select_related("page__issue")
        .prefetch_related("credits__person", "unions", "topics")
    )
    index_articles(found)
    unindex_articles(set(ids) - {a.pk for a in found})


@on_startup()
def resume_unfinished_uploads() -> None:
    """A worker killed in the middle of an import left its upload queued or running: take it
    up again. Files already imported are skipped, so nothing is imported twice."""
    for pk in Upload.objects.filter(status__in=[Upload.Status.QUEUED, Upload.Status.RUNNING]).values_list(
        "pk", flat=True
    ):
        import_upload(pk)
