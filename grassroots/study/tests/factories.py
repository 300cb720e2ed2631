"""factory_boy factories of the study app's sessions part: plans, sessions, attendance, make-ups,
self-study; helpers for members with accounts and for evidence uploads."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from faker import Faker

from grassroots.orgs.tests.factories import PersonFactory
from grassroots.study.enums import AttendanceStatus, Audience, StudyKind, StudyMode
from grassroots.study.models import (
    Attendance,
    HoursTarget,
    MakeUp,
    SelfStudy,
    StudyPlan,
    StudySession,
    StudyYear,
)

fake = Faker("zh_CN")

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf_file(name: str = "佐证材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def fake_pdf(name: str = "伪装.pdf") -> SimpleUploadedFile:
    """An HTML page posing as a PDF: refused by the upload checks."""
    return SimpleUploadedFile(name, b"<html><script>alert(1)</script></html>", "application/pdf")


def member_with_account(make_user, organization, role: str | None = None, role_org=None, **person):
    """A person of `organization` with an account (and `role` on `role_org`, if given)."""
    someone = PersonFactory(primary_org=organization, **person)
    if role:
        return make_user(role, role_org or organization, person=someone)
    return make_user(person=someone)


class StudyPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudyPlan
        skip_postgeneration_save = True

    organization = None
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    title = factory.LazyAttribute(lambda o: f"{o.year}年度理论学习计划")
    topics = "习近平新时代中国特色社会主义思想\n党章党规\n党的二十大精神"
    required_hours = Decimal("32")


class StudySessionFactory(factory.django.DjangoModelFactory):
    """A scheduled session, tomorrow by default. It expects nobody until attendances are made
    (use AttendanceFactory, or services.session_create for the audience rules)."""

    class Meta:
        model = StudySession
        skip_postgeneration_save = True

    organization = None
    title = factory.Sequence(lambda n: f"专题学习第{n}期")
    kind = StudyKind.BRANCH
    mode = StudyMode.IN_PERSON
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    place = "党员活动室"
    teacher = factory.LazyFunction(fake.name)
    hours = Decimal("2")
    audience = Audience.SELECTED


class AttendanceFactory(factory.django.DjangoModelFactory):
    """An attendance row; keeps the session's expected and present counts exact."""

    class Meta:
        model = Attendance
        skip_postgeneration_save = True

    session = None
    person = None
    status = AttendanceStatus.EXPECTED

    @factory.post_generation
    def counts(obj, create, extracted, **kwargs):
        if create:
            rows = Attendance.objects.filter(session=obj.session)
            StudySession.objects.filter(pk=obj.session_id).update(
                expected_count=rows.count(),
                present_count=rows.filter(status=AttendanceStatus.PRESENT).count(),
            )


class MakeUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MakeUp

    attendance = None
    note = "自学会议材料并观看录像，撰写学习笔记一篇。"


class SelfStudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfStudy

    person = None
    title = "学习《中国共产党章程》"
    studied_on = factory.LazyFunction(timezone.localdate)
    hours = Decimal("2")
    note = "逐章学习党章，摘抄要点。"


class StudyYearFactory(factory.django.DjangoModelFactory):
    """A ledger row written directly (for pages and reminders), not through credits."""

    class Meta:
        model = StudyYear
        django_get_or_create = ("person", "year")

    person = None
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    target = Decimal("32")


class HoursTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HoursTarget
        django_get_or_create = ("category",)

    category = HoursTarget.Category.MEMBER
    hours = Decimal("32")
    position_keywords = ""


def session_with(people, organization=None, **fields) -> StudySession:
    """A session expecting `people` (of the first person's organization by default)."""
    people = list(people)
    session = StudySessionFactory(organization=organization or people[0].primary_org, **fields)
    for person in people:
        AttendanceFactory(session=session, person=person)
    session.refresh_from_db()
    return session
