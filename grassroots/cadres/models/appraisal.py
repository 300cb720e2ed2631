from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import AppraisalResult, AppraisalStage
from .programs import Program
from .secondments import Secondment


class AppraisalRound(models.Model):
    """考核: the mid-term or final appraisal of a program's cadres, run as one campaign of the
    evaluation engine (self, host leader, group leader, anonymous colleagues)."""

    program = models.ForeignKey(Program, models.CASCADE, related_name="appraisals")
    stage = models.CharField(_("考核阶段"), max_length=10, choices=AppraisalStage)
    campaign = models.OneToOneField(
        "evaluations.Campaign", models.PROTECT, related_name="+", verbose_name=_("测评")
    )

    class Meta:
        verbose_name = _("考核")
        verbose_name_plural = _("考核")
        constraints = [
            models.UniqueConstraint(fields=["program", "stage"], name="appraisal_round_once"),
        ]

    def __str__(self) -> str:
        return f"{self.program} · {self.get_stage_display()}"


class Appraisal(models.Model):
    """A cadre's appraisal result in a round, decided by the organizing body with the tally
    beside it."""

    round = models.ForeignKey(AppraisalRound, models.CASCADE, related_name="results")
    secondment = models.ForeignKey(Secondment, models.CASCADE, related_name="appraisals")
    result = models.CharField(_("考核结果"), max_length=10, choices=AppraisalResult)
    total = models.DecimalField(_("测评得分"), max_digits=6, decimal_places=2, null=True)
    note = models.TextField(_("说明"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        constraints = [
            models.UniqueConstraint(fields=["round", "secondment"], name="appraisal_once"),
        ]

    def __str__(self) -> str:
        return f"{self.secondment} · {self.get_result_display()}"
