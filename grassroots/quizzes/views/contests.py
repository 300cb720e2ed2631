"""Pages of live contests: the host prepares one, opens it, and drives the big screen (join code
with its QR code, the question and its countdown, the live leaderboards); players join on their
phones and answer. Both screens poll every 2 seconds (htmx); the question area is redrawn only
when what it shows changes (the poll answers 204 otherwise), so a choice being made survives."""

import random

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.core import permissions
from grassroots.core.audit import history_for
from grassroots.core.checkin import qr_svg
from grassroots.core.forms import apply_service_errors
from grassroots.core.views import render_list

from ..enums import CHOICE_TYPES, ContestStatus, QuestionType
from ..forms import ContestForm, DrawForm, JoinForm
from ..grading import answer_text, letters
from ..models import Question
from ..selectors import bank as bank_selectors
from ..selectors import contests as selectors
from ..services import contests as services
from .quizzes import picker_context, picker_post

PAGE_SIZE = 30
HOST = selectors.HOST


def _crumbs(*extra):
    return [
        {"label": _("测试管理"), "url": reverse("quizzes:manage")},
        {"label": _("知识竞赛"), "url": reverse("quizzes:contests")},
        *extra,
    ]


def _contest_crumbs(contest, *extra):
    return _crumbs(
        {"label": contest.title, "url": reverse("quizzes:contest_detail", args=[contest.pk])},
        *extra,
    )


@login_required
def contests(request):
    user = request.user
    if not permissions.has_any(user, HOST):
        raise PermissionDenied
    page = Paginator(selectors.contests_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "quizzes/contests/list.html",
        {
            "page_obj": page,
            "querystring_base": "",
            "crumbs": _crumbs()[:1] + [{"label": _("知识竞赛")}],
        },
    )


def _organizations(user):
    return bank_selectors.bank_organizations(user, HOST)


