"""Reads of the question bank, scoped to the user: the bank list with its filters, the pool a
quiz or contest draws from, and imports."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import Http404

from grassroots.core.permissions import access, objects_for, subtree_q
from grassroots.orgs.enums import OrgStatus
from grassroots.orgs.models import Organization
from grassroots.orgs.selectors import path_chain

from ..models import AttemptItem, ContestQuestion, Question, QuestionImport, QuizQuestion, Tag

MANAGE = "quizzes.manage_questions"


def pool_q(organization: Organization, lookup: str = "organization__path") -> Q:
    """Questions an organization's quizzes may use: its own bank, its sub-organizations' banks,
    and the banks of the organizations above it (a county bank serves every branch)."""
    return subtree_q(lookup, organization.path) | Q(
        **{f"{lookup}__in": path_chain(organization.path)}
    )


def question_pool(organization: Organization) -> QuerySet[Question]:
    return Question.objects.filter(pool_q(organization), is_active=True)


def bank_organizations(user, codename: str = MANAGE) -> QuerySet[Organization]:
    return (
        objects_for(user, codename, Organization.objects.filter(status=OrgStatus.ACTIVE))
        .only("id", "name", "short_name", "depth", "path", "code")
        .order_by("path")
    )


def questions_for(user, codename: str = MANAGE) -> QuerySet[Question]:
    return objects_for(user, codename, Question.objects.all())


def access_question(user, pk, codename: str = MANAGE) -> Question:
    return access(user, codename, Question.objects.select_related("organization"), pk)


@dataclass
class QuestionFilter:
    qtype: str = ""
    tag: Tag | None = None
    difficulty: int | None = None
    query: str = ""
    active: str = "1"  # "1" active, "0" inactive, "" all
    organization: Organization | None = None


def filter_questions(qs: QuerySet[Question], flt: QuestionFilter) -> QuerySet[Question]:
    if flt.organization is not None:
        qs = qs.filter(subtree_q("organization__path", flt.organization.path))
    if flt.qtype:
        qs = qs.filter(qtype=flt.qtype)
    if flt.tag is not None:
        qs = qs.filter(tags=flt.tag)
    if flt.difficulty:
        qs = qs.filter(difficulty=flt.difficulty)
    if flt.active in ("0", "1"):
        qs = qs.filter(is_active=flt.active == "1")
    query = (flt.query or "").strip()[:60]
    if query:
        qs = qs.filter(Q(stem__contains=query) | Q(explanation__contains=query))
    return (
        qs.select_related("organization")
        .prefetch_related("tags")
        .annotate(
            used=ExpressionWrapper(
                Q(Exists(QuizQuestion.objects.filter(question=OuterRef("pk"))))
                | Q(Exists(AttemptItem.objects.filter(question=OuterRef("pk"))))
                | Q(Exists(ContestQuestion.objects.filter(question=OuterRef("pk")))),
                output_field=BooleanField(),
            )
        )
        .order_by("-id")
    )


def bank_list(user, flt: QuestionFilter) -> QuerySet[Question]:
    return filter_questions(questions_for(user), flt)


def tag_choices(limit: int = 300) -> list[Tag]:
    return list(Tag.objects.order_by("name")[:limit])


def tag_named(name: str) -> Tag | None:
    name = (name or "").strip()[:30]
    return Tag.objects.filter(name=name).first() if name else None


# --- Imports ---------------------------------------------------------------------------


def imports_for(user) -> QuerySet[QuestionImport]:
    if not user.is_authenticated:
        return QuestionImport.objects.none()
    return objects_for(
        user, MANAGE, QuestionImport.objects.filter(uploaded_by=user)
    ).select_related("organization")


def access_import(user, pk) -> QuestionImport:
    if not user.is_authenticated:
        raise Http404
    return access(
        user,
        MANAGE,
        QuestionImport.objects.filter(uploaded_by=user).select_related("organization"),
        pk,
    )
