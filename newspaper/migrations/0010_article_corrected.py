from django.db import migrations, models

TEXT_FIELDS = ("column", "kicker", "title", "subtitle", "byline", "body", "captions", "pull_quotes")


def remember_corrections(apps, schema_editor):
    """Corrections made before articles remembered them: every version a person saved (the
    history has its user) differs from the version before it in the fields that person changed."""
    Article = apps.get_model("newspaper", "Article")
    History = apps.get_model("newspaper", "HistoricalArticle")
    edited = History.objects.filter(history_user__isnull=False, history_type="~").values_list("id", flat=True)
    corrected: dict[int, set[str]] = {}
    for article_id in set(edited.distinct()):
        previous = None
        for version in History.objects.filter(id=article_id).order_by("history_date", "history_id"):
            if previous is not None and version.history_user_id is not None:
                changed = {f for f in TEXT_FIELDS if getattr(version, f) != getattr(previous, f)}
                corrected.setdefault(article_id, set()).update(changed)
            previous = version
    for article_id, fields in corrected.items():
        if fields:
            Article.objects.filter(pk=article_id).update(corrected=sorted(fields))


class Migration(migrations.Migration):
    dependencies = [
        ("newspaper", "0009_index_outbox"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="corrected",
            field=models.JSONField(blank=True, default=list, editable=False, verbose_name="人工校正的字段"),
        ),
        migrations.RunPython(remember_corrections, migrations.RunPython.noop),
    ]
