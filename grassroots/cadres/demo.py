"""Secondment (挂职锻炼) and democratic evaluation in the demo county: last year's program with
two archived cadres (one commended), this year's program on the posts for five months (work
plans, monthly reports, leave, an open mid-term appraisal), a second program taking
applications, and a closed 民主测评 of the 城关镇 leaders with its figures.

Everything goes through the services, with the demo users as actors. The history is written on
a stopped clock set to the day each step happened (`_Clock`), so that the services' own checks
(a call still open, a publicity window over, a leave not backdated too far, a campaign open)
hold as they did then, and the timeline of each secondment reads over the months. The notices the services send then
arrive then (`_dated_notices`), and those older than a few days are read, as a real inbox would
be: only what is still waiting (a leave to approve, an appraisal to fill in) stays unread. Only what no
service does is written directly: the end of a program (no service moves a program to 已结束
yet) and most of the anonymous ballots of the 民主测评 (a handful go through the token service).
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from unittest import mock

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.core.calendar import add_working_days, next_working_day
from grassroots.core.registry import DemoContext, DemoStep, demo_steps
from grassroots.evaluations.enums import ScaleKind, SubjectKind
from grassroots.evaluations.models import (
    Ballot,
    Dimension,
    RaterGroup,
    Receipt,
    ScaleLevel,
    Score,
    Subject,
    Token,
)
from grassroots.evaluations.services import ballots
from grassroots.evaluations.services import campaigns as engine
from grassroots.evaluations.services.ballots import raters_by_subject
from grassroots.notifications.models import Notification
from grassroots.orgs.enums import Education, PersonStatus, PoliticalStatus
from grassroots.orgs.models import Organization, Person

from .enums import (
    AppraisalResult,
    AppraisalStage,
    LeaveKind,
    ReportKind,
)
from .models import Program, Report, Secondment
from .services import (
    applications,
    appraisal,
    archive,
    leave,
    matching,
    placement,
    plans,
    publicity,
)
from .services import programs as program_services
from .services import reports as report_services

ORDER = 50  # after meetings (40)
TERM_DAYS = 365

PLAN_GOALS = (
    "一、熟悉{host}基本情况，三个月内走访辖区重点企业、困难群众和网格员；\n"
    "二、协助推进基层治理“网格化”工作，牵头完成一项矛盾纠纷排查化解任务；\n"
    "三、结合原单位业务特长，为{host}开展法治宣传或业务培训不少于4次；\n"
    "四、按时报送月度报告和阶段小结，挂职期满形成一份调研报告。"
)
PLAN_MEASURES = (
    "坚持每周到村（社区）不少于3天，建立民情日记；主动向联系领导汇报工作，"
    "虚心向基层干部群众学习；严格遵守接收单位的考勤和请销假制度。"
)
REPORT_TEXTS = (
    "本月主要参与了{host}的日常工作：走访群众{n}户，收集意见建议{m}条，已办结大部分；"
    "协助开展矛盾纠纷排查，参与调解邻里纠纷2起。下月计划继续深入网格，跟进未办结事项。",
    "本月围绕基层治理重点任务开展工作：参加党委（支部）会议{m}次，整理民情台账{n}条；"
    "结合原单位业务特长开展政策宣讲1次。存在的不足是对辖区情况掌握还不够全面。",
    "本月协助{host}推进为民办实事项目，参与现场办公{m}次，走访困难群众{n}户，"
    "帮助协调解决实际问题3件。下一步将按照工作计划推进调研课题。",
)
REPORT_COMMENTS = (
    "工作扎实，深入群众，请继续保持。",
    "情况掌握较全面，下步要更多参与重点项目。",
    "能够主动作为，建议加强与网格员的沟通配合。",
    "报告内容具体，问题分析到位。",
)
SUMMARY = (
    "挂职期间，我在{host}挂任{post}，在联系领导的指导下，围绕基层治理、为民办实事等重点工作，"
    "走访群众两百余户，参与调解矛盾纠纷十余起，牵头完成调研报告一篇。通过挂职锻炼，"
    "我进一步增强了群众观念，提高了处理复杂问题的能力。不足之处是调研成果转化还不够，"
    "今后将把在基层学到的方法带回原单位，继续做好本职工作。"
)
LEADER_DIMENSIONS = ("履行职责", "服务态度", "办事效率", "廉洁自律")
# What raters of a township's leaders write in the comment box.
LEADER_COMMENTS = (
    "工作扎实，经常到村里走访，群众有事找得到人。",
    "希望在招商引资和村集体经济上再多想办法。",
    "办事效率高，便民服务中心的窗口态度明显改进。",
    "建议分管领域的项目进度多向群众公开。",
    "作风朴实，廉洁自律方面没有听到不好的反映。",
    "下村次数可以再多一些，多听听老党员的意见。",
)


class _Clock:
    """The time the services read while the demo's history is written: set to a moment, it
    stands still there (every `timezone.now()` and `localdate()` returns it)."""

    def __init__(self) -> None:
        self.moment: datetime | None = None

    def __call__(self) -> datetime:
        return self.moment

    def at(self, day: date, hour: int = 9, minute: int = 0) -> datetime:
        self.moment = timezone.make_aware(datetime.combine(day, time(hour, minute)))
        return self.moment


# Notices older than this when the demo is loaded count as read.
READ_AFTER = timedelta(days=3)


@contextmanager
def _dated_notices(now: datetime):
    """While the history is written, what the services defer to the commit (their notices)
    runs at once, so a notice is dated on the stopped clock like the step that sent it; what
    that in turn defers (the delivery by email and SMS, a background task) still waits for the
    commit, so that a worker finds the notices. On leaving, the notices older than READ_AFTER
    are marked read an hour after they came."""
    last = Notification.objects.aggregate(m=Max("pk"))["m"] or 0
    real = transaction.on_commit
    running = []

    def at_once(func, *args, **kwargs):
        if running:
            return real(func, *args, **kwargs)
        running.append(func)
        try:
            func()
        finally:
            running.pop()

    with mock.patch.object(transaction, "on_commit", at_once):
        yield
    Notification.objects.filter(
        pk__gt=last, read_at__isnull=True, created_at__lt=now - READ_AFTER
    ).update(read_at=F("created_at") + timedelta(hours=1))


def _age_limit(today: date, years: int) -> date:
    return today.replace(year=today.year - years, day=min(today.day, 28))


def _cadres_from(orgs, keys, today: date, exclude: set[int], count: int, rng) -> list[Person]:
    """Party members of the given units who hold no post and have no account yet, the young
    ones (45 at most, as the posts ask) first."""
    people = list(
        Person.objects.filter(
            primary_org__in=[orgs[k] for k in keys],
            status=PersonStatus.ACTIVE,
            political_status=PoliticalStatus.PARTY_MEMBER,
            positions__isnull=True,
            user__isnull=True,
        )
        .exclude(pk__in=exclude)
        .select_related("primary_org")
        .order_by("pk")
    )
    rng.shuffle(people)
    young = _age_limit(today, 45)
    people.sort(key=lambda p: not (p.birth_date and p.birth_date >= young))
    return people[:count]


def _accounts(people: list[Person], prefix: str) -> None:
    """Accounts for the cadres and host leaders who act in the demo: opened at once, without a
    password (nobody logs in as them; they report, rate and receive notices). The accounts
    service would hash a generated password for each, seconds of the demo's time."""

    rows = []
    for index, person in enumerate(people, 1):
        user = User(
            username=f"{prefix}{index:02d}",
            mobile=person.mobile or None,
            person=person,
            must_change_password=True,
        )
        user.set_unusable_password()
        rows.append(user)
    User.objects.bulk_create(rows)
    for person in people:
        person.refresh_from_db()


