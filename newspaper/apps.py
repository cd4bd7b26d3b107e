from django.apps import AppConfig


def _axes_config():
    from axes.apps import AppConfig as AxesAppConfig

    return AxesAppConfig


class ArchiveConfig(AppConfig):
    default = True  # this module holds another app's config too (LoginGuardConfig)
    name = "newspaper"
    verbose_name = "报纸档案"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from newspaper import outbox

        outbox.connect()


class LoginGuardConfig(_axes_config()):
    """django-axes (login rate limiting) under a Chinese name in the admin."""

    verbose_name = "登录防护"
