"""How far the search index is behind the database, for the admin's pages."""

from django import template

from newspaper import outbox
from newspaper.i18n import localize_stored
from newspaper.models import IndexWriterStatus

register = template.Library()


@register.inclusion_tag("admin/_index_freshness.html")
def index_freshness():
    return {"backlog": outbox.backlog(), "writer": IndexWriterStatus.current()}


@register.filter
def writer_message(text: str) -> str:
    """What the index writer recorded (its state, a check, an error), in the site's language."""
    return localize_stored(text, IndexWriterStatus.MESSAGES)