def _ballot(campaign, rng, best: float = 0.6) -> dict[int, int]:
    """Answers for every dimension of a campaign: mostly 好, some 较好, rarely 一般."""

    levels = list(ScaleLevel.objects.filter(campaign=campaign).order_by("sort_order"))
    answers = {}
    for dimension in Dimension.objects.filter(campaign=campaign):
        roll = rng.random()
        level = levels[0] if roll < best else levels[1] if roll < 0.93 else levels[2]
        answers[dimension.pk] = level.pk
    return answers


# --- One program from its call to the placement ---------------------------------------------


def _select_and_place(
    *,
    clock: _Clock,
    program: Program,
    posts: list,
    candidates: list[tuple[Person, int, str]],  # (person, post index, how: voluntary/recommended)
    groups: list,
    group_of: list[int],
    zzb,
    start: date,
) -> list[Secondment]:
    """From the published call to the cadres on their posts on `start`: applications, the call
    closed, matching, approval and publicity, the list final, managers named, placement."""

    applied = []
    for index, (person, post_index, how) in enumerate(candidates):
        clock.at(start - timedelta(days=55 - 2 * index), 10)
        if how == "voluntary":
            applied.append(
                applications.application_submit(
                    program=program,
                    person=person,
                    statement="本人自愿报名参加挂职锻炼，愿到基层一线经受锻炼、增长才干。",
                    expertise="法律、调解、基层治理",
                    preferred_post=posts[post_index],
                    actor=person.user,
                )
            )
        else:
            applied.append(
                applications.application_recommend(
                    program=program,
                    person=person,
                    recommending_org=person.primary_org,
                    reason="该同志政治素质好，工作踏实，群众基础好，推荐参加挂职锻炼。",
                    expertise="财务、基层治理",
                    preferred_post=posts[post_index],
                    actor=zzb,
                )
            )
    clock.at(start - timedelta(days=40), 17)
    program_services.program_close_call(program=program, actor=zzb)
    clock.at(start - timedelta(days=36), 10)
    secondments = [
        matching.secondment_assign(application=application, post=posts[post_index], actor=zzb)
        for application, (_person, post_index, _how) in zip(applied, candidates, strict=True)
    ]
    clock.at(start - timedelta(days=34), 15)
    publicity.program_approve(program=program, actor=zzb, comment="经部务会研究，同意选派。")
    program.refresh_from_db()
    clock.at(program.publicity_ends_on + timedelta(days=1), 9)
    publicity.program_confirm(program=program, actor=zzb)
    for secondment, group_index in zip(secondments, group_of, strict=True):
        secondment.refresh_from_db()
        placement.secondment_set_managers(
            secondment=secondment,
            host_leader=secondment.post.host_leader,
            group=groups[group_index],
            actor=zzb,
        )
    clock.at(start, 9)
    placement.program_place_all(program=program, placed_on=start, actor=zzb)
    return list(
        Secondment.objects.filter(program=program)
        .select_related("person__user", "host_leader__user", "post__host", "group")
        .order_by("pk")
    )


