from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import TimeStampedModel

from ..enums import PairingKind


class Pairing(TimeStampedModel):
    """挂点联系 / 结对共建: a department or unit paired with a community or branch for a period,
    with a responsible person on each side. Its joint activities are Activities that name it.

    Scoped by the unit's path; the selectors also show a pairing to those who may view the
    partner's side."""

    scope_path_lookup = "unit__path"

    kind = models.CharField(_("类型"), max_length=10, choices=PairingKind.choices)
    unit = models.ForeignKey(
        "orgs.Organization",
        models.PROTECT,
        related_name="+",
        verbose_name=_("派出单位"),
        help_text=_("挂点或结对的部门、单位。"),
    )
    partner = models.ForeignKey(
        "orgs.Organization",
        models.PROTECT,
        related_name="+",
        verbose_name=_("联系对象"),
        help_text=_("被联系的社区、村或支部。"),
    )
    unit_contact = models.ForeignKey(
        "orgs.Person",
        models.PROTECT,
        related_name="+",
        verbose_name=_("派出单位负责人"),
    )
    partner_contact = models.ForeignKey(
        "orgs.Person",
        models.PROTECT,
        related_name="+",
        verbose_name=_("联系对象负责人"),
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    goals = models.TextField(_("共建内容"), blank=True)
    ended_early_on = models.DateField(_("提前结束日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("结对共建")
        verbose_name_plural = _("结对共建")
        ordering = ["-starts_on", "id"]
        indexes = [
            models.Index(fields=["partner", "starts_on"], name="pairing_partner"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="pairing_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(unit=models.F("partner")), name="pairing_two_sides"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.partner}"

    def scope_path(self) -> str:
        return self.unit.path
