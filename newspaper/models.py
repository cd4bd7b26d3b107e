"""The archive: issues of the paper, their pages (with the dump each came from), the articles on
them and the people named in bylines and photo credits."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

PUBLICATION = "浙江工人日报"


class Issue(models.Model):
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


class Page(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="pages", verbose_name="期")
    number = models.PositiveSmallIntegerField("版次", default=1)
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
        return f"{self.issue.date:%Y-%m-%d} 第{self.number}版"

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


class Union(models.Model):
    """A trade-union organisation (工会), as recognised in articles and curated by admins."""

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


class Topic(models.Model):
    """A subject heading, assigned by weighted-term rules that admins edit."""

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


class Person(models.Model):
    name = models.CharField("姓名", max_length=40, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "人员"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
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
    # Every version of the text, with who changed it and when: OCR corrections can be reviewed
    # and undone in the admin ("历史").
    # Kept at module level too, so ingestion can write one version per stored article itself.
    global ARTICLE_HISTORY
    ARTICLE_HISTORY = HistoricalRecords(m2m_fields=[topics], excluded_fields=["char_count", "updated_at"])
    history = ARTICLE_HISTORY
    updated_at = models.DateTimeField("更新时间", auto_now=True)

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

    def citation(self) -> str:
        """GB/T 7714-2015 reference for a newspaper article ([N]):
        程雪. 助力打造步行15分钟 核酸采样“服务圈”[N]. 浙江工人日报, 2022-05-19(1)."""
        authors = self.authors
        who = ", ".join(authors[:3]) + (", 等" if len(authors) > 3 else "")
        issue = self.page.issue
        title = self.display_title + (f": {self.subtitle}" if self.subtitle else "")
        lead = f"{who}. " if who else ""
        return f"{lead}{title}[N]. {issue.publication}, {issue.date.isoformat()}({self.page.number})."

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
            .select_related("page__issue")
            .order_by("-shared", "-page__issue__date")
            .distinct()[:limit]
        )


class Credit(models.Model):
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


class Upload(models.Model):
    """One batch of dumps an admin uploaded in the browser: validated first, imported on
    confirmation by the background worker. Kept for the upload history."""

    class Status(models.TextChoices):
        VALIDATED = "validated", "待确认"
        QUEUED = "queued", "排队中"
        RUNNING = "running", "导入中"
        DONE = "done", "已完成"
        FAILED = "failed", "有失败"

    uploaded_by = models.ForeignKey(
        "auth.User", null=True, on_delete=models.SET_NULL, related_name="uploads", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.VALIDATED)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "上传批次"
        ordering = ["-uploaded_at"]
        permissions = [("upload_dumps", "可以上传版面文本")]

    def __str__(self) -> str:
        from django.utils import timezone

        return f"上传 #{self.pk} {timezone.localtime(self.uploaded_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("newspaper:upload-detail", args=[self.pk])

    @property
    def progress(self) -> tuple[int, int]:
        return self.progress_of(self.files.defer("data"))

    @staticmethod
    def progress_of(files) -> tuple[int, int]:
        """(finished, importable) among files already loaded."""
        todo = [f for f in files if f.importable]
        return sum(1 for f in todo if f.finished), len(todo)


class UploadedFile(models.Model):
    """A dump as uploaded (a .txt, or one entry of a .zip), its bytes kept whole, its validation
    report, and what importing it did."""

    class Status(models.TextChoices):
        VALID = "valid", "可导入"
        INVALID = "invalid", "不能导入"
        CREATED = "created", "已新增"
        UPDATED = "updated", "已更新"
        UNCHANGED = "unchanged", "无变化"
        FAILED = "failed", "导入失败"

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="files", verbose_name="上传批次")
    name = models.CharField("文件", max_length=255)
    data = models.BinaryField("内容")
    size = models.PositiveIntegerField("字节数")
    sha256 = models.CharField("SHA-256", max_length=64)
    report = models.JSONField("校验结果", default=dict)
    date = models.DateField("补充日期", null=True, blank=True)
    page_number = models.PositiveSmallIntegerField("补充版次", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices)
    message = models.CharField("说明", max_length=500, blank=True)
    page = models.ForeignKey(Page, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="版面")

    class Meta:
        verbose_name = verbose_name_plural = "上传文件"
        ordering = ["upload", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def importable(self) -> bool:
        return self.status != self.Status.INVALID

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.CREATED, self.Status.UPDATED, self.Status.UNCHANGED, self.Status.FAILED)
