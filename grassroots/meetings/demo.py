"""Organizational life of the demo county: a year of 三会一课 in every branch and party group
(most of them compliant, three that are not), the demo branch's recent meetings with minutes,
a revision and a photo, a meeting under way (to try the QR check-in) and one tomorrow with its
notice, activities with a waiting list and volunteer hours, and three pairings.

The demo branch's meetings, the activities and the pairings go through the services. The
county's history (some 700 meetings, ten thousand attendance rows) is written in bulk, with
the same counters the attendance services keep, so that the demo stays quick to build.
"""

from __future__ import annotations

import dataclasses
import io
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from grassroots.core.calendar import is_working_day
from grassroots.core.registry import DemoContext, DemoStep, demo_steps
from grassroots.orgs.enums import PersonStatus
from grassroots.orgs.models import Organization, Person

from .compliance import HELD_COUNTS, active_rules
from .enums import (
    ActivityKind,
    AttendanceStatus,
    AttendeeRole,
    MeetingStatus,
    PairingKind,
    Period,
    Rsvp,
)
from .models import Meeting, MeetingAttendance, MeetingKind, Minutes, MinutesRevision
from .periods import period_of
from .services import activities as activity_services
from .services import attendance as attendance_services
from .services import meetings as meeting_services
from .services import minutes as minutes_services
from .services import pairings as pairing_services

ORDER = 40  # after study (20) and quizzes (30)
DEMO_BRANCH = "justice1"
_BULK = 2000

# When each kind of meeting is held: (start, end) local times and the days of the month to
# pick a working day from.
TIMES = {
    "committee_meeting": ((14, 30), (16, 0), (3, 10)),
    "theme_day": ((9, 0), (11, 30), (14, 24)),
    "general_meeting": ((14, 30), (16, 30), (10, 22)),
    "party_lecture": ((15, 0), (17, 0), (8, 26)),
    "group_meeting": ((16, 0), (17, 0), (8, 20)),
    "life_meeting": ((9, 0), (12, 0), (0, 0)),
    "member_appraisal": ((14, 30), (17, 0), (0, 0)),
}
DEFAULT_TIMES = ((14, 30), (16, 0), (10, 20))

