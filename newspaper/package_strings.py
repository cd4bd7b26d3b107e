"""Strings that the packages show but their zh_Hans catalogues lack: Django 5.2's admin (strings
added upstream after the Chinese was last updated, e.g. the headers of the admin's model tables,
read out by screen readers) and django-axes (no Chinese catalogue at all). Listed here so that
makemessages keeps them in our catalogue (locale/zh_Hans), which LOCALE_PATHS puts before the
packages' own. Never imported: only makemessages reads this file.

The admin's JavaScript strings that lack a translation (the two-box picker of ArticleAdmin's
topics) are in locale/zh_Hans/LC_MESSAGES/djangojs.po, kept by hand: `make messages` does not
touch it. django-simple-history's list of versions is our own template
(templates/simple_history/object_history_list.html).
"""

from django.utils.translation import gettext_noop, ngettext

DJANGO_ADMIN = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Error:"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("In case you’ve forgotten, you are:"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
)
DJANGO_FORMS = (gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice."),)
# django-axes (login attempts) has no Chinese at all: its models, admin and lockout messages.
AXES = (
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Account locked: too many login attempts. Please try again later."),
    gettext_noop("Account locked: too many login attempts. Contact an admin to unlock your account."),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Attempt Time"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
)


def _plurals(n: int) -> str:
    return ngettext(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        n,
    )
