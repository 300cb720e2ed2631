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
        from . import demo

        demo.register()

    def _ready_sessions(self) -> None:
        """Plans, sessions, attendance, self-study, the hours ledger (navigation, panels, jobs)."""
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from grassroots.core import audit, navigation
        from grassroots.core.registry import Counter, Panel, home_counters, person_panels
        from grassroots.orgs.models import Position

        from . import models, tasks  # noqa: F401  (tasks registers the reminder jobs)
        from .services.hours import person_target_refresh
        from .views import hours as hours_views

        navigation.register(
            navigation.NavItem(
                "study_sessions",
                _("学习活动"),
                "study:sessions",
                "journal-bookmark",
                40,
                group="study",
            )
        )
        # One entry for everybody: the ledger for those who may view one, 我的学时 for the rest
        # (the ledger page sends a member there).
        navigation.register(
            navigation.NavItem(
                "study_hours", _("学时"), "study:ledger", "hourglass-split", 41, group="study"
            )
        )
        person_panels.register(Panel("study.hours", 40, hours_views.person_panel))
        home_counters.register(Counter("study.my_hours", 40, hours_views.counter_my_hours))
        home_counters.register(Counter("study.upcoming", 41, hours_views.counter_upcoming))
        home_counters.register(Counter("study.reviews", 42, hours_views.counter_reviews))

        audit.register(models.StudyPlan)
        audit.register(models.StudySession, exclude=("expected_count", "present_count"))
        audit.register(models.Attendance)
        audit.register(models.MakeUp)
        audit.register(models.SelfStudy)
        audit.register(models.HoursTarget)

        def position_changed(sender, instance, **kwargs):
            # A new or ended post may make someone a secretary or committee member, or no
            # longer one: this year's target follows at once.
            person_id = instance.person_id
            transaction.on_commit(lambda: person_target_refresh(person_id))

        post_save.connect(
            position_changed, sender=Position, weak=False, dispatch_uid="study-position-save"
        )
        post_delete.connect(
            position_changed, sender=Position, weak=False, dispatch_uid="study-position-del"
        )

    def _ready_library(self) -> None:
        """The materials library and reflections (navigation, panels, jobs)."""
        from grassroots.core import audit, navigation
        from grassroots.core.registry import Counter, Panel, home_counters, person_panels

        from . import reflection_reminders  # noqa: F401  (registers the reminder job)
        from .models import Material, Reflection
        from .views import reflections as reflection_views

        navigation.register(
            navigation.NavItem(
                "study.library", _("学习资料"), "study:material_list", "book", 43, group="study"
            )
        )
        navigation.register(
            navigation.NavItem(
                "study.reflections",
                _("心得体会"),
                "study:my_reflections",
                "pencil-square",
                44,
                group="study",
            )
        )
        person_panels.register(Panel("study.reflections", 45, reflection_views.person_panel))
        home_counters.register(
            Counter("study.reflections_waiting", 45, reflection_views.waiting_counter)
        )
        audit.register(Material)
        # The text is long and kept whole on the record; its length shows that it changed.
        audit.register(Reflection, exclude=("text", "check_result"))
