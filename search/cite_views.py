"""The citations of the results a reader ticked on the search page (issue 17):
/search/cite?id=…&id=…&format=ris|bib|json|txt, the same files as an article's own downloads
(newspaper.citations), for up to MAX_IDS articles in the order they were ticked."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from newspaper.citations import FORMATS
from newspaper.models import Article
from newspaper.views import citation_download
from search.views import api_get, json_error, whole_number

MAX_IDS = 100  # a page of results is 20; a few pages' worth at once


class ArticleIdsField(forms.Field):
    """Every `id` of the query: positive whole numbers in ASCII digits, repeats dropped."""

    widget = forms.MultipleHiddenInput  # reads all the values of the parameter, not the last
    default_error_messages = {
        "required": "请至少勾选一篇文章",
        "invalid": "文章编号无效：%(value)s（需要正整数）",
        "too_many": f"一次最多导出 {MAX_IDS} 篇",
    }

    def to_python(self, value) -> list[int]:
        ids = []
        for raw in value or []:
            number = whole_number(raw)
            if number is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid", params={"value": raw[:20]})
            ids.append(number)
        return list(dict.fromkeys(ids))

    def validate(self, value) -> None:
        super().validate(value)
        if len(value) > MAX_IDS:
            raise ValidationError(self.error_messages["too_many"], code="too_many")


class CiteForm(forms.Form):
    id = ArticleIdsField()
    format = forms.ChoiceField(
        choices=[(name, name) for name in FORMATS],
        error_messages={
            "required": "请选择导出格式",
            "invalid_choice": "没有这种格式：%(value)s（可选 " + "、".join(FORMATS) + "）",
        },
    )


@api_get
def cite(request):
    form = CiteForm(request.GET)
    if not form.is_valid():
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        message = "无法导出引文：" + "；".join(e for errs in errors.values() for e in errs)
        return json_error(400, "invalid parameters", message, errors)
    ids = form.cleaned_data["id"]
    found = Article.objects.with_page().prefetch_related("credits__person").in_bulk(ids)
    articles = [found[pk] for pk in ids if pk in found]  # ids no longer in the archive are skipped
    if not articles:
        return json_error(404, "not found", "所选的文章都已不在档案中", {"id": ["没有这些文章"]})
    return citation_download(request, articles, form.cleaned_data["format"], "zjgrrb-citations")
