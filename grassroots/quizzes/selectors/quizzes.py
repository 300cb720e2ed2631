"""Reads of quizzes, scoped to the user: who is expected to take a quiz, the quizzes of a
member, the quizzes a manager runs, attempts."""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from grassroots.core import permissions
from grassroots.core.permissions import access, objects_for, subtree_q
from grassroots.orgs.enums import PARTY_STATUSES, PersonStatus
from grassroots.orgs.models import Person
from grassroots.orgs.selectors import org_subtree_q, path_chain

from ..enums import AttemptStatus, Audience, QuizStatus
from ..models import Attempt, Quiz, QuizInvitee, QuizResult

MANAGE = "quizzes.manage_quiz"
RESULTS = "quizzes.view_results"


# --- Who takes a quiz ------------------------------------------------------------------


def expected_people(quiz: Quiz) -> QuerySet[Person]:
    """The people expected to take the quiz: the active people (party members, unless the quiz
    says otherwise) of the audience subtree, or the hand-picked list."""
    if quiz.audience == Audience.LIST:
        qs = Person.objects.filter(
            Exists(QuizInvitee.objects.filter(quiz=quiz, person=OuterRef("pk")))
        )
    else:
        # No path filter at all for the whole tree (a county-wide quiz): no join either.
        qs = Person.objects.filter(org_subtree_q("primary_org__path", quiz.audience_org))
        if quiz.party_members_only:
            qs = qs.filter(political_status__in=PARTY_STATUSES)
    return qs.filter(status=PersonStatus.ACTIVE)


def is_expected(quiz: Quiz, person: Person | None) -> bool:
    if person is None or person.status != PersonStatus.ACTIVE:
        return False
    if quiz.audience == Audience.LIST:
        return QuizInvitee.objects.filter(quiz=quiz, person=person).exists()
    if quiz.party_members_only and not person.is_party_member:
        return False
    return person.primary_org.path.startswith(quiz.audience_org.path)


def _for_person_q(person: Person) -> Q:
    subtree = Q(
        audience=Audience.SUBTREE,
        audience_org__path__in=path_chain(person.primary_org.path),
    )
    if not person.is_party_member:
        subtree &= Q(party_members_only=False)
    listed = Q(audience=Audience.LIST) & Q(
        Exists(QuizInvitee.objects.filter(quiz=OuterRef("pk"), person=person))
    )
    return subtree | listed


def quizzes_of_person(person: Person | None) -> QuerySet[Quiz]:
    """Published quizzes the person is expected to take, with what they did: attempts made,
    the open attempt, the counted score. One query."""
    if person is None or person.status != PersonStatus.ACTIVE:
        return Quiz.objects.none()
    mine = Attempt.objects.filter(quiz=OuterRef("pk"), person=person)
    result = QuizResult.objects.filter(quiz=OuterRef("pk"), person=person)
    return (
        Quiz.objects.filter(status=QuizStatus.PUBLISHED)
        .filter(_for_person_q(person))
        .annotate(
            my_attempts=Subquery(
                mine.order_by().values("quiz").annotate(n=Count("id")).values("n")[:1],
                output_field=IntegerField(),
            ),
            my_open_attempt=Subquery(
                mine.filter(status=AttemptStatus.IN_PROGRESS).values("pk")[:1]
            ),
            my_score=Subquery(result.values("score")[:1]),
            my_passed=Subquery(result.values("passed")[:1]),
        )
        .select_related("organization")
    )


