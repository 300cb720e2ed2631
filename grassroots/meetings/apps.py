from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "grassroots.meetings"
    label = "meetings"
    verbose_name = _("组织生活")

    def ready(self) -> None:
        from grassroots.core import audit, permissions

        from . import models

        permissions.register(
            "meetings",
            {
                "meetings.view_meeting": _("查看会议与组织生活、合规情况"),
                "meetings.manage_meeting": _("安排会议和活动、登记出勤、发布会议记录"),
                "meetings.manage_rules": _("设置组织生活合规规则"),
                "meetings.manage_pairing": _("建立和管理结对共建、挂点联系"),
            },
            roles={
                "org_dept_admin": [
                    "meetings.view_meeting",
                    "meetings.manage_meeting",
                    "meetings.manage_rules",
                    "meetings.manage_pairing",
                ],
                "committee_admin": [
                    "meetings.view_meeting",
                    "meetings.manage_meeting",
                    "meetings.manage_pairing",
                ],
                "branch_secretary": ["meetings.view_meeting", "meetings.manage_meeting"],
                "discipline_inspector": ["meetings.view_meeting"],
            },
        )
        for model in (
            models.Meeting,
            models.ComplianceRule,
            models.MeetingAttendance,
            models.Minutes,
            models.Activity,
            models.ActivitySignup,
            models.Pairing,
        ):
            audit.register(model)
