"""The shipped starting taxonomy (data/topics.json) loaded into the Topic table. Used by the data
migration (with the historical model) and wherever a flushed database needs it back."""

import json

from newspaper.recognise.topics import TAXONOMY


def load_default_topics(topic_model) -> int:
    """Create or update the shipped topics; returns how many there are. Rules an admin added to
    other topics are left alone."""
    items = json.loads(TAXONOMY.read_text(encoding="utf-8"))["topics"]
    for item in items:
        topic_model.objects.update_or_create(
            name=item["name"],
            defaults={
                "slug": item["slug"],
                "description": item["description"],
                "terms": item["terms"],
                "threshold": item["threshold"],
            },
        )
    return len(items)
