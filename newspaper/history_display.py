"""How an article's history page (django-simple-history, in the admin) shows what each version
changed: the field's Chinese name, empty values as （空）, lists as their items, choices by their
label, and long text cut around the change ("…（省略 97 字）…" instead of "[97 chars]")."""

from __future__ import annotations

from django.utils.html import conditional_escape
from simple_history.template_utils import HistoricalRecordContextHelper

EMPTY = "（空）"
SHORT = 100  # characters shown whole
CONTEXT = 15  # unchanged characters shown either side of a change
MOST = 60  # characters of a changed stretch shown, the rest counted


class ChangeSummary(HistoricalRecordContextHelper):
    def stringify_delta_change_values(self, change, old, new):
        field = self.model._meta.get_field(change.field)
        choices = dict(field.flatchoices) if getattr(field, "choices", None) else {}
        old_text, new_text = (text_of(value, choices) for value in (old, new))
        old_text, new_text = around_difference(old_text, new_text)
        return conditional_escape(old_text or EMPTY), conditional_escape(new_text or EMPTY)


def text_of(value, choices: dict | None = None) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "；".join(text_of(item, choices) for item in value)
    return str((choices or {}).get(value, value))


def shared(a: str, b: str) -> int:
    """How many characters a and b have in common at their start."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def around_difference(old: str, new: str) -> tuple[str, str]:
    """Both values, each cut to the stretch where they differ (with a little context), when
    either is too long to show whole."""
    if max(len(old), len(new)) <= SHORT:
        return old, new
    start = shared(old, new)
    same_end = shared(old[start:][::-1], new[start:][::-1])

    def cut(text: str) -> str:
        if not text:
            return text
        begin, end = max(0, start - CONTEXT), min(len(text), len(text) - same_end + CONTEXT)
        middle = text[begin:end]
        if len(middle) > MOST:
            middle = f"{middle[: MOST // 2]}…（省略 {len(middle) - MOST} 字）…{middle[-MOST // 2 :]}"
        return ("…" if begin else "") + middle + ("…" if end < len(text) else "")

    return cut(old), cut(new)