def my_quizzes(user, *, now=None) -> dict[str, list[Quiz]]:
    """A member's quizzes: open now, coming, and closed (the latest 20)."""
    now = now or timezone.now()
    person = user.person if user.is_authenticated and user.person_id else None
    quizzes = quizzes_of_person(person)
    return {
        "open": list(quizzes.filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at")),
        "upcoming": list(quizzes.filter(opens_at__gt=now).order_by("opens_at")[:20]),
        "closed": list(quizzes.filter(closes_at__lte=now).order_by("-closes_at")[:20]),
    }


def open_quizzes_to_do(user, *, now=None) -> QuerySet[Quiz]:
    """Open quizzes the member has not submitted yet (the home counter)."""
    now = now or timezone.now()
    person = user.person if user.is_authenticated and user.person_id else None
    return (
        quizzes_of_person(person)
        .filter(opens_at__lte=now, closes_at__gt=now)
        .filter(my_score__isnull=True)
    )


def access_quiz_for_person(user, pk) -> Quiz:
    """A published quiz the user is expected to take (or took); 404 otherwise."""
    person = user.person if user.is_authenticated and user.person_id else None
    if person is None:
        raise Http404
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    quiz = (
        quizzes_of_person(person).filter(pk=pk).first()
        or Quiz.objects.filter(pk=pk, status__in=[QuizStatus.PUBLISHED, QuizStatus.CANCELLED])
        .filter(Exists(Attempt.objects.filter(quiz=OuterRef("pk"), person=person)))
        .select_related("organization")
        .first()
    )
    if quiz is None:
        raise Http404
    return quiz


def attempts_of(quiz: Quiz, person: Person) -> list[Attempt]:
    attempts = list(Attempt.objects.filter(quiz=quiz, person=person).order_by("number"))
    for attempt in attempts:
        attempt.quiz = quiz  # read per attempt (may_review), loaded once
    return attempts


def access_attempt(user, pk) -> Attempt:
    """One of the user's own attempts; 404 for anyone else's."""
    if not user.is_authenticated or not user.person_id:
        raise Http404
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    attempt = (
        Attempt.objects.filter(pk=pk, person_id=user.person_id)
        .select_related("quiz", "quiz__organization", "person")
        .first()
    )
    if attempt is None:
        raise Http404
    return attempt


def attempt_items(attempt: Attempt):
    return list(attempt.items.order_by("position"))


def may_review(attempt: Attempt, *, now=None) -> bool:
    """Answers and explanations are shown after the quiz closes, or at once after submitting
    when the quiz says so."""
    from ..enums import ReviewPolicy

    if attempt.status != AttemptStatus.SUBMITTED:
        return False
    quiz = attempt.quiz
    return quiz.review_policy == ReviewPolicy.AFTER_SUBMIT or quiz.is_closed(now)


# --- Managers --------------------------------------------------------------------------


def quizzes_managed(user) -> QuerySet[Quiz]:
    return objects_for(user, MANAGE, Quiz.objects.all())


def access_quiz_manage(user, pk) -> Quiz:
    return access(
        user, MANAGE, Quiz.objects.select_related("organization", "audience_org", "created_by"), pk
    )


def quizzes_for_results(user) -> QuerySet[Quiz]:
    """Quizzes whose results the user may see: those of organizations in their scope, and those
    whose audience reaches people in it (a county quiz, for the secretary of one branch)."""
    qs = Quiz.objects.exclude(status=QuizStatus.DRAFT)
    q = Q(pk__in=[])
    for codename in (RESULTS, MANAGE):
        scope = permissions.scope_q(user, codename, "organization__path")
        if scope is not None:
            if not scope:
                return qs
            q |= scope
    for prefix in permissions.scope_prefixes(user, RESULTS):
        q |= Q(audience=Audience.SUBTREE) & (
            Q(audience_org__path__in=path_chain(prefix)) | subtree_q("audience_org__path", prefix)
        )
        q |= Q(audience=Audience.LIST) & Q(
            Exists(
                QuizInvitee.objects.filter(
                    subtree_q("person__primary_org__path", prefix), quiz=OuterRef("pk")
                )
            )
        )
    return qs.filter(q)


def results_scope(user, quiz: Quiz) -> list[str] | None:
    """Whose results of the quiz the user sees: None for everyone's (the quiz's organization is
    in their scope), else the organization paths of their scope (maybe none)."""
    path = quiz.organization.path
    if permissions.covers(user, RESULTS, path) or permissions.covers(user, MANAGE, path):
        return None
    return list(permissions.scope_prefixes(user, RESULTS))


def within(prefixes: list[str] | None, lookup: str) -> Q:
    """`lookup` lies under one of `prefixes` (None: no restriction, []: nothing)."""
    if prefixes is None or permissions.ROOT in prefixes:
        return Q()
    q = Q(pk__in=[])
    for prefix in prefixes:
        q |= subtree_q(lookup, prefix)
    return q


def participant_may_see_board(user, quiz: Quiz) -> bool:
    """A member sees the leaderboard of a quiz they are expected to take, when it is public."""
    if not quiz.leaderboard_visible or quiz.status == QuizStatus.DRAFT:
        return False
    person = user.person if user.is_authenticated and user.person_id else None
    if person is None:
        return False
    return is_expected(quiz, person) or QuizResult.objects.filter(quiz=quiz, person=person).exists()


def access_quiz_results(user, pk) -> tuple[Quiz, list[str] | None, bool]:
    """(quiz, results filter, officer?) for the results page: an officer sees the results in
    their scope, a participant the public leaderboard; 404 for anyone else."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    related = ("organization", "audience_org")
    quiz = quizzes_for_results(user).select_related(*related).filter(pk=pk).first()
    if quiz is not None:
        return quiz, results_scope(user, quiz), True
    quiz = Quiz.objects.select_related(*related).filter(pk=pk).first()
    if quiz is not None and participant_may_see_board(user, quiz):
        return quiz, None, False
    raise Http404
