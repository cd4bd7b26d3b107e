"""The archive: issues of the paper, their pages (with the dump each came from), the articles on
them and the people named in bylines and photo credits."""

from __future__ import annotations

from django.db import models, router, transaction
from django.urls import reverse
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

PUBLICATION = "浙江工人日报"


class Indexed(models.Model):
    """A row the search index reflects: an article, or a name or date its entries carry. Its
    save() is one transaction with the index-work rows that newspaper.outbox's receivers write
    for it (Django's own save commits before post_save in autocommit mode). The values listed in
    `indexed_fields` are remembered as loaded, so that a receiver tells a rename, which makes
    every entry naming the row stale, from an edit the index does not carry."""

    indexed_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):  # inside a transaction already: no savepoint
            super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.remember_indexed()
        return instance

    def remember_indexed(self) -> None:
        self._indexed_as = {name: self.__dict__.get(name) for name in self.indexed_fields}

    def indexed_changed(self) -> bool:
        """Whether a value the index carries differs from what was loaded (False for a new row)."""
        loaded = getattr(self, "_indexed_as", None)
        return loaded is not None and any(self.__dict__.get(name) != value for name, value in loaded.items())


class Issue(Indexed):
    indexed_fields = ("date",)
    publication = models.CharField("报名", max_length=40, default=PUBLICATION)
    date = models.DateField("出版日期", db_index=True)
    number = models.PositiveIntegerField("总期号", null=True, blank=True, help_text="总第N号")
    lunar_date = models.CharField("农历", max_length=20, blank=True)
    weekday = models.CharField("星期", max_length=8, blank=True)
    cn = models.CharField("国内统一刊号", max_length=20, blank=True)
    postal_code = models.CharField("邮发代号", max_length=12, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "期"
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["publication", "date"], name="one_issue_per_day")]

    def __str__(self) -> str:
        number = f" 总第{self.number}号" if self.number else ""
        return f"{self.publication} {self.date:%Y-%m-%d}{number}"

    def get_absolute_url(self) -> str:
        d = self.date
        return reverse("newspaper:issue-detail", args=[d.year, f"{d.month:02d}", f"{d.day:02d}"])


