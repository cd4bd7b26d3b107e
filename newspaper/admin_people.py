"""The person admin's own pages (newspaper.admin.PersonAdmin): the suggested merges, each with a
合并 button and the choice of the name to keep or 不是同一人 to stop suggesting the pair, the
record of merges with 撤销, the judged pairs (DistinctPeopleAdmin, where a judgement is taken
back by deleting it), and the changelist's action 合并所选. The work is newspaper.people's; here
only forms and messages."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from newspaper import people
from newspaper.models import DistinctPeople, Person, PersonMerge

INDEX_NOTE = "检索索引稍后更新"


class MergeForm(forms.Form):
    """Two people and the one of them to keep."""

    keep = forms.ModelChoiceField(Person.objects.all())
    people = forms.ModelMultipleChoiceField(Person.objects.all())

    def clean(self):
        data = super().clean()
        chosen, keep = list(data.get("people") or []), data.get("keep")
        if len(chosen) != 2 or keep not in chosen:
            raise forms.ValidationError("请在两人中选择要保留的一位。")
        data["variant"] = next(p for p in chosen if p.pk != keep.pk)
        return data


def urls(model_admin) -> list:
    wrap = model_admin.admin_site.admin_view
    return [
        path("suggestions/", wrap(lambda r: suggestions(model_admin, r)), name="newspaper_person_suggestions"),
        path("merge/", wrap(require_POST(lambda r: merge(model_admin, r))), name="newspaper_person_merge"),
        path("merges/", wrap(lambda r: merges(model_admin, r)), name="newspaper_person_merges"),
        path("distinct/", wrap(require_POST(lambda r: distinct(model_admin, r))), name="newspaper_person_distinct"),
        path(
            "merges/<int:pk>/undo/",
            wrap(require_POST(lambda r, pk: undo(model_admin, r, pk))),
            name="newspaper_person_undo",
        ),
    ]


def _context(model_admin, request, title: str, **extra) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "may_merge": _may_merge(model_admin, request),
        **extra,
    }


def _may_merge(model_admin, request) -> bool:
    """A merge changes one person and deletes another; undoing it adds one back."""
    checks = (model_admin.has_change_permission, model_admin.has_delete_permission, model_admin.has_add_permission)
    return all(check(request) for check in checks)


def suggestions(model_admin, request):
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    context = _context(model_admin, request, "可能是同一人的人员", suggestions=people.suggest())
    return TemplateResponse(request, "admin/newspaper/person/suggestions.html", context)


def merge(model_admin, request):
    if not _may_merge(model_admin, request):
        raise PermissionDenied
    form = MergeForm(request.POST)
    if not form.is_valid():
        reason = " ".join(form.non_field_errors()) or "所选人员已不存在。"
        model_admin.message_user(request, f"合并未完成：{reason}", messages.ERROR)
    else:
        _merge(model_admin, request, form.cleaned_data["keep"], form.cleaned_data["variant"])
    return HttpResponseRedirect(reverse("admin:newspaper_person_suggestions"))


class PairForm(forms.Form):
    people = forms.ModelMultipleChoiceField(Person.objects.all())

    def clean_people(self):
        chosen = list(self.cleaned_data["people"])
        if len(chosen) != 2:
            raise forms.ValidationError("请选择两人。")
        return chosen


def distinct(model_admin, request):
    """不是同一人: the pair is not suggested again (the judgement is kept by name)."""
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    form = PairForm(request.POST)
    if not form.is_valid():
        model_admin.message_user(request, "未记录：所选人员已不存在。", messages.ERROR)
    else:
        a, b = form.cleaned_data["people"]
        try:
            judged = people.judge_distinct(a, b, request.user)
        except people.MergeRefusedError as refused:
            model_admin.message_user(request, str(refused), messages.ERROR)
        else:
            model_admin.message_user(
                request, f"已记录：{judged}，不再建议合并（可在“确认不是同一人”中撤销）。", messages.SUCCESS
            )
    return HttpResponseRedirect(reverse("admin:newspaper_person_suggestions"))


@admin.register(DistinctPeople)
class DistinctPeopleAdmin(admin.ModelAdmin):
    """The pairs judged different; deleting one lets the pair be suggested again."""

    list_display = ("first", "second", "decided_by", "decided_at")
    search_fields = ("first", "second")

    def has_add_permission(self, request):
        return False  # judged from the suggestions, where both people are shown side by side

    def has_change_permission(self, request, obj=None):
        return False


def _merge(model_admin, request, keep: Person, variant: Person) -> bool:
    try:
        record = people.merge(keep, variant, request.user)
    except people.MergeRefusedError as refused:
        model_admin.message_user(request, str(refused), messages.ERROR)
        return False
    note = f"并入“{record.variant_name}”，{record.credit_count} 条署名随之更新"
    model_admin.log_change(request, keep, note)
    done = f"已将“{record.variant_name}”并入“{keep.name}”：{record.credit_count} 条署名随之更新（{INDEX_NOTE}），"
    model_admin.message_user(request, done + "可在合并记录中撤销。", messages.SUCCESS)
    return True


def merges(model_admin, request):
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    records = PersonMerge.objects.select_related("merged_by", "undone_by")[:200]
    context = _context(model_admin, request, "人员合并记录", records=records)
    return TemplateResponse(request, "admin/newspaper/person/merges.html", context)


def undo(model_admin, request, pk):
    if not _may_merge(model_admin, request):
        raise PermissionDenied
    record = get_object_or_404(PersonMerge, pk=pk)
    try:
        restored = people.undo(record, request.user)
    except people.MergeRefusedError as refused:
        model_admin.message_user(request, str(refused), messages.ERROR)
    else:
        model_admin.log_addition(request, restored, f"撤销合并：恢复“{restored.name}”及其署名")
        model_admin.message_user(
            request, f"已撤销合并：“{restored.name}”及其署名已恢复（{INDEX_NOTE}）。", messages.SUCCESS
        )
    return HttpResponseRedirect(reverse("admin:newspaper_person_merges"))


def merge_selected(model_admin, request, queryset):
    """The changelist's action: the editor picks the one to keep, every other is merged into it."""
    if not _may_merge(model_admin, request):
        raise PermissionDenied
    chosen = list(queryset.annotate(n=Count("credits__article", distinct=True)).order_by("-n", "name"))
    if len(chosen) < 2:
        model_admin.message_user(request, "请至少选择两人再合并。", messages.WARNING)
        return None
    keep = next((c for c in chosen if str(c.pk) == request.POST.get("keep")), None)
    if keep is None:
        context = _context(model_admin, request, "合并人员", chosen=chosen)
        return TemplateResponse(request, "admin/newspaper/person/merge.html", context)
    for other in chosen:
        if other.pk != keep.pk and not _merge(model_admin, request, keep, other):
            break
    return None
