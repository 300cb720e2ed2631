"""The demo county's secondment: last year's program archived, this year's on the posts with
its plans, reports, leave and open mid-term appraisal, a call open to applications, and a
closed 民主测评 with figures; dy is a cadre, dw a host leader."""

from datetime import timedelta

import pytest
from django.utils import timezone

from grassroots.cadres import demo as cadres_demo
from grassroots.cadres.enums import (
    ApplicationKind,
    AppraisalResult,
    EventAction,
    LeaveStatus,
    PlanStatus,
    ProgramStatus,
    SecondmentStatus,
)
from grassroots.cadres.models import (
    AppraisalRound,
    LeaveRequest,
    Program,
    Report,
    Secondment,
    SecondmentEvent,
    WorkPlan,
)
from grassroots.cadres.selectors.archive import people_with_secondment_q
from grassroots.core import registry
from grassroots.core.testing import demo_county_with
from grassroots.evaluations.enums import CampaignStatus
from grassroots.evaluations.models import Ballot, Campaign, Token
from grassroots.evaluations.selectors.results import tally
from grassroots.orgs.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _county(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo county with this app's step only."""
    step = registry.DemoStep("cadres", cadres_demo.ORDER, cadres_demo.populate)
    yield from demo_county_with(step, django_db_blocker, tmp_path_factory)


@pytest.fixture
def demo(_county, db):
    from grassroots.accounts.models import User

    return {u.username: u for u in User.objects.all()}


def _programs():
    return {p.status: p for p in Program.objects.all()}


def test_the_step_comes_after_meetings():
    cadres_demo.register()
    steps = {s.key: s.order for s in registry.demo_steps.items()}
    assert steps["cadres"] > steps["meetings"]


def test_three_programs_at_their_stages(demo):
    programs = _programs()
    assert set(programs) == {
        ProgramStatus.FINISHED,
        ProgramStatus.RUNNING,
        ProgramStatus.RECRUITING,
    }
    year = timezone.localdate().year
    running = programs[ProgramStatus.RUNNING]
    assert running.title == f"{year}年县委组织部第一批挂职干部"
    assert 140 <= (timezone.localdate() - running.starts_on).days <= 160
    placed = running.secondments.filter(status=SecondmentStatus.PLACED)
    assert 4 <= placed.count() <= 6
    assert running.posts.values("host").distinct().count() == 3
    assert running.groups.count() == 2
    assert not placed.filter(host_leader=None).exists() and not placed.filter(group=None).exists()

    recruiting = programs[ProgramStatus.RECRUITING]
    assert recruiting.posts.count() == 2
    kinds = sorted(recruiting.applications.values_list("kind", flat=True))
    assert kinds == [ApplicationKind.RECOMMENDED, ApplicationKind.VOLUNTARY]
    assert recruiting.call_opens_at < timezone.now() < recruiting.call_closes_at


def test_the_finished_program_is_archived_with_results(demo):
    finished = _programs()[ProgramStatus.FINISHED]
    assert finished.starts_on.year == timezone.localdate().year - 1
    rows = list(finished.secondments.order_by("pk"))
    assert [s.status for s in rows] == [SecondmentStatus.ARCHIVED] * 2
    assert sorted(s.result for s in rows) == sorted(
        [AppraisalResult.EXCELLENT, AppraisalResult.GOOD]
    )
    assert [s.commended for s in rows].count(True) == 1
    assert all(s.final_summary and s.archived_at for s in rows)
    final = AppraisalRound.objects.get(program=finished)
    assert final.campaign.status == CampaignStatus.CLOSED
    # The people list's 有挂职经历 finds them (and this year's cadres).
    seconded = set(Person.objects.filter(people_with_secondment_q()).values_list("pk", flat=True))
    assert {s.person_id for s in rows} <= seconded
    assert demo["dy"].person_id in seconded


def test_dy_is_a_cadre_with_leave_and_a_ballot_to_fill(demo):
    dy, dw, zzb = demo["dy"], demo["dw"], demo["zzb"]
    running = _programs()[ProgramStatus.RUNNING]
    mine = Secondment.objects.get(program=running, person=dy.person)
    assert mine.status == SecondmentStatus.PLACED
    assert mine.host_leader_id == dw.person_id
    assert mine.group.leader_id == zzb.person_id
    assert WorkPlan.objects.get(secondment=mine).status == PlanStatus.APPROVED
    statuses = {r.status: r for r in LeaveRequest.objects.filter(secondment=mine)}
    assert statuses[LeaveStatus.RETURNED].returned_on
    waiting = statuses[LeaveStatus.PENDING]
    assert waiting.current_level == 1 and waiting.levels[1] == "group_leader"
    # The timeline was written by the services, over the months.
    actions = list(mine.events.values_list("action", flat=True))
    for action in (
        EventAction.MATCHED,
        EventAction.APPROVED,
        EventAction.PUBLICITY,
        EventAction.CONFIRMED,
        EventAction.MANAGERS_SET,
        EventAction.PLACED,
        EventAction.PLAN_APPROVED,
        EventAction.REPORT_COMMENTED,
        EventAction.LEAVE_RETURNED,
    ):
        assert action in actions
    times = list(mine.events.values_list("at", flat=True))
    assert times[0] < timezone.now() - timezone.timedelta(days=150)
    assert max(times) <= timezone.now()
    # dy's own sheet of the open mid-term appraisal is still to fill.
    midterm = AppraisalRound.objects.get(program=running)
    campaign = midterm.campaign
    assert campaign.status == CampaignStatus.OPEN
    assert campaign.opens_at < timezone.now() < campaign.closes_at
    from grassroots.evaluations.services.ballots import raters_by_subject

    assert raters_by_subject(dy, campaign)
    assert not Ballot.objects.filter(campaign=campaign, rater__user=dy).exists()


def test_work_reports_leave_and_ballots_of_the_running_program(demo):
    dw = demo["dw"]
    running = _programs()[ProgramStatus.RUNNING]
    today = timezone.localdate()
    plans = WorkPlan.objects.filter(secondment__program=running)
    assert plans.filter(status=PlanStatus.SUBMITTED).count() == 1
    assert plans.filter(status=PlanStatus.APPROVED).count() == plans.count() - 1
    due = Report.objects.filter(secondment__program=running, due_on__lt=today)
    late = due.filter(submitted_at=None)
    assert late.count() == 1
    awaiting = due.filter(submitted_at__isnull=False, commented_at=None)
    assert awaiting.count() == 1 and awaiting.get().secondment.host_leader_id == dw.person_id
    assert due.filter(commented_at__isnull=False).count() >= due.count() - 2 > 10
    pending = LeaveRequest.objects.filter(secondment__program=running, status=LeaveStatus.PENDING)
    assert sorted(pending.values_list("current_level", flat=True)) == [0, 1]
    first_level = pending.get(current_level=0)
    assert first_level.secondment.host_leader_id == dw.person_id

    campaign = AppraisalRound.objects.get(program=running).campaign
    named = Ballot.objects.filter(campaign=campaign, rater__isnull=False).count()
    assert named >= 3
    tokens = Token.objects.filter(campaign=campaign)
    assert 0 < tokens.filter(used=True).count() < tokens.filter(used=False).count()
    assert (
        SecondmentEvent.objects.filter(
            secondment__program=running, action=EventAction.LEAVE_REQUESTED
        ).count()
        == 3
    )


def test_the_closed_leaders_evaluation_has_figures(demo):
    campaign = Campaign.objects.get(source="", status=CampaignStatus.CLOSED)
    assert campaign.organization.name == "县委组织部"
    result = tally(campaign)
    assert result is not None
    ballots = Ballot.objects.filter(campaign=campaign)
    assert ballots.filter(rater__isnull=False).count() == 3 * campaign.subjects.count()
    assert ballots.filter(rater__isnull=True).count() > 100
    assert Token.objects.filter(campaign=campaign, used=False).exists()
    # Some raters wrote a comment, which the results list under each leader.
    assert ballots.exclude(comment="").filter(rater__isnull=True).exists()


def test_notices_are_dated_when_sent_and_old_ones_read(demo):
    """Last year's notices are not waiting in anyone's inbox: they are dated when their step
    happened and read; what still waits (the leave for dw to approve) is unread and recent."""
    from grassroots.notifications.models import Notification

    now = timezone.now()
    ours = Notification.objects.filter(kind__startswith="cadres")
    old = ours.filter(created_at__lt=now - cadres_demo.READ_AFTER)
    assert old.filter(created_at__year=timezone.localdate().year - 1).exists()
    assert not old.filter(read_at=None).exists()
    waiting = LeaveRequest.objects.filter(
        status=LeaveStatus.PENDING, secondment__host_leader=demo["dw"].person
    ).values_list("pk", flat=True)
    unread = ours.filter(
        recipient=demo["dw"], read_at=None, created_at__gte=now - timedelta(days=2)
    )
    assert waiting and any(n.url.endswith(f"#leave-{pk}") for n in unread for pk in waiting)
    # dy's mid-term sheet still waits: its notice is unread.
    assert Notification.objects.filter(
        recipient=demo["dy"], kind="evaluations.campaign_open", read_at=None
    ).exists()
