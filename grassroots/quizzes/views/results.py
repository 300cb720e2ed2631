"""A quiz's results: the leaderboard by person, the figures by branch, the Excel export.
Officers see the results in their scope; participants see the public leaderboard."""

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.views import querystring_base, render_list
from grassroots.core.workbooks import XLSX_CONTENT_TYPE
from grassroots.orgs.models import Organization

from ..selectors import quizzes as quiz_selectors
from ..selectors import results as selectors
from ..services.attempts import LAZY_SWEEP_LIMIT, close_expired_attempts
from ..workbooks import write_results

PAGE_SIZE = 50
EXPORT_CHUNK = 2000


def _depth(request, quiz) -> int | None:
    """The level to group by: the people's own organizations (None), or the level below the
    audience's organization (e.g. the general branches of a county quiz)."""
    value = request.GET.get("level", "")
    if value == "unit" and quiz.audience_org_id:
        return quiz.audience_org.depth + 1
    return None


def _organization_filter(request, user, scope):
    """An organization (subtree) to narrow the leaderboard to, if the user may see it."""
    value = request.GET.get("org", "")
    if not value.isdigit():
        return None
    org = Organization.objects.filter(pk=int(value)).only("id", "name", "path", "depth").first()
    if org is None:
        return None
    if scope is not None and not any(org.path.startswith(p) for p in scope):
        return None
    return org


@login_required
def results(request, pk):
    user = request.user
    quiz, scope, officer = quiz_selectors.access_quiz_results(user, pk)
    # Attempts whose time ran out count before anyone reads the results.
    close_expired_attempts(quiz=quiz, limit=LAZY_SWEEP_LIMIT)
    tab = request.GET.get("tab", "people")
    if tab not in ("people", "branches"):
        tab = "people"
    org = _organization_filter(request, user, scope) if officer else None
    context = {
        "quiz": quiz,
        "tab": tab,
        "officer": officer,
        "scoped": scope is not None,
        "filter_org": org,
        "phase": quiz.phase(),
        "level": request.GET.get("level", ""),
    }
    if officer:
        context["summary"] = selectors.summary(quiz, scope)
    person = user.person if user.person_id else None
    mine = selectors.result_of(quiz, person)
    if mine is not None:
        context["mine"] = mine
        context["my_rank"] = selectors.rank_of(mine)
    if tab == "branches":
        if not officer:
            raise Http404
        depth = _depth(request, quiz)
        # A county has thousands of branches: a page of them at a time, named per page.
        page = Paginator(selectors.by_branch(quiz, scope, depth=depth), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context["page_obj"] = page
        context["branches"] = selectors.with_organizations(page.object_list, by_path=bool(depth))
    else:
        page = selectors.board_page(
            selectors.leaderboard(quiz, scope, organization=org),
            request.GET.get("page"),
            PAGE_SIZE,
        )
        context["page_obj"] = page
        context["rows"] = selectors.ranked(page, (page.number - 1) * PAGE_SIZE)
    context["querystring_base"] = querystring_base(request)
    back = (
        {"label": _("测试管理"), "url": reverse("quizzes:manage")}
        if officer
        else {"label": _("知识测试"), "url": reverse("quizzes:my")}
    )
    context["crumbs"] = [back, {"label": quiz.title}, {"label": _("成绩排行")}]
    return render_list(request, "quizzes/results.html", "quizzes/_board.html", "board", context)


@login_required
def results_export(request, pk):
    user = request.user
    quiz, scope, officer = quiz_selectors.access_quiz_results(user, pk)
    if not officer:
        raise PermissionDenied
    close_expired_attempts(quiz=quiz, limit=LAZY_SWEEP_LIMIT)
    board = selectors.leaderboard(quiz, scope).iterator(chunk_size=EXPORT_CHUNK)
    handle = write_results(
        quiz,
        ((rank, result) for rank, result in enumerate(board, start=1)),
        selectors.with_organizations(
            selectors.by_branch(quiz, scope, depth=_depth(request, quiz)),
            by_path=bool(_depth(request, quiz)),
        ),
    )
    title = re.sub(r'[\\/:*?"<>|]+', "", quiz.title)[:40]
    filename = _("%(title)s-成绩-%(date)s.xlsx") % {
        "title": title,
        "date": f"{timezone.localdate():%Y%m%d}",
    }
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