def _new_program(*, clock: _Clock, orgs, zzb, title: str, start: date, end: date, opens, closes):
    """A program of the organization department for the 县直机关 people, its call set."""
    clock.moment = opens - timedelta(days=3)
    return program_services.program_create(
        organization=orgs["dept"],
        actor=zzb,
        sending_units=[orgs["organs"]],
        title=title,
        starts_on=start,
        ends_on=end,
        notice=(
            f"根据县委关于加强干部实践锻炼的部署，现选派一批机关干部到基层挂职锻炼，挂职期限为"
            f"{start:%Y年%m月%d日}至{end:%Y年%m月%d日}。县直机关在职在编、中共党员、"
            "年龄45周岁以下的干部可个人报名，也可由单位推荐。"
        ),
        call_opens_at=opens,
        call_closes_at=closes,
    )


def _post(program, host, title, leader, zzb, places=1, **requirements):
    return program_services.post_create(
        program=program,
        actor=zzb,
        host=host,
        title=title,
        places=places,
        host_leader=leader,
        duties="协助分管基层治理、矛盾纠纷排查化解和为民服务工作。",
        **requirements,
    )


def _file_reports(clock, secondment, today: date, rng, *, skip=(), uncommented=()) -> None:
    """The cadre files the reports due so far, a few days before each deadline; the host leader
    comments a few days later. `skip`: periods left unfiled (late); `uncommented`: filed,
    awaiting the comment."""

    due = Report.objects.filter(secondment=secondment, due_on__lte=today).order_by("due_on")
    host = secondment.post.host.short_name or secondment.post.host.name
    for report in due:
        if report.period_start in skip:
            continue
        filed = report.due_on - timedelta(days=rng.randint(0, 4))
        filed = max(filed, report.period_end)
        clock.at(min(filed, today), 16, rng.randint(0, 59))
        text = rng.choice(REPORT_TEXTS).format(host=host, n=rng.randint(8, 30), m=rng.randint(2, 6))
        if report.kind == ReportKind.STAGE:
            text = "阶段小结：" + text
        report_services.report_submit(report=report, content=text, actor=secondment.person.user)
        if report.period_start in uncommented:
            continue
        commented = min(filed + timedelta(days=rng.randint(1, 3)), today)
        clock.at(commented, 10, rng.randint(0, 59))
        report_services.report_comment(
            report=report,
            comment=rng.choice(REPORT_COMMENTS),
            actor=secondment.host_leader.user,
        )


