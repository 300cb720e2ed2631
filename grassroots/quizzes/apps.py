from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "grassroots.quizzes"
    label = "quizzes"
    verbose_name = _("知识测试与竞赛")