THEME_DAYS = {
    1: ("新春走访慰问困难党员", "走访慰问困难党员和老党员，送去组织关怀。"),
    2: ("“学雷锋”志愿服务主题党日", "到社区开展学雷锋志愿服务，清理卫生死角。"),
    3: ("学习全国两会精神主题党日", "集中学习政府工作报告，交流学习体会。"),
    4: ("清明祭英烈主题党日", "到县革命烈士陵园敬献花篮，重温入党誓词。"),
    5: ("“五四”青年党员座谈主题党日", "青年党员交流岗位建功体会。"),
    6: ("“七一”前夕重温入党誓词", "集体重温入党誓词，为老党员佩戴“光荣在党50年”纪念章。"),
    7: ("庆祝建党主题党日", "学习党史故事，观看红色影片。"),
    8: ("“八一”走访慰问退役军人", "走访慰问辖区退役军人和军属。"),
    9: ("全民国防教育主题党日", "观看国防教育专题片，开展国防知识问答。"),
    10: ("走进红色教育基地主题党日", "赴县红色教育基地参观学习，接受革命传统教育。"),
    11: ("学习贯彻全会精神主题党日", "原原本本学习全会公报，结合岗位谈体会。"),
    12: ("“12·4”国家宪法日学宪法", "学习宪法，开展普法宣传。"),
}
THEME_PLACES = ("党员活动室", "县革命烈士陵园", "县红色教育基地", "新时代文明实践站")
COMMITTEE_TOPICS = (
    "研究本月党建工作安排；讨论党费收缴情况",
    "研究发展党员工作，确定入党积极分子培养联系人",
    "研究支部年度学习计划落实情况",
    "研究党员教育管理工作；讨论困难党员帮扶名单",
    "研究“三会一课”落实情况，部署下月主题党日活动",
    "研究党风廉政建设工作，分析党员思想动态",
)
COMMITTEE_DECISIONS = (
    "本月主题党日活动由宣传委员牵头组织",
    "按时收缴本季度党费，月底前完成",
    "确定2名入党积极分子的培养联系人",
    "对困难党员开展走访慰问，由组织委员负责",
    "下月15日前报送支部工作总结",
    "组织党员参加县委党校网络专题培训",
)
GENERAL_TOPICS = (
    ("支部党员大会", "通报支部工作情况；讨论接收预备党员"),
    ("支部党员大会", "学习上级会议精神；讨论预备党员转正"),
    ("支部党员大会", "通报党费收缴使用情况；部署下季度工作"),
    ("支部党员大会", "听取支部委员会工作报告；评议支部工作"),
)
GENERAL_DECISIONS = (
    "同意接收1名同志为中共预备党员，报上级党组织审批",
    "同意1名预备党员按期转为正式党员",
    "通过本季度党费收缴使用情况的报告",
    "下季度开展党员志愿服务活动不少于1次",
)
LECTURES = (
    "书记讲党课：以高质量党建引领高质量发展",
    "学习党章 争做合格党员",
    "弘扬伟大建党精神 践行初心使命",
    "加强作风建设 锤炼党性修养",
    "学习《中国共产党纪律处分条例》",
    "传承红色基因 担当时代使命",
    "牢记宗旨 做群众的贴心人",
    "学习新思想 建功新时代",
)
GROUP_TOPICS = (
    "学习上级文件精神，交流思想和工作情况",
    "开展党员“亮身份、作承诺”活动",
    "讨论本小组党员联系群众情况",
    "学习支部委员会会议精神，布置本月任务",
)
LEAVE_REASONS = {
    "justice": ("外出办案", "出差", "病假", "参加庭审", "下乡调解纠纷"),
    "hospital": ("值班", "手术", "病假", "外出进修", "出差"),
    "school": ("监考", "外出培训", "病假", "带学生参加比赛", "出差"),
    "village": ("外出务工", "农忙", "病假", "家中有事", "出差"),
    "organ": ("出差", "病假", "外出培训", "下乡调研", "家中有事"),
}


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _month_start(day: date, back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _months(start: date, last: date) -> list[date]:
    """First days of the months from `start`'s to `last`'s."""
    months, current = [], start.replace(day=1)
    while current <= last:
        months.append(current)
        current = _month_start(current, -1)
    return months


@lru_cache(maxsize=1024)
def _working(day: date) -> bool:
    return is_working_day(day)


def _pick_day(rng: random.Random, month: date, low: int, high: int) -> date:
    days = []
    for number in range(low, high + 1):
        try:
            day = month.replace(day=number)
        except ValueError:  # 30 February
            break
        if _working(day):
            days.append(day)
    return rng.choice(days) if days else month.replace(day=low)


def _flavour(key: str) -> str:
    for prefix, flavour in (
        ("justice", "justice"),
        ("hospital", "hospital"),
        ("school", "school"),
        ("edu", "school"),
    ):
        if key.startswith(prefix):
            return flavour
    if key.split("_")[0] in ("dongjie", "xijie", "nanguan", "hekoucun", "liushuwan", "shimen"):
        return "village"
    return "organ"


def _place(key: str, org: Organization, kind: str, rng: random.Random) -> str:
    if kind == "theme_day":
        return rng.choice(THEME_PLACES)
    if _flavour(key) == "village":
        return "党群服务中心会议室"
    if _flavour(key) == "hospital":
        return "县人民医院行政楼会议室"
    if _flavour(key) == "school":
        return "学校会议室"
    return f"{org.name.removesuffix('党支部')}三楼会议室"


# --- The plan: which meetings each organization held, pure data ------------------------------


@dataclass
class Planned:
    key: str
    org: Organization
    kind: str
    day: date
    cancelled: str = ""  # the reason, for a meeting called off


@dataclass(frozen=True)
class Window:
    today: date
    start: date  # the first day of the first month with meetings

    @property
    def last_month(self) -> date:
        return _month_start(self.today, 1)

    def months_ago(self, n: int) -> date:
        return _month_start(self.today, n)


def window_for(today: date) -> Window:
    """The year so far, and at least the five months before this one (a quarter that is over,
    early in a year)."""
    return Window(today, min(date(today.year, 1, 1), _month_start(today, 5)))


# Organizations that miss meetings, so that the compliance pages show red (relative to today).
def _skipped(w: Window, item: Planned) -> bool:
    this_quarter = period_of(w.today, Period.QUARTER)
    previous_quarter = period_of(this_quarter.start - timedelta(days=1), Period.QUARTER)
    month = item.day.replace(day=1)
    return (
        (
            item.key == "shimen_branch"
            and item.kind == "committee_meeting"
            and month == w.months_ago(4)
        )
        or (item.key == "shimen_branch" and item.kind == "theme_day" and month == w.months_ago(2))
        or (
            item.key == "hospital2"
            and item.kind == "party_lecture"
            and (previous_quarter.start <= item.day < this_quarter.end)
        )
        or (item.key == "hekoucun_g2" and item.kind == "group_meeting" and month == w.last_month)
    )


def _cancel_reason(w: Window, item: Planned) -> str:
    if (
        item.key == "liushuwan_branch"
        and item.kind == "committee_meeting"
        and item.day.replace(day=1) == w.months_ago(2)
    ):
        return "村“两委”集中开展防汛值守，会议延期"
    return ""


def plan_meetings(
    w: Window, organizations: dict[str, Organization], rules_by_kind: dict, seed: int
) -> list[Planned]:
    """Every meeting of the window for the organizations whose kind has rules, by the rules:
    monthly ones each month, quarterly ones in a month of each quarter, yearly ones in January
    or February; up to the end of this month (later ones are not planned yet)."""
    planned: list[Planned] = []
    months = _months(w.start, w.today)
    month_end = _month_start(w.today, -1)
    for key, org in organizations.items():
        rules = rules_by_kind.get(org.kind_id)
        if not rules:
            continue
        rng = random.Random(f"{seed}-{key}")
        for rule in rules:
            code = rule.meeting_kind.code
            low, high = TIMES.get(code, DEFAULT_TIMES)[2]
            if rule.period == Period.MONTH:
                days = [_pick_day(rng, m, low, high) for m in months]
            elif rule.period == Period.QUARTER:
                days = []
                for m in months:
                    quarter = period_of(m, Period.QUARTER)
                    if m == max(quarter.start, w.start):
                        choices = [
                            x for x in _months(quarter.start, quarter.last_day) if x >= w.start
                        ]
                        days.append(_pick_day(rng, rng.choice(choices), low, high))
            else:
                # 组织生活会 in the morning and 民主评议党员 in the afternoon of one day in
                # January or February (the same day for both: one seed per organization and year).
                days = []
                for year in range(w.start.year, w.today.year + 1):
                    yearly = random.Random(f"{seed}-{key}-{year}")
                    if yearly.random() < 0.5:
                        days.append(_pick_day(yearly, date(year, 1, 1), 12, 30))
                    else:
                        days.append(_pick_day(yearly, date(year, 2, 1), 18, 28))
            for day in days:
                if day >= month_end:
                    continue
                item = Planned(key, org, code, day)
                if _skipped(w, item):
                    continue
                item.cancelled = _cancel_reason(w, item)
                planned.append(item)
    planned.sort(key=lambda p: (p.day, p.key, p.kind))
    return planned


# --- Texts -------------------------------------------------------------------------------------


def _texts(item: Planned, rng: random.Random, secretary_name: str) -> dict:
    """Title, topic, agenda, lecturer and the decisions of a planned meeting."""
    month = item.day.month
    decisions: list[str] = []
    lecturer = ""
    if item.kind == "committee_meeting":
        title = f"{month}月份支部委员会会议"
        topic = rng.choice(COMMITTEE_TOPICS)
        decisions = rng.sample(COMMITTEE_DECISIONS, 2)
    elif item.kind == "theme_day":
        title, topic = THEME_DAYS[month]
        decisions = ["活动照片和学习记录于本周内归档"]
    elif item.kind == "general_meeting":
        quarter = (month - 1) // 3 + 1
        name, topic = GENERAL_TOPICS[quarter - 1]
        title = f"第{'一二三四'[quarter - 1]}季度{name}"
        decisions = [GENERAL_DECISIONS[quarter - 1], "会议精神由各党小组传达到每名党员"]
    elif item.kind == "party_lecture":
        title = rng.choice(LECTURES)
        topic = "专题党课，联系本单位实际谈认识、讲要求。"
        lecturer = secretary_name if rng.random() < 0.7 else "县委党校 刘晓红"
    elif item.kind == "group_meeting":
        title = f"{month}月份党小组会"
        topic = rng.choice(GROUP_TOPICS)
        decisions = ["小组党员本月至少联系服务群众2户"]
    elif item.kind == "life_meeting":
        title = f"{item.day.year - 1}年度组织生活会"
        topic = "对照党章党规，查摆问题，开展批评和自我批评。"
        decisions = [
            "通过支部班子对照检查材料",
            "针对查摆出的问题建立整改清单，限期整改",
        ]
    elif item.kind == "member_appraisal":
        title = f"{item.day.year - 1}年度民主评议党员"
        topic = "党员个人自评、党员互评、民主测评。"
        decisions = ["评议结果：优秀党员3名，其余均为合格", "评议结果报上级党组织备案"]
    else:
        title, topic = "支部工作会议", "研究近期工作。"
    agenda = "一、" + topic.replace("；", "\n二、", 1)
    return {
        "title": title,
        "topic": topic,
        "agenda": agenda,
        "lecturer": lecturer,
        "decisions": decisions,
    }


def _minutes_text(host: str, counts: tuple[int, int, int], texts: dict, leaves: list[str]) -> str:
    expected, present, leave = counts
    lines = [
        f"会议由{host}主持。应到{expected}人，实到{present}人，请假{leave}人"
        + (f"（{'；'.join(leaves)}）" if leaves else "")
        + "。",
        f"会议议题：{texts['topic']}",
    ]
    if texts["lecturer"]:
        lines.append(
            f"{texts['lecturer']}同志围绕“{texts['title']}”讲授专题党课，与会党员结合岗位交流了学习体会。"
        )
    else:
        lines.append("与会人员逐项讨论，充分发表意见，形成一致意见。")
    if texts["decisions"]:
        lines.append("会议议定：" + "；".join(texts["decisions"]) + "。")
    return "\n".join(lines)


# --- The county's history, in bulk --------------------------------------------------------------


def _held_rows(meeting: Meeting, members: list[tuple[int, str]], flavour: str, rng, admin):
    """Attendance of a held meeting: mostly present (by scan or on the paper list), some on
    leave with a reason, few absent. Returns the rows and the names on leave with reasons."""
    rows, leaves = [], []
    by_scan = flavour != "village" and rng.random() < 0.7
    for person_id, name in members:
        roll = rng.random()
        row = MeetingAttendance(meeting=meeting, person_id=person_id, role=AttendeeRole.MEMBER)
        if roll < 0.87:
            row.status = AttendanceStatus.PRESENT
            if by_scan and rng.random() < 0.9:
                row.checked_in_at = meeting.starts_at - timedelta(minutes=rng.randint(1, 25))
                row.rsvp, row.rsvp_at = Rsvp.ATTENDING, meeting.starts_at - timedelta(hours=20)
            else:
                row.by_hand, row.marked_by = True, admin
        elif roll < 0.97:
            reason = rng.choice(LEAVE_REASONS[flavour])
            row.status, row.leave_reason = AttendanceStatus.LEAVE, reason
            row.rsvp = Rsvp.LEAVE
            row.rsvp_at = meeting.starts_at - timedelta(hours=rng.randint(2, 40))
            leaves.append(f"{name}：{reason}")
        else:
            row.status, row.by_hand, row.marked_by = AttendanceStatus.ABSENT, True, admin
        rows.append(row)
    return rows, leaves


def _bulk_history(items: list[Planned], context: DemoContext, now: datetime) -> int:
    admin = context.admin
    rng = random.Random(context.rng.random())
    kinds = {k.code: k for k in MeetingKind.objects.all()}
    org_ids = {item.org.pk for item in items}
    members: dict[int, list[tuple[int, str]]] = {}
    for org_id, person_id, name in (
        Person.objects.filter(primary_org_id__in=org_ids, status=PersonStatus.ACTIVE)
        .order_by("pk")
        .values_list("primary_org_id", "pk", "name")
    ):
        members.setdefault(org_id, []).append((person_id, name))
    names = dict(
        Person.objects.filter(
            pk__in={i.org.secretary_id for i in items if i.org.secretary_id}
        ).values_list("pk", "name")
    )

    meetings: list[Meeting] = []
    extras: list[tuple[Planned, dict, list, list]] = []
    for item in items:
        people = members.get(item.org.pk)
        if not people or item.kind not in kinds:
            continue
        (sh, sm), (eh, em), _days = TIMES.get(item.kind, DEFAULT_TIMES)
        texts = _texts(item, rng, names.get(item.org.secretary_id, ""))
        starts_at, ends_at = _at(item.day, sh, sm), _at(item.day, eh, em)
        held = ends_at < now and not item.cancelled
        recorder = next((pid for pid, _n in people if pid != item.org.secretary_id), None)
        meeting = Meeting(
            organization=item.org,
            kind=kinds[item.kind],
            title=texts["title"],
            topic=texts["topic"],
            agenda=texts["agenda"],
            lecturer=texts["lecturer"],
            starts_at=starts_at,
            ends_at=ends_at,
            place=_place(item.key, item.org, item.kind, rng),
            host_id=item.org.secretary_id,
            recorder_id=recorder,
            status=MeetingStatus.HELD
            if held
            else MeetingStatus.CANCELLED
            if item.cancelled
            else MeetingStatus.SCHEDULED,
            cancel_reason=item.cancelled,
            notified_at=starts_at - timedelta(days=2)
            if starts_at - timedelta(days=2) < now
            else None,
            created_by=admin,
        )
        if held:
            rows, leaves = _held_rows(meeting, people, _flavour(item.key), rng, admin)
        else:
            rows = [
                MeetingAttendance(meeting=meeting, person_id=pid, role=AttendeeRole.MEMBER)
                for pid, _n in people
            ]
            leaves = []
        meeting.expected_count = len(rows)
        meeting.present_count = sum(r.status == AttendanceStatus.PRESENT for r in rows)
        meeting.leave_count = sum(r.status == AttendanceStatus.LEAVE for r in rows)
        meetings.append(meeting)
        extras.append((item, texts, rows, leaves))
    Meeting.objects.bulk_create(meetings, batch_size=500)
    HELD_COUNTS.changed()  # bulk writes send no signal

    attendance: list[MeetingAttendance] = []
    minutes: list[Minutes] = []
    for meeting, (item, texts, rows, leaves) in zip(meetings, extras, strict=True):
        for row in rows:
            row.meeting = meeting
        attendance.extend(rows)
        if meeting.status != MeetingStatus.HELD:
            continue
        roll = rng.random()
        recent = now - meeting.ends_at < timedelta(days=7)
        if roll < (0.4 if recent else 0.06):
            continue  # no minutes yet
        host = names.get(item.org.secretary_id, "支部书记")
        text = _minutes_text(
            host,
            (meeting.expected_count, meeting.present_count, meeting.leave_count),
            texts,
            leaves,
        )
        published = roll < (0.7 if recent else 0.95)
        published_at = min(meeting.ends_at + timedelta(hours=rng.randint(2, 60)), now)
        minutes.append(
            Minutes(
                meeting=meeting,
                text=text,
                decisions="\n".join(texts["decisions"]),
                revision=1 if published else 0,
                published_at=published_at if published else None,
                updated_by=admin,
            )
        )
    MeetingAttendance.objects.bulk_create(attendance, batch_size=_BULK)
    Minutes.objects.bulk_create(minutes, batch_size=500)
    MinutesRevision.objects.bulk_create(
        [
            MinutesRevision(
                minutes=m,
                number=1,
                text=m.text,
                decisions=m.decisions,
                published_at=m.published_at,
                published_by=admin,
            )
            for m in minutes
            if m.revision
        ],
        batch_size=500,
    )
    return len(meetings)


# --- The demo branch, through the services ------------------------------------------------------


def demo_photo(name: str = "会议现场.jpg", seed: int = 0) -> SimpleUploadedFile:
    """A small JPEG drawn in memory: a room, a screen and rows of seats."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (640, 400), (236, 232, 222))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 300, 640, 400), fill=(168, 132, 96))
    draw.rectangle((170, 30, 470, 170), fill=(190, 30, 45))  # the banner
    draw.rectangle((200, 60, 440, 140), outline=(250, 220, 120), width=4)
    for row in range(3):
        for seat in range(8):
            x, y = 40 + seat * 72, 200 + row * 60
            shade = rng.randint(30, 90)
            draw.ellipse((x + 18, y - 22, x + 42, y + 2), fill=(shade, shade, shade))
            draw.rectangle((x + 10, y, x + 50, y + 40), fill=(40, 60, 110))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _branch_meeting(branch, kind, *, actor, texts, starts_at, ends_at, **kw):
    return meeting_services.meeting_create(
        organization=branch,
        kind=kind,
        actor=actor,
        title=texts["title"],
        topic=texts["topic"],
        agenda=texts["agenda"],
        lecturer=texts["lecturer"],
        starts_at=starts_at,
        ends_at=ends_at,
        place=kw.pop("place", "司法局三楼会议室"),
        **kw,
    )


def _demo_branch(items: list[Planned], context: DemoContext, now: datetime) -> dict:
    """Last month's meetings of the demo branch (held, attendance, minutes, a revision and a
    photo), the committee meeting under way and tomorrow's party lecture with its notice."""
    orgs, users = context.organizations, context.users
    branch, secretary, member = orgs[DEMO_BRANCH], users["sj"], users["dy"]
    rng = random.Random(context.rng.random())
    kinds = {k.code: k for k in MeetingKind.objects.all()}
    recorder = Person.objects.filter(primary_org=branch, name="张海生").first() or member.person
    host = secretary.person
    held = []
    for index, item in enumerate(items):
        texts = _texts(item, rng, host.name)
        (sh, sm), (eh, em), _days = TIMES.get(item.kind, DEFAULT_TIMES)
        starts_at, ends_at = _at(item.day, sh, sm), _at(item.day, eh, em)
        meeting = _branch_meeting(
            branch,
            kinds[item.kind],
            actor=secretary,
            texts=texts,
            starts_at=starts_at,
            ends_at=ends_at,
            host=host,
            recorder=recorder,
        )
        # The member scanned the code; two asked for leave; the rest signed the paper list.
        attendance_services.meeting_check_in(
            meeting=meeting, actor=member, now=starts_at - timedelta(minutes=6)
        )
        others = list(
            meeting.attendances.exclude(person_id__in=[member.person_id, host.pk]).select_related(
                "person"
            )[:2]
        )
        leaves = []
        for row, reason in zip(
            others, ("外出办案", "出差") if index % 2 else ("病假",), strict=False
        ):
            attendance_services.attendance_mark(
                attendance=row,
                status=AttendanceStatus.LEAVE,
                actor=secretary,
                reason=reason,
                now=starts_at - timedelta(hours=3),
            )
            leaves.append(f"{row.person.name}：{reason}")
        attendance_services.attendance_mark_all_present(
            meeting=meeting, actor=secretary, now=starts_at + timedelta(minutes=5)
        )
        meeting_services.meeting_mark_held(meeting=meeting, actor=secretary)
        meeting.refresh_from_db()
        text = _minutes_text(
            host.name,
            (meeting.expected_count, meeting.present_count, meeting.leave_count),
            texts,
            leaves,
        )
        decisions = "\n".join(texts["decisions"])
        minutes_services.minutes_publish(
            meeting=meeting,
            actor=secretary,
            text=text,
            decisions=decisions,
            now=min(ends_at + timedelta(hours=20), now),
        )
        held.append((meeting, text, decisions))
    if held:
        # The first one was corrected after publishing: the earlier version is kept.
        meeting, text, decisions = held[0]
        minutes_services.minutes_revise(
            meeting=meeting,
            actor=secretary,
            text=text + "\n会后，支部书记对各项决议的落实作了分工。",
            decisions=decisions + "\n各项决议由组织委员跟踪落实，月底前报告进展",
            reason="补充决议的落实分工",
            now=min(meeting.ends_at + timedelta(days=2), now),
        )
        photo_of = next((m for m, _t, _d in held if m.kind.code == "theme_day"), held[-1][0])
        minutes_services.attachment_add(
            meeting=photo_of, file=demo_photo(), actor=secretary, caption="活动现场"
        )

    under_way = meeting_services.meeting_create(
        organization=branch,
        kind=kinds["committee_meeting"],
        actor=secretary,
        title=f"{timezone.localdate().month}月份支部委员会会议",
        topic="研究年终党建工作考核迎检安排；讨论下月主题党日方案",
        agenda="一、研究年终党建工作考核迎检安排\n二、讨论下月主题党日方案",
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(hours=2),
        place="司法局三楼会议室",
        host=host,
        recorder=recorder,
        send_notice=True,
    )
    attendance_services.meeting_check_in(meeting=under_way, actor=secretary, now=now)
    away = under_way.attendances.exclude(
        person_id__in=[member.person_id, host.pk, recorder.pk]
    ).first()
    if away is not None:
        attendance_services.attendance_mark(
            attendance=away, status=AttendanceStatus.LEAVE, actor=secretary, reason="出差"
        )
    tomorrow = timezone.localdate() + timedelta(days=1)
    lecture = meeting_services.meeting_create(
        organization=branch,
        kind=kinds["party_lecture"],
        actor=secretary,
        title="书记讲党课：坚持依法行政 建设法治政府",
        topic="结合司法行政工作实际，讲授法治政府建设专题党课。",
        agenda="一、专题党课\n二、交流研讨",
        lecturer=host.name,
        starts_at=_at(tomorrow, 15),
        ends_at=_at(tomorrow, 17),
        place="司法局三楼会议室",
        host=host,
        recorder=recorder,
        send_notice=True,
    )
    return {"under_way": under_way, "tomorrow": lecture, "held": [m for m, _t, _d in held]}


