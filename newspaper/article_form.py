"""The admin's article form, made for correcting OCR: captions and pull-quotes one per line, a
reason for the change, and what a person changed remembered so that no re-import undoes it."""

from __future__ import annotations

from django import forms

from newspaper.corrections import TEXT_FIELDS, value_of
from newspaper.models import Article


class LinesField(forms.CharField):
    """A list of strings edited as lines of a textarea; blank lines are dropped."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def has_changed(self, initial, data):
        return (initial or []) != self.to_python(data)


class ArticleForm(forms.ModelForm):
    captions = LinesField(label="图片说明", required=False, help_text="每行一条")
    pull_quotes = LinesField(label="引语", required=False, help_text="每行一条")
    change_reason = forms.CharField(
        label="修改原因",
        required=False,
        max_length=100,
        help_text="选填，记入历史，例如：据版面图片改正人名",
    )

    class Meta:
        model = Article
        fields = (
            "page",
            "order",
            "kind",
            "column",
            "kicker",
            "title",
            "subtitle",
            "byline",
            "body",
            "captions",
            "pull_quotes",
            "topics",
            "topics_locked",
            "unions",
        )
        widgets = {
            "body": forms.Textarea(attrs={"rows": 24, "class": "ocr-body"}),
            "topics": forms.CheckboxSelectMultiple(attrs={"class": "topic-choices"}),
            "unions": forms.SelectMultiple(attrs={"size": 8}),
        }

    def clean_body(self):
        """Browsers send a textarea's line breaks as CRLF; the archive's text has LF, as parsed."""
        return self.cleaned_data["body"].replace("\r\n", "\n").replace("\r", "\n")


class CreditFormSet(forms.BaseInlineFormSet):
    """An article's credits. The same person twice in the same role breaks the credits' unique
    constraint: said in Chinese with the fields' labels, where Django's own message names the
    fields by their code names ("请修改person 和 role的重复数据")."""

    def get_unique_error_message(self, unique_check):
        fields = [self.model._meta.get_field(name) for name in unique_check if name != self.fk.name]
        labels = "和".join(f"“{field.verbose_name}”" for field in fields)
        return f"署名重复：{labels}都相同的署名只能有一条，请修改或删除重复的一行。"

    def get_form_error(self):
        return "这一行与上面的署名重复。"


def corrected_fields(article: Article) -> list[str]:
    """The text fields whose value, about to be saved, differs from the stored row's (also when
    a version is restored from the history, which the form does not see as changes)."""
    if article.pk is None:
        return []
    stored = Article.objects.filter(pk=article.pk).first()
    if stored is None:
        return []
    return [name for name in TEXT_FIELDS if value_of(article, name) != value_of(stored, name)]


def remember(article: Article, names) -> None:
    """Add fields to what a person corrected in this article."""
    article.corrected = sorted(set(article.corrected) | set(names))


def ocr_excerpt(raw_text: str, article: Article) -> dict[str, str]:
    """The page's OCR text split around where the article starts (its title, else its first
    words), for the form to mark: {"before", "here", "after"}; all in "before" when not found."""
    for probe in (article.title, article.kicker, article.body[:16]):
        probe = (probe or "").strip()
        at = raw_text.find(probe) if len(probe) >= 2 else -1
        if at >= 0:
            return {"before": raw_text[:at], "here": probe, "after": raw_text[at + len(probe) :]}
    return {"before": raw_text, "here": "", "after": ""}