def _plan(clock, secondment, day: date, *, approve_on: date | None) -> None:
    """The cadre submits the work plan on `day`; the host leader approves it on `approve_on`."""
    host = secondment.post.host.short_name or secondment.post.host.name
    clock.at(day, 20)
    plans.plan_submit(
        secondment=secondment,
        goals=PLAN_GOALS.format(host=host),
        measures=PLAN_MEASURES,
        actor=secondment.person.user,
    )
    if approve_on is not None:
        clock.at(approve_on, 11)
        plans.plan_approve(
            secondment=secondment, comment="同意，请抓好落实。", actor=secondment.host_leader.user
        )


def _round(clock: _Clock, program, stage, opens_at, *, days: int, tokens: int, zzb):
    """Start an appraisal round at `opens_at`, open for `days`."""
    clock.moment = opens_at
    return appraisal.appraisal_round_start(
        program=program,
        stage=stage,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(days=days),
        colleague_tokens=tokens,
        actor=zzb,
    )


# --- Last year's program: two archived cadres --------------------------------------------------


def _finished_program(clock: _Clock, orgs, users, people, today: date, rng) -> Program:
    """Last year's program, March to August: two cadres at 城关镇 (host leader dw, group
    leader zzb), reports all filed, the final appraisal, results 优秀 and 良好, one commended,
    both archived."""
    zzb, dw = users["zzb"], users["dw"]
    year = today.year - 1
    start, end = next_working_day(date(year, 3, 2)), date(year, 8, 31)
    opens = timezone.make_aware(datetime.combine(start - timedelta(days=65), time(9)))
    program = _new_program(
        clock=clock,
        orgs=orgs,
        zzb=zzb,
        title=f"{year}年县委组织部第一批挂职干部",
        start=start,
        end=end,
        opens=opens,
        closes=opens + timedelta(days=20),
    )
    posts = [
        _post(program, orgs["town"], "镇长助理", dw.person, zzb),
        _post(program, orgs["town"], "党政办公室副主任", dw.person, zzb),
    ]
    group = program_services.group_create(
        program=program, name="城关镇组", leader=zzb.person, actor=zzb
    )
    clock.moment = opens
    program_services.program_publish(program=program, actor=zzb, now=opens)
    secondments = _select_and_place(
        clock=clock,
        program=program,
        posts=posts,
        candidates=[(people[0], 0, "recommended"), (people[1], 1, "recommended")],
        groups=[group],
        group_of=[0, 0],
        zzb=zzb,
        start=start,
    )
    for secondment in secondments:
        _plan(clock, secondment, start + timedelta(days=6), approve_on=start + timedelta(days=8))
        _file_reports(clock, secondment, end + timedelta(days=20), rng)
    # The final appraisal in the last days of the term.
    opens_at = timezone.make_aware(datetime.combine(end - timedelta(days=12), time(9)))
    round_ = _round(clock, program, AppraisalStage.FINAL, opens_at, days=7, tokens=5, zzb=zzb)
    campaign = round_.campaign
    clock.moment = opens_at + timedelta(days=2)
    best = {secondments[0].person_id: 0.85, secondments[1].person_id: 0.45}
    for user in [s.person.user for s in secondments] + [dw, zzb]:
        for subject_id, rater in raters_by_subject(user, campaign).items():
            subject = Subject.objects.get(pk=subject_id)
            ballots.ballot_cast(
                campaign=campaign,
                subject=subject,
                answers=_ballot(campaign, rng, best[subject.person_id]),
                rater=rater,
                actor=user,
            )
    colleagues = RaterGroup.objects.get(campaign=campaign, sort_order=appraisal.COLLEAGUES)
    for token in Token.objects.filter(campaign=campaign, group=colleagues).select_related(
        "subject"
    ):
        answers = {token.subject_id: _ballot(campaign, rng, best[token.subject.person_id])}
        ballots.token_ballot_cast(code=token.code, answers=answers, comments={})
    clock.moment = opens_at + timedelta(days=6)
    appraisal.appraisal_round_close(round=round_, actor=zzb)
    # The term is over: summaries, results, the commendation, the archive.
    for secondment, result in zip(
        secondments, (AppraisalResult.EXCELLENT, AppraisalResult.GOOD), strict=True
    ):
        clock.at(end + timedelta(days=1), 9)
        placement.secondment_complete(secondment=secondment, actor=zzb)
        clock.at(end + timedelta(days=3), 15)
        report_services.summary_submit(
            secondment=secondment,
            text=SUMMARY.format(host="城关镇", post=secondment.post.title),
            actor=secondment.person.user,
        )
        clock.at(end + timedelta(days=10), 10)
        appraisal.appraisal_decide(
            round=round_,
            secondment=secondment,
            result=result,
            note="经部务会研究确定。",
            actor=zzb,
        )
    clock.at(end + timedelta(days=12), 10)
    appraisal.secondment_commend(
        secondment=secondments[0], text=f"评为{year}年度优秀挂职干部", actor=zzb
    )
    from .services.programs import program_finish

    program_finish(program=Program.objects.get(pk=program.pk), actor=zzb)
    clock.at(end + timedelta(days=15), 10)
    for secondment in secondments:
        archive.secondment_archive(secondment=secondment, actor=zzb)
    return program