# --- Activities and pairings -------------------------------------------------------------------


def _people_of(org: Organization, limit: int, exclude=()) -> list[Person]:
    return list(
        Person.objects.filter(primary_org__path__startswith=org.path, status=PersonStatus.ACTIVE)
        .exclude(pk__in=[p for p in exclude if p])
        .select_related("primary_org")
        .order_by("pk")[:limit]
    )


def _held_activity(organization, actor, *, people, checked_in, report="", photo=False, **fields):
    """An activity that took place: sign-ups by hand, check-ins, held, the report."""
    starts_at = fields["starts_at"]
    fields.setdefault("signup_deadline", starts_at - timedelta(days=1))
    activity = activity_services.activity_create(organization=organization, actor=actor, **fields)
    signups = [
        activity_services.activity_sign_up_person(
            activity=activity, person=person, actor=actor, now=starts_at - timedelta(days=3)
        )
        for person in people
    ]
    for signup in signups[:checked_in]:
        activity_services.activity_mark_checkin(
            signup=signup, present=True, actor=actor, now=starts_at + timedelta(minutes=5)
        )
    activity_services.activity_mark_held(activity=activity, actor=actor, now=fields["ends_at"])
    if report:
        activity_services.activity_report(
            activity=activity, actor=actor, report=report, now=fields["ends_at"]
        )
    if photo:
        activity_services.activity_photo_add(
            activity=activity,
            actor=actor,
            image=demo_photo("活动照片.jpg", seed=7),
            caption="活动现场",
        )
    return activity


