"""Pages of the officers who run quizzes: the list, a quiz's form, its questions, its people,
publishing and withdrawing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.core import permissions
from grassroots.core.audit import history_for
from grassroots.core.forms import apply_service_errors
from grassroots.core.views import querystring_base, render_list
from grassroots.orgs.enums import PersonStatus
from grassroots.orgs.models import Person
from grassroots.orgs.selectors import search_q

from ..enums import Audience, QuizStatus, Selection
from ..forms import QuizForm
from ..models import Question, Quiz, QuizResult
from ..selectors import bank as bank_selectors
from ..selectors import quizzes as selectors
from ..selectors import results as result_selectors
from ..services import quizzes as services
from .bank import question_filter_from

PAGE_SIZE = 30
PICK_PAGE_SIZE = 50
CODENAMES = (
    "quizzes.view_results",
    "quizzes.manage_quiz",
    "quizzes.manage_questions",
    "quizzes.host_contest",
)


def _crumbs(*extra):
    return [{"label": _("测试管理"), "url": reverse("quizzes:manage")}, *extra]


def quiz_crumbs(quiz, *extra):
    return _crumbs(
        {"label": quiz.title, "url": reverse("quizzes:quiz_detail", args=[quiz.pk])}, *extra
    )


@login_required
def manage(request):
    user = request.user
    if not any(permissions.has_any(user, c) for c in CODENAMES):
        raise PermissionDenied
    submitted = (
        QuizResult.objects.filter(quiz=OuterRef("pk"))
        .order_by()
        .values("quiz")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    quizzes = (
        (selectors.quizzes_managed(user) | selectors.quizzes_for_results(user))
        .select_related("organization")
        .annotate(submitted=Subquery(submitted, output_field=IntegerField()))
        .order_by("-opens_at", "-id")
    )
    query = (request.GET.get("q") or "").strip()[:60]
    if query:
        quizzes = quizzes.filter(title__contains=query)
    status = request.GET.get("status", "")
    if status in QuizStatus.values:
        quizzes = quizzes.filter(status=status)
    page = Paginator(quizzes, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "query": query,
        "status": status,
        "statuses": QuizStatus.choices,
        "querystring_base": querystring_base(request),
        "manageable": set(
            selectors.quizzes_managed(user)
            .filter(pk__in=[q.pk for q in page])
            .values_list("pk", flat=True)
        ),
        "can_create": permissions.has_any(user, "quizzes.manage_quiz"),
        "can_bank": permissions.has_any(user, "quizzes.manage_questions"),
        "can_contest": permissions.has_any(user, "quizzes.host_contest"),
        "crumbs": [{"label": _("测试管理")}],
    }
    return render_list(
        request, "quizzes/manage/list.html", "quizzes/manage/_table.html", "quiz-table", context
    )


def _organizations(user):
    return bank_selectors.bank_organizations(user, selectors.MANAGE)


@login_required
def quiz_create(request):
    user = request.user
    if not permissions.has_any(user, selectors.MANAGE):
        raise PermissionDenied
    organizations = _organizations(user)
    initial = {"max_attempts": 1, "points_per_question": 5, "pass_score": 60}
    current = request.current_org
    if current is not None and permissions.covers(user, selectors.MANAGE, current.path):
        initial["organization"] = current.pk
        initial["audience_org"] = current.pk
    form = QuizForm(request.POST or None, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        draw_tags = fields.pop("draw_tags", [])
        try:
            quiz = services.quiz_create(
                organization=form.cleaned_data["organization"],
                actor=user,
                draw_tags=draw_tags,
                **fields,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已创建测试草稿，请选择题目和参加人员后发布。"))
            if quiz.selection == Selection.FIXED:
                return redirect("quizzes:quiz_questions", quiz.pk)
            if quiz.audience == Audience.LIST:
                return redirect("quizzes:quiz_people", quiz.pk)
            return redirect("quizzes:quiz_detail", quiz.pk)
    return render(
        request,
        "quizzes/manage/quiz_form.html",
        {"form": form, "title": _("新建测试"), "crumbs": _crumbs({"label": _("新建测试")})},
    )


@login_required
def quiz_edit(request, pk):
    user = request.user
    quiz = selectors.access_quiz_manage(user, pk)
    if quiz.status == QuizStatus.CANCELLED:
        messages.error(request, _("测试已撤销，不能再修改。"))
        return redirect("quizzes:quiz_detail", quiz.pk)
    published = quiz.status == QuizStatus.PUBLISHED
    form = QuizForm(
        request.POST or None,
        instance=quiz,
        organizations=_organizations(user),
        published=published,
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        draw_tags = fields.pop("draw_tags", None)
        try:
            services.quiz_update(
                quiz=Quiz.objects.get(pk=quiz.pk), actor=user, draw_tags=draw_tags, **fields
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("quizzes:quiz_detail", quiz.pk)
    return render(
        request,
        "quizzes/manage/quiz_form.html",
        {
            "form": form,
            "quiz": quiz,
            "published": published,
            "title": _("编辑测试"),
            "crumbs": quiz_crumbs(quiz, {"label": _("编辑")}),
        },
    )


@login_required
def quiz_detail(request, pk):
    user = request.user
    quiz = selectors.access_quiz_manage(user, pk)
    questions = []
    if quiz.selection == Selection.FIXED:
        questions = list(quiz.quiz_questions.select_related("question").order_by("position", "id"))
    figures = None
    if quiz.status != QuizStatus.DRAFT:
        figures = result_selectors.summary(quiz)
    return render(
        request,
        "quizzes/manage/quiz_detail.html",
        {
            "quiz": quiz,
            "phase": quiz.phase(),
            "questions": questions,
            "draw_tags": list(quiz.draw_tags.all()),
            "invitee_count": quiz.invitees.count(),
            "figures": figures,
            "full_score": (len(questions) if quiz.selection == Selection.FIXED else quiz.draw_total)
            * quiz.points_per_question,
            "history": history_for(user, quiz),
            "crumbs": _crumbs({"label": quiz.title}),
        },
    )


def _transition(request, pk, action, done):
    quiz = selectors.access_quiz_manage(request.user, pk)
    try:
        action(quiz=quiz, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("quizzes:quiz_detail", quiz.pk)


@login_required
@require_POST
def quiz_publish(request, pk):
    return _transition(request, pk, services.quiz_publish, _("已发布，参加人员会收到通知。"))


@login_required
@require_POST
def quiz_cancel(request, pk):
    return _transition(request, pk, services.quiz_cancel, _("已撤销该测试。"))


@login_required
@require_POST
def quiz_delete(request, pk):
    quiz = selectors.access_quiz_manage(request.user, pk)
    try:
        services.quiz_delete(quiz=quiz, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("quizzes:quiz_detail", quiz.pk)
    messages.success(request, _("已删除草稿。"))
    return redirect("quizzes:manage")


def picker_context(request, organization, chosen_ids: set[int]) -> dict:
    """The question picker shared by quizzes and contests: the pool of the organization,
    filtered, 50 a page, with what is already chosen marked."""
    form, flt = question_filter_from(request, request.user)
    flt.organization = None
    pool = bank_selectors.filter_questions(bank_selectors.question_pool(organization), flt)
    page = Paginator(pool, PICK_PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "form": form,
        "flt": flt,
        "page_obj": page,
        "chosen_ids": chosen_ids,
        "tags": bank_selectors.tag_choices(),
        "querystring_base": querystring_base(request),
    }


def picked_questions(request, organization) -> list[Question]:
    ids = []
    for value in request.POST.getlist("question"):
        try:
            ids.append(int(value))
        except ValueError:
            continue
    return list(bank_selectors.question_pool(organization).filter(pk__in=ids[:500]))


def picker_post(request, organization, *, in_use, remove, add):
    """The picker's POST, shared by quizzes and contests: take out the question `remove` names
    (one of `in_use`), or add the ticked questions of the organization's pool."""
    try:
        if request.POST.get("remove"):
            value = request.POST["remove"]
            question = in_use.filter(pk=int(value) if value.isdigit() else 0).first()
            if question is not None:
                remove(question)
                messages.success(request, _("已移除该题。"))
        else:
            picked = picked_questions(request, organization)
            if not picked:
                messages.error(request, _("请先勾选题目。"))
            else:
                messages.success(request, _("已添加 %(n)d 道题。") % {"n": add(picked)})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(request.get_full_path())


