from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "grassroots.evaluations"
    label = "evaluations"
    verbose_name = _("测评")

    def ready(self) -> None:
        from grassroots.core import audit, permissions

        from . import models

        permissions.register(
            "evaluations",
            {
                "evaluations.view_campaign": _("查看测评活动及其结果"),
                "evaluations.manage_campaign": _(
                    "组织测评：设置对象、维度、测评人，发放测评码，开始和结束测评"
                ),
            },
            roles={
                "org_dept_admin": ["evaluations.view_campaign", "evaluations.manage_campaign"],
                "committee_admin": ["evaluations.view_campaign", "evaluations.manage_campaign"],
                "discipline_inspector": ["evaluations.view_campaign"],
            },
        )
        # Ballots, scores, receipts and tokens are never audited: a log line with a time would
        # pair a rater with a ballot.
        audit.register(models.Campaign)
        from . import navigation

        navigation.register()
