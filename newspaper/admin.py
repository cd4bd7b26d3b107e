"""The admin, set up for editors: search boxes in Chinese fields, a date hierarchy, filters by
kind and role, a page's articles listed under it with links to their correcting form. Uploads
and the index writer's state: newspaper.admin_operations."""

from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from newspaper import admin_people, learning, merging
from newspaper.admin_operations import yes_no
from newspaper.article_form import ArticleForm, CreditFormSet, corrected_fields, ocr_excerpt, remember
from newspaper.corrections import label_of
from newspaper.history_display import ChangeSummary
from newspaper.models import (
    Article,
    Credit,
    Issue,
    Page,
    Person,
    Topic,
    Union,
)


class ArticleCountMixin:
    """An "文章数" column, counted in the list query rather than once per row: by a subquery, so
    that the list is not grouped by every column of its rows (for pages, their raw text)."""

    def get_queryset(self, request):
        relation = self.model._meta.get_field("articles").remote_field.name  # the articles' side of it
        count = Article.objects.filter(**{relation: OuterRef("pk")}).order_by().values(relation)
        count = count.annotate(n=Count("pk")).values("n")
        return super().get_queryset(request).annotate(_articles=Coalesce(Subquery(count), 0))

    @admin.display(description="文章数", ordering="_articles")
    def article_count(self, obj):
        return obj._articles


class MergeMixin:
    """An action "合并所选": the editor picks the one to keep; the others' articles move to it
    (newspaper.merging), and the index follows."""

    actions = ["merge_selected"]

    @admin.action(description="合并所选（保留其中一个）", permissions=["change"])
    def merge_selected(self, request, queryset):
        chosen = list(queryset.annotate(n=Count("articles")).order_by("-n", "name"))
        if len(chosen) < 2:
            self.message_user(request, "请至少选择两项再合并。", messages.WARNING)
            return None
        keep = next((c for c in chosen if str(c.pk) == request.POST.get("keep")), None)
        if keep is None:
            context = {**self.admin_site.each_context(request), "opts": self.model._meta, "chosen": chosen}
            return TemplateResponse(request, "admin/newspaper/merge.html", context)
        moved = merging.merge(keep, chosen)
        self.message_user(request, f"已合并为“{keep}”，{moved} 篇文章随之更新（检索索引稍后更新）。", messages.SUCCESS)
        return None


class PageInline(admin.TabularInline):
    model = Page
    fields = ("number", "name", "editor", "designer", "source_name", "encoding", "imported_at")
    readonly_fields = ("source_name", "encoding", "imported_at")
    show_change_link = True
    extra = 0


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "number", "lunar_date", "page_count", "article_count")
    search_fields = ("number", "lunar_date")
    date_hierarchy = "date"
    inlines = [PageInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_pages=Count("pages", distinct=True), _articles=Count("pages__articles", distinct=True))
        )

    @admin.display(description="版数", ordering="_pages")
    def page_count(self, obj):
        return obj._pages

    @admin.display(description="文章数", ordering="_articles")
    def article_count(self, obj):
        return obj._articles


ARTICLES_NOTE = "文章在各自的纠错页修改：那里的改动会被记住，重新导入不会覆盖，并可填写修改原因。"


@admin.register(Page)
class PageAdmin(ArticleCountMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "issue",
        "number",
        "name",
        "editor",
        "source_name",
        "encoding",
        "article_count",
        "has_warnings",
    )
    list_filter = ("number", "name", "encoding")
    search_fields = ("source_name", "sha256", "editor", "designer")
    date_hierarchy = "issue__date"
    list_select_related = ("issue",)
    readonly_fields = (
        "sha256",
        "encoding",
        "source_name",
        "imported_at",
        "updated_at",
        "warnings",
        "raw_text",
        "articles_table",
    )

    def get_queryset(self, request):
        """The changelist sorts pages by their issue's date: without their dumps."""
        queryset = super().get_queryset(request)
        return queryset.defer("raw_text") if request.resolver_match.url_name.endswith("changelist") else queryset

    fieldsets = (
        (None, {"fields": ("issue", "number", "name", "editor", "designer")}),
        ("来源", {"fields": ("source_name", "sha256", "encoding", "imported_at", "updated_at", "warnings")}),
        ("原始文本", {"classes": ("collapse",), "fields": ("raw_text",)}),
        ("本版文章", {"fields": ("articles_table",), "description": ARTICLES_NOTE}),
    )

    @admin.display(description="文章")
    def articles_table(self, obj):
        """The page's articles, read-only, each with a link 纠错 to its own form: the one place
        where an article is corrected, which remembers what a person changed (Article.corrected)
        so that no re-import undoes it, and asks why. Edited in an inline here, a body or a title
        went unremembered and the next import overwrote it (issue 13). A table rather than a
        read-only inline: no formset to post back, and none of the tabular inline's empty headers."""
        if obj is None or obj.pk is None:
            return "—"
        articles = obj.articles.only("page_id", "order", "title", "kind", "body", "captions").order_by("order")
        rows = format_html_join(
            "",
            '<tr><td>{}</td><th scope="row">{}</th><td>{}</td><td><a href="{}">纠错</a></td></tr>',
            (
                (a.order, a.display_title, a.get_kind_display(), reverse("admin:newspaper_article_change", args=[a.pk]))
                for a in articles
            ),
        )
        return format_html(
            '<table class="page-articles"><thead><tr><th scope="col">版内顺序</th><th scope="col">标题</th>'
            '<th scope="col">体裁</th><th scope="col">纠错</th></tr></thead><tbody>{}</tbody></table>',
            rows,
        )

    @admin.display(description="有提示")
    def has_warnings(self, obj):
        return yes_no(bool(obj.warnings))