# --- This year's program on the posts -------------------------------------------------------


def _running_program(clock: _Clock, orgs, users, people, hosts, today: date, rng) -> Program:
    """This year's program, placed five months ago: dy and another cadre at 城关镇 (host leader
    dw, group leader zzb), three cadres at two communities (one of them leading their group)."""
    zzb, dw, dy = users["zzb"], users["dw"], users["dy"]
    start = next_working_day(today - timedelta(days=150))
    end = start + timedelta(days=TERM_DAYS - 1)
    opens = timezone.make_aware(datetime.combine(start - timedelta(days=65), time(9)))
    program = _new_program(
        clock=clock,
        orgs=orgs,
        zzb=zzb,
        title=f"{start.year}年县委组织部第一批挂职干部",
        start=start,
        end=end,
        opens=opens,
        closes=opens + timedelta(days=20),
    )
    dongjie_leader, xijie_leader = hosts
    posts = [
        _post(
            program,
            orgs["town"],
            "镇长助理",
            dw.person,
            zzb,
            places=2,
            min_education=Education.BACHELOR,
            political_status=PoliticalStatus.PARTY_MEMBER,
            max_age=45,
            expertise="法律、基层治理",
        ),
        _post(
            program,
            orgs["dongjie"],
            "社区党支部书记助理",
            dongjie_leader,
            zzb,
            places=2,
            political_status=PoliticalStatus.PARTY_MEMBER,
            max_age=45,
        ),
        _post(program, orgs["xijie"], "社区居委会主任助理", xijie_leader, zzb, max_age=45),
    ]
    cadres = [dy.person, *people]
    groups = [
        program_services.group_create(
            program=program, name="第一组（城关镇）", leader=zzb.person, actor=zzb
        ),
        program_services.group_create(
            program=program, name="第二组（社区）", leader=cadres[2], actor=zzb
        ),
    ]
    clock.moment = opens
    program_services.program_publish(program=program, actor=zzb, now=opens)
    secondments = _select_and_place(
        clock=clock,
        program=program,
        posts=posts,
        candidates=[
            (cadres[0], 0, "voluntary"),
            (cadres[1], 0, "recommended"),
            (cadres[2], 1, "recommended"),
            (cadres[3], 1, "voluntary"),
            (cadres[4], 2, "recommended"),
        ],
        groups=groups,
        group_of=[0, 0, 1, 1, 1],
        zzb=zzb,
        start=start,
    )
    by_person = {s.person_id: s for s in secondments}
    s_dy, s_town, s_lead, s_dongjie, s_xijie = (by_person[p.pk] for p in cadres)
    # Work plans: approved in the first weeks; the second 城关镇 cadre's is waiting for dw.
    for index, secondment in enumerate((s_dy, s_lead, s_dongjie, s_xijie)):
        day = start + timedelta(days=5 + index)
        _plan(clock, secondment, day, approve_on=day + timedelta(days=3))
    _plan(clock, s_town, today - timedelta(days=2), approve_on=None)
    # Monthly reports: filed and commented; the last one of dy waits for dw's comment; one
    # community cadre has not filed last month's (late).
    due = list(
        Report.objects.filter(
            secondment=s_dongjie, kind=ReportKind.MONTHLY, due_on__lt=today
        ).order_by("due_on")
    )
    last_dy = (
        Report.objects.filter(secondment=s_dy, kind=ReportKind.MONTHLY, due_on__lte=today)
        .order_by("-due_on")
        .first()
    )
    for secondment in secondments:
        _file_reports(
            clock,
            secondment,
            today,
            rng,
            skip={due[-1].period_start} if secondment is s_dongjie and due else (),
            uncommented={last_dy.period_start} if secondment is s_dy and last_dy else (),
        )
    # Leave: dy's sick leave last week, approved and returned; dy's family leave of four days
    # approved by the host leader and waiting for the group leader; a day off of the second
    # 城关镇 cadre waiting for dw.
    first = next_working_day(today - timedelta(days=6))
    clock.at(first - timedelta(days=1), 8)
    sick = leave.leave_request(
        secondment=s_dy,
        kind=LeaveKind.SICK,
        starts_on=first,
        ends_on=first,
        reason="发烧，到县人民医院就诊。",
        actor=dy,
    )
    clock.at(first - timedelta(days=1), 9, 30)
    leave.leave_decide(request=sick, approve=True, comment="注意休息。", actor=dw)
    back = min(add_working_days(first, 1), today)
    clock.at(back, 8, 30)
    leave.leave_return(request=sick, returned_on=back, actor=dy)
    family_start = next_working_day(today + timedelta(days=7))
    family_end = add_working_days(family_start, 3)
    clock.at(today - timedelta(days=1), 17)
    family = leave.leave_request(
        secondment=s_dy,
        kind=LeaveKind.FAMILY,
        starts_on=family_start,
        ends_on=family_end,
        reason="回老家探望生病的父亲。",
        actor=dy,
    )
    clock.at(today - timedelta(days=1), 18)
    leave.leave_decide(request=family, approve=True, comment="同意，报组长审批。", actor=dw)
    clock.at(today - timedelta(days=1), 19)
    day_off = next_working_day(today + timedelta(days=2))
    leave.leave_request(
        secondment=s_town,
        kind=LeaveKind.PERSONAL,
        starts_on=day_off,
        ends_on=day_off,
        reason="办理孩子入学手续。",
        actor=s_town.person.user,
    )
    # The mid-term appraisal, open since two days (its notice still unread where a sheet waits):
    # some named ballots and colleague codes in, dy's own sheet and most codes still to come.
    opens_at = timezone.make_aware(datetime.combine(today - timedelta(days=2), time(9)))
    round_ = _round(clock, program, AppraisalStage.MIDTERM, opens_at, days=14, tokens=6, zzb=zzb)
    campaign = round_.campaign
    clock.moment = opens_at + timedelta(days=1, hours=2)
    voters = [dw, s_lead.person.user, s_dongjie.person.user, s_xijie.person.user]
    for user in voters:
        for subject_id, rater in raters_by_subject(user, campaign).items():
            ballots.ballot_cast(
                campaign=campaign,
                subject=Subject.objects.get(pk=subject_id),
                answers=_ballot(campaign, rng),
                rater=rater,
                actor=user,
            )
    colleagues = RaterGroup.objects.get(campaign=campaign, sort_order=appraisal.COLLEAGUES)
    for subject in Subject.objects.filter(campaign=campaign).order_by("sort_order")[:3]:
        for token in Token.objects.filter(campaign=campaign, group=colleagues, subject=subject)[:2]:
            ballots.token_ballot_cast(
                code=token.code, answers={subject.pk: _ballot(campaign, rng)}, comments={}
            )
    return program


