"""The group whose members may upload dumps and correct articles."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "archive admins"
PERMISSIONS = [
    "upload_dumps", "view_upload", "view_uploadedfile",
    "view_article", "change_article", "view_page", "view_issue", "view_union", "change_union",
    "view_topic", "change_topic", "view_person", "view_credit", "add_credit", "change_credit", "delete_credit",
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    app_config = apps.get_app_config("newspaper")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="newspaper", codename__in=PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [("newspaper", "0004_uploads"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
