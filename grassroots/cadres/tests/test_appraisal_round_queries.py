"""Starting an appraisal round costs the same queries for two cadres as for eight: the raters
and the colleagues' codes of all cadres are written at once, not cadre by cadre."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grassroots.cadres.enums import AppraisalStage, ProgramStatus
from grassroots.cadres.services import appraisal as services
from grassroots.cadres.services.appraisal import COLLEAGUES, HOST, LEADER, SELF
from grassroots.evaluations.models import Rater, RaterGroup, Subject, Token

from . import builders

pytestmark = pytest.mark.django_db


def running(county, cadres: int):
    """A running program with `cadres` cadres on their posts, each with a host leader and a
    group leader who have accounts."""
    program = builders.program(
        county, status=ProgramStatus.RUNNING, title=f"第{cadres}人批次", public_key=f"q{cadres:07d}"
    )
    placed = [
        builders.secondment(county, program_obj=program, title=f"岗位{i + 1}")
        for i in range(cadres)
    ]
    return program, placed


def start(program, officer):
    now = timezone.now()
    return services.appraisal_round_start(
        program=program,
        stage=AppraisalStage.MIDTERM,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=3),
        colleague_tokens=4,
        actor=officer,
    )


def queries_to_start(program, officer) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        round_ = start(program, officer)
    return len(captured.captured_queries), round_


def test_starting_a_round_costs_the_same_queries_for_two_cadres_and_eight(county):
    officer = builders.officer(county)
    warm, _ = running(county, 1)
    start(warm, officer)  # what a process caches on first use (content types, scopes)
    few, few_placed = running(county, 2)
    many, many_placed = running(county, 8)

    few_queries, _ = queries_to_start(few, officer)
    many_queries, round_ = queries_to_start(many, officer)

    assert few_queries == many_queries, (few_queries, many_queries)
    # ...and the round is whole: every cadre rated by themself, their host leader and group
    # leader, with four codes each, numbered without a gap.
    campaign = round_.campaign
    groups = {g.sort_order: g.pk for g in RaterGroup.objects.filter(campaign=campaign)}
    subjects = {s.person_id: s.pk for s in Subject.objects.filter(campaign=campaign)}
    expected = set()
    for p in many_placed:
        subject = subjects[p.cadre.pk]
        expected |= {
            (groups[SELF], p.cadre_user.pk, subject),
            (groups[HOST], p.host_user.pk, subject),
            (groups[LEADER], p.group_user.pk, subject),
        }
    raters = set(
        Rater.objects.filter(campaign=campaign).values_list("group_id", "user_id", "subject_id")
    )
    assert raters == expected
    tokens = Token.objects.filter(campaign=campaign)
    assert sorted(tokens.values_list("serial", flat=True)) == list(range(1, 33))
    assert set(tokens.values_list("group_id", flat=True)) == {groups[COLLEAGUES]}
    for subject in subjects.values():
        assert tokens.filter(subject_id=subject).count() == 4
