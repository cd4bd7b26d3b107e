"""The archive's models: the paper itself (archive), uploads in the browser (uploads) and the
search index's outbox (outbox); the record of people merged (people)."""

from newspaper.models.archive import (
    ARTICLE_HISTORY,
    PUBLICATION,
    ZHEJIANG_CITIES,
    Article,
    Credit,
    Indexed,
    Issue,
    Page,
    Person,
    Topic,
    Union,
)
from newspaper.models.lookalikes import LearnedLookalike
from newspaper.models.outbox import IndexWork, IndexWriterStatus
from newspaper.models.people import DistinctPeople, PersonMerge
from newspaper.models.uploads import Upload, UploadedFile

__all__ = [
    "ARTICLE_HISTORY",
    "PUBLICATION",
    "ZHEJIANG_CITIES",
    "Article",
    "Credit",
    "DistinctPeople",
    "IndexWork",
    "IndexWriterStatus",
    "Indexed",
    "Issue",
    "LearnedLookalike",
    "Page",
    "Person",
    "PersonMerge",
    "Topic",
    "Union",
    "Upload",
    "UploadedFile",
]
