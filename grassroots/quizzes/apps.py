from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "grassroots.quizzes"
    label = "quizzes"
    verbose_name = _("知识测试与竞赛")

    def ready(self) -> None:
        from grassroots.core import audit, navigation, permissions

        from . import demo, models, panels, reminders  # noqa: F401  (reminders registers its job)

        demo.register()

        manage = [
            "quizzes.view_results",
            "quizzes.manage_questions",
            "quizzes.manage_quiz",
            "quizzes.host_contest",
        ]
        # Members take the quizzes they are expected to take, as owners: no codename.
        permissions.register(
            "quizzes",
            {
                "quizzes.view_results": _("查看测试成绩与排行"),
                "quizzes.manage_questions": _("维护题库（录入、导入、停用题目）"),
                "quizzes.manage_quiz": _("组织知识测试（组卷、发布、撤销）"),
                "quizzes.host_contest": _("主持知识竞赛"),
            },
            roles={
                "org_dept_admin": manage,
                "committee_admin": manage,
                "branch_secretary": manage,
                "discipline_inspector": ["quizzes.view_results"],
            },
        )
        audit.register(models.Question, exclude=("fingerprint",))
        audit.register(models.Quiz)
        audit.register(models.QuizQuestion)
        audit.register(models.QuizInvitee)
        audit.register(models.Contest)
        navigation.register(
            navigation.NavItem(
                "quizzes", _("知识测试"), "quizzes:my", "patch-question", 50, group="study"
            )
        )
        navigation.register(
            navigation.NavItem(
                "quizzes_manage",
                _("测试管理"),
                "quizzes:manage",
                "clipboard-check",
                51,
                "quizzes.view_results",
                group="study",
            )
        )
        panels.register()
