"""Results of a quiz: the leaderboard by person (one indexed table, QuizResult), a person's
rank, the summary figures, and the figures by branch (one GROUP BY each for results and for
expected people)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.core.paginator import Paginator
from django.db.models import Avg, Count, F, Max, Q, QuerySet
from django.db.models.functions import Substr

from grassroots.core.permissions import subtree_q
from grassroots.orgs import counts as org_counts
from grassroots.orgs.models import Organization, Person

from ..caching import results_cache
from ..models import Quiz, QuizResult
from .quizzes import expected_people, within

BOARD_ORDER = ("-score", "time_used_seconds", "id")
BOARD_FIELDS = (
    "id",
    "score",
    "best_score",
    "time_used_seconds",
    "attempts_submitted",
    "passed",
    "submitted_at",
    "person__id",
    "person__name",
    "person__primary_org__id",
    "person__primary_org__name",
    "person__primary_org__short_name",
    "person__primary_org__path",
)


def leaderboard(
    quiz: Quiz, scope: list[str] | None = None, *, organization: Organization | None = None
) -> QuerySet[QuizResult]:
    """Results in rank order: higher score first, then shorter time, then who was first.
    `scope` is `results_scope()`: None for everyone, else the organization paths to keep."""
    qs = QuizResult.objects.filter(quiz=quiz)
    if scope is not None:
        qs = qs.filter(within(scope, "person__primary_org__path"))
    if organization is not None:
        qs = qs.filter(subtree_q("person__primary_org__path", organization.path))
    return (
        qs.select_related("person", "person__primary_org")
        .only(*BOARD_FIELDS)
        .order_by(*BOARD_ORDER)
    )


def board_page(board: QuerySet[QuizResult], number, per_page: int):
    """One page of a leaderboard. The ids of the page are read first (from the board's index
    alone, cheap even at a deep offset), then those rows with their people: a page far down a
    board of 100,000 does not drag every skipped row through the joins."""
    page = Paginator(board.values_list("id", flat=True), per_page).get_page(number)
    page.object_list = board_slice(list(page.object_list))
    return page


def board_slice(ids: list[int]) -> list[QuizResult]:
    """The results of these ids with their people and organizations, in the ids' order."""
    rows = {
        r.pk: r
        for r in QuizResult.objects.filter(pk__in=ids)
        .select_related("person", "person__primary_org")
        .only(*BOARD_FIELDS)
    }
    return [rows[pk] for pk in ids if pk in rows]


def ranked(page, offset: int) -> list[tuple[int, QuizResult]]:
    return [(offset + index + 1, result) for index, result in enumerate(page)]


def result_of(quiz: Quiz, person: Person | None) -> QuizResult | None:
    if person is None:
        return None
    return QuizResult.objects.filter(quiz=quiz, person=person).first()


def rank_of(result: QuizResult) -> int:
    """The place of a result among all of its quiz's results (one indexed count)."""
    before = QuizResult.objects.filter(quiz_id=result.quiz_id).filter(
        Q(score__gt=result.score)
        | Q(score=result.score, time_used_seconds__lt=result.time_used_seconds)
        | Q(score=result.score, time_used_seconds=result.time_used_seconds, id__lt=result.id)
    )
    return before.count() + 1


@dataclass
class Summary:
    expected: int
    submitted: int
    average: float | None
    highest: int | None
    passed: int

    @property
    def participation(self) -> float | None:
        return self.submitted / self.expected if self.expected else None

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.submitted if self.submitted else None


def _scoped(quiz: Quiz, scope: list[str] | None):
    results = QuizResult.objects.filter(quiz=quiz)
    people = expected_people(quiz)
    if scope is not None:
        results = results.filter(within(scope, "person__primary_org__path"))
        people = people.filter(within(scope, "primary_org__path"))
    return results, people


def summary(quiz: Quiz, scope: list[str] | None = None) -> Summary:
    results, people = _scoped(quiz, scope)
    figures = results.aggregate(
        n=Count("id"), avg=Avg("score"), top=Max("score"), ok=Count("id", filter=Q(passed=True))
    )
    return Summary(
        expected=people.count(),
        submitted=figures["n"],
        average=figures["avg"],
        highest=figures["top"],
        passed=figures["ok"],
    )


@dataclass
class BranchRow:
    organization: Organization | None
    key: str
    expected: int = 0
    submitted: int = 0
    average: float | None = None
    passed: int = 0

    @property
    def name(self) -> str:
        return self.organization.name if self.organization else "—"

    @property
    def participation(self) -> float | None:
        return self.submitted / self.expected if self.expected else None

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.submitted if self.submitted else None


def by_branch(
    quiz: Quiz, scope: list[str] | None = None, *, depth: int | None = None
) -> list[BranchRow]:
    """Figures per organization, best participation first: by each person's own organization
    (the branch), or rolled up to the organizations at `depth` of the tree. Two grouped
    queries (results, expected people), cached until the quiz's results or the people change;
    the rows carry no organization yet: `with_organizations()` names the ones shown."""

    def compute() -> list[BranchRow]:
        results, people = _scoped(quiz, scope)
        if depth:
            length = depth * Organization.steplen
            result_key = Substr("person__primary_org__path", 1, length)
            people_key = Substr("primary_org__path", 1, length)
        else:
            # By each person's own organization: grouped by its id, no join to organizations.
            result_key = F("person__primary_org_id")
            people_key = F("primary_org_id")
        rows: dict = {}
        grouped = (
            results.order_by()
            .annotate(key=result_key)
            .values("key")
            .annotate(n=Count("id"), avg=Avg("score"), ok=Count("id", filter=Q(passed=True)))
        )
        for item in grouped:
            rows[item["key"]] = BranchRow(
                organization=None,
                key=str(item["key"]),
                submitted=item["n"],
                average=item["avg"],
                passed=item["ok"],
            )
        for item in (
            people.order_by().annotate(key=people_key).values("key").annotate(n=Count("id"))
        ):
            row = rows.setdefault(item["key"], BranchRow(organization=None, key=str(item["key"])))
            row.expected = item["n"]
        return sorted(
            rows.values(),
            key=lambda r: (-(r.participation or 0), -(r.average or 0), r.key),
        )

    part = f"branches:{depth or 0}:{','.join(scope) if scope is not None else '*'}"
    return results_cache(quiz.pk).cached(
        f"{part}:{quiz.updated_at.timestamp()}", compute, depends_on=[org_counts.COUNTS]
    )


def with_organizations(rows: list[BranchRow], *, by_path: bool) -> list[BranchRow]:
    """Attach its organization to each row (one query for the rows given: a page of them)."""
    orgs = Organization.objects.only("id", "name", "short_name", "path")
    keys = [r.key for r in rows]
    if by_path:
        found = {o.path: o for o in orgs.filter(path__in=keys)}
    else:
        found = {str(o.pk): o for o in orgs.filter(pk__in=[int(k) for k in keys if k.isdigit()])}
    return [replace(r, organization=found.get(r.key)) for r in rows]
