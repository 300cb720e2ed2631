"""Factories of the library and reflections tests: materials, reflections, members with accounts,
sessions a member was expected at, and uploads of every kind."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from faker import Faker

from grassroots.orgs.tests.factories import PersonFactory
from grassroots.study.enums import MaterialKind, ReflectionStatus, StudyKind, StudyMode
from grassroots.study.models import (
    Attendance,
    Material,
    Reflection,
    ReflectionEvent,
    StudySession,
)
from grassroots.study.services.reflections import text_length

fake = Faker("zh_CN")

MIN_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def long_text(chars: int = 320) -> str:
    """Chinese text of exactly `chars` characters without whitespace, in paragraphs."""
    words = "学习贯彻党的二十大精神坚持以人民为中心的发展思想扎实推进基层党建工作"
    body = (words * (chars // len(words) + 1))[:chars]
    return "\n\n".join(body[i : i + 100] for i in range(0, len(body), 100))


def pdf_upload(name: str = "学习材料.pdf", size: int | None = None) -> SimpleUploadedFile:
    content = MIN_PDF if size is None else MIN_PDF + b"0" * (size - len(MIN_PDF))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def member(make_user, organization, role: str = "member", role_org=None, **person):
    """A person of `organization` with an account holding `role` (on `role_org`, by default
    the same organization)."""
    someone = PersonFactory(primary_org=organization, **person)
    return make_user(role, role_org or organization, person=someone)


def session_expecting(person, organization=None, **fields) -> StudySession:
    """A study session of the person's organization at which they are expected."""
    starts = fields.pop("starts_at", timezone.now() - timedelta(days=3))
    session = StudySession.objects.create(
        organization=organization or person.primary_org,
        title=fields.pop("title", "学习二十大报告"),
        kind=StudyKind.BRANCH,
        mode=StudyMode.IN_PERSON,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        hours=Decimal("2"),
        **fields,
    )
    Attendance.objects.create(session=session, person=person)
    return session


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material
        skip_postgeneration_save = True

    organization = None
    title = factory.LazyFunction(lambda: f"学习资料{fake.word()}")
    kind = MaterialKind.NOTE
    body = factory.LazyFunction(lambda: fake.paragraph())

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            from grassroots.study.models import MaterialTag

            obj.tags.set([MaterialTag.objects.get_or_create(name=n)[0] for n in extracted])


class ReflectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reflection
        skip_postgeneration_save = True

    person = None
    title = factory.Sequence(lambda n: f"学习心得{n}")
    text = factory.LazyFunction(long_text)
    length = factory.LazyAttribute(lambda o: text_length(o.text))
    status = ReflectionStatus.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def submitted_event(obj, create, extracted, **kwargs):
        if create:
            ReflectionEvent.objects.create(reflection=obj, from_status="", to_status="submitted")