def _activities(context: DemoContext, now: datetime) -> None:
    orgs, users, admin = context.organizations, context.users, context.admin
    branch, secretary, member = orgs[DEMO_BRANCH], users["sj"], users["dy"]
    today = timezone.localdate()
    colleagues = _people_of(branch, 8, exclude=(member.person_id, secretary.person_id))

    # A volunteer service in the future: five places, all taken, one person waiting.
    start = _at(today + timedelta(days=9), 9)
    upcoming = activity_services.activity_create(
        organization=branch,
        actor=secretary,
        kind=ActivityKind.VOLUNTEER,
        title="“法律服务进敬老院”志愿服务",
        description="为县社会福利中心老人提供法律咨询，讲解防范养老诈骗知识。",
        starts_at=start,
        ends_at=start + timedelta(hours=2, minutes=30),
        place="县社会福利中心",
        capacity=5,
        signup_deadline=start - timedelta(days=2),
        volunteer_hours=Decimal("2.5"),
    )
    activity_services.activity_sign_up(activity=upcoming, actor=secretary)
    for person in colleagues[:5]:
        activity_services.activity_sign_up_person(activity=upcoming, person=person, actor=secretary)

    # A volunteer service that took place: the member checked in and has the hours.
    start = _at(today - timedelta(days=20), 14)
    _held_activity(
        branch,
        secretary,
        people=[member.person, secretary.person, *colleagues[:5]],
        checked_in=6,
        kind=ActivityKind.VOLUNTEER,
        title="“法律服务进社区”志愿服务",
        description="在东街社区设立法律咨询台，现场解答群众法律问题，发放普法宣传资料。",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        place="东街社区新时代文明实践站",
        capacity=10,
        volunteer_hours=Decimal("3"),
        report="共接待群众咨询46人次，发放宣传资料300余份，现场调解邻里纠纷1起。",
        photo=True,
    )

    # 文体活动 of the working committee of the county's offices.
    organs = orgs["organs"]
    start = _at(today - timedelta(days=45), 14, 30)
    sporty = _people_of(organs, 11, exclude=(member.person_id,))
    _held_activity(
        organs,
        admin,
        people=[member.person, *sporty],
        checked_in=11,
        kind=ActivityKind.CULTURE,
        title="“强体魄·践初心”县直机关职工趣味运动会",
        description="设拔河、跳绳、趣味接力等项目，以支部为单位组队参加。",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        place="县全民健身中心",
        capacity=60,
        report="县直机关12个支部的百余名党员职工参加，拔河比赛县司法局代表队获得第一名。",
    )

    # 走访慰问 of the town's committee, with its report.
    town, manager = orgs["town"], users["dw"]
    start = _at(today - timedelta(days=33), 9)
    _held_activity(
        town,
        manager,
        people=_people_of(town, 5),
        checked_in=5,
        kind=ActivityKind.VISIT,
        title="重阳节走访慰问老党员、困难党员",
        description="镇党委班子成员分组走访慰问辖区老党员和困难党员。",
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        place="城关镇各村（社区）",
        report="走访慰问老党员12名、困难党员5名，送去慰问金和慰问品，"
        "详细了解生活和身体状况，帮助解决实际困难3件。",
    )