@login_required
def quiz_questions(request, pk):
    user = request.user
    quiz = selectors.access_quiz_manage(user, pk)
    if request.method == "POST":
        return picker_post(
            request,
            quiz.organization,
            in_use=Question.objects.filter(quiz_uses__quiz=quiz),
            remove=lambda question: services.quiz_remove_question(
                quiz=quiz, question=question, actor=user
            ),
            add=lambda picked: services.quiz_add_questions(quiz=quiz, questions=picked, actor=user),
        )
    chosen = list(quiz.quiz_questions.select_related("question").order_by("position", "id"))
    context = picker_context(request, quiz.organization, {c.question_id for c in chosen})
    context.update(
        {
            "quiz": quiz,
            "chosen": chosen,
            "editable": quiz.status == QuizStatus.DRAFT,
            "crumbs": quiz_crumbs(quiz, {"label": _("选择题目")}),
        }
    )
    return render_list(
        request,
        "quizzes/manage/quiz_questions.html",
        "quizzes/_picker_table.html",
        "picker-table",
        context,
    )


@login_required
def quiz_people(request, pk):
    user = request.user
    quiz = selectors.access_quiz_manage(user, pk)
    if quiz.audience != Audience.LIST:
        messages.info(request, _("本测试面向组织全体人员，无需指定人员。"))
        return redirect("quizzes:quiz_detail", quiz.pk)
    in_scope = permissions.objects_for(
        user, selectors.MANAGE, Person.objects.filter(status=PersonStatus.ACTIVE)
    )
    if request.method == "POST":
        try:
            if request.POST.get("remove"):
                remove = request.POST.get("remove", "")
                person = Person.objects.filter(
                    pk=int(remove) if remove.isdigit() else 0, quiz_invitations__quiz=quiz
                ).first()
                if person is not None:
                    services.quiz_remove_invitee(quiz=quiz, person=person, actor=user)
                    messages.success(request, _("已移出“%(name)s”。") % {"name": person.name})
            else:
                ids = [v for v in request.POST.getlist("person") if v.isdigit()][:1000]
                people = list(in_scope.filter(pk__in=ids).select_related("primary_org"))
                added = services.quiz_add_invitees(quiz=quiz, people=people, actor=user)
                messages.success(request, _("已添加 %(n)d 人。") % {"n": added})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(request.get_full_path())
    query = (request.GET.get("q") or "").strip()[:40]
    found = []
    if query:
        found = list(
            in_scope.filter(search_q(query, user))
            .exclude(Q(quiz_invitations__quiz=quiz))
            .select_related("primary_org")
            .order_by("name_pinyin", "id")[:50]
        )
    invitees = Paginator(
        Person.objects.filter(quiz_invitations__quiz=quiz)
        .select_related("primary_org")
        .order_by("name_pinyin", "id"),
        100,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "quizzes/manage/quiz_people.html",
        {
            "quiz": quiz,
            "query": query,
            "found": found,
            "page_obj": invitees,
            "querystring_base": querystring_base(request),
            "crumbs": quiz_crumbs(quiz, {"label": _("参加人员")}),
        },
    )
