"""What the web shows of messages written in English for the command line: the parser's and the
import's reasons (newspaper.parser.reasons) looked up in the catalogue (locale/zh_Hans)."""

from __future__ import annotations

import re
from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from newspaper.parser.reasons import Reason


def localize(message: str) -> str:
    """The message in the active language: a Reason by its template, filled with its values
    (themselves localized when they are reasons); any other text as it is in the catalogue."""
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