@login_required
def contest_create(request):
    user = request.user
    if not permissions.has_any(user, HOST):
        raise PermissionDenied
    initial = {"seconds_per_question": 20, "max_points": 1000}
    current = request.current_org
    if current is not None and permissions.covers(user, HOST, current.path):
        initial["organization"] = current.pk
    form = ContestForm(request.POST or None, organizations=_organizations(user), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contest = services.contest_create(
                organization=data["organization"],
                actor=user,
                title=data["title"],
                seconds_per_question=data["seconds_per_question"],
                max_points=data["max_points"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已创建竞赛，请添加题目。"))
            return redirect("quizzes:contest_detail", contest.pk)
    return render(
        request,
        "quizzes/contests/form.html",
        {"form": form, "title": _("新建知识竞赛"), "crumbs": _crumbs({"label": _("新建")})},
    )


@login_required
def contest_detail(request, pk):
    user = request.user
    contest = selectors.access_contest(user, pk)
    form = None
    if contest.status == ContestStatus.DRAFT:
        form = ContestForm(
            request.POST or None, instance=contest, organizations=_organizations(user)
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.contest_update(contest=contest, actor=user, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("quizzes:contest_detail", contest.pk)
    return render(
        request,
        "quizzes/contests/detail.html",
        {
            "contest": contest,
            "form": form,
            "draw_form": DrawForm(),
            "questions": selectors.contest_questions(contest),
            "players": contest.players.count(),
            "board": selectors.board(contest, limit=50) if contest.status != "draft" else [],
            "branches": selectors.branch_board(contest, limit=50)
            if contest.status != "draft"
            else [],
            "history": history_for(user, contest),
            "crumbs": _crumbs({"label": contest.title}),
        },
    )


@login_required
def contest_questions(request, pk):
    user = request.user
    contest = selectors.access_contest(user, pk)
    if request.method == "POST":
        return picker_post(
            request,
            contest.organization,
            in_use=Question.objects.filter(contest_uses__contest=contest),
            remove=lambda question: services.contest_remove_question(
                contest=contest, question=question, actor=user
            ),
            add=lambda picked: services.contest_add_questions(
                contest=contest, questions=picked, actor=user
            ),
        )
    chosen = selectors.contest_questions(contest)
    context = picker_context(request, contest.organization, {c.question_id for c in chosen})
    context.update(
        {
            "contest": contest,
            "chosen": chosen,
            "editable": contest.status == ContestStatus.DRAFT,
            "crumbs": _contest_crumbs(contest, {"label": _("选择题目")}),
        }
    )
    return render_list(
        request,
        "quizzes/contests/questions.html",
        "quizzes/_picker_table.html",
        "picker-table",
        context,
    )


@login_required
@require_POST
def contest_draw(request, pk):
    """Add a random handful of questions of the pool (by type, difficulty, tag)."""
    user = request.user
    contest = selectors.access_contest(user, pk)
    form = DrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写要抽取的题数（1–100）。"))
        return redirect("quizzes:contest_detail", contest.pk)
    data = form.cleaned_data
    pool = bank_selectors.question_pool(contest.organization).exclude(contest_uses__contest=contest)
    if data.get("qtype"):
        pool = pool.filter(qtype=data["qtype"])
    if data.get("difficulty"):
        pool = pool.filter(difficulty=data["difficulty"])
    if data.get("tag"):
        pool = pool.filter(tags=data["tag"])
    ids = list(pool.order_by().values_list("pk", flat=True).distinct())
    if len(ids) < data["count"]:
        messages.error(
            request,
            _("符合条件的题目只有 %(have)d 道，不足 %(want)d 道。")
            % {"have": len(ids), "want": data["count"]},
        )
        return redirect("quizzes:contest_detail", contest.pk)
    chosen = random.SystemRandom().sample(ids, data["count"])
    try:
        added = services.contest_add_questions(
            contest=contest, questions=list(Question.objects.filter(pk__in=chosen)), actor=user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已随机添加 %(n)d 道题。") % {"n": added})
    return redirect("quizzes:contest_detail", contest.pk)


def _host_action(request, pk, action, done=None):
    contest = selectors.access_contest(request.user, pk)
    try:
        action(contest=contest, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if done:
            messages.success(request, done)
    return redirect("quizzes:contest_host", contest.pk)


@login_required
@require_POST
def contest_open(request, pk):
    return _host_action(request, pk, services.contest_open)


@login_required
@require_POST
def contest_next(request, pk):
    return _host_action(request, pk, services.contest_next)


@login_required
@require_POST
def contest_end(request, pk):
    return _host_action(request, pk, services.contest_end, _("竞赛已结束，成绩已保存。"))


def _join_url(request, contest) -> str:
    return (
        request.build_absolute_uri(reverse("quizzes:contest_join")) + f"?code={contest.join_code}"
    )


def _shown(question, spread=None) -> list[dict]:
    if question is None:
        return []
    if question.qtype in CHOICE_TYPES:
        marks = letters(len(question.options))
        return [
            {
                "letter": marks[i],
                "value": i,
                "text": text,
                "correct": i in question.answer,
                "count": (spread or {}).get(str(i), 0),
            }
            for i, text in enumerate(question.options)
        ]
    if question.qtype == QuestionType.TRUE_FALSE:
        return [
            {
                "letter": "",
                "value": value,
                "text": label,
                "correct": flag == bool(question.answer[0]),
                "count": (spread or {}).get(str(flag), 0),
            }
            for value, label, flag in (("true", _("正确"), True), ("false", _("错误"), False))
        ]
    return []


def _key_text(question) -> str:
    """The key as the room reads it: "B. 32" for a choice, 正确/错误, or the accepted answers."""
    if question.qtype in CHOICE_TYPES:
        marks = letters(len(question.options))
        return _("；").join(f"{marks[i]}. {question.options[i]}" for i in question.answer)
    return answer_text(question.qtype, question.answer, question.options)


def _stage_context(state, *, host: bool) -> dict:
    question = state.question
    reveal = state.phase == "reveal"
    spread = selectors.answer_spread(question) if (host and reveal and question) else None
    return {
        "state": state,
        "contest": state.contest,
        "question": question,
        "options": _shown(question, spread),
        "blanks": range(len(question.answer))
        if question and question.qtype == "fill_blank"
        else [],
        "key_text": _key_text(question) if question and (reveal or state.my_answer) else "",
        "reveal": reveal,
    }


@login_required
def contest_host(request, pk):
    contest = selectors.access_contest(request.user, pk)
    state = selectors.room_counts(selectors.room_state(contest))
    context = _stage_context(state, host=True)
    context.update(
        {
            "join_url": _join_url(request, contest) if contest.join_code else "",
            "qr": qr_svg(_join_url(request, contest), scale=8)
            if contest.status == ContestStatus.OPEN
            else "",
            "board": selectors.board(contest),
            "branches": selectors.branch_board(contest),
            "crumbs": _contest_crumbs(contest, {"label": _("主持大屏")}),
        }
    )
    return render(request, "quizzes/contests/host.html", context)


def _unchanged(request, state) -> bool:
    return request.GET.get("key") == state.key


@login_required
def contest_stage(request, pk):
    """The host's question area, redrawn when the room's state changes."""
    contest = selectors.access_contest(request.user, pk)
    state = selectors.room_state(contest)
    if _unchanged(request, state):
        return HttpResponse(status=204)
    return render(request, "quizzes/contests/_stage.html", _stage_context(state, host=True))


def _board_access(request, pk):
    """The host, or a player of the contest."""
    try:
        return selectors.access_contest(request.user, pk)
    except Http404:
        return selectors.access_player(request.user, pk).contest


@login_required
def contest_board(request, pk):
    contest = _board_access(request, pk)
    state = selectors.room_counts(selectors.room_state(contest))
    return render(
        request,
        "quizzes/contests/_board.html",
        {
            "contest": contest,
            "state": state,
            "board": selectors.board(contest),
            "branches": selectors.branch_board(contest),
        },
    )


@login_required
def contest_join(request):
    initial = {"code": request.GET.get("code", "")[:12]}
    form = JoinForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            player = services.contest_join(code=form.cleaned_data["code"], actor=request.user)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("quizzes:contest_play", player.contest_id)
    return render(
        request,
        "quizzes/contests/join.html",
        {"form": form, "crumbs": [{"label": _("加入知识竞赛")}]},
    )


def _room_context(player, state, error: str = "") -> dict:
    context = _stage_context(state, host=False)
    context.update({"player": player, "error": error})
    if state.phase == "ended":
        context["rank"] = selectors.player_rank(player)
        player.refresh_from_db()
    return context


@login_required
def contest_play(request, pk):
    player = selectors.access_player(request.user, pk)
    state = selectors.room_counts(selectors.room_state(player.contest, player=player))
    context = _room_context(player, state)
    context.update(
        {
            "board": selectors.board(player.contest),
            "branches": selectors.branch_board(player.contest),
            "crumbs": [{"label": player.contest.title}],
        }
    )
    return render(request, "quizzes/contests/play.html", context)


@login_required
def contest_room(request, pk):
    """The player's question area, redrawn when the room's state changes."""
    player = selectors.access_player(request.user, pk)
    state = selectors.room_state(player.contest, player=player)
    if _unchanged(request, state):
        return HttpResponse(status=204)
    return render(request, "quizzes/contests/_room.html", _room_context(player, state))


@login_required
@require_POST
def contest_answer(request, pk):
    player = selectors.access_player(request.user, pk)
    error = ""
    try:
        position = int(request.POST.get("position", "0"))
    except ValueError:
        position = 0
    try:
        services.contest_answer(
            player=player,
            position=position,
            response=request.POST.getlist("response"),
            actor=request.user,
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    state = selectors.room_state(player.contest, player=player)
    return render(request, "quizzes/contests/_room.html", _room_context(player, state, error))