JOINT = {
    "justice": (
        (1, "新春普法宣传进社区", ActivityKind.OTHER),
        (2, "民法典宣传月法律咨询", ActivityKind.OTHER),
        (3, "矛盾纠纷排查化解座谈会", ActivityKind.OTHER),
        (4, "宪法宣传周普法进社区", ActivityKind.OTHER),
    ),
    "hospital": (
        (1, "义诊进村 健康过新年", ActivityKind.VISIT),
        (2, "“党建+健康”送医下乡", ActivityKind.VISIT),
        (3, "慢病随访与健康讲座", ActivityKind.VISIT),
        (4, "冬季健康义诊进村", ActivityKind.VISIT),
    ),
    "finance": (
        (1, "惠农补贴政策宣讲", ActivityKind.OTHER),
        (2, "村集体经济发展座谈", ActivityKind.OTHER),
        (3, "财务公开规范化指导", ActivityKind.OTHER),
        (4, "年终财务审核帮扶", ActivityKind.OTHER),
    ),
}


def _pairings(context: DemoContext, now: datetime) -> list:
    """Three pairings; the finance bureau's has done nothing this quarter (it stands out)."""
    orgs, users, admin = context.organizations, context.users, context.admin
    today = timezone.localdate()
    w = window_for(today)
    this_quarter = period_of(today, Period.QUARTER)
    start = date(w.start.year, 1, 1)
    specs = [
        (
            "justice",
            PairingKind.CONTACT,
            DEMO_BRANCH,
            "dongjie",
            users["sj"],
            "开展法律咨询进社区、矛盾纠纷联合调解和普法宣传，每季度至少开展一次共建活动。",
            True,
        ),
        (
            "hospital",
            PairingKind.COBUILD,
            "hospital1",
            "hekoucun_branch",
            admin,
            "支部结对共建：义诊送医下乡、健康知识讲座、党员联学。",
            True,
        ),
        (
            "finance",
            PairingKind.CONTACT,
            "finance",
            "shimen",
            admin,
            "挂点联系石门村：政策宣讲、村级财务规范化指导、发展村集体经济。",
            False,
        ),
    ]
    pairings = []
    for key, kind, unit_key, partner_key, actor, goals, this_quarter_too in specs:
        unit, partner = orgs[unit_key], orgs[partner_key]
        pairing = pairing_services.pairing_create(
            actor=admin,
            kind=kind,
            unit=unit,
            partner=partner,
            unit_contact=unit.secretary,
            partner_contact=partner.secretary,
            starts_on=start,
            ends_on=date(today.year + 1, 12, 31),
            goals=goals,
        )
        pairings.append(pairing)
        rng = random.Random(f"pairing-{key}")
        quarter = period_of(w.start, Period.QUARTER)
        while quarter.start <= today:
            current = quarter.start == this_quarter.start
            number = (quarter.start.month - 1) // 3 + 1
            skip = (current and not this_quarter_too) or (key == "hospital" and number == 3)
            if not skip:
                last = min(quarter.last_day, today - timedelta(days=1))
                first = max(quarter.start, w.start)
                day = first + timedelta(days=rng.randint(0, max((last - first).days, 0)))
                starts_at = _at(day, 9)
                if starts_at > now - timedelta(hours=3):
                    starts_at = max(now - timedelta(hours=3), quarter.start_at)
                _n, title, activity_kind = JOINT[key][number - 1]
                _held_activity(
                    unit,
                    actor,
                    people=[],
                    checked_in=0,
                    kind=activity_kind,
                    title=title,
                    description=goals,
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=2),
                    place=f"{partner.name}党群服务中心",
                    pairing=pairing,
                    report=f"{unit.name}与{partner.name}联合开展“{title}”活动，双方党员共同参加。",
                )
            quarter = quarter.shifted(1)
    return pairings


