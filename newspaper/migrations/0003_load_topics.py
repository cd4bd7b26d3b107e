"""Load the starting topic taxonomy (newspaper/data/topics.json); admins edit it afterwards."""

from django.db import migrations

from newspaper.taxonomy import load_default_topics


def load(apps, schema_editor):
    load_default_topics(apps.get_model("newspaper", "Topic"))


class Migration(migrations.Migration):
    dependencies = [("newspaper", "0002_unions_topics")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
