"""Secondment and evaluation data for the benchmark, on the county of `generate.py`.

- A running secondment program of the county's organization department with 500 cadres on 100
  posts (5 places each) in 25 groups, placed nine months ago: each has its monthly reports so
  far (about one in eight late, the rest submitted and most commented), a work plan, 0–4 leave
  requests of 1–6 working days in every state, and a mid-term appraisal round whose campaign has
  the 500 cadres as subjects.
- A closed county-wide democratic evaluation (民主测评) of 1,000 people by 100,000 ballots: four
  dimensions on the 好/较好/一般/差 grades, three rater groups (领导 40 %, 同事 40 %, 服务对象
  20 %), 100 ballots per subject, each cast with a subject's single-use token as a printed QR
  sheet gives: 400,000 scores, 100,000 spent tokens and their receipts.

Rows go in with bulk_create in batches; on PostgreSQL that is a few hundred thousand rows a
minute, enough for these sizes.
"""

from __future__ import annotations

import random
import secrets
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime

from django.db import connection, transaction
from django.utils import timezone

BATCH = 5_000


@dataclass
class CadreSize:
    cadres: int
    posts: int
    groups: int
    subjects: int
    ballots_per_subject: int


FULL = CadreSize(cadres=500, posts=100, groups=25, subjects=1_000, ballots_per_subject=100)
SMALL = CadreSize(cadres=100, posts=20, groups=5, subjects=200, ballots_per_subject=50)


@dataclass
class CadreData:
    program_id: int
    campaign_id: int  # the 1,000-subject evaluation
    cadres: int
    reports: int
    late_reports: int
    leave_requests: int
    subjects: int
    ballots: int
    scores: int
    seconds: float


GRADES = (("好", 100, True), ("较好", 80, True), ("一般", 60, False), ("差", 40, False))
DIMENSIONS = ("履行职责", "服务态度", "办事效率", "廉洁自律")
GROUPS = (("领导", 40, False), ("同事", 40, True), ("服务对象", 20, True))