# --- The step ----------------------------------------------------------------------------------


def populate(context: DemoContext) -> dict:
    today = timezone.localdate()
    now = timezone.now().replace(second=0, microsecond=0)
    w = window_for(today)
    # Fresh rows: the county's secretaries were set after these objects were made.
    fresh = Organization.objects.select_related("kind").in_bulk(
        [o.pk for o in context.organizations.values()]
    )
    orgs = {key: fresh[o.pk] for key, o in context.organizations.items()}
    context = dataclasses.replace(context, organizations=orgs)
    plan = plan_meetings(w, orgs, active_rules(), seed=2026)
    # The demo branch: last month's meetings go through the services; this month's committee
    # meeting is the one under way; later ones this month are left to the visitor.
    last_month = [p for p in plan if p.key == DEMO_BRANCH and p.day.replace(day=1) == w.last_month]
    bulk = [
        p
        for p in plan
        if p.key != DEMO_BRANCH
        or (
            p.day.replace(day=1) < w.last_month
            or (
                p.day.replace(day=1) == _month_start(today)
                and p.day < today
                and p.kind != "committee_meeting"
            )
        )
    ]
    count = _bulk_history(bulk, context, now)
    branch = _demo_branch(last_month, context, now)
    _activities(context, now)
    _pairings(context, now)
    return {"meetings": count + len(branch["held"]) + 2, **branch}


def register() -> None:
    demo_steps.register(DemoStep("meetings", ORDER, populate))
