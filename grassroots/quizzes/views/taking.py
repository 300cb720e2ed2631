"""Pages of a member taking quizzes (phone first): my quizzes, a quiz, the attempt with its
countdown and answers saved one by one, submitting, and the review with explanations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.core import permissions

from ..enums import CHOICE_TYPES, AttemptStatus, QuestionType
from ..grading import answer_text, letters
from ..selectors import quizzes as selectors
from ..selectors import results as result_selectors
from ..services import attempts as services

MANAGER_CODENAMES = (
    "quizzes.view_results",
    "quizzes.manage_quiz",
    "quizzes.manage_questions",
    "quizzes.host_contest",
)


@login_required
def my(request):
    user = request.user
    buckets = selectors.my_quizzes(user)
    return render(
        request,
        "quizzes/my.html",
        {
            **buckets,
            "has_person": bool(user.person_id),
            "is_manager": any(permissions.has_any(user, c) for c in MANAGER_CODENAMES),
            "crumbs": [{"label": _("知识测试")}],
        },
    )


def _crumbs(quiz=None, *extra):
    crumbs = [{"label": _("知识测试"), "url": reverse("quizzes:my")}]
    if quiz is not None:
        crumbs.append({"label": quiz.title, "url": reverse("quizzes:quiz", args=[quiz.pk])})
    return [*crumbs, *extra]


@login_required
def quiz(request, pk):
    user = request.user
    quiz = selectors.access_quiz_for_person(user, pk)
    person = user.person
    services.close_expired_attempts(quiz=quiz, person=person)
    attempts = selectors.attempts_of(quiz, person)
    now = timezone.now()
    open_attempt = next((a for a in attempts if a.status == AttemptStatus.IN_PROGRESS), None)
    result = result_selectors.result_of(quiz, person)
    expected = selectors.is_expected(quiz, person)
    for attempt in attempts:
        attempt.reviewable = selectors.may_review(attempt, now=now)
    return render(
        request,
        "quizzes/quiz.html",
        {
            "quiz": quiz,
            "phase": quiz.phase(now),
            "attempts": attempts,
            "open_attempt": open_attempt,
            "attempts_left": max(quiz.max_attempts - len(attempts), 0),
            "can_start": expected
            and quiz.is_open(now)
            and open_attempt is None
            and len(attempts) < quiz.max_attempts,
            "result": result,
            "rank": result_selectors.rank_of(result) if result else None,
            "board_visible": quiz.leaderboard_visible,
            "crumbs": _crumbs(None, {"label": quiz.title}),
        },
    )


@login_required
@require_POST
def start(request, pk):
    quiz = selectors.access_quiz_for_person(request.user, pk)
    try:
        attempt = services.attempt_start(quiz=quiz, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("quizzes:quiz", quiz.pk)
    return redirect("quizzes:attempt", attempt.pk)


def _shown(item) -> dict:
    """One question as the member sees it: options in this attempt's order, lettered."""
    response = item.response or []
    shown = {"item": item, "options": [], "blanks": []}
    if item.qtype in CHOICE_TYPES:
        marks = letters(len(item.option_order))
        shown["options"] = [
            {
                "letter": marks[index],
                "value": bank_index,
                "text": item.options[bank_index],
                "checked": bank_index in response,
            }
            for index, bank_index in enumerate(item.option_order)
        ]
    elif item.qtype == QuestionType.TRUE_FALSE:
        shown["options"] = [
            {"letter": "", "value": "true", "text": _("正确"), "checked": response == [True]},
            {"letter": "", "value": "false", "text": _("错误"), "checked": response == [False]},
        ]
    else:
        values = list(response) + [""] * len(item.answer)
        shown["blanks"] = [{"index": i + 1, "value": values[i]} for i in range(len(item.answer))]
    return shown


@login_required
def attempt(request, pk):
    attempt = selectors.access_attempt(request.user, pk)
    attempt = services.attempt_refresh(attempt)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        if attempt.auto_submitted:
            messages.info(request, _("作答时间已到，系统已按截止时刻自动交卷。"))
        return redirect("quizzes:quiz", attempt.quiz_id)
    items = selectors.attempt_items(attempt)
    return render(
        request,
        "quizzes/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "questions": [_shown(item) for item in items],
            "answered": sum(1 for item in items if item.response),
            "now": timezone.now(),
            "crumbs": _crumbs(attempt.quiz, {"label": _("作答")}),
        },
    )


@login_required
@require_POST
def answer(request, pk, position):
    attempt = selectors.access_attempt(request.user, pk)
    try:
        item = services.attempt_answer(
            attempt=attempt,
            position=position,
            response=request.POST.getlist("response"),
            actor=request.user,
        )
    except ValidationError as exc:
        if exc.code in ("late", "submitted"):
            messages.error(request, " ".join(exc.messages))
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("quizzes:quiz", args=[attempt.quiz_id])
            return response
        return render(request, "quizzes/_saved.html", {"error": " ".join(exc.messages)}, status=200)
    return render(request, "quizzes/_saved.html", {"item": item})


@login_required
@require_POST
def submit(request, pk):
    attempt = selectors.access_attempt(request.user, pk)
    attempt, graded = services.attempt_submit(attempt=attempt, actor=request.user)
    if not graded:
        messages.info(request, _("这份答卷已经交过了，没有重复计分。"))
    elif attempt.auto_submitted:
        messages.warning(
            request,
            _("已超过作答时间，系统按截止时刻交卷：得分 %(score)d 分。") % {"score": attempt.score},
        )
    else:
        messages.success(request, _("已交卷：得分 %(score)d 分。") % {"score": attempt.score})
    if selectors.may_review(attempt):
        return redirect("quizzes:attempt_review", attempt.pk)
    return redirect("quizzes:quiz", attempt.quiz_id)


@login_required
def review(request, pk):
    attempt = selectors.access_attempt(request.user, pk)
    attempt = services.attempt_refresh(attempt)
    if not selectors.may_review(attempt):
        messages.info(request, _("测试结束后才能查看答案与解析。"))
        return redirect("quizzes:quiz", attempt.quiz_id)
    items = selectors.attempt_items(attempt)
    rows = []
    for item in items:
        shown = _shown(item)
        shown["key"] = answer_text(item.qtype, item.answer, item.options, item.option_order)
        if item.qtype in CHOICE_TYPES:
            for option in shown["options"]:
                option["correct"] = option["value"] in item.answer
        elif item.qtype == QuestionType.TRUE_FALSE:
            for option in shown["options"]:
                option["correct"] = (option["value"] == "true") == bool(item.answer[0])
        rows.append(shown)
    return render(
        request,
        "quizzes/review.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "questions": rows,
            "crumbs": _crumbs(attempt.quiz, {"label": _("答案与解析")}),
        },
    )