# --- A program taking applications ----------------------------------------------------------


def _recruiting_program(clock: _Clock, orgs, users, today: date, now: datetime) -> Program:
    """A call open since five days for two village posts: sj applied, 张海生 was recommended."""
    zzb, sj = users["zzb"], users["sj"]
    start = next_working_day(today + timedelta(days=40))
    opens = now - timedelta(days=5)
    program = _new_program(
        clock=clock,
        orgs=orgs,
        zzb=zzb,
        title=f"{today.year}年县委组织部第二批挂职干部（驻村第一书记）",
        start=start,
        end=start + timedelta(days=TERM_DAYS - 1),
        opens=opens,
        closes=now + timedelta(days=10),
    )
    leaders = {key: orgs[f"{key}_branch"].secretary for key in ("nanguan", "hekoucun")}
    posts = [
        _post(
            program,
            orgs["nanguan"],
            "村党支部第一书记",
            leaders["nanguan"],
            zzb,
            min_education=Education.BACHELOR,
            political_status=PoliticalStatus.PARTY_MEMBER,
            max_age=40,
            expertise="农业、法律、乡村治理",
        ),
        _post(
            program,
            orgs["hekoucun"],
            "村党支部第一书记",
            leaders["hekoucun"],
            zzb,
            min_education=Education.COLLEGE,
            political_status=PoliticalStatus.PARTY_MEMBER,
            max_age=45,
            expertise="财务、产业发展",
        ),
    ]
    clock.moment = opens
    program_services.program_publish(program=program, actor=zzb, now=opens)
    clock.moment = opens + timedelta(days=1, hours=3)
    applications.application_submit(
        program=program,
        person=sj.person,
        statement="本人长期从事司法行政和人民调解工作，熟悉农村法律事务，自愿到村担任第一书记。",
        expertise="法律、调解",
        preferred_post=posts[0],
        actor=sj,
    )
    # 张海生 of the demo branch, recommended by the justice bureau's general branch.
    recommended = Person.objects.get(primary_org=orgs["justice1"], name="张海生")
    clock.moment = opens + timedelta(days=2, hours=5)
    applications.application_recommend(
        program=program,
        person=recommended,
        recommending_org=orgs["justice"],
        reason="该同志业务能力强，作风扎实，推荐到村担任第一书记。",
        expertise="财务、调解",
        preferred_post=posts[1],
        actor=zzb,
    )
    return program


