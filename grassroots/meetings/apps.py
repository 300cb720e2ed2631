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
                "meetings.manage_meeting": _("安排会议、登记出勤、发布会议记录"),
                "meetings.manage_rules": _("设置组织生活合规规则"),
            },
            roles={
                "org_dept_admin": [
                    "meetings.view_meeting",
                    "meetings.manage_meeting",
                    "meetings.manage_rules",
                ],
                "committee_admin": ["meetings.view_meeting", "meetings.manage_meeting"],
                "branch_secretary": ["meetings.view_meeting", "meetings.manage_meeting"],
                "discipline_inspector": ["meetings.view_meeting"],
            },
        )
        audit.register(models.Meeting)
        audit.register(models.ComplianceRule)
