"""Every page of the cadres app (and of the evaluations app, on the campaign of an appraisal
round) opened by each kind of visitor, on a program taken through its whole cycle by the
services: no page fails; the officer opens every page; a member with no part in the program is
refused every page that is not theirs or public; the public pages open without an account; and
the program's pages share one header and tab bar, in every status of a program."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from grassroots.cadres.enums import (
    AppraisalStage,
    LeaveKind,
    ProgramStatus,
    SecondmentStatus,
)
from grassroots.cadres.models import LeaveRule, Objection, Report, Secondment
from grassroots.cadres.services import (
    applications,
    appraisal,
    leave,
    matching,
    placement,
    plans,
    publicity,
    reports,
)
from grassroots.cadres.services import programs as program_services
from grassroots.cadres.tests import builders
from grassroots.core.calendar import next_working_day
from grassroots.study.enums import AttendanceStatus
from grassroots.study.tests.factories import AttendanceFactory, StudySessionFactory

pytestmark = pytest.mark.django_db

OFFICER, CADRE, HOST, GROUP, MEMBER, ANONYMOUS = (
    "officer",
    "cadre",
    "host_leader",
    "group_leader",
    "member",
    "anonymous",
)
PARTIES = (CADRE, HOST, GROUP)
ROLES = (OFFICER, *PARTIES, MEMBER, ANONYMOUS)

# The tabs of a program's pages, in the order of the cycle: (url name, tab key).
PROGRAM_TABS = (
    ("program_detail", "detail"),
    ("program_applications", "applications"),
    ("program_matching", "matching"),
    ("program_approval", "approval"),
    ("program_objections", "objections"),
    ("program_placement", "placement"),
    ("program_dashboard", "dashboard"),
    ("program_appraisal", "appraisal"),
    ("leave_rules", "leave_rules"),
)


class _Clock:
    """A stopped clock for `timezone.now` while the past of the cycle is written."""

    def __init__(self) -> None:
        self.moment: datetime | None = None

    def __call__(self) -> datetime:
        return self.moment

    def at(self, day: date, hour: int = 10) -> None:
        self.moment = timezone.make_aware(datetime.combine(day, time(hour)))


def pdf() -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile("病假证明.pdf", body, content_type="application/pdf")


def build_cycle(county) -> SimpleNamespace:
    """A program taken by the services from its draft to an open mid-term appraisal: two
    posts, three applications, two cadres matched, approved, in publicity with an objection
    answered, confirmed, their managers named, a required training attended, placed 40 days
    ago; a work plan approved, a report filed and commented, a leave request with an
    attachment waiting, the mid-term appraisal open. Beside it, a program in every other status
    and a cadre confirmed but not yet placed, for the pages of those stages."""
    officer = builders.officer(county)
    host_leader = builders.person_with_user(county.town)
    group_leader = builders.person_with_user(county.dept)
    people = [builders.person_with_user(county.branch1) for _ in range(3)]
    member = builders.person_with_user(county.community)  # no part in any program
    today = timezone.localdate()
    start = today - timedelta(days=40)
    session = StudySessionFactory(
        organization=county.dept,
        title="挂职干部岗前培训",
        starts_at=timezone.make_aware(datetime.combine(start - timedelta(days=5), time(9))),
        ends_at=timezone.make_aware(datetime.combine(start - timedelta(days=5), time(12))),
    )
    clock = _Clock()
    with mock.patch.object(timezone, "now", clock):
        clock.at(start - timedelta(days=70))
        program = program_services.program_create(
            organization=county.dept,
            actor=officer,
            sending_units=[county.justice],
            title="2026年县委组织部第二批挂职干部",
            starts_on=start,
            ends_on=start + timedelta(days=365),
            notice="选派一批机关干部到基层挂职锻炼。",
            call_closes_at=timezone.make_aware(
                datetime.combine(start - timedelta(days=30), time(17))
            ),
        )
        posts = [
            program_services.post_create(
                program=program,
                actor=officer,
                host=county.town,
                title=title,
                places=1,
                host_leader=host_leader,
                duties="协助分管基层治理工作。",
            )
            for title in ("镇长助理", "党政办公室副主任")
        ]
        group = program_services.group_create(
            program=program, name="城关镇组", leader=group_leader, actor=officer
        )
        training = program_services.training_add(program=program, session=session, actor=officer)
        program_services.program_publish(program=program, actor=officer)
        clock.at(start - timedelta(days=60))
        applied = [
            applications.application_submit(
                program=program,
                person=person,
                statement="本人自愿报名参加挂职锻炼。",
                expertise="法律",
                actor=person.user,
            )
            for person in people
        ]
        clock.at(start - timedelta(days=29))
        program_services.program_close_call(program=program, actor=officer)
        secondments = [
            matching.secondment_assign(application=application, post=post, actor=officer)
            for application, post in zip(applied[:2], posts, strict=True)
        ]
        clock.at(start - timedelta(days=27))
        publicity.program_approve(program=program, actor=officer, comment="同意。")
        program.refresh_from_db()
        objection = publicity.objection_submit(
            program=program, content="反映该同志情况。", secondment=secondments[0]
        )
        publicity.objection_answer(
            objection=objection, actor=officer, answer="经核实，情况不属实。", upheld=False
        )
        clock.at(program.publicity_ends_on + timedelta(days=1))
        publicity.program_confirm(program=program, actor=officer)
        for secondment in secondments:
            secondment.refresh_from_db()
            placement.secondment_set_managers(
                secondment=secondment, host_leader=host_leader, group=group, actor=officer
            )
            AttendanceFactory(
                session=session, person=secondment.person, status=AttendanceStatus.PRESENT
            )
        clock.at(start)
        placed = placement.program_place_all(program=program, placed_on=start, actor=officer)
        assert not placed.refused, placed.refused
        clock.at(start + timedelta(days=2))
        cadre = secondments[0].person
        plans.plan_submit(
            secondment=secondments[0],
            goals="熟悉基层情况。",
            measures="每周下村。",
            actor=cadre.user,
        )
        plans.plan_approve(secondment=secondments[0], actor=host_leader.user)
    report = Report.objects.filter(secondment=secondments[0]).order_by("due_on").first()
    reports.report_submit(report=report, content="本月走访群众二十户。", actor=cadre.user)
    reports.report_comment(report=report, comment="工作扎实。", actor=host_leader.user)
    leave_starts = next_working_day(today)
    request = leave.leave_request(
        secondment=secondments[0],
        kind=LeaveKind.SICK,
        starts_on=leave_starts,
        ends_on=leave_starts,
        reason="身体不适。",
        attachment=pdf(),
        actor=cadre.user,
    )
    now = timezone.now()
    round_ = appraisal.appraisal_round_start(
        program=program,
        stage=AppraisalStage.MIDTERM,
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=7),
        colleague_tokens=2,
        actor=officer,
    )
    campaign = round_.campaign
    # A cadre of the same program confirmed but not yet placed (the pages of that stage).
    confirmed = builders.secondment(
        county, program_obj=program, status=SecondmentStatus.CONFIRMED
    ).secondment
    # A program in every other status, each with a post; a draft with its own leave rules,
    # one in publicity with an objection waiting for its answer.
    others = {
        status: builders.program(county, status=status, title=f"批次·{status}")
        for status in (
            ProgramStatus.DRAFT,
            ProgramStatus.RECRUITING,
            ProgramStatus.SELECTING,
            ProgramStatus.PUBLICITY,
            ProgramStatus.FINISHED,
        )
    }
    for other in others.values():
        builders.post(other, county.town)
    recruiting = others[ProgramStatus.RECRUITING]
    recruiting.call_closes_at = now + timedelta(days=10)
    recruiting.save(update_fields=["call_closes_at"])
    in_publicity = others[ProgramStatus.PUBLICITY]
    in_publicity.publicity_starts_on = today
    in_publicity.publicity_ends_on = today + timedelta(days=7)
    in_publicity.save(update_fields=["publicity_starts_on", "publicity_ends_on"])
    listed = builders.secondment(
        county, program_obj=in_publicity, status=SecondmentStatus.PUBLICITY
    ).secondment
    waiting = publicity.objection_submit(
        program=in_publicity, content="对公示人选有意见。", secondment=listed
    )
    builders.secondment(
        county, program_obj=others[ProgramStatus.FINISHED], status=SecondmentStatus.COMPLETED
    )
    draft = others[ProgramStatus.DRAFT]
    leave.leave_rules_copy_defaults(program=draft, actor=officer)
    from grassroots.evaluations.models import Dimension, Rater, RaterGroup, ScaleLevel, Subject
    from grassroots.evaluations.models import Token as EvaluationToken

    return SimpleNamespace(
        officer=officer,
        cadre=cadre,
        host_leader=host_leader,
        group_leader=group_leader,
        member=member,
        program=program,
        posts=posts,
        group=group,
        training=training,
        application=applied[0],
        secondment=secondments[0],
        confirmed=confirmed,
        objection=objection,
        waiting_objection=waiting,
        report=report,
        leave=request,
        round=round_,
        campaign=campaign,
        others=others,
        draft=draft,
        recruiting=recruiting,
        draft_post=draft.posts.first(),
        draft_rule=LeaveRule.objects.filter(program=draft).first(),
        subject=Subject.objects.filter(campaign=campaign).first(),
        dimension=Dimension.objects.filter(campaign=campaign).first(),
        level=ScaleLevel.objects.filter(campaign=campaign).first(),
        rater_group=RaterGroup.objects.filter(campaign=campaign).first(),
        rater=Rater.objects.filter(campaign=campaign).first(),
        token=EvaluationToken.objects.filter(campaign=campaign).first(),
    )


# --- What each URL is, and what each visitor should get ------------------------------------------

PAGE = "page"  # an officer's page: 200 for the officer, refused to a member with no part
FORM = "form"  # an officer's form page (GET shows the form)
PARTY = "party"  # a page of one secondment: the officer and the three parties see it
PERSONAL = "personal"  # the signed-in user's own list: 200 for anyone signed in
PUBLIC = "public"  # no account needed
ACTION = "action"  # POST only
VOTE = "vote"  # a rater's sheet: the raters see it, the officer (no rater) does not


@dataclass(frozen=True)
class Spec:
    kind: str
    args: object = None  # a function of the cycle giving the URL's arguments
    query: str = ""
    expect: dict = field(default_factory=dict)  # role -> the status expected, where fixed


def _p(c):
    return [c.program.pk]


CADRES = {
    "program_list": Spec(PAGE),
    "program_create": Spec(FORM),
    "program_detail": Spec(PAGE, _p),
    "program_edit": Spec(FORM, lambda c: [c.draft.pk]),
    "program_publish": Spec(ACTION, lambda c: [c.draft.pk]),
    "program_close_call": Spec(ACTION, lambda c: [c.recruiting.pk]),
    "program_finish": Spec(ACTION, _p),
    "post_create": Spec(FORM, lambda c: [c.draft.pk]),
    "post_edit": Spec(FORM, lambda c: [c.draft_post.pk]),
    "post_delete": Spec(ACTION, lambda c: [c.draft_post.pk]),
    "group_create": Spec(FORM, _p),
    "group_edit": Spec(FORM, lambda c: [c.group.pk]),
    "training_add": Spec(FORM, _p),
    "training_remove": Spec(ACTION, lambda c: [c.training.pk]),
    "program_applications": Spec(PAGE, _p),
    "program_matching": Spec(PAGE, _p),
    "matching_assign": Spec(ACTION, _p),
    "matching_unassign": Spec(ACTION, lambda c: [c.program.pk, c.secondment.pk]),
    # The call as people see it: the officer sees every call of their subtree; the cadre the
    # call they answered; a member outside the sending units none.
    "call_list": Spec(PERSONAL),
    "call_detail": Spec(PAGE, _p, expect={CADRE: 200}),
    # GET of the form's address goes back to the call; the officer, with no person, may not
    # apply at all.
    "call_apply": Spec(FORM, lambda c: [c.recruiting.pk], expect={OFFICER: 403}),
    "call_recommend": Spec(FORM, lambda c: [c.recruiting.pk]),
    "my_applications": Spec(PERSONAL),
    "application_withdraw": Spec(ACTION, lambda c: [c.application.pk]),
    "secondment_detail": Spec(PARTY, lambda c: [c.secondment.pk]),
    "secondment_withdraw": Spec(FORM, lambda c: [c.confirmed.pk]),
    "secondment_managers": Spec(FORM, lambda c: [c.confirmed.pk]),
    "secondment_place": Spec(FORM, lambda c: [c.confirmed.pk]),
    "secondment_complete": Spec(FORM, lambda c: [c.secondment.pk]),
    "my_secondments": Spec(PERSONAL),
    "program_approval": Spec(PAGE, _p),
    "program_objections": Spec(PAGE, _p),
    "program_confirm": Spec(ACTION, _p),
    "program_placement": Spec(PAGE, _p),
    "objection_answer": Spec(FORM, lambda c: [c.waiting_objection.pk]),
    "program_dashboard": Spec(PAGE, _p),
    "program_dashboard_export": Spec(PAGE, _p),
    "publicity": Spec(PUBLIC, lambda c: [c.program.public_key]),
    "objection_follow": Spec(PUBLIC, lambda c: [c.program.public_key]),
    "secondment_work": Spec(PARTY, lambda c: [c.secondment.pk]),
    "report_detail": Spec(PARTY, lambda c: [c.secondment.pk, c.report.pk]),
    "work_inbox": Spec(PERSONAL),
    "secondment_leave": Spec(PARTY, lambda c: [c.secondment.pk]),
    "leave_inbox": Spec(PERSONAL),
    "leave_decide": Spec(ACTION, lambda c: [c.leave.pk]),
    "leave_cancel": Spec(ACTION, lambda c: [c.leave.pk]),
    "leave_return": Spec(ACTION, lambda c: [c.leave.pk]),
    "leave_attachment": Spec(PARTY, lambda c: [c.leave.pk]),
    "leave_rules": Spec(PAGE, _p),
    "leave_rule_create": Spec(FORM, _p),
    "leave_rules_copy": Spec(ACTION, _p),
    "leave_rules_reset": Spec(ACTION, _p),
    "leave_rule_edit": Spec(FORM, lambda c: [c.draft.pk, c.draft_rule.pk]),
    "leave_rule_delete": Spec(ACTION, lambda c: [c.draft.pk, c.draft_rule.pk]),
    "secondment_appraisal": Spec(PARTY, lambda c: [c.secondment.pk]),
    "appraisal_decide": Spec(ACTION, lambda c: [c.secondment.pk, c.round.pk]),
    "secondment_commend": Spec(FORM, lambda c: [c.secondment.pk]),
    "secondment_archive": Spec(ACTION, lambda c: [c.secondment.pk]),
    "program_appraisal": Spec(PAGE, _p),
    "appraisal_round_start": Spec(FORM, _p),
    "appraisal_round_close": Spec(ACTION, lambda c: [c.program.pk, c.round.pk]),
    "exchange_meeting": Spec(FORM, _p),
    "program_archive": Spec(ACTION, _p),
    "archive": Spec(PAGE),
    "archive_export": Spec(PAGE),
}


def _c(c):
    return [c.campaign.pk]


def _part(name):
    return lambda c: [c.campaign.pk, getattr(c, name).pk]


EVALUATIONS = {
    "campaign_list": Spec(PAGE),
    "campaign_create": Spec(FORM),
    "campaign_detail": Spec(PAGE, _c),
    "campaign_edit": Spec(FORM, _c),
    "campaign_open": Spec(ACTION, _c),
    "campaign_close": Spec(ACTION, _c),
    "campaign_cancel": Spec(ACTION, _c),
    "subject_add": Spec(ACTION, _c),
    "subject_remove": Spec(ACTION, _part("subject")),
    "dimension_add": Spec(ACTION, _c),
    "dimension_edit": Spec(ACTION, _part("dimension")),
    "dimension_remove": Spec(ACTION, _part("dimension")),
    "level_edit": Spec(ACTION, _part("level")),
    "group_add": Spec(ACTION, _c),
    "group_edit": Spec(ACTION, _part("rater_group")),
    "group_remove": Spec(ACTION, _part("rater_group")),
    "rater_add": Spec(ACTION, _c),
    "rater_remove": Spec(ACTION, _part("rater")),
    "token_issue": Spec(ACTION, _c),
    "token_revoke": Spec(ACTION, _part("token")),
    "token_sheet": Spec(PAGE, _c),
    "my_campaigns": Spec(PERSONAL),
    "ballot_sheet": Spec(VOTE, _c),
    "token_thanks": Spec(PUBLIC),
    "token_ballot": Spec(PUBLIC, lambda c: [c.token.code]),
    "campaign_results": Spec(PAGE, _c),
    "named_ballots": Spec(PAGE, _c),
    "campaign_results_xlsx": Spec(PAGE, _c),
}

# The tabs of a campaign's page, each opened too.
CAMPAIGN_TABS = ("subjects", "scoring", "groups", "raters", "tokens")


def _names(namespace: str) -> set[str]:
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == namespace:
            return {p.name for p in entry.url_patterns if isinstance(p, URLPattern)}
    raise AssertionError(f"no namespace {namespace}")


def test_every_url_is_listed():
    """A new page must be added here, so that it is opened by every visitor below."""
    assert _names("cadres") == set(CADRES)
    assert _names("evaluations") == set(EVALUATIONS)


def _urls(cycle):
    for namespace, specs in (("cadres", CADRES), ("evaluations", EVALUATIONS)):
        for name, spec in specs.items():
            args = spec.args(cycle) if spec.args else []
            url = reverse(f"{namespace}:{name}", args=args)
            yield f"{namespace}:{name}", url, spec
            if name == "campaign_detail":
                for tab in CAMPAIGN_TABS:
                    yield f"{namespace}:{name}?tab={tab}", f"{url}?tab={tab}", spec


def _expected(role: str, spec: Spec) -> set[int] | None:
    """The statuses a visitor may get (None: any but a failure)."""
    if role in spec.expect:
        return {spec.expect[role]}
    if spec.kind == PUBLIC:
        return {200}
    if role == ANONYMOUS:
        return {302}  # to the login page
    if spec.kind == ACTION:
        return {405}
    if spec.kind == PERSONAL:
        return {200}
    if role == OFFICER:
        return {404} if spec.kind == VOTE else {200}
    if spec.kind == PARTY and role in PARTIES:
        # the tabs of a secondment; the file of a leave request: the cadre and its approvers
        return {200}
    if spec.kind == VOTE and role in PARTIES:
        return {200}  # each of them rates in the appraisal
    if role == MEMBER:
        return {403, 404}
    return None  # a party on an officer's page: refused or shown, never a failure


@pytest.fixture
def cycle(county):
    return build_cycle(county)


def _user(cycle, role):
    return {
        OFFICER: cycle.officer,
        CADRE: cycle.cadre.user,
        HOST: cycle.host_leader.user,
        GROUP: cycle.group_leader.user,
        MEMBER: cycle.member.user,
        ANONYMOUS: None,
    }[role]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_every_visitor(client, cycle, role):
    user = _user(cycle, role)
    if user is not None:
        client.force_login(user)
    wrong = []
    for name, url, spec in _urls(cycle):
        response = client.get(url)
        allowed = _expected(role, spec)
        if response.status_code >= 500 or (
            allowed is not None and response.status_code not in allowed
        ):
            wrong.append(f"{name} {url}: {response.status_code}, expected {allowed}")
        if role == ANONYMOUS and spec.kind != PUBLIC and response.status_code == 302:
            assert "login" in response["Location"], url
    assert not wrong, "\n".join(wrong)


def test_actions_refused_to_a_member_with_no_part(client, cycle):
    """POST to every action as a member with no part in the program: refused, nothing done."""
    client.force_login(cycle.member.user)
    wrong = []
    for name, url, spec in _urls(cycle):
        if spec.kind != ACTION:
            continue
        response = client.post(url, {})
        if response.status_code not in (403, 404):
            wrong.append(f"{name} {url}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    cycle.secondment.refresh_from_db()
    assert cycle.secondment.status == SecondmentStatus.PLACED
    assert Objection.objects.filter(answered_at__isnull=True).count() == 1
    assert Secondment.objects.filter(status=SecondmentStatus.WITHDRAWN).count() == 0


def _tabs(html: str) -> list[tuple[str, bool]]:
    """The program tabs of a page: [(key, active)] in order."""
    found = re.findall(r'<a class="nav-link([^"]*)"[^>]*data-testid="program-tab-([a-z_]+)"', html)
    return [(key, "active" in classes.split()) for classes, key in found]


def test_program_pages_share_the_tabs_in_every_status(client, cycle):
    """Each of a program's pages opens in every status of a program, with the same header and
    tabs in the order of the cycle, its own tab active, the stages not reached yet muted."""
    client.force_login(cycle.officer)
    order = [key for _name, key in PROGRAM_TABS]
    programs = [*cycle.others.values(), cycle.program]
    for program in programs:
        for name, key in PROGRAM_TABS:
            url = reverse(f"cadres:{name}", args=[program.pk])
            response = client.get(url)
            assert response.status_code == 200, (program.status, url)
            html = response.content.decode()
            assert html.count('data-testid="program-tabs"') == 1, url
            assert html.count('data-testid="program-title"') == 1, url
            tabs = _tabs(html)
            assert [k for k, _active in tabs] == order, url
            assert [k for k, active in tabs if active] == [key], url
    html = client.get(reverse("cadres:program_detail", args=[cycle.draft.pk])).content.decode()
    muted = set(re.findall(r'text-body-tertiary"[^>]*data-testid="program-tab-([a-z_]+)"', html))
    assert muted == {
        "applications",
        "matching",
        "approval",
        "objections",
        "placement",
        "dashboard",
        "appraisal",
    }
    html = client.get(reverse("cadres:program_detail", args=[cycle.program.pk])).content.decode()
    assert "text-body-tertiary" not in html.split('data-testid="program-tabs"')[1].split("</ul>")[0]


def test_form_pages_of_a_program_in_every_status(client, cycle):
    """The forms and files reached from a program's pages do not fail in any status (they may
    send the officer back with a message where the status does not allow them)."""
    client.force_login(cycle.officer)
    names = (
        "program_edit",
        "post_create",
        "group_create",
        "training_add",
        "call_detail",
        "call_recommend",
        "appraisal_round_start",
        "exchange_meeting",
        "leave_rule_create",
        "program_dashboard_export",
    )
    wrong = []
    for program in [*cycle.others.values(), cycle.program]:
        for name in names:
            url = reverse(f"cadres:{name}", args=[program.pk])
            code = client.get(url).status_code
            if code >= 500:
                wrong.append(f"{program.status} {name}: {code}")
    assert not wrong, "\n".join(wrong)


def test_dashboard_rows_link_to_each_secondment(client, cycle):
    client.force_login(cycle.officer)
    html = client.get(reverse("cadres:program_dashboard", args=[cycle.program.pk])).content
    links = set(
        re.findall(
            r'data-testid="dashboard-row" data-secondment="\d+">\s*<td><a href="([^"]+)"',
            html.decode(),
        )
    )
    expected = {
        reverse("cadres:secondment_detail", args=[s.pk])
        for s in Secondment.objects.filter(program=cycle.program)
    }
    assert links == expected and len(expected) == 3


@pytest.mark.parametrize("status", SecondmentStatus.values)
def test_secondment_tabs_in_every_status(client, county, status):
    """The four tabs of a secondment open in each of its statuses, for the officer and for
    each of the three parties."""
    placed = builders.secondment(county, status=status)
    officer = builders.officer(county)
    pk = placed.secondment.pk
    wrong = []
    for user in (officer, placed.cadre_user, placed.host_user, placed.group_user):
        client.force_login(user)
        for name in ("secondment_detail", "secondment_work", "secondment_leave"):
            url = reverse(f"cadres:{name}", args=[pk])
            code = client.get(url).status_code
            if code != 200:
                wrong.append(f"{user} {url}: {code}")
        url = reverse("cadres:secondment_appraisal", args=[pk])
        code = client.get(url).status_code
        if code != 200:
            wrong.append(f"{user} {url}: {code}")
    assert not wrong, "\n".join(wrong)