def _month_start(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _campaign(Campaign, organization, title, *, status, opens_at, closes_at, source=""):
    return Campaign.objects.create(
        organization=organization,
        title=title,
        subject_kind="person",
        scale_kind="grades",
        opens_at=opens_at,
        closes_at=closes_at,
        status=status,
        source=source,
        closed_at=closes_at if status == "closed" else None,
    )


def _scale(campaign, ScaleLevel, Dimension, RaterGroup):
    levels = ScaleLevel.objects.bulk_create(
        ScaleLevel(campaign=campaign, label=label, points=p, satisfied=s, sort_order=i)
        for i, (label, p, s) in enumerate(GRADES)
    )
    dims = Dimension.objects.bulk_create(
        Dimension(campaign=campaign, name=n, weight=1, sort_order=i)
        for i, n in enumerate(DIMENSIONS)
    )
    groups = RaterGroup.objects.bulk_create(
        RaterGroup(campaign=campaign, name=n, weight=w, anonymous=a, sort_order=i)
        for i, (n, w, a) in enumerate(GROUPS)
    )
    return levels, dims, groups


def _evaluation(size: CadreSize, root, people: list[int], rng: random.Random, now, log) -> dict:
    from grassroots.evaluations import models as ev

    campaign = _campaign(
        ev.Campaign,
        root,
        "2026年度县直单位干部民主测评",
        status="closed",
        opens_at=now - timedelta(days=20),
        closes_at=now - timedelta(days=6),
    )
    levels, dims, groups = _scale(campaign, ev.ScaleLevel, ev.Dimension, ev.RaterGroup)
    chosen = rng.sample(people, size.subjects)
    subjects = ev.Subject.objects.bulk_create(
        [
            ev.Subject(campaign=campaign, person_id=pid, label=f"测评对象{i + 1:04d}", sort_order=i)
            for i, pid in enumerate(chosen)
        ],
        batch_size=BATCH,
    )
    # Each subject has a quality that tilts its grades; groups share it.
    weights = {s.pk: rng.uniform(0.2, 0.95) for s in subjects}
    serial = 0
    tokens, receipts, ballots, scores = [], [], [], []
    counts = {"ballots": 0, "scores": 0}

    def flush(force=False):
        if len(scores) < BATCH * 4 and not force:
            return
        ev.Token.objects.bulk_create(tokens, batch_size=BATCH)
        ev.Receipt.objects.bulk_create(receipts, batch_size=BATCH)
        ev.Ballot.objects.bulk_create(ballots, batch_size=BATCH)
        ev.Score.objects.bulk_create(scores, batch_size=BATCH)
        counts["ballots"] += len(ballots)
        counts["scores"] += len(scores)
        for rows in (tokens, receipts, ballots, scores):
            rows.clear()

    token_id = (ev.Token.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    for subject in subjects:
        good = weights[subject.pk]
        for n in range(size.ballots_per_subject):
            group = groups[0] if n < 10 else (groups[1] if n < 70 else groups[2])
            serial += 1
            token = ev.Token(
                id=token_id,
                campaign=campaign,
                group=group,
                subject=subject,
                serial=serial,
                code=secrets.token_urlsafe(16),
                used=True,
            )
            token_id += 1
            tokens.append(token)
            receipts.append(
                ev.Receipt(campaign=campaign, group=group, subject=subject, token=token)
            )
            ballot = ev.Ballot(campaign=campaign, subject=subject, group=group)
            ballots.append(ballot)
            for dim in dims:
                roll = rng.random()
                level = (
                    levels[0]
                    if roll < good
                    else levels[1]
                    if roll < good + (1 - good) * 0.6
                    else levels[2]
                    if roll < good + (1 - good) * 0.9
                    else levels[3]
                )
                scores.append(
                    ev.Score(
                        ballot=ballot,
                        dimension=dim,
                        level=level,
                        points=level.points,
                        satisfied=level.satisfied,
                        campaign=campaign,
                        subject=subject,
                        group=group,
                    )
                )
        flush()
    flush(force=True)
    log(f"  evaluation: {size.subjects:,} subjects, {counts['ballots']:,} ballots")
    return {"campaign_id": campaign.pk, **counts}


def _program(size: CadreSize, root, dept_like, hosts, people, rng, today, now, log) -> dict:
    from grassroots.cadres import models as cm
    from grassroots.evaluations import models as ev
    from grassroots.orgs.models import Person

    starts = _month_start(today, -9)
    ends = _month_start(today, 3) - timedelta(days=1)
    program = cm.Program.objects.create(
        title=f"{starts.year}年县委组织部第一批挂职干部",
        organization=dept_like,
        starts_on=starts,
        ends_on=ends,
        status="running",
        public_key=secrets.token_urlsafe(16),
        notice="选派优秀年轻干部到乡镇、社区挂职锻炼。",
    )
    program.sending_units.set([root])
    host_ids = rng.sample(hosts, size.posts)
    picks = rng.sample(people, size.cadres + size.posts + size.groups)
    cadre_ids = picks[: size.cadres]
    leader_ids = picks[size.cadres : size.cadres + size.posts]
    group_leader_ids = picks[size.cadres + size.posts :]
    posts = cm.Post.objects.bulk_create(
        cm.Post(
            program=program,
            host_id=host_ids[i],
            title=rng.choice(("镇长助理", "社区党委副书记", "村党支部第一书记", "办公室副主任")),
            places=5,
            host_leader_id=leader_ids[i],
            sort_order=i,
        )
        for i in range(size.posts)
    )
    groups = cm.CadreGroup.objects.bulk_create(
        cm.CadreGroup(program=program, name=f"第{i + 1}组", leader_id=group_leader_ids[i])
        for i in range(size.groups)
    )
    person_orgs = dict(Person.objects.filter(pk__in=cadre_ids).values_list("pk", "primary_org_id"))
    secondments = cm.Secondment.objects.bulk_create(
        [
            cm.Secondment(
                program=program,
                post=posts[i // 5],
                person_id=pid,
                sending_org_id=person_orgs[pid],
                status="placed",
                match_score=rng.randint(55, 100),
                host_leader_id=posts[i // 5].host_leader_id,
                group=groups[i % size.groups],
                starts_on=starts,
                ends_on=ends,
                placed_on=starts,
            )
            for i, pid in enumerate(cadre_ids)
        ],
        batch_size=BATCH,
    )
    events, plans, reports, leaves = [], [], [], []
    late = 0
    at = timezone.make_aware(datetime.combine(starts, dtime(9)))
    for s in secondments:
        for action in ("matched", "approved", "publicity", "confirmed", "placed"):
            events.append(cm.SecondmentEvent(secondment=s, action=action, to_status=action))
        plans.append(
            cm.WorkPlan(
                secondment=s,
                goals="熟悉基层工作，牵头完成一项民生实事。",
                status=rng.choice(("approved", "approved", "approved", "submitted")),
                submitted_at=at,
            )
        )
        month = starts
        while month < _month_start(today, 0):
            end = _month_start(month, 1) - timedelta(days=1)
            due = _month_start(month, 1) + timedelta(days=6)
            missing = due < today and rng.random() < 0.12
            late += missing
            submitted = None if missing else timezone.make_aware(datetime.combine(due, dtime(10)))
            reports.append(
                cm.Report(
                    secondment=s,
                    kind="monthly",
                    period_start=month,
                    period_end=end,
                    due_on=due,
                    content="" if missing else "本月工作：走访群众，参与项目推进。",
                    submitted_at=submitted,
                    host_comment="" if missing or rng.random() < 0.3 else "已阅，工作扎实。",
                )
            )
            month = _month_start(month, 1)
        for _ in range(rng.randint(0, 4)):
            start = starts + timedelta(days=rng.randint(0, 250))
            days = rng.randint(1, 6)
            leaves.append(
                cm.LeaveRequest(
                    secondment=s,
                    kind=rng.choice(("personal", "sick", "annual", "family")),
                    starts_on=start,
                    ends_on=start + timedelta(days=days - 1),
                    days=days,
                    reason="家中有事。",
                    status=rng.choice(("approved", "returned", "returned", "pending", "rejected")),
                    levels=["host_leader"] + (["group_leader"] if days > 2 else []),
                )
            )
    for model, rows in (
        (cm.SecondmentEvent, events),
        (cm.WorkPlan, plans),
        (cm.Report, reports),
        (cm.LeaveRequest, leaves),
    ):
        model.objects.bulk_create(rows, batch_size=BATCH)
    campaign = _campaign(
        ev.Campaign,
        dept_like,
        f"{program.title}中期考核",
        status="open",
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=7),
        source="cadres",
    )
    _scale(campaign, ev.ScaleLevel, ev.Dimension, ev.RaterGroup)
    ev.Subject.objects.bulk_create(
        (
            ev.Subject(campaign=campaign, person_id=s.person_id, label=str(s.person_id))
            for s in secondments
        ),
        batch_size=BATCH,
    )
    cm.AppraisalRound.objects.create(program=program, stage="midterm", campaign=campaign)
    log(f"  secondment: {len(secondments)} cadres, {len(reports):,} reports ({late} late)")
    return {
        "program_id": program.pk,
        "cadres": len(secondments),
        "reports": len(reports),
        "late_reports": late,
        "leave_requests": len(leaves),
    }


def generate(size: CadreSize, county, *, seed: int = 1, log=print) -> CadreData:
    from grassroots.orgs.models import Organization, Person

    started = time.perf_counter()
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    root = Organization.objects.get(pk=county.root_id)
    people = list(Person.objects.filter(status="active").values_list("pk", flat=True))
    hosts = list(
        Organization.objects.filter(depth__gte=2, depth__lte=3).values_list("pk", flat=True)
    )
    with transaction.atomic():
        program = _program(size, root, root, hosts, people, rng, today, now, log)
        evaluation = _evaluation(size, root, people, rng, now, log)
    from generate_study import _reset_sequences

    from grassroots.evaluations.models import Token

    _reset_sequences([Token])  # tokens were written with their ids
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return CadreData(
        program_id=program["program_id"],
        campaign_id=evaluation["campaign_id"],
        cadres=program["cadres"],
        reports=program["reports"],
        late_reports=program["late_reports"],
        leave_requests=program["leave_requests"],
        subjects=size.subjects,
        ballots=evaluation["ballots"],
        scores=evaluation["scores"],
        seconds=time.perf_counter() - started,
    )


def existing() -> CadreData | None:
    from grassroots.cadres.models import Program, Report
    from grassroots.evaluations.models import Ballot, Campaign, Score, Subject

    program = Program.objects.filter(status="running").order_by("pk").first()
    campaign = Campaign.objects.filter(status="closed", source="").order_by("pk").first()
    if program is None or campaign is None:
        return None
    reports = Report.objects.filter(secondment__program=program)
    return CadreData(
        program_id=program.pk,
        campaign_id=campaign.pk,
        cadres=program.secondments.count(),
        reports=reports.count(),
        late_reports=reports.filter(submitted_at__isnull=True, due_on__lt=date.today()).count(),
        leave_requests=0,
        subjects=Subject.objects.filter(campaign=campaign).count(),
        ballots=Ballot.objects.filter(campaign=campaign).count(),
        scores=Score.objects.filter(campaign=campaign).count(),
        seconds=0.0,
    )