class CreditInline(admin.StackedInline):
    """Stacked: each field with its own label (a tabular inline labels only its columns)."""

    model = Credit
    formset = CreditFormSet
    fields = (("person", "role", "order"),)
    autocomplete_fields = ("person",)
    extra = 0


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ("title_column", "issue_date", "page_number", "kind", "byline", "char_count", "view_link")
    list_filter = ("kind", "topics", "topics_locked", "unions__level", "page__number", "page__issue__date")
    search_fields = ("title", "kicker", "subtitle", "column", "byline", "body", "credits__person__name")
    date_hierarchy = "page__issue__date"
    list_select_related = ("page__issue",)
    readonly_fields = ("char_count", "updated_at")
    fields = (
        "page",
        ("order", "kind"),
        "column",
        "kicker",
        "title",
        "subtitle",
        "byline",
        "body",
        "captions",
        "pull_quotes",
        ("topics", "topics_locked"),
        "unions",
        ("char_count", "updated_at"),
    )
    raw_id_fields = ("page",)
    # Topics as labelled checkboxes and unions as a plain list: the admin's two-box filter and
    # select2 widgets break accessibility rules (axe-core: prohibited ARIA, unlabelled inputs).
    form = ArticleForm
    change_form_template = "admin/newspaper/article/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("page__raw_text", "page__warnings")

    def get_fields(self, request, obj=None):
        return [*super().get_fields(request, obj), "change_reason"]

    def save_model(self, request, obj, form, change):
        """What the editor changed is remembered as corrected (newspaper.corrections: a re-import
        keeps it), and the reason given goes into the history with the editor's name."""
        stored = Article.objects.filter(pk=obj.pk).first() if obj.pk else None
        remember(obj, corrected_fields(obj))
        obj._change_reason = form.cleaned_data.get("change_reason") or ""
        super().save_model(request, obj, form, change)
        if stored is not None:  # an OCR fix of one character teaches a look-alike pair (容错)
            learning.learn(stored, obj)

    def save_related(self, request, form, formsets, change):
        """An editor who sets topics by hand means them: lock them against re-tagging. Credits
        edited by hand are the editor's too."""
        super().save_related(request, form, formsets, change)
        names = []
        if "topics" in form.changed_data:
            names.append("topics")
        if any(f.has_changed() for formset in formsets for f in formset.forms) or any(
            formset.deleted_forms for formset in formsets
        ):
            names.append("people")
        if names:
            article = form.instance
            remember(article, names)
            updates = {"corrected": article.corrected}
            if "topics" in names:
                updates["topics_locked"] = True
            Article.objects.filter(pk=article.pk).update(**updates)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """The page's OCR text beside the fields, the article's own place in it marked."""
        if obj is not None:
            context["ocr"] = ocr_excerpt(Page.objects.only("raw_text").get(pk=obj.page_id).raw_text, obj)
            context["corrected_labels"] = [label_of(name) for name in obj.corrected]
        return super().render_change_form(request, context, add, change, form_url, obj)

    inlines = [CreditInline]
    show_full_result_count = False  # a COUNT over a body search is slow and not needed

    @admin.display(description="标题", ordering="title")
    def title_column(self, obj):
        return obj.display_title

    def get_historical_record_context_helper(self, request, historical_record):
        return ChangeSummary(self.model, historical_record)  # the history page's "改动", in Chinese

    @admin.display(description="日期", ordering="page__issue__date")
    def issue_date(self, obj):
        return obj.page.issue.date

    @admin.display(description="版次", ordering="page__number")
    def page_number(self, obj):
        return obj.page.number

    @admin.display(description="查看")
    def view_link(self, obj):
        return format_html('<a href="{}">网站</a>', obj.get_absolute_url())


@admin.register(Person)
class PersonAdmin(ArticleCountMixin, admin.ModelAdmin):
    """People, with the merges of one person printed under two names (newspaper.people): the
    suggested pairs, the record of merges with 撤销, and an action (newspaper.admin_people)."""

    list_display = ("name", "article_count", "roles", "alias_list")
    search_fields = ("name", "aliases")
    actions = ["merge_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("credits")

    def get_urls(self):
        return admin_people.urls(self) + super().get_urls()

    @admin.display(description="角色")
    def roles(self, obj):
        return "、".join(sorted({c.get_role_display() for c in obj.credits.all()}))

    @admin.display(description="别名")
    def alias_list(self, obj):
        return "、".join(obj.aliases)

    @admin.action(description="合并所选（保留其中一人）", permissions=["change"])
    def merge_selected(self, request, queryset):
        return admin_people.merge_selected(self, request, queryset)


@admin.register(Union)
class UnionAdmin(MergeMixin, ArticleCountMixin, admin.ModelAdmin):
    list_display = ("name", "level", "region", "parent", "article_count")
    list_filter = ("level", "region")
    search_fields = ("name", "aliases")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")


@admin.register(Topic)
class TopicAdmin(MergeMixin, ArticleCountMixin, admin.ModelAdmin):
    list_display = ("name", "description", "threshold", "active", "article_count")
    list_editable = ("threshold", "active")
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}


admin.site.site_header = "浙江工人日报 全文档案 · 管理"
admin.site.site_title = "档案管理"
