"""How far the search index is behind the database, for the admin's pages."""

from django import template

from newspaper import outbox
from newspaper.models import IndexWriterStatus

register = template.Library()


@register.inclusion_tag("admin/_index_freshness.html")
def index_freshness():
    return {"backlog": outbox.backlog(), "writer": IndexWriterStatus.current()}
