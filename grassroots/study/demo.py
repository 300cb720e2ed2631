"""Study records for the demo county: materials, plans, a year of branch sessions with
attendance, a session under way (to try the QR sign-in), one tomorrow, self-study and
reflections of the demo member, all written through the services."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from grassroots.core.registry import DemoContext, DemoStep, demo_steps

from .enums import AttendanceStatus, StudyKind, StudyMode
from .models import Attendance
from .services import hours as hours_services
from .services import library, reflections
from .services import sessions as session_services

MATERIALS = [
    (
        "中国共产党党员教育管理工作条例（全文）",
        "note",
        "党员教育,条例",
        "党员教育管理工作条例对党员学习培训的内容、方式和学时作出规定：党员每年集中学习培训时间一般不少于32学时，"
        "基层党组织书记和班子成员每年集中学习培训时间不少于56学时。",
    ),
    (
        "“三会一课”制度要点",
        "note",
        "三会一课,组织生活",
        "支部党员大会一般每季度召开1次，支部委员会一般每月召开1次，党小组会一般每月召开1次，党课一般每季度至少1次。",
    ),
    (
        "共产党员网",
        "link",
        "理论学习",
        "",
    ),
]

SESSION_TOPICS = [
    ("学习党章，争做合格党员", StudyKind.BRANCH),
    ("党员教育管理工作条例专题学习", StudyKind.CONCENTRATED),
    ("基层党务工作实务培训", StudyKind.TRAINING),
    ("学习先进典型事迹", StudyKind.BRANCH),
    ("廉政教育专题学习", StudyKind.CONCENTRATED),
    ("支部规范化建设学习", StudyKind.BRANCH),
]

REFLECTION = (
    "参加支部组织的党章专题学习后，我对照党员标准认真检查了自己。过去我总觉得党章里的内容早就熟悉了，"
    "这次逐条学习才发现，很多要求我只是记住了字面，并没有真正落实到日常工作里。比如党员义务中要求密切联系群众，"
    "我在窗口岗位上每天接待群众，有时遇到反复询问的情况会不耐烦，这和党章的要求还有差距。\n"
    "下一步我准备做好三件事：一是每周抽出固定时间自学，把学习笔记整理到学习平台上，按时完成年度学时；"
    "二是把学到的要求用到窗口服务中，对群众反映的问题做到件件有登记、事事有回音；"
    "三是主动向支部汇报思想和工作情况，在组织生活会上认真开展批评和自我批评。"
    "学习不是完成任务，而是要把党员的标准变成每天的行动。我会继续坚持学习，用实际工作检验学习的效果，"
    "努力做一名让群众满意、让组织放心的合格党员。"
)


def _at(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def populate(context: DemoContext) -> None:
    admin, orgs, users = context.admin, context.organizations, context.users
    today = timezone.localdate()
    root, branch = orgs["root"], orgs["justice1"]
    secretary, member = users["sj"], users["dy"]
    hours_services.targets_refresh(today.year)

    materials = [
        library.material_create(
            organization=root,
            title=title,
            kind=kind,
            tags=tags,
            body=body if kind == "note" else "",
            link="https://www.12371.cn/" if kind == "link" else "",
            summary=body[:100],
            actor=admin,
        )
        for title, kind, tags, body in MATERIALS
    ]
    session_services.plan_create(
        organization=branch,
        actor=secretary,
        year=today.year,
        title=f"{branch.name}{today.year}年度学习计划",
        topics="学习党章党规；学习党员教育管理工作条例；业务知识与廉政教育。",
        required_hours=Decimal("32"),
        materials=materials[:2],
    )

    # Past sessions of the demo branch, twice a month, with attendance marked by the secretary.
    rng = context.rng
    start = today - timedelta(days=150)
    held = []
    for index in range(10):
        day = start + timedelta(days=15 * index)
        title, kind = SESSION_TOPICS[index % len(SESSION_TOPICS)]
        held.append(
            session_services.session_create(
                organization=branch,
                actor=secretary,
                title=title,
                kind=kind,
                mode=StudyMode.IN_PERSON if index % 3 else StudyMode.ONLINE,
                starts_at=_at(day, 14, 30),
                ends_at=_at(day, 16, 30),
                place="司法局三楼会议室",
                teacher="张海生",
                hours=Decimal("2"),
                materials=materials[:1],
            )
        )
    for session in held:
        for attendance in Attendance.objects.filter(session=session).select_related("person"):
            roll = rng.random()
            if attendance.person_id == member.person_id:
                status = AttendanceStatus.PRESENT if roll < 0.85 else AttendanceStatus.LEAVE
            else:
                status = (
                    AttendanceStatus.PRESENT
                    if roll < 0.8
                    else AttendanceStatus.LEAVE
                    if roll < 0.9
                    else AttendanceStatus.ABSENT
                )
            session_services.attendance_mark(
                attendance=attendance,
                status=status,
                actor=secretary,
                reason="外出办案" if status == AttendanceStatus.LEAVE else "",
            )

    # Every other organization without children holds a few sessions, so that the county's
    # comparison of branches has something to compare; the admin records them.
    year_start = today.replace(month=1, day=8)
    others = [
        org
        for key, org in orgs.items()
        if key != "justice1" and org.is_leaf() and org.pk != root.pk
    ]
    for org in others:
        for index in range(9):
            day = year_start + timedelta(days=36 * index + rng.randint(0, 20))
            title, kind = SESSION_TOPICS[(index + org.pk) % len(SESSION_TOPICS)]
            session = session_services.session_create(
                organization=org,
                actor=admin,
                title=title,
                kind=kind,
                mode=StudyMode.IN_PERSON,
                starts_at=_at(day, 9),
                ends_at=_at(day, 11),
                place="党员活动室",
                hours=Decimal("4"),
            )
            missed = rng.uniform(0.02, 0.25)
            for attendance in Attendance.objects.filter(session=session):
                if rng.random() < missed:
                    session_services.attendance_mark(
                        attendance=attendance, status=AttendanceStatus.ABSENT, actor=admin
                    )
            session_services.attendance_mark_all_present(session=session, actor=admin)

    # One under way now (to try the QR sign-in) and one tomorrow (the reminder).
    now = timezone.now().replace(second=0, microsecond=0)
    session_services.session_create(
        organization=branch,
        actor=secretary,
        title="学习贯彻全会精神专题学习",
        kind=StudyKind.CONCENTRATED,
        mode=StudyMode.IN_PERSON,
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(hours=2),
        place="司法局三楼会议室",
        teacher="张海生",
        hours=Decimal("2"),
    )
    tomorrow = today + timedelta(days=1)
    session_services.session_create(
        organization=branch,
        actor=secretary,
        title="基层党务工作实务（线上）",
        kind=StudyKind.TRAINING,
        mode=StudyMode.ONLINE,
        starts_at=_at(tomorrow, 9),
        ends_at=_at(tomorrow, 11),
        link="https://study.example.cn/live/2026",
        teacher="县委党校",
        hours=Decimal("2"),
    )

    # The demo member's own study.
    hours_services.self_study_create(
        actor=member,
        title="自学《中国共产党章程》",
        studied_on=today - timedelta(days=20),
        hours=Decimal("3"),
        note="通读党章全文，重点学习党员的义务和权利。",
    )
    hours_services.self_study_create(
        actor=member,
        title="观看专题教育片",
        studied_on=today - timedelta(days=3),
        hours=Decimal("1.5"),
        note="观看廉政警示教育片并做笔记。",
    )
    reflections.reflection_submit(
        title="学习党章的几点体会", text=REFLECTION, session=held[0], actor=member
    )


def register() -> None:
    demo_steps.register(DemoStep("study", 20, populate))
