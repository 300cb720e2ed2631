from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "grassroots.meetings"
    label = "meetings"
    verbose_name = _("组织生活")

    def ready(self) -> None:
        from grassroots.core import audit, permissions

        from . import (  # noqa: F401  (the modules of daily jobs register them)
            activity_reminders,
            compliance_reminders,
            models,
            reminders,
        )

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
        counters = ("expected_count", "present_count", "leave_count", "extra_count")
        audit.register(models.Meeting, exclude=counters)
        audit.register(
            models.Activity, exclude=("confirmed_count", "waiting_count", "present_count")
        )
        for model in (
            models.ComplianceRule,
            models.MeetingAttendance,
            models.Minutes,
            models.ActivitySignup,
            models.Pairing,
        ):
            audit.register(model)
        self._ready_navigation()
        self._ready_counts()
        from . import demo

        demo.register()

    @staticmethod
    def _ready_counts() -> None:
        """Any save or deletion of a meeting may change what compliance counts: the held
        meetings counted per organization and period are computed again after it."""
        from django.db.models.signals import post_delete, post_save

        from .compliance import HELD_COUNTS

        def meeting_changed(sender, **kwargs):
            HELD_COUNTS.changed()

        from . import models

        post_save.connect(
            meeting_changed, sender=models.Meeting, weak=False, dispatch_uid="meetings.held"
        )
        post_delete.connect(
            meeting_changed, sender=models.Meeting, weak=False, dispatch_uid="meetings.held"
        )

    def _ready_navigation(self) -> None:
        from grassroots.core import navigation

        view = "meetings.view_meeting"
        for key, label, url_name, icon, order, codename in (
            ("meetings", _("会议"), "meetings:meeting_list", "calendar-event", 60, None),
            ("compliance", _("组织生活合规"), "meetings:compliance", "clipboard-check", 61, view),
            ("activities", _("活动"), "meetings:activity_list", "flag", 62, None),
            ("volunteer", _("志愿服务时长"), "meetings:volunteer_mine", "heart", 63, None),
            ("pairings", _("结对共建"), "meetings:pairing_list", "link-45deg", 64, view),
        ):
            navigation.register(
                navigation.NavItem(key, label, url_name, icon, order, codename, group="life")
            )
