"""The group whose members may upload dumps and correct articles."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from newspaper.permissions import ensure_archive_admins


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    app_config = apps.get_app_config("newspaper")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    ensure_archive_admins(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("newspaper", "0004_uploads"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
