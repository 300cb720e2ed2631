"""What the quizzes app adds to pages of other apps: a counter on the home dashboard (open
quizzes the member has still to take) and a panel on a person's page (their results)."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from grassroots.core import permissions
from grassroots.core.registry import Counter, Panel, home_counters, person_panels

PANEL_SIZE = 10


def _todo(request):
    from .selectors.quizzes import open_quizzes_to_do

    user = request.user
    if not user.is_authenticated or not user.person_id:
        return None
    return {
        "label": _("待完成的测试"),
        "value": open_quizzes_to_do(user).count(),
        "url": reverse("quizzes:my"),
    }


def _results_panel(request, person):
    from .models import QuizResult

    user = request.user
    own = user.is_authenticated and user.person_id == person.pk
    if not own and not permissions.user_can(user, "quizzes.view_results", person):
        return None
    results = list(
        QuizResult.objects.filter(person=person)
        .select_related("quiz")
        .order_by("-last_submitted_at", "-id")[:PANEL_SIZE]
    )
    return render_to_string(
        "quizzes/_person_panel.html", {"results": results, "person": person}, request=request
    )


def register() -> None:
    home_counters.register(Counter("quizzes.todo", 40, _todo))
    person_panels.register(Panel("quizzes.results", 50, _results_panel))
