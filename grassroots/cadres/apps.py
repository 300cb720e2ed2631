from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "grassroots.cadres"
    label = "cadres"
    verbose_name = _("挂职锻炼")

    def ready(self) -> None:
        from grassroots.core import audit, permissions

        from . import models, reminders  # noqa: F401  (reminders registers the daily jobs)

        permissions.register(
            "cadres",
            {
                "cadres.view_program": _("查看挂职批次、挂职干部及其报告、请假和考核"),
                "cadres.manage_program": _(
                    "设置挂职批次和岗位，发布选派通知，匹配岗位，派出和管理挂职干部"
                ),
                "cadres.approve_program": _("审批挂职人选，处理公示异议，审批请假，确定考核结果"),
            },
            roles={
                "org_dept_admin": [
                    "cadres.view_program",
                    "cadres.manage_program",
                    "cadres.approve_program",
                ],
                "committee_admin": ["cadres.view_program"],
                "discipline_inspector": ["cadres.view_program"],
            },
        )
        for model in (
            models.Program,
            models.Post,
            models.Application,
            models.Secondment,
            models.WorkPlan,
            models.LeaveRule,
            models.LeaveRequest,
            models.Appraisal,
        ):
            audit.register(model)
        from . import demo, home, navigation, panels

        demo.register()
        home.register()
        navigation.register()
        panels.register()
        self._ready_people_filter()

    @staticmethod
    def _ready_people_filter() -> None:
        """The people list's 经历 filter offers 有挂职经历, and the roster export has a
        挂职经历 column."""
        from grassroots.core.registry import (
            PersonColumn,
            PersonFilter,
            person_columns,
            person_filters,
        )

        from .selectors.archive import people_with_secondment_q, secondment_summaries

        person_filters.register(
            PersonFilter(
                "cadres.seconded",
                60,
                _("有挂职经历"),
                lambda user: people_with_secondment_q(user=user),
            )
        )
        person_columns.register(
            PersonColumn(
                "cadres.secondments",
                60,
                _("挂职经历"),
                lambda user, ids: secondment_summaries(ids, user=user),
                width=60,
            )
        )
