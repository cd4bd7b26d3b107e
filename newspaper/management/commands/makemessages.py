"""Django's makemessages, also finding the parser's and the import's messages: they are written
`reason("…")` (newspaper.parser.reasons), a keyword xgettext does not know.

    python manage.py makemessages -l zh_Hans --ignore=var    (make messages)
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=reason"]
