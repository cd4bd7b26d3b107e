from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "newspaper"
    verbose_name = "报纸档案"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from newspaper import outbox

        outbox.connect()
