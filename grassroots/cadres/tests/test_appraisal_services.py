"""Appraisal rounds (考核) run on the evaluation engine: who may start one, who rates whom, and
the organizing body's decision with the tally copied."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from grassroots.cadres.enums import (
    AppraisalResult,
    AppraisalStage,
    EventAction,
    ProgramStatus,
    SecondmentStatus,
)
from grassroots.cadres.models import Appraisal, AppraisalRound, CadreGroup, SecondmentEvent
from grassroots.cadres.services import appraisal as services
from grassroots.cadres.services.appraisal import COLLEAGUES, HOST, LEADER, SELF
from grassroots.evaluations.enums import CampaignStatus, ScaleKind, SubjectKind
from grassroots.evaluations.models import Dimension, Rater, RaterGroup, Subject, Token
from grassroots.evaluations.selectors.results import subject_result
from grassroots.notifications.models import Notification
from grassroots.orgs.tests.factories import PersonFactory

from . import builders
from .test_appraisal_support import close, start, subject_of, vote_all, world

pytestmark = pytest.mark.django_db


def groups_of(round_):
    return {g.sort_order: g for g in RaterGroup.objects.filter(campaign=round_.campaign)}


# --- Starting a round ------------------------------------------------------------------------


def test_start_opens_one_campaign_of_the_organizing_body(county):
    w = world(county)
    round_ = start(w)
    campaign = round_.campaign
    assert round_.program == w.program and round_.stage == AppraisalStage.MIDTERM
    assert campaign.status == CampaignStatus.OPEN
    assert campaign.source == "cadres"
    assert campaign.organization == w.program.organization
    assert campaign.subject_kind == SubjectKind.PERSON
    assert campaign.scale_kind == ScaleKind.GRADES
    names = list(Dimension.objects.filter(campaign=campaign).values_list("name", "weight"))
    assert names == [(n, Decimal("1.00")) for n in ("德", "能", "勤", "绩", "廉")]
    groups = groups_of(round_)
    assert [(groups[k].name, groups[k].weight, groups[k].anonymous) for k in sorted(groups)] == [
        ("本人", Decimal("10.00"), False),
        ("接收单位领导", Decimal("40.00"), False),
        ("组长", Decimal("20.00"), False),
        ("接收单位同事", Decimal("30.00"), True),
    ]
    people = set(Subject.objects.filter(campaign=campaign).values_list("person_id", flat=True))
    assert people == {w.a.cadre.pk, w.b.cadre.pk}


def test_start_tells_the_named_raters(county, django_capture_on_commit_callbacks):
    w = world(county)
    with django_capture_on_commit_callbacks(execute=True):
        start(w)
    told = set(
        Notification.objects.filter(kind="evaluations.campaign_open").values_list(
            "recipient_id", flat=True
        )
    )
    assert {w.a.cadre_user.pk, w.a.host_user.pk, w.a.group_user.pk} <= told


def test_each_cadre_rates_only_themself(county):
    w = world(county)
    round_ = start(w)
    groups = groups_of(round_)
    rows = Rater.objects.filter(campaign=round_.campaign, user=w.a.cadre_user)
    assert [(r.group_id, r.subject.person_id) for r in rows] == [(groups[SELF].pk, w.a.cadre.pk)]


def test_host_leader_rates_only_their_cadres(county):
    w = world(county)
    round_ = start(w)
    groups = groups_of(round_)
    rows = list(Rater.objects.filter(campaign=round_.campaign, user=w.a.host_user))
    assert [(r.group_id, r.subject.person_id) for r in rows] == [(groups[HOST].pk, w.a.cadre.pk)]
    leader_rows = list(Rater.objects.filter(campaign=round_.campaign, user=w.b.group_user))
    assert [(r.group_id, r.subject.person_id) for r in leader_rows] == [
        (groups[LEADER].pk, w.b.cadre.pk)
    ]


def test_a_host_leader_of_two_cadres_rates_both_one_by_one(county):
    program = builders.program(county, status=ProgramStatus.RUNNING)
    a = builders.secondment(county, program_obj=program)
    b = builders.secondment(county, program_obj=program, title="副镇长")
    b.secondment.host_leader = a.host_leader
    b.secondment.save()
    officer = builders.officer(county)
    now = timezone.now()
    round_ = services.appraisal_round_start(
        program=program,
        stage=AppraisalStage.MIDTERM,
        opens_at=now,
        closes_at=now + timedelta(days=1),
        actor=officer,
    )
    rated = set(
        Rater.objects.filter(campaign=round_.campaign, user=a.host_user).values_list(
            "subject__person_id", flat=True
        )
    )
    assert rated == {a.cadre.pk, b.cadre.pk}
    assert not Rater.objects.filter(campaign=round_.campaign, subject=None).exists()


def test_a_cadre_leading_the_group_does_not_rate_themself_as_leader(county):
    w = world(county)
    group = w.a.secondment.group
    CadreGroup.objects.filter(pk=group.pk).update(leader=w.a.cadre)
    w.b.secondment.group = group
    w.b.secondment.save()
    round_ = start(w)
    groups = groups_of(round_)
    rows = set(
        Rater.objects.filter(campaign=round_.campaign, user=w.a.cadre_user).values_list(
            "group_id", "subject__person_id"
        )
    )
    assert rows == {(groups[SELF].pk, w.a.cadre.pk), (groups[LEADER].pk, w.b.cadre.pk)}


def test_colleague_tokens_per_cadre(county):
    w = world(county)
    round_ = start(w, tokens=4)
    groups = groups_of(round_)
    for placed in (w.a, w.b):
        tokens = Token.objects.filter(
            campaign=round_.campaign, subject=subject_of(round_, placed.cadre)
        )
        assert tokens.count() == 4
        assert set(tokens.values_list("group_id", flat=True)) == {groups[COLLEAGUES].pk}
    assert not Token.objects.filter(campaign=round_.campaign, subject=None).exists()


def test_raters_without_an_account_are_left_out_and_listed(county):
    from grassroots.cadres.selectors.appraisal import program_appraisal

    w = world(county)
    no_account = PersonFactory(primary_org=county.town, name="无账号领导")
    w.b.secondment.host_leader = no_account
    w.b.secondment.save()
    round_ = start(w)
    assert not Rater.objects.filter(
        campaign=round_.campaign, subject=subject_of(round_, w.b.cadre), group__sort_order=HOST
    ).exists()
    data = program_appraisal(w.program)
    (missing,) = data.rounds[0].missing
    assert missing[0] == w.b.secondment
    assert "无账号领导" in missing[1][0]


def test_member_may_not_start(county):
    w = world(county)
    with pytest.raises(PermissionDenied):
        start(w, actor=w.a.cadre_user)
    assert not AppraisalRound.objects.exists()


def test_host_leader_may_not_start(county):
    w = world(county)
    with pytest.raises(PermissionDenied):
        start(w, actor=w.a.host_user)


def test_viewing_officer_may_not_start(county):
    w = world(county)
    viewer = builders.officer(county, role="committee_admin")
    with pytest.raises(PermissionDenied):
        start(w, actor=viewer)


@pytest.mark.parametrize(
    "status", [ProgramStatus.DRAFT, ProgramStatus.PUBLICITY, ProgramStatus.FINISHED]
)
def test_start_refused_unless_running(county, status):
    w = world(county)
    w.program.status = status
    w.program.save()
    with pytest.raises(ValidationError, match="挂职中的批次"):
        start(w)


def test_start_refused_twice_for_a_stage(county):
    w = world(county)
    start(w)
    with pytest.raises(ValidationError, match="已开展中期考核"):
        start(w)
    assert AppraisalRound.objects.count() == 1
    start(w, AppraisalStage.FINAL)
    assert AppraisalRound.objects.count() == 2


def test_start_refused_without_cadres_on_post(county):
    w = world(county)
    for placed in (w.a, w.b):
        placed.secondment.status = SecondmentStatus.CONFIRMED
        placed.secondment.save()
    with pytest.raises(ValidationError, match="没有在岗"):
        start(w)


@pytest.mark.parametrize("count", [0, -1, 1000])
def test_start_refused_with_bad_token_count(county, count):
    w = world(county)
    with pytest.raises(ValidationError) as info:
        start(w, tokens=count)
    assert "colleague_tokens" in info.value.message_dict


def test_start_refused_when_the_window_is_reversed(county):
    w = world(county)
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.appraisal_round_start(
            program=w.program,
            stage=AppraisalStage.MIDTERM,
            opens_at=now,
            closes_at=now - timedelta(days=1),
            actor=w.officer,
        )
    assert not AppraisalRound.objects.exists()


# --- Closing and deciding ------------------------------------------------------------------------


def test_close_is_for_managers(county):
    w = world(county)
    round_ = start(w)
    with pytest.raises(PermissionDenied):
        services.appraisal_round_close(round=round_, actor=w.a.host_user)
    close(w, round_)
    round_.campaign.refresh_from_db()
    assert round_.campaign.status == CampaignStatus.CLOSED


def test_decide_refused_while_the_campaign_is_open(county):
    w = world(county)
    round_ = start(w)
    with pytest.raises(ValidationError, match="测评结束后"):
        services.appraisal_decide(
            round=round_,
            secondment=w.a.secondment,
            result=AppraisalResult.GOOD,
            note="",
            actor=w.officer,
        )
    assert not Appraisal.objects.exists()


def test_decide_copies_the_weighted_total(county, django_capture_on_commit_callbacks):
    w = world(county)
    round_ = start(w)
    vote_all(w, round_)
    close(w, round_)
    with django_capture_on_commit_callbacks(execute=True):
        appraisal = services.appraisal_decide(
            round=round_,
            secondment=w.a.secondment,
            result=AppraisalResult.GOOD,
            note="表现良好",
            actor=w.officer,
        )
    # 好 100 × 10% + 较好 80 × 40% + 好 100 × 20% + 一般 60 × 30% = 80
    assert appraisal.total == Decimal("80.00")
    assert appraisal.total == subject_result(round_.campaign, subject_of(round_, w.a.cadre)).total
    assert appraisal.decided_by == w.officer
    assert SecondmentEvent.objects.filter(
        secondment=w.a.secondment, action=EventAction.APPRAISED
    ).exists()
    w.a.secondment.refresh_from_db()
    assert w.a.secondment.result == ""  # a mid-term result is not the secondment's
    assert Notification.objects.filter(recipient=w.a.cadre_user, kind="cadres.appraised").exists()


def test_deciding_again_changes_the_one_decision(county):
    w = world(county)
    round_ = start(w)
    close(w, round_)
    for result in (AppraisalResult.PASS, AppraisalResult.EXCELLENT):
        services.appraisal_decide(
            round=round_, secondment=w.b.secondment, result=result, note="", actor=w.officer
        )
    (appraisal,) = Appraisal.objects.all()
    assert appraisal.result == AppraisalResult.EXCELLENT
    assert appraisal.total is None  # nobody voted on b


def test_final_decision_is_the_secondment_result(county):
    w = world(county)
    round_ = start(w, AppraisalStage.FINAL)
    close(w, round_)
    services.appraisal_decide(
        round=round_,
        secondment=w.a.secondment,
        result=AppraisalResult.EXCELLENT,
        note="",
        actor=w.officer,
    )
    w.a.secondment.refresh_from_db()
    assert w.a.secondment.result == AppraisalResult.EXCELLENT


@pytest.mark.parametrize("who", ["cadre", "host", "manager_only"])
def test_decide_refused_without_approval(county, who):
    w = world(county)
    round_ = start(w)
    close(w, round_)
    actor = {
        "cadre": w.a.cadre_user,
        "host": w.a.host_user,
        "manager_only": builders.officer(county, role="committee_admin"),
    }[who]
    with pytest.raises(PermissionDenied):
        services.appraisal_decide(
            round=round_,
            secondment=w.a.secondment,
            result=AppraisalResult.GOOD,
            note="",
            actor=actor,
        )


def test_decide_refused_for_a_bad_result_or_another_program(county):
    w = world(county)
    round_ = start(w)
    close(w, round_)
    with pytest.raises(ValidationError):
        services.appraisal_decide(
            round=round_, secondment=w.a.secondment, result="best", note="", actor=w.officer
        )
    other = builders.secondment(county)
    with pytest.raises(ValidationError, match="不属于"):
        services.appraisal_decide(
            round=round_,
            secondment=other.secondment,
            result=AppraisalResult.GOOD,
            note="",
            actor=w.officer,
        )
    assert not Appraisal.objects.exists()


# --- Commendation and the exchange meeting ---------------------------------------------------


def test_commend_refused_while_on_post(county):
    w = world(county)
    with pytest.raises(ValidationError, match="期满后"):
        services.secondment_commend(secondment=w.a.secondment, text="优秀", actor=w.officer)


def test_commend_after_the_term(county):
    w = world(county)
    w.a.secondment.status = SecondmentStatus.COMPLETED
    w.a.secondment.save()
    with pytest.raises(PermissionDenied):
        services.secondment_commend(secondment=w.a.secondment, text="优秀", actor=w.a.host_user)
    with pytest.raises(ValidationError):
        services.secondment_commend(secondment=w.a.secondment, text="  ", actor=w.officer)
    services.secondment_commend(secondment=w.a.secondment, text="评为优秀挂职干部", actor=w.officer)
    w.a.secondment.refresh_from_db()
    assert w.a.secondment.commended and w.a.secondment.commendation == "评为优秀挂职干部"
    assert SecondmentEvent.objects.filter(
        secondment=w.a.secondment, action=EventAction.COMMENDED
    ).exists()


def test_exchange_meeting_is_a_meeting_with_the_cadres_invited(county):
    from grassroots.meetings.enums import AttendeeRole
    from grassroots.meetings.models import MeetingAttendance

    w = world(county)
    starts = timezone.now() + timedelta(days=7)
    program = services.exchange_meeting_schedule(
        program=w.program, starts_at=starts, place="县委党校报告厅", actor=w.officer
    )
    meeting = program.exchange_meeting
    assert meeting.organization == w.program.organization
    assert meeting.kind.code == "other"
    assert meeting.ends_at == starts + timedelta(hours=2)
    invited = set(
        MeetingAttendance.objects.filter(meeting=meeting, role=AttendeeRole.INVITED).values_list(
            "person_id", flat=True
        )
    )
    assert {w.a.cadre.pk, w.b.cadre.pk} <= invited
    # Their host leaders and group leaders are on the list too (a group leader of the organizing
    # body as one of its members).
    listed = set(
        MeetingAttendance.objects.filter(meeting=meeting).values_list("person_id", flat=True)
    )
    parties = {w.a.host_leader, w.b.host_leader, w.a.group_leader, w.b.group_leader}
    assert {p.pk for p in parties} <= listed
    with pytest.raises(ValidationError, match="已安排"):
        services.exchange_meeting_schedule(
            program=w.program, starts_at=starts, place="另一处", actor=w.officer
        )


def test_exchange_meeting_refused_to_a_cadre_and_before_running(county):
    w = world(county)
    starts = timezone.now() + timedelta(days=7)
    with pytest.raises(PermissionDenied):
        services.exchange_meeting_schedule(
            program=w.program, starts_at=starts, place="会议室", actor=w.a.cadre_user
        )
    w.program.status = ProgramStatus.PUBLICITY
    w.program.save()
    with pytest.raises(ValidationError):
        services.exchange_meeting_schedule(
            program=w.program, starts_at=starts, place="会议室", actor=w.officer
        )
