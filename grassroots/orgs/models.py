"""Organizations (a tree of any depth), people, their memberships and positions."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from grassroots.core.models import TimeStampedModel
from grassroots.core.validators import mask_id_number

from .enums import (
    Education,
    Ethnicity,
    Gender,
    OrgStatus,
    PersonStatus,
    PoliticalStatus,
    Rank,
)


class OrganizationKind(models.Model):
    """组织类别: 党委, 党总支, 党支部 … kept as data the system admin can extend."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_party_branch = models.BooleanField(
        _("属于党支部"),
        default=False,
        help_text=_("党支部与党小组按支部工作条例计算组织生活要求。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("组织类别")
        verbose_name_plural = _("组织类别")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """A default kind in the user's language, until the system admin renames it."""
        from .kinds import DEFAULT_KINDS

        for code, name, _order, _branch in DEFAULT_KINDS:
            if code == self.code and name == self.name:
                return gettext(name)
        return self.name


class Organization(MP_Node, TimeStampedModel):
    """组织: a party or public-sector organization, a node of the organization tree."""

    steplen = 4
    scope_path_lookup = "path"

    code = models.CharField(_("组织代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    kind = models.ForeignKey(OrganizationKind, models.PROTECT, verbose_name=_("类别"))
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    secretary = models.ForeignKey(
        "Person",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("书记/负责人"),
    )
    status = models.CharField(_("状态"), max_length=16, choices=OrgStatus, default=OrgStatus.ACTIVE)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("并入组织")
    )
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        indexes = [
            models.Index(fields=["status", "kind"], name="org_status_kind"),
            # Subtree filters are path ranges (core.permissions.subtree_q), served by the
            # unique index on path on both databases.
        ]

    def __str__(self) -> str:
        return self.name

    def scope_path(self) -> str:
        return self.path

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def is_active(self) -> bool:
        return self.status == OrgStatus.ACTIVE


class Person(TimeStampedModel):
    """人员: a member, cadre or staff member, whether or not they have an account."""

    scope_path_lookup = "primary_org__path"
    owner_lookup = "user"

    name = models.CharField(_("姓名"), max_length=40)
    name_pinyin = models.CharField(_("姓名拼音"), max_length=160, blank=True, editable=False)
    name_initials = models.CharField(_("拼音首字母"), max_length=40, blank=True, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender)
    ethnicity = models.CharField(_("民族"), max_length=2, choices=Ethnicity, default=Ethnicity.HAN)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    mobile = models.CharField(_("手机号"), max_length=11, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    education = models.CharField(_("学历"), max_length=16, choices=Education, blank=True)
    political_status = models.CharField(
        _("政治面貌"), max_length=20, choices=PoliticalStatus, default=PoliticalStatus.MASSES
    )
    joined_party_on = models.DateField(_("入党日期"), null=True, blank=True)
    full_member_on = models.DateField(_("转正日期"), null=True, blank=True)
    primary_org = models.ForeignKey(
        Organization, models.PROTECT, related_name="people", verbose_name=_("所在组织")
    )
    employer = models.CharField(_("工作单位"), max_length=120, blank=True)
    job_title = models.CharField(_("职务"), max_length=80, blank=True)
    rank = models.CharField(_("职级"), max_length=20, choices=Rank, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=PersonStatus, default=PersonStatus.ACTIVE
    )

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["name_pinyin", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=Q(status="active") & ~Q(id_number=""),
                name="person_id_number_unique_active",
                violation_error_message=_("该身份证号已属于另一在册人员。"),
            ),
            models.CheckConstraint(
                condition=Q(full_member_on__isnull=True)
                | Q(joined_party_on__isnull=False, full_member_on__gte=models.F("joined_party_on")),
                name="person_full_member_after_joining",
                violation_error_message=_("转正日期不能早于入党日期。"),
            ),
        ]
        indexes = [
            models.Index(fields=["name_initials"], name="person_initials"),
            models.Index(fields=["mobile"], name="person_mobile"),
            models.Index(fields=["name"], name="person_name"),
            # Counts per organization and of party members read this index alone.
            models.Index(
                fields=["primary_org", "status", "political_status"], name="person_org_status_pol"
            ),
            # The people list's order: the first page is read in order, not sorted.
            models.Index(fields=["status", "name_pinyin", "id"], name="person_status_pinyin"),
        ]

    def __str__(self) -> str:
        return self.name

    def scope_path(self) -> str:
        return self.primary_org.path

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def is_party_member(self) -> bool:
        return self.political_status in (PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PROBATIONARY)


class Membership(models.Model):
    """组织关系: the history of a person's primary organization, with from/to dates."""

    scope_path_lookup = "organization__path"

    person = models.ForeignKey(
        Person, models.CASCADE, related_name="memberships", verbose_name=_("人员")
    )
    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="memberships", verbose_name=_("组织")
    )
    started_on = models.DateField(_("起始日期"))
    ended_on = models.DateField(_("截止日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("组织关系")
        verbose_name_plural = _("组织关系")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_on__isnull=True), name="membership_one_current"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organization}"

    def scope_path(self) -> str:
        return self.organization.path


class Position(models.Model):
    """职务: a post a person holds or held, with its rank and unit."""

    scope_path_lookup = "person__primary_org__path"

    person = models.ForeignKey(
        Person, models.CASCADE, related_name="positions", verbose_name=_("人员")
    )
    organization = models.ForeignKey(
        Organization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
        verbose_name=_("任职组织"),
    )
    title = models.CharField(_("职务"), max_length=80)
    rank = models.CharField(_("职级"), max_length=20, choices=Rank, blank=True)
    employer = models.CharField(_("单位"), max_length=120, blank=True)
    started_on = models.DateField(_("任职日期"), null=True, blank=True)
    ended_on = models.DateField(_("免职日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("职务")
        verbose_name_plural = _("职务")
        ordering = ["ended_on", "-started_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def scope_path(self) -> str:
        return self.person.primary_org.path

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


def _roster_upload_to(instance, filename: str) -> str:
    # A random name: the original name is kept in a field, never used on disk.
    import uuid

    return f"roster/{uuid.uuid4().hex}.xlsx"


class RosterImportStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    IMPORTED = "imported", _("已导入")
    CANCELLED = "cancelled", _("已取消")


class RosterImport(models.Model):
    """花名册导入: an uploaded roster file, kept between the dry run and the confirmation."""

    scope_path_lookup = "organization__path"

    uploaded_by = models.ForeignKey(
        "accounts.User", models.SET_NULL, null=True, related_name="+", verbose_name=_("上传人")
    )
    organization = models.ForeignKey(
        Organization,
        models.PROTECT,
        related_name="roster_imports",
        verbose_name=_("导入范围"),
        help_text=_("本次导入的人员只能进入此组织及其下级组织。"),
    )
    file = models.FileField(_("文件"), upload_to=_roster_upload_to, max_length=200, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=RosterImportStatus, default=RosterImportStatus.PENDING
    )
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    summary = models.JSONField(_("导入结果"), default=dict, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("花名册导入")
        verbose_name_plural = _("花名册导入")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name or f"#{self.pk}"

    def scope_path(self) -> str:
        return self.organization.path