# --- A 民主测评 of the 城关镇 leaders ------------------------------------------------------------


def _leaders_campaign(clock: _Clock, orgs, users, today: date, rng):
    """民主测评 of the 城关镇 leaders by the organization department, closed two weeks ago: three
    named raters, codes for the town's staff and the people it serves."""
    zzb = users["zzb"]
    leaders = list(
        Person.objects.filter(positions__organization=orgs["town"], status=PersonStatus.ACTIVE)
        .distinct()
        .order_by("pk")
    )
    opens_at = timezone.make_aware(datetime.combine(today - timedelta(days=25), time(9)))
    clock.moment = opens_at - timedelta(days=2)
    campaign = engine.campaign_create(
        organization=orgs["dept"],
        title=f"{today.year}年城关镇领导班子成员民主测评",
        description="对城关镇党委领导班子成员履职情况进行民主测评。",
        subject_kind=SubjectKind.PERSON,
        scale_kind=ScaleKind.GRADES,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(days=7),
        dimensions=[(name, 1) for name in LEADER_DIMENSIONS],
        groups=[
            ("县级领导和部门负责人", 30, False),
            ("镇机关干部", 40, True),
            ("服务对象", 30, True),
        ],
        actor=zzb,
    )
    engine.subjects_add_people(campaign=campaign, people=leaders, actor=zzb)
    groups = list(RaterGroup.objects.filter(campaign=campaign).order_by("sort_order"))
    raters = [users["zzb"], users["jj"], users["admin"]]
    engine.raters_add(campaign=campaign, group=groups[0], users=raters, actor=zzb)
    staff = engine.tokens_issue(campaign=campaign, group=groups[1], count=24, actor=zzb)
    public = engine.tokens_issue(campaign=campaign, group=groups[2], count=30, actor=zzb)
    engine.campaign_open(campaign=campaign, actor=zzb)
    subjects = list(Subject.objects.filter(campaign=campaign).order_by("sort_order"))
    # How well each leader is seen: the first best, the last with some 一般.
    quality = {s.pk: 0.75 - 0.12 * i for i, s in enumerate(subjects)}
    clock.moment = opens_at + timedelta(days=1)
    for user in raters:
        mine = raters_by_subject(user, campaign)
        ballots.ballot_sheet_submit(
            campaign=campaign,
            answers={pk: _ballot(campaign, rng, quality[pk]) for pk in mine},
            comments={},
            actor=user,
        )
    # A handful of codes through the service, most of the others at once (as the service
    # would write them: the token spent, a receipt, a ballot and its scores per leader).
    for token in staff[:3] + public[:3]:
        ballots.token_ballot_cast(
            code=token.code,
            answers={s.pk: _ballot(campaign, rng, quality[s.pk]) for s in subjects},
            comments={s.pk: rng.choice(LEADER_COMMENTS) for s in subjects if rng.random() < 0.4},
        )
    cast = staff[3:21] + public[3:25]
    Token.objects.filter(pk__in=[t.pk for t in cast]).update(used=True)
    receipts, rows, scores = [], [], []

    dimensions = list(Dimension.objects.filter(campaign=campaign))
    levels = {level.pk: level for level in ScaleLevel.objects.filter(campaign=campaign)}
    for token in cast:
        for subject in subjects:
            receipts.append(
                Receipt(campaign=campaign, group_id=token.group_id, subject=subject, token=token)
            )
            ballot = Ballot(campaign=campaign, subject=subject, group_id=token.group_id)
            rows.append(ballot)
            answers = _ballot(campaign, rng, quality[subject.pk])
            for dimension in dimensions:
                level = levels[answers[dimension.pk]]
                scores.append(
                    Score(
                        ballot=ballot,
                        dimension=dimension,
                        level=level,
                        points=level.points,
                        satisfied=level.satisfied,
                        campaign=campaign,
                        subject=subject,
                        group_id=token.group_id,
                    )
                )
    rng.shuffle(receipts)
    rng.shuffle(rows)
    Receipt.objects.bulk_create(receipts)
    Ballot.objects.bulk_create(rows)
    Score.objects.bulk_create(scores)
    clock.moment = opens_at + timedelta(days=7, hours=-1)
    engine.campaign_close(campaign=campaign, actor=zzb)
    return campaign


