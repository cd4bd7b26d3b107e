"""Load the starting topic taxonomy (newspaper/data/topics.json); admins edit it afterwards."""

import json
from pathlib import Path

from django.db import migrations

TAXONOMY = Path(__file__).resolve().parent.parent / "data" / "topics.json"


def load(apps, schema_editor):
    Topic = apps.get_model("newspaper", "Topic")
    for item in json.loads(TAXONOMY.read_text(encoding="utf-8"))["topics"]:
        Topic.objects.update_or_create(
            name=item["name"],
            defaults={
                "slug": item["slug"],
                "description": item["description"],
                "terms": item["terms"],
                "threshold": item["threshold"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("newspaper", "0002_unions_topics")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
