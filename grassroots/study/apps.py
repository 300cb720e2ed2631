from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudyConfig(AppConfig):
    name = "grassroots.study"
    label = "study"
    verbose_name = _("学习培训")

    def ready(self) -> None:
        from grassroots.core import permissions

        manage = [
            "study.view_study",
            "study.manage_session",
            "study.review_study",
            "study.review_reflection",
            "study.manage_material",
        ]
        permissions.register(
            "study",
            {
                "study.view_study": _("查看学习活动、出勤与学时台账"),
                "study.manage_session": _("安排学习计划与学习活动，登记出勤"),
                "study.review_study": _("审核补学与自学"),
                "study.review_reflection": _("审阅心得体会"),
                "study.manage_material": _("管理学习资料"),
                "study.manage_targets": _("设置年度学时要求"),
            },
            roles={
                "org_dept_admin": [*manage, "study.manage_targets"],
                "committee_admin": manage,
                "branch_secretary": manage,
                "discipline_inspector": ["study.view_study"],
            },
        )
        self._ready_sessions()
        self._ready_library()

    def _ready_sessions(self) -> None:
        """Plans, sessions, attendance, self-study, the hours ledger (navigation, panels, jobs)."""

    def _ready_library(self) -> None:
        """The materials library and reflections (navigation, panels, jobs)."""
