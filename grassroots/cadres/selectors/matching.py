"""The matching page's data: per post, the candidates ranked by score with their reasons, the
places taken and who holds them. Three queries whatever the number of posts and applicants (a
program has hundreds of applicants: the scores are computed in memory)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..enums import ApplicationStatus, SecondmentStatus
from ..models import Application, Post, Program, Secondment
from ..services.matching import Reason, score

CANDIDATE_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.ASSIGNED)


@dataclass
class Candidate:
    application: Application
    score: int
    reasons: list[Reason]
    assigned_here: Secondment | None = None  # this applicant's secondment on this post
    assigned_post: Post | None = None  # the post they hold, when elsewhere

    @property
    def person(self):
        return self.application.person

    @property
    def is_free(self) -> bool:
        return self.application.status == ApplicationStatus.SUBMITTED


@dataclass
class PostMatching:
    post: Post
    candidates: list[Candidate] = field(default_factory=list)
    matched: list[Secondment] = field(default_factory=list)

    @property
    def taken(self) -> int:
        return len(self.matched)

    @property
    def is_full(self) -> bool:
        return self.taken >= self.post.places


def matching_board(program: Program) -> list[PostMatching]:
    """Every post of the program with every candidate ranked, best first (ties by name)."""
    posts = list(
        Post.objects.filter(program=program).select_related("host", "host_leader", "program")
    )
    applications = list(
        Application.objects.filter(program=program, status__in=CANDIDATE_STATUSES)
        .select_related("person__primary_org", "recommending_org", "preferred_post")
        .order_by("person__name_pinyin", "id")
    )
    secondments = list(
        Secondment.objects.filter(program=program)
        .exclude(status=SecondmentStatus.WITHDRAWN)
        .select_related("person")
        .order_by("id")
    )
    by_post = {p.pk: p for p in posts}
    by_person = {s.person_id: s for s in secondments}
    board = []
    for post in posts:
        row = PostMatching(post=post, matched=[s for s in secondments if s.post_id == post.pk])
        for application in applications:
            points, reasons = score(post, application.person, application)
            held = by_person.get(application.person_id)
            row.candidates.append(
                Candidate(
                    application=application,
                    score=points,
                    reasons=reasons,
                    assigned_here=held if held and held.post_id == post.pk else None,
                    assigned_post=by_post.get(held.post_id)
                    if held and held.post_id != post.pk
                    else None,
                )
            )
        row.candidates.sort(key=lambda c: -c.score)  # stable: the name order stays for ties
        board.append(row)
    return board
