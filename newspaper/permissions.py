"""The "archive admins" group: who may upload dumps and correct articles. Created by a migration
(with historical models) and wherever a flushed database needs it back."""

GROUP = "archive admins"
PERMISSIONS = [
    "upload_dumps", "view_upload", "view_uploadedfile",
    "view_article", "change_article", "view_page", "view_issue", "view_union", "change_union",
    "view_topic", "change_topic", "view_person", "view_credit", "add_credit", "change_credit", "delete_credit",
]  # fmt: skip


def ensure_archive_admins(group_model, permission_model):
    group, _ = group_model.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *permission_model.objects.filter(content_type__app_label="newspaper", codename__in=PERMISSIONS)
    )
    return group
