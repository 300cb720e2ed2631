"""Shared pieces of the appraisal and archive tests: a running program with two cadres on their
posts, a round started by the officer, and votes cast through the evaluation engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from grassroots.cadres.enums import AppraisalStage, ProgramStatus
from grassroots.cadres.services import appraisal as services
from grassroots.evaluations.models import Dimension, Rater, ScaleLevel, Subject, Token
from grassroots.evaluations.services import ballots

from . import builders


@dataclass
class World:
    county: object
    program: object
    officer: object
    a: builders.Placed
    b: builders.Placed


def world(county, **program_fields) -> World:
    program = builders.program(county, status=ProgramStatus.RUNNING, **program_fields)
    a = builders.secondment(county, program_obj=program)
    b = builders.secondment(county, program_obj=program, title="副镇长")
    return World(county, program, builders.officer(county), a, b)


def start(w: World, stage: str = AppraisalStage.MIDTERM, *, actor=None, tokens: int = 3):
    now = timezone.now()
    return services.appraisal_round_start(
        program=w.program,
        stage=stage,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=3),
        colleague_tokens=tokens,
        actor=actor or w.officer,
    )


def answers(campaign, label: str) -> dict[int, int]:
    """Every dimension answered with the level `label` (好, 较好, 一般, 差)."""
    level = ScaleLevel.objects.get(campaign=campaign, label=label)
    return {d.pk: level.pk for d in Dimension.objects.filter(campaign=campaign)}


def subject_of(round_, person) -> Subject:
    return Subject.objects.get(campaign=round_.campaign, person=person)


def vote(round_, user, person, label: str, comment: str = ""):
    """`user` votes on `person` with `label` on every dimension, in their named group."""
    subject = subject_of(round_, person)
    rater = Rater.objects.get(campaign=round_.campaign, user=user, subject=subject)
    return ballots.ballot_cast(
        campaign=round_.campaign,
        subject=subject,
        answers=answers(round_.campaign, label),
        comment=comment,
        rater=rater,
        actor=user,
    )


def colleague_vote(round_, person, label: str, comment: str = "") -> None:
    subject = subject_of(round_, person)
    token = Token.objects.filter(campaign=round_.campaign, subject=subject, used=False).first()
    ballots.token_ballot_cast(
        code=token.code,
        answers={subject.pk: answers(round_.campaign, label)},
        comments={subject.pk: comment},
    )


def vote_all(w: World, round_) -> None:
    """Everyone votes on cadre a: self 好, host leader 较好, group leader 好, a colleague 一般."""
    vote(round_, w.a.cadre_user, w.a.cadre, "好")
    vote(round_, w.a.host_user, w.a.cadre, "较好")
    vote(round_, w.a.group_user, w.a.cadre, "好")
    colleague_vote(round_, w.a.cadre, "一般", comment="COLLEAGUE-SECRET-REMARK")


def close(w: World, round_):
    return services.appraisal_round_close(round=round_, actor=w.officer)
