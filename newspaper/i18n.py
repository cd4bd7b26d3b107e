"""What the web shows of messages written in English for the command line: the parser's and the
import's reasons (newspaper.parser.reasons) looked up in the catalogue (locale/zh_Hans)."""

from __future__ import annotations

import re
from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from newspaper.parser.reasons import Reason

# Reasons whose value is an exception's own text ("IntegrityError: UNIQUE constraint failed: …"),
# which no catalogue translates: the web says what happened without it, and where to look; the
# command line prints it whole, and the import logs it with its traceback (issue 13).
WITHOUT_DETAIL = {
    "could not store the page: {error}": gettext_noop("could not store the page (the server log has the details)"),
    "cannot read the entry: {error}": gettext_noop("cannot read the entry (the archive may be damaged or encrypted)"),
}


def localize(message: str) -> str:
    """The message in the active language: a Reason by its template, filled with its values
    (themselves localized when they are reasons); any other text as it is in the catalogue."""
    if isinstance(message, Reason) and message.template in WITHOUT_DETAIL:
        return gettext(WITHOUT_DETAIL[message.template])
    if isinstance(message, Reason):
        params = {k: localize(v) if isinstance(v, Reason) else v for k, v in message.params.items()}
        return gettext(message.template).format(**params) if params else gettext(message.template)
    return gettext(message) if message else message


def site_language():
    """The site's language, for code that runs outside a request (the upload job, the worker)."""
    return translation.override(settings.LANGUAGE_CODE)


def localize_stored(text: str, templates) -> str:
    """Text stored in English from one of `templates` ("writing {count} articles"), in the active
    language with the same values; any other text as it is."""
    for template in templates:
        found = _pattern(template).fullmatch(text or "")
        if found:
            return gettext(template).format(**found.groupdict())
    return text


@lru_cache(maxsize=256)
def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)  # literal, name, literal, name, …
    return re.compile("".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)))