# --- The step ---------------------------------------------------------------------------------


def populate(context: DemoContext) -> dict:
    # The demo's own reference date is fixed for the county's people; these records follow
    # the real calendar (a program running now, an appraisal open now), as meetings' do.
    today = timezone.localdate()
    now = timezone.now().replace(second=0, microsecond=0)
    rng = random.Random(context.rng.random())
    fresh = Organization.objects.in_bulk([o.pk for o in context.organizations.values()])
    orgs = {key: fresh[o.pk] for key, o in context.organizations.items()}
    users = context.users
    for user in users.values():
        user.refresh_from_db()

    taken = {u.person_id for u in users.values() if u.person_id}
    earlier = _cadres_from(orgs, ("office", "finance"), today, taken, 2, rng)
    taken |= {p.pk for p in earlier}
    current = _cadres_from(
        orgs, ("finance", "edu_office", "justice2", "office"), today, taken, 4, rng
    )
    hosts = [orgs[f"{key}_branch"].secretary for key in ("dongjie", "xijie")]
    _accounts(earlier + current, "gz")
    _accounts(hosts, "jsdw")

    clock = _Clock()
    with _dated_notices(now), mock.patch.object(timezone, "now", clock):
        finished = _finished_program(clock, orgs, users, earlier, today, rng)
        running = _running_program(clock, orgs, users, current, hosts, today, rng)
        recruiting = _recruiting_program(clock, orgs, users, today, now)
        campaign = _leaders_campaign(clock, orgs, users, today, rng)
    return {
        "finished": finished,
        "running": running,
        "recruiting": recruiting,
        "campaign": campaign,
    }


def register() -> None:
    demo_steps.register(DemoStep("cadres", ORDER, populate))
