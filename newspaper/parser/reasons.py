"""Messages meant for a person, written once in English for the command line and translated for
the web by Django's gettext (newspaper.i18n.localize) without this package importing Django.

    raise ParseError(reason("the file is empty"))
    warnings.append(reason("{count} articles without a headline", count=3))

A Reason is the English text itself (a str: printed, compared, stored in JSON as it is) and
remembers its template and values, so that the web can look the template up in the catalogue
(locale/zh_Hans) and fill in the same values. `makemessages` finds the templates because the
function is called `reason` (`make messages`: our makemessages passes xgettext --keyword=reason).
"""

from __future__ import annotations


class Reason(str):
    template: str
    params: dict[str, object]

    def __new__(cls, template: str, **params: object) -> Reason:
        self = super().__new__(cls, template.format(**params) if params else template)
        self.template = template
        self.params = params
        return self

    def __reduce__(self):  # pickled by the task queue: keep the template and the values
        return (_rebuild, (self.template, self.params))


def _rebuild(template: str, params: dict[str, object]) -> Reason:
    return Reason(template, **params)


def reason(template: str, **params: object) -> Reason:
    """A message in English, {name} placeholders filled from `params`."""
    return Reason(template, **params)