class Page(Indexed):
    indexed_fields = ("issue_id", "name")
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="pages", verbose_name="期")
    number = models.PositiveSmallIntegerField("版次", default=1)
    name = models.CharField("版名", max_length=20, blank=True, help_text="如 要闻、工会、职业·教育")
    editor = models.CharField("责任编辑", max_length=40, blank=True)
    designer = models.CharField("版面设计", max_length=40, blank=True)
    # Where the page came from, kept whole so a bad import can be re-parsed or purged.
    source_name = models.CharField("来源文件", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    encoding = models.CharField("编码", max_length=20)
    raw_text = models.TextField("原始文本")
    warnings = models.JSONField("解析提示", default=list, blank=True)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "版面"
        ordering = ["issue__date", "number"]
        constraints = [models.UniqueConstraint(fields=["issue", "number"], name="one_page_per_number")]

    def __str__(self) -> str:
        return f"{self.issue.date:%Y-%m-%d} 第{self.number}版" + (f" {self.name}" if self.name else "")

    def get_absolute_url(self) -> str:
        return f"{self.issue.get_absolute_url()}#page-{self.number}"


ZHEJIANG_CITIES = [
    "杭州市",
    "宁波市",
    "温州市",
    "嘉兴市",
    "湖州市",
    "绍兴市",
    "金华市",
    "衢州市",
    "舟山市",
    "台州市",
    "丽水市",
]


class Union(Indexed):
    """A trade-union organisation (工会), as recognised in articles and curated by admins."""

    indexed_fields = ("name",)

    class Level(models.TextChoices):
        NATIONAL = "national", "全国"
        PROVINCIAL = "provincial", "省级"
        CITY = "city", "设区市"
        COUNTY = "county", "县（市、区）"
        STREET = "street", "街道/乡镇"
        ENTERPRISE = "enterprise", "企事业单位"
        INDUSTRY = "industry", "产业"
        ORGAN = "organ", "机关"

    name = models.CharField("规范名称", max_length=100, unique=True)
    slug = models.SlugField("网址名", max_length=100, unique=True, allow_unicode=True)
    aliases = models.JSONField("别称", default=list, blank=True, help_text="文中出现过的其他写法")
    level = models.CharField("层级", max_length=12, choices=Level.choices)
    region = models.CharField(
        "地区", max_length=8, blank=True, choices=[(c, c) for c in ZHEJIANG_CITIES], help_text="所属设区市"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children", verbose_name="上级工会"
    )

    class Meta:
        verbose_name = verbose_name_plural = "工会组织"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("newspaper:union-detail", args=[self.slug])


class Topic(Indexed):
    """A subject heading, assigned by weighted-term rules that admins edit."""

    indexed_fields = ("name",)

    name = models.CharField("名称", max_length=40, unique=True)
    slug = models.SlugField("网址名", max_length=60, unique=True)
    description = models.CharField("说明", max_length=200, blank=True)
    terms = models.JSONField("规则词", default=dict, blank=True, help_text='{"词": 权重}；权重为负则降低得分')
    threshold = models.FloatField("阈值", default=5.0, help_text="得分达到阈值才标注")
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "主题"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("newspaper:topic-detail", args=[self.slug])


class Person(Indexed):
    """A person credited by articles. `aliases`: other printings of the name (OCR variants merged
    into this person, newspaper.people); an import that meets one credits this person."""

    indexed_fields = ("name", "aliases")
    name = models.CharField("姓名", max_length=40, unique=True)
    aliases = models.JSONField("别名", default=list, blank=True, help_text="文中出现过的其他写法（如识别错误）")

    class Meta:
        verbose_name = verbose_name_plural = "人员"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("newspaper:person-detail", args=[self.pk])


class ArticleQuerySet(models.QuerySet):
    def with_page(self):
        """Articles with their page and issue in the same query, leaving out the page's dump:
        its raw text belongs to the page view and re-parsing. Dragged into a join and a sort, a
        20 MB dump made SQLite write a temporary B-tree of 16 GB."""
        return self.select_related("page__issue").defer("page__raw_text", "page__warnings")

    def for_index(self):
        """What an index entry is made of (search.search_indexes): the page, the people, the
        unions and the topics, in four queries per batch."""
        return self.with_page().prefetch_related("credits__person", "unions", "topics")


class Article(Indexed):
    class Kind(models.TextChoices):
        NEWS = "news", "消息"
        PHOTO = "photo", "图片"
        FEATURE = "feature", "通讯/特稿"

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="articles", verbose_name="版面")
    order = models.PositiveSmallIntegerField("版内顺序")
    column = models.CharField("栏目", max_length=100, blank=True)
    kicker = models.CharField("引题", max_length=200, blank=True)
    title = models.CharField("主题", max_length=300, blank=True)
    subtitle = models.CharField("副题", max_length=300, blank=True)
    kind = models.CharField("体裁", max_length=10, choices=Kind.choices, default=Kind.NEWS)
    byline = models.CharField("署名", max_length=200, blank=True)
    body = models.TextField("正文", blank=True)
    captions = models.JSONField("图片说明", default=list, blank=True)
    pull_quotes = models.JSONField("引语", default=list, blank=True)
    char_count = models.PositiveIntegerField("字数", default=0, editable=False)
    people = models.ManyToManyField(Person, through="Credit", related_name="articles", verbose_name="人员")
    unions = models.ManyToManyField(Union, blank=True, related_name="articles", verbose_name="提及的工会")
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles", verbose_name="主题")
    topics_locked = models.BooleanField("锁定主题", default=False, help_text="勾选后，导入和 retag 不再改动本文主题")
    regions = models.JSONField("地区", default=list, blank=True)
    # The fields a person corrected (newspaper.corrections.CORRECTABLE): a re-import or a
    # reparse leaves them as they are unless the admin takes the new text for this article.
    corrected = models.JSONField("人工校正的字段", default=list, blank=True, editable=False)
    # Every version of the text, with who changed it and when: OCR corrections can be reviewed
    # and undone in the admin ("历史").
    # Kept at module level too, so ingestion can write one version per stored article itself.
    global ARTICLE_HISTORY
    ARTICLE_HISTORY = HistoricalRecords(m2m_fields=[topics], excluded_fields=["char_count", "updated_at", "corrected"])
    history = ARTICLE_HISTORY
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "文章"
        ordering = ["page__issue__date", "page__number", "order"]
        constraints = [models.UniqueConstraint(fields=["page", "order"], name="one_article_per_slot")]

    def __str__(self) -> str:
        return self.display_title

    def save(self, *args, **kwargs):
        self.count_chars()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("newspaper:article-detail", args=[self.pk])

    def count_chars(self) -> None:
        """char_count: the body's characters, spaces left out (bulk_create does not call save())."""
        self.char_count = len("".join(self.body.split()))

    @property
    def display_title(self) -> str:
        """The title, or for an item the OCR left without one, the start of its text."""
        if self.title:
            return self.title
        text = self.body or " ".join(self.captions)
        return (text[:24] + "…") if len(text) > 24 else text or "（无标题）"

    @property
    def headline(self) -> str:
        return " ".join(p for p in (self.kicker, self.title, self.subtitle) if p)

    @property
    def full_headline(self) -> str:
        """Everything in the headline block, column logo included: what topic rules and the
        headline search read."""
        return " ".join(p for p in (self.column, self.kicker, self.title, self.subtitle) if p)

    @property
    def date(self):
        return self.page.issue.date

    @cached_property
    def credits_by_role(self) -> dict[str, list[str]]:
        roles: dict[str, list[str]] = {role: [] for role in Credit.Role.values}
        for credit in self.credits.all():
            roles[credit.role].append(credit.person.name)
        return roles

    @property
    def authors(self) -> list[str]:
        roles = self.credits_by_role
        return roles["reporter"] + roles["other"] + roles["correspondent"]

    @property
    def cited_title(self) -> str:
        """The title a reference gives: the title (or an untitled item's first words) and the
        subtitle, as GB/T 7714 writes them; the same in every format (newspaper.citations)."""
        return self.display_title + (f": {self.subtitle}" if self.subtitle else "")

    def citation(self) -> str:
        """GB/T 7714-2015 reference for a newspaper article ([N]):
        程雪. 助力打造步行15分钟 核酸采样“服务圈”[N]. 浙江工人日报, 2022-05-19(1)."""
        authors = self.authors
        who = ", ".join(authors[:3]) + (", 等" if len(authors) > 3 else "")
        issue = self.page.issue
        lead = f"{who}. " if who else ""
        return f"{lead}{self.cited_title}[N]. {issue.publication}, {issue.date.isoformat()}({self.page.number})."

    def related(self, limit: int = 5):
        """Articles sharing the most unions and topics with this one, nearest in time first."""
        from django.db.models import Count, Q

        unions = list(self.unions.values_list("pk", flat=True))
        topics = list(self.topics.values_list("pk", flat=True))
        if not unions and not topics:
            return Article.objects.none()
        shared = Count("unions", filter=Q(unions__in=unions), distinct=True) * 2 + Count(
            "topics", filter=Q(topics__in=topics), distinct=True
        )
        return (
            Article.objects.filter(Q(unions__in=unions) | Q(topics__in=topics))
            .exclude(pk=self.pk)
            .annotate(shared=shared)
            .with_page()
            .order_by("-shared", "-page__issue__date")
            .distinct()[:limit]
        )


class Credit(Indexed):
    """A person named by an article, in a role, in the order the byline names them."""

    class Role(models.TextChoices):
        REPORTER = "reporter", "记者"
        CORRESPONDENT = "correspondent", "通讯员"
        OTHER = "other", "作者"
        PHOTOGRAPHER = "photographer", "摄影"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="credits", verbose_name="姓名")
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "署名"
        ordering = ["article_id", "order"]  # by the column: ordering by "article" joined three tables
        constraints = [models.UniqueConstraint(fields=["article", "person", "role"], name="one_credit_per_role")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.person.name}"
